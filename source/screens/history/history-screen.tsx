/**
 * History: the audit trail of the journal — every run with who, when, the filter, counts, bytes, duration, outcome
 * and where its manifest is, in a table that renders only the rows in view, and the selected run in full below it.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {filterRows, Table, useTable, useTableFilter} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {RunRecord} from '../../lib/journal/journal.js';
import {fit, visible} from '../../lib/text/visible.js';
import {useScreenSize} from '../../hooks/use-screen-size.js';
import {historyColumns, runDetail} from './history-rows.js';
import {useHistoryKeys} from './use-history-keys.js';

export interface HistoryScreenProps {
	/** What `openJournal().runs()` returns: newest first. */
	readonly runs: readonly RunRecord[];
	/** Esc (or q). */
	readonly onClose: () => void;
	/** ?: the key help. */
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** Lines the screen may use. @default terminal rows minus the app's frame (appChromeLines) */
	readonly height?: number;
}

export function HistoryScreen({runs, onClose, onHelp, isActive, height}: HistoryScreenProps) {
	const translator = useI18n();
	const {t, number} = translator;
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const columns = useMemo(() => historyColumns(translator), [translator]);
	// Title (1), table header and position line (2), detail (6), keys (1); short terminals drop the detail.
	const compact = lines < 15;
	const page = Math.max(1, lines - (compact ? 4 : 10));
	const filter = useTableFilter(isActive);
	const shown = useMemo(() => filterRows(runs, columns, filter.query), [runs, columns, filter.query]);
	const hasFilterLine = filter.isEditing || filter.query !== '';
	const table = useTable({columns, rowCount: shown.length, pageSize: page - (hasFilterLine ? 1 : 0), width, isActive: isActive && !filter.isEditing});
	useHistoryKeys({onClose, onHelp, isActive: isActive && !filter.isEditing, hasFilter: filter.query !== ''});
	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const selected = shown[table.state.selected];
	const filterLine = filter.isEditing
		? t('table.filter.typing', {query: filter.query})
		: `${t('table.filter', {query: filter.query})} · ${t('table.filter.count', {shown: number(shown.length), total: number(runs.length)})}`;
	const detail = compact || !selected ? undefined : runDetail(translator, selected);
	return (
		<Box flexDirection='column'>
			<Text bold wrap='truncate-end'>{line(runs.length === 0 ? t('history.none') : t('history.title', {count: number(runs.length)}))}</Text>
			{hasFilterLine ? <Text color={theme.accent} wrap='truncate-end'>{line(filterLine)}</Text> : null}
			<Table
				columns={columns}
				rows={shown}
				model={table}
				width={width}
				emptyText={filter.query === '' ? t('history.empty') : t('table.filter.none', {query: filter.query})}
				toneOf={run => run.outcome === 'ok' ? undefined : run.outcome === 'failed' || run.outcome === 'abandoned' ? 'bad' : 'warn'}
			/>
			{compact ? null : (
				<Box flexDirection='column' height={6}>
					{detail ? (
						<>
							<Text bold wrap='truncate-end'>{line(detail.head)}</Text>
							<Box width={width} height={2} overflow='hidden'>
								<Text wrap='wrap'>{visible(detail.filter)}</Text>
							</Box>
							{/* Two lines: a run that deleted on the platform, or left files to a limit, says so after the usual counts. */}
							<Box width={width} height={2} overflow='hidden'>
								<Text wrap='wrap'>{visible(detail.result)}</Text>
							</Box>
							<Text wrap='truncate-end'>{line(detail.manifest)}</Text>
						</>
					) : null}
				</Box>
			)}
			<Text color={theme.muted} wrap='truncate-end'>{line(t('history.keys'))}</Text>
		</Box>
	);
}
