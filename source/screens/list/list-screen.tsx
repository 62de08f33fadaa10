/**
 * The list: every contact of the plan in the seed's columns, before anything is downloaded, with what the plan
 * found (matched count, sizes, free disk, collisions, identical files, archived ones left out). Only the rows in
 * view are rendered, so 100,000 contacts scroll as fast as 20.
 */
import {Box, Text} from 'ink';
import path from 'node:path';
import {useMemo, useState} from 'react';
import {filterRows, RowDetail, Table, useTable, useTableFilter} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Plan} from '../../lib/engine/plan.js';
import {fit, packFacts, visible} from '../../lib/text/visible.js';
import {type ContactRow, contactColumns, contactRows, plannedProgress} from './contact-rows.js';
import {useScreenSize} from '../../hooks/use-screen-size.js';
import {useListKeys} from './use-list-keys.js';

export interface ListScreenProps {
	/** The platform keeps no archived mark: "archived" is the journal's. @default false */
	readonly archivedByJournal?: boolean;
	readonly plan: Plan;
	/**
	 * The listing is still going: the plan shows the contacts listed so far and grows; d then queues the download
	 * for when it is complete.
	 */
	readonly growing?: {listed: number; downloadQueued: boolean; waitSeconds?: number};
	/** d: start the download (not offered when nothing matched). */
	readonly onDownload: () => void;
	/** Esc or q: back to the file names. */
	readonly onBack: () => void;
	/** ?: the key help. */
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** Lines the screen may use. @default terminal rows minus the app's frame (appChromeLines) */
	readonly height?: number;
}

function detailOf({t, bytes}: ReturnType<typeof useI18n>, row: ContactRow | undefined): string {
	if (!row) {
		return '';
	}

	if (row.contact.recycled) {
		return `${row.contact.id} · ${t('cell.recycled')}`;
	}

	if (!row.main) {
		return `${row.contact.id} · ${t('cell.no-file')}`;
	}

	// A transcript's size is only known once downloaded: "?" rather than a misleading 0 B.
	const size = row.files.some(file => file.size === undefined) ? '?' : bytes(row.files.reduce((sum, file) => sum + (file.size ?? 0), 0));
	const text = t(row.files.length > 1 ? 'list.detail-more' : 'list.detail', {path: row.main.relativePath, size, count: row.files.length});
	return `${row.contact.id} · ${text}${row.files.some(file => file.replaces) ? ` · ${t('list.detail-replaces')}` : ''}`;
}

export function ListScreen({plan, growing, onDownload, onBack, onHelp, isActive, height, archivedByJournal = false}: ListScreenProps) {
	const translator = useI18n();
	const {t, number} = translator;
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const allRows = useMemo(() => contactRows(plan), [plan]);
	const columns = useMemo(() => contactColumns(translator, row => plannedProgress(translator, row)), [translator]);
	const [isDetailOpen, setDetailOpen] = useState(false);
	const filter = useTableFilter(isActive && !isDetailOpen);
	const rows = useMemo(() => filterRows(allRows, columns, filter.query), [allRows, columns, filter.query]);
	const hasFilterLine = filter.isEditing || filter.query !== '';
	const compact = lines < 10;
	// A destination that cannot tell its free space (object storage) is never reported full.
	const free = plan.freeBytes ?? Number.POSITIVE_INFINITY;
	const noSpace = plan.downloadBytes > free;
	const matched = t('list.matched', {
		contacts: number(plan.contacts.length),
		files: number(plan.files.length),
		size: translator.bytes(plan.bytes),
		download: translator.bytes(plan.downloadBytes),
		free: plan.freeBytes === undefined ? '?' : translator.bytes(plan.freeBytes),
	}) + (plan.unknownSizes > 0 ? ` · ${t('list.unknown-sizes', {count: number(plan.unknownSizes)})}` : '');
	const checks = t('list.checks', {
		inBatch: number(plan.collisions.inBatch),
		onDisk: number(plan.collisions.onDisk),
		identical: number(plan.identical),
		archived: number(plan.archivedSkipped),
	}) + (plan.recycled > 0 ? ` · ${t('list.recycled', {count: number(plan.recycled)})}` : '')
		+ (archivedByJournal ? ` · ${t('list.archived.journal')}` : '');
	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	// The facts of the header and the keys move whole to a second line on a narrow terminal rather than being cut.
	const folded = (text: string) => packFacts(visible(text), width, compact ? 1 : 2).map(part => line(part));
	const matchedLines = folded(matched);
	const checkLines = compact ? [] : folded(noSpace ? `${t('list.no-space', {download: translator.bytes(plan.downloadBytes), free: translator.bytes(free)})} ${checks}` : checks);
	const keyLines = folded(t('list.keys.table'));
	// The header, the table's header and position line (2), the detail (1), the keys, the filter line when there is
	// one; short terminals drop checks and detail.
	const page = Math.max(1, lines - matchedLines.length - checkLines.length - 2 - (compact ? 0 : 1) - keyLines.length - (hasFilterLine ? 1 : 0) - (growing ? 1 : 0));
	const table = useTable({columns, rowCount: rows.length, pageSize: page, width, isActive: isActive && !filter.isEditing && !isDetailOpen});
	const selectedRow = rows[table.state.selected];
	useListKeys({
		isActive: isActive && !filter.isEditing,
		canDownload: plan.contacts.length > 0 || growing !== undefined,
		isDetailOpen,
		hasFilter: filter.query !== '',
		onDownload,
		onDetail(isOpen) {
			setDetailOpen(isOpen && selectedRow !== undefined);
		},
		onBack,
		onHelp,
	});

	if (isDetailOpen && selectedRow) {
		const fullPath = (relative: string) => plan.outDir.includes('://') ? `${plan.outDir.replace(/\/+$/, '')}/${relative}` : path.join(plan.outDir, relative);
		const extra = [
			...selectedRow.main ? [{label: t('list.detail.path'), value: fullPath(selectedRow.main.relativePath)}] : [],
			...selectedRow.files.length > 1 ? [{label: t('list.detail.files'), value: selectedRow.files.map(file => file.relativePath).join('\n')}] : [],
		];
		return (
			<RowDetail title={t('list.detail.title', {id: selectedRow.contact.id})} columns={columns} row={selectedRow} extra={extra} width={width}
				height={lines} isActive={isActive} 				keys={t('table.detail.keys')}/>
		);
	}

	const filterLine = filter.isEditing
		? t('table.filter.typing', {query: filter.query})
		: `${t('table.filter', {query: filter.query})} · ${t('table.filter.count', {shown: number(rows.length), total: number(allRows.length)})}`;
	return (
		<Box flexDirection='column'>
			{matchedLines.map((text, index) => <Text key={`matched-${index}`} bold wrap='truncate-end'>{text}</Text>)}
			{checkLines.map((text, index) => (
				<Text key={`checks-${index}`} color={noSpace ? theme.bad : plan.collisions.inBatch + plan.collisions.onDisk > 0 ? theme.warn : theme.muted} wrap='truncate-end'>
					{text}
				</Text>
			))}
			{growing ? (
				<Text color={theme.warn} wrap='truncate-end'>
					{line(`${t(growing.downloadQueued ? 'list.growing.queued' : 'list.growing', {count: number(growing.listed)})}${growing.waitSeconds ? ` · ${t('list.growing.wait', {seconds: growing.waitSeconds})}` : ''}`)}
				</Text>
			) : null}
			{hasFilterLine ? <Text color={theme.accent} wrap='truncate-end'>{line(filterLine)}</Text> : null}
			<Table
				columns={columns}
				rows={rows}
				model={table}
				width={width}
				emptyText={filter.query === '' ? t('list.empty') : t('table.filter.none', {query: filter.query})}
				toneOf={row => row.contact.recycled ? 'muted' : undefined}
			/>
			{compact ? null : <Text wrap='truncate-end'>{line(detailOf(translator, selectedRow))}</Text>}
			{keyLines.map((text, index) => <Text key={`keys-${index}`} color={theme.muted} wrap='truncate-end'>{text}</Text>)}
		</Box>
	);
}
