/**
 * After a run: what was downloaded (valid, already on disk, failed), how much and how long, where the files and the
 * manifest are, the contacts a limit held back for a later run, what "archived" meant where the platform has no mark
 * of its own, and every failure with its reason in a scrolling table (the selected one's whole reason under it), with
 * r to retry only those. Lines wrap at the terminal's width instead of being cut; the table gets what is left.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {type Column, Table, useTable} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Plan} from '../../lib/engine/plan.js';
import type {FileOutcome, RunSummary} from '../../lib/engine/run.js';
import type {RunResult} from '../../lib/run/pipeline.js';
import {formatDuration} from '../../lib/export/manifest.js';
import {fit, visible} from '../../lib/text/visible.js';
import {useScreenSize} from '../../hooks/use-screen-size.js';
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
	/** The whole result of the run: the contacts a limit held back (`admission.limited`) are said. */
	readonly result?: Pick<RunResult, 'admission'>;
	/**
	 * The platform keeps no archived mark (`capabilities.markArchived` false): the screen says that archived means
	 * exported and verified by ccdl (its journal). @default false
	 */
	readonly archivedByJournal?: boolean;
}

/** Lines of the selected failure's reason at most, so a long one cannot push the table off the screen. */
const maxReasonLines = 3;

/** Lines `text` takes when wrapped at word boundaries into `width` columns (as Ink wraps it). */
export function wrappedLines(text: string, width: number): number {
	const columns = Math.max(1, width);
	let lines = 1;
	let used = 0;
	for (const word of text.split(' ')) {
		const length = [...word].length;
		const needed = used === 0 ? length : used + 1 + length;
		if (needed <= columns) {
			used = needed;
			continue;
		}

		if (used > 0) {
			lines++;
		}

		// A word longer than the line is broken across lines.
		lines += Math.floor(Math.max(0, length - 1) / columns);
		used = length % columns || Math.min(length, columns);
	}

	return lines;
}

export function SummaryScreen(props: SummaryScreenProps) {
	const {summary, plan, manifestPath, onRetryFailed, onNewSearch, onQuit, onHelp, isActive, height, result, archivedByJournal = false} = props;
	const {t, number, bytes} = useI18n();
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const failures = summary.failures;
	const notDone = summary.unfinished;
	const columns = useMemo<Array<Column<FileOutcome>>>(() => [
		{key: 'id', title: t('col.id'), minWidth: 6, maxWidth: 10, pinned: true, value: outcome => outcome.file.contactId},
		{key: 'file', title: t('summary.col.file'), minWidth: 16, maxWidth: 32, priority: 1, value: outcome => outcome.file.relativePath},
		{key: 'code', title: t('summary.col.code'), minWidth: 8, maxWidth: 16, priority: 3, value: outcome => outcome.code ?? ''},
		{key: 'reason', title: t('summary.col.reason'), minWidth: 20, maxWidth: 400, priority: 2, value: outcome => outcome.reason ?? ''},
	], [t]);

	const limited = result?.admission.limited.length ?? 0;
	const warnings = [
		limited > 0 ? t('summary.limited', {count: number(limited)}) : '',
		summary.archiveFailures.size > 0 ? t('summary.archive-failures', {count: number(summary.archiveFailures.size)}) : '',
		plan.recycled > 0 ? t('summary.recycled', {count: number(plan.recycled)}) : '',
	].filter(Boolean).map(text => visible(text));
	const notes = archivedByJournal && summary.archived > 0 ? [t('summary.archived.journal', {count: number(summary.archived)})] : [];
	const title = summary.fatal
		? t('summary.fatal', {message: summary.fatal.message})
		: summary.interrupted ? t('summary.interrupted') : t('summary.done');
	const counts = t('summary.counts', {valid: number(summary.valid), skipped: number(summary.skipped), failed: number(summary.failed)})
		+ (notDone > 0 ? ` · ${t('summary.not-done', {count: number(notDone)})}` : '');
	const head = [
		visible(title),
		visible(counts),
		visible(t('summary.bytes', {bytes: bytes(summary.bytesTransferred), duration: formatDuration(summary.durationMs / 1000)})),
		visible(t('summary.folder', {path: plan.outDir})),
		...manifestPath ? [visible(t('summary.manifest', {path: manifestPath}))] : [],
	];
	const keysText = failures.length > 0 ? t('summary.keys', {count: number(failures.length)}) : t('summary.keys-no-retry');
	const rowsOf = (texts: readonly string[]) => texts.reduce((sum, text) => sum + wrappedLines(text, width), 0);
	// The selected failure's reason is measured before the table knows which one is selected: the longest decides.
	const reasonLines = failures.length > 0
		? Math.min(maxReasonLines, Math.max(...failures.slice(0, 500).map(outcome => wrappedLines(visible(`${outcome.file.relativePath}: ${outcome.reason ?? ''}`), width))))
		: 0;
	// What wraps takes the lines it needs; failures heading + table header and position line + reason, or "no failures".
	const fixed = rowsOf([...head, ...warnings, ...notes, keysText]) + (failures.length > 0 ? 3 + reasonLines : 1);
	const page = Math.max(1, lines - fixed);
	const table = useTable({columns, rowCount: failures.length, pageSize: page, width, isActive: isActive && failures.length > 0});
	useSummaryKeys({isActive, canRetry: failures.length > 0, onRetryFailed, onNewSearch, onQuit, onHelp});

	const selectedFailure = failures[table.state.selected];
	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const titleColor = summary.fatal ? theme.bad : summary.interrupted || failures.length > 0 || limited > 0 ? theme.warn : theme.good;
	return (
		<Box flexDirection='column' width={width}>
			<Text bold color={titleColor} wrap='wrap'>{head[0]}</Text>
			{head.slice(1).map((text, index) => <Text key={index} wrap='wrap'>{text}</Text>)}
			{warnings.map(text => <Text key={text} color={theme.warn} wrap='wrap'>{text}</Text>)}
			{notes.map(text => <Text key={text} color={theme.muted} wrap='wrap'>{text}</Text>)}
			{failures.length > 0
				? (
					<>
						<Text bold color={theme.bad} wrap='truncate-end'>{line(t('summary.failures', {count: number(failures.length)}))}</Text>
						<Table columns={columns} rows={failures} model={table} width={width} toneOf={() => 'bad'}/>
						<Box height={reasonLines} overflow='hidden' width={width}>
							<Text wrap='wrap'>{selectedFailure ? visible(`${selectedFailure.file.relativePath}: ${selectedFailure.reason ?? ''}`) : ' '}</Text>
						</Box>
					</>
				)
				: <Text color={theme.good} wrap='truncate-end'>{line(t('summary.no-failures'))}</Text>}
			<Text color={theme.muted} wrap='wrap'>{keysText}</Text>
		</Box>
	);
}
