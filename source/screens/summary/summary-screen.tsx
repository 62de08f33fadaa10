/**
 * After a run: what was downloaded (valid, already on disk, failed), how much and how long, where the files and the
 * manifest are, and every failure with its reason in a scrolling table (the selected one's whole reason under it),
 * with r to retry only those.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {type Column, Table, useTable} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Plan} from '../../lib/engine/plan.js';
import type {FileOutcome, RunSummary} from '../../lib/engine/run.js';
import {formatBytes} from '../../lib/errors.js';
import {formatDuration} from '../../lib/export/manifest.js';
import {fit, visible} from '../../lib/text/visible.js';
import {useScreenSize} from '../list/screen-size.js';
import {useSummaryKeys} from './use-summary-keys.js';

export interface SummaryScreenProps {
	readonly summary: RunSummary;
	readonly plan: Plan;
	/** The manifest written beside the files (empty when none was written). */
	readonly manifestPath: string;
	/** r: download only the failed files again (offered only when some failed). */
	readonly onRetryFailed: () => void;
	/** n: back to the filters. */
	readonly onNewSearch: () => void;
	/** q: leave the app. */
	readonly onQuit: () => void;
	/** ?: the key help. */
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** Lines the screen may use. @default terminal rows minus the app's frame (appChromeLines) */
	readonly height?: number;
}

export function SummaryScreen({summary, plan, manifestPath, onRetryFailed, onNewSearch, onQuit, onHelp, isActive, height}: SummaryScreenProps) {
	const {t, number} = useI18n();
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const failures = useMemo(() => summary.outcomes.filter(outcome => outcome.state === 'failed'), [summary]);
	const notDone = useMemo(() => summary.outcomes.filter(outcome => outcome.state === 'interrupted').length, [summary]);
	const columns = useMemo<Array<Column<FileOutcome>>>(() => [
		{key: 'id', title: t('col.id'), minWidth: 6, maxWidth: 10, pinned: true, value: outcome => outcome.file.contactId},
		{key: 'file', title: t('summary.col.file'), minWidth: 16, maxWidth: 32, priority: 1, value: outcome => outcome.file.relativePath},
		{key: 'code', title: t('summary.col.code'), minWidth: 8, maxWidth: 16, priority: 3, value: outcome => outcome.code ?? ''},
		{key: 'reason', title: t('summary.col.reason'), minWidth: 20, maxWidth: 400, priority: 2, value: outcome => outcome.reason ?? ''},
	], [t]);

	const extras = [
		summary.archiveFailures.size > 0 ? t('summary.archive-failures', {count: number(summary.archiveFailures.size)}) : '',
		plan.recycled > 0 ? t('summary.recycled', {count: number(plan.recycled)}) : '',
	].filter(Boolean);
	// Title, counts, bytes, folder (4), manifest, extras, failures heading + table frame + detail (4) or "no failures", keys.
	const fixed = 4 + (manifestPath ? 1 : 0) + extras.length + (failures.length > 0 ? 4 : 1) + 1;
	const page = Math.max(1, lines - fixed);
	const table = useTable({columns, rowCount: failures.length, pageSize: page, width, isActive: isActive && failures.length > 0});
	useSummaryKeys({isActive, canRetry: failures.length > 0, onRetryFailed, onNewSearch, onQuit, onHelp});

	const selectedFailure = failures[table.state.selected];
	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const title = summary.fatal
		? t('summary.fatal', {message: summary.fatal.message})
		: summary.interrupted ? t('summary.interrupted') : t('summary.done');
	const titleColor = summary.fatal ? theme.bad : summary.interrupted || failures.length > 0 ? theme.warn : theme.good;
	const counts = t('summary.counts', {valid: number(summary.valid), skipped: number(summary.skipped), failed: number(summary.failed)})
		+ (notDone > 0 ? ` · ${t('summary.not-done', {count: number(notDone)})}` : '');
	return (
		<Box flexDirection='column'>
			<Text bold color={titleColor} wrap='truncate-end'>{line(title)}</Text>
			<Text wrap='truncate-end'>{line(counts)}</Text>
			<Text wrap='truncate-end'>{line(t('summary.bytes', {bytes: formatBytes(summary.bytesTransferred), duration: formatDuration(summary.durationMs / 1000)}))}</Text>
			<Text wrap='truncate-end'>{line(t('summary.folder', {path: plan.outDir}))}</Text>
			{manifestPath ? <Text wrap='truncate-end'>{line(t('summary.manifest', {path: manifestPath}))}</Text> : null}
			{extras.map(text => <Text key={text} color={theme.warn} wrap='truncate-end'>{line(text)}</Text>)}
			{failures.length > 0
				? (
					<>
						<Text bold color={theme.bad} wrap='truncate-end'>{line(t('summary.failures', {count: number(failures.length)}))}</Text>
						<Table columns={columns} rows={failures} model={table} width={width} toneOf={() => 'bad'}/>
						<Text wrap='truncate-end'>{line(selectedFailure ? `${selectedFailure.file.relativePath}: ${selectedFailure.reason ?? ''}` : '')}</Text>
					</>
				)
				: <Text color={theme.good} wrap='truncate-end'>{line(t('summary.no-failures'))}</Text>}
			<Text color={theme.muted} wrap='truncate-end'>
				{line(failures.length > 0 ? t('summary.keys', {count: number(failures.length)}) : t('summary.keys-no-retry'))}
			</Text>
		</Box>
	);
}
