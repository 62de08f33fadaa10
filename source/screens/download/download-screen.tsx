/**
 * The live download: the list's table with per-contact progress, archive time and `valid`, an overall bar with
 * throughput and ETA, the counts, the latest failures with their reasons, and a status bar. The table follows the
 * files in flight (marked `•`, and where they are said on the position line) until the user moves through it; `/`
 * filters its rows as they are typed, f shows only the failed ones, Enter opens a row's detail: every column, the
 * full paths, the whole failure reason and the retries. It redraws when the run delivers a batch (at most 4 a second,
 * never per byte) plus one 1-second tick for the elapsed clock, the screen's only timer; rows whose text did not
 * change are not re-rendered.
 */
import path from 'node:path';
import {Box, Text, useAnimation} from 'ink';
import {memo, useCallback, useMemo, useReducer, useState} from 'react';
import {filterRows, RowDetail, Table, type TableMove, useTable, useTableFilter} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useRun} from '../../hooks/use-run.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {FileSnapshot} from '../../lib/engine/events.js';
import type {RunEvents} from '../../lib/engine/run.js';
import {formatDuration} from '../../lib/export/manifest.js';
import type {Translator} from '../../lib/i18n/index.js';
import {fit, packFacts, visible} from '../../lib/text/visible.js';
import {type ContactRow, contactColumns, contactRows} from '../list/contact-rows.js';
import {useScreenSize} from '../../hooks/use-screen-size.js';
import {downloadReducer} from './download-state.js';
import {liveProgress, progressBar, shareDone} from './live-progress.js';
import {type RetryHistory, useRetryHistory} from './retry-history.js';
import {useDownloadKeys} from './use-download-keys.js';

export interface DownloadScreenProps {
	readonly run: RunEvents;
	/** The user confirmed cancelling (Esc or q, then y): the app calls run.cancel(). */
	readonly onCancel: () => void;
	/** ?: the key help. */
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** Lines the screen may use. @default terminal rows minus the app's frame (appChromeLines) */
	readonly height?: number;
}

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const maxFailureLines = 3;
/** Gutter marks: a file of the row in flight, or failed. */
const inFlightMark = '•';
const failedMark = '✗';

interface StatusLineProps {
	readonly text: string;
	readonly color: string | undefined;
	readonly startedAt: number;
	/** Ticks the elapsed clock once a second while true. */
	readonly isRunning: boolean;
	readonly width: number;
}

/** The status bar with the elapsed clock: the only part that redraws on a timer. */
const StatusLine = memo(function StatusLine({text, color, startedAt, isRunning, width}: StatusLineProps) {
	const {t} = useI18n();
	useAnimation({interval: 1000, isActive: isRunning});
	const elapsed = t('download.elapsed', {time: formatDuration((Date.now() - startedAt) / 1000)});
	return <Text color={color} wrap='truncate-end'>{fit(`${elapsed} · ${text}`, width).trimEnd()}</Text>;
});

/** Where the files in flight are among the rows shown: "in flight: rows 41–48 ↓" (↑ ↓ when out of view). */
function inFlightText(t: Translator['t'], number: (value: number) => string, indices: readonly number[], top: number, page: number, isFollowing: boolean): string {
	if (indices.length === 0) {
		return '';
	}

	const first = indices[0]!;
	const last = indices.at(-1)!;
	const where = last < top ? ' ↑' : first >= top + page ? ' ↓' : '';
	const rows = first === last ? t('download.inflight.one', {row: number(first + 1)}) : t('download.inflight', {first: number(first + 1), last: number(last + 1)});
	return `${rows}${where}${isFollowing ? '' : ` (${t('download.follow.off')})`}`;
}

/** One file of a row in the detail: where it goes, its state now, and every retry it took. */
function fileDetail({t, bytes}: Translator, file: FileSnapshot | undefined, fullPath: string, retries: RetryHistory, fileId: string, plannedSize: number | undefined): string {
	const size = file?.size ?? plannedSize;
	let state: string;
	switch (file?.state) {
		case 'running': {
			state = t('download.detail.state.running', {bytes: bytes(file.bytes), size: size === undefined ? '?' : bytes(size)});
			break;
		}

		case 'valid': {
			state = t('download.detail.state.valid', {size: bytes(file.size ?? file.bytes), sha256: file.sha256 ?? ''});
			break;
		}

		case 'skipped': {
			state = t('download.detail.state.skipped', {reason: file.reason ?? ''});
			break;
		}

		case 'failed': {
			state = t('download.detail.state.failed', {reason: file.reason ?? ''});
			break;
		}

		default: {
			state = t('download.detail.state.queued');
		}
	}

	const history = (retries.get(fileId) ?? []).map(retry => t('download.detail.retry', {
		attempt: retry.attempt, reason: retry.reason, wait: formatDuration(retry.delayMs / 1000),
	}));
	return [fullPath, state, ...history.length > 0 ? history : [t('download.detail.no-retries')]].join('\n');
}

export function DownloadScreen({run, onCancel, onHelp, isActive, height}: DownloadScreenProps) {
	const translator = useI18n();
	const {t, number} = translator;
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const view = useRun(run);
	const retries = useRetryHistory(run);
	const {snapshot} = view;
	const [phase, dispatch] = useReducer(downloadReducer, 'running');
	const [isDetailOpen, setDetailOpen] = useState(false);
	const [isFailedOnly, setFailedOnly] = useState(false);
	const [isFollowing, setFollowing] = useState(true);
	// Contacts with something to download: recycled ones (and, on a retry, contacts whose files all succeeded) stay out.
	const allRows = useMemo(() => contactRows(run.plan).filter(row => row.files.length > 0), [run.plan]);
	// New columns on every batch: the visible rows recompute their text (cheap), and memo skips rows that did not change.
	const progressOf = useMemo(() => {
		const cache = new Map<ContactRow, ReturnType<typeof liveProgress>>();
		return (row: ContactRow) => {
			let progress = cache.get(row);
			if (!progress) {
				progress = liveProgress(translator, view, row);
				cache.set(row, progress);
			}

			return progress;
		};
	}, [translator, view]);
	const columns = useMemo(() => contactColumns(translator, progressOf, {pinProgress: true}), [translator, progressOf]);

	const isAsking = phase === 'confirming';
	const filter = useTableFilter(isActive && !isAsking && !isDetailOpen);
	const failedContacts = useMemo(() => new Set(view.failed.map(fileId => view.files.get(fileId)?.contactId)), [view]);
	const rows = useMemo(() => {
		const failedRows = isFailedOnly ? allRows.filter(row => failedContacts.has(row.contact.id)) : allRows;
		return filterRows(failedRows, columns, filter.query);
	}, [allRows, isFailedOnly, failedContacts, columns, filter.query]);
	// Rows of the contacts with a file in flight, in the order shown: the table follows the first.
	const inFlight = useMemo(() => {
		const contacts = new Set<string>();
		if (snapshot.running > 0) {
			for (const file of view.files.values()) {
				if (file.state === 'running') {
					contacts.add(file.contactId);
				}
			}
		}

		const indices: number[] = [];
		if (contacts.size > 0) {
			for (const [index, row] of rows.entries()) {
				if (contacts.has(row.contact.id)) {
					indices.push(index);
				}
			}
		}

		return {contacts, indices};
	}, [rows, view, snapshot.running]);

	const hasFilterLine = filter.isEditing || filter.query !== '' || isFailedOnly;
	const compact = lines < 10;
	// Bar, counts, table header and position line, detail, keys, status; the filter line when there is one.
	// The keys move whole to a second line on a narrow terminal rather than lose their end ("(s follows th…").
	const keyLines = compact ? [] : packFacts(t('download.keys'), width, 2);
	const fixed = (compact ? 5 : 6 + keyLines.length) + (hasFilterLine ? 1 : 0);
	const failureLines = view.failed.length > 0 ? Math.min(1 + Math.min(view.failed.length, maxFailureLines), Math.max(0, lines - fixed - 3)) : 0;
	const page = Math.max(1, lines - fixed - failureLines);
	const stopFollowing = useCallback((move: TableMove) => {
		if (move !== 'left' && move !== 'right') {
			setFollowing(false);
		}
	}, []);
	const table = useTable({
		columns, rowCount: rows.length, pageSize: page, width, isActive: isActive && !isAsking && !filter.isEditing && !isDetailOpen,
		...(isFollowing && inFlight.indices.length > 0 ? {follow: inFlight.indices[0]} : {}), onMove: stopFollowing,
	});
	const selected = rows[table.state.selected];
	useDownloadKeys({
		isActive: isActive && !filter.isEditing,
		phase,
		isFinished: snapshot.finished,
		dispatch,
		onCancel,
		onHelp,
		isDetailOpen,
		hasFilter: filter.query !== '',
		onDetail(isOpen) {
			setDetailOpen(isOpen && selected !== undefined);
		},
		onFailedOnly() {
			setFailedOnly(previous => !previous);
		},
		onFollow() {
			setFollowing(previous => !previous);
		},
	});

	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const fullPath = (relative: string) => run.plan.outDir.includes('://') ? `${run.plan.outDir.replace(/\/+$/, '')}/${relative}` : path.join(run.plan.outDir, relative);
	if (isDetailOpen && selected) {
		const extra = selected.files.map((file, index) => ({
			label: selected.files.length > 1 ? t('download.detail.file-n', {n: index + 1}) : t('download.detail.file'),
			value: fileDetail(translator, view.files.get(file.fileId), fullPath(view.files.get(file.fileId)?.relativePath ?? file.relativePath), retries, file.fileId, file.size),
		}));
		return (
			<RowDetail title={t('download.detail.title', {id: selected.contact.id})} columns={columns} row={selected} extra={extra} width={width}
				height={lines} isActive={isActive} 				keys={t('download.detail.keys')}/>
		);
	}

	const share = shareDone(snapshot);
	const finishedFiles = snapshot.valid + snapshot.skipped + snapshot.failed;
	const progress = t('download.progress', {
		percent: Math.floor(share * 100),
		done: translator.bytes(snapshot.bytesDone),
		total: translator.bytes(snapshot.bytesTotal),
		rate: translator.bytes(Math.round(snapshot.rate)),
		eta: snapshot.etaSeconds === undefined ? t('download.eta-unknown') : formatDuration(snapshot.etaSeconds),
	});
	const barWidth = Math.min(30, Math.max(10, width - 62));
	const counts = t('download.counts', {
		finished: number(finishedFiles),
		files: number(snapshot.files),
		valid: number(snapshot.valid),
		failed: number(snapshot.failed),
		skipped: number(snapshot.skipped),
		running: number(snapshot.running),
	});

	let detail = '';
	if (selected) {
		const failedFile = selected.files.map(file => view.files.get(file.fileId)).find(file => file?.state === 'failed');
		const runningFile = selected.files.map(file => view.files.get(file.fileId)).find(file => file?.state === 'running');
		detail = failedFile
			? t('download.detail.failed', {path: failedFile.relativePath, reason: failedFile.reason ?? ''})
			: runningFile
				? t('download.detail.running', {path: runningFile.relativePath, bytes: translator.bytes(runningFile.bytes), size: runningFile.size === undefined ? '?' : translator.bytes(runningFile.size)})
				: selected.contact.recycled ? t('cell.recycled') : selected.main ? t('download.detail', {path: selected.main.relativePath}) : t('cell.no-file');
		detail = `${selected.contact.id} · ${detail}`;
	}

	const failureCount = Math.max(0, failureLines - 1);
	const failures = (failureCount > 0 ? view.failed.slice(-failureCount) : []).map(fileId => {
		const file = view.files.get(fileId);
		return t('download.failure', {id: file?.contactId ?? fileId, path: file?.relativePath ?? '', reason: file?.reason ?? ''});
	});

	const filterText = [
		isFailedOnly ? t('download.failed-only') : '',
		filter.isEditing ? t('table.filter.typing', {query: filter.query}) : filter.query === '' ? '' : t('table.filter', {query: filter.query}),
		filter.isEditing ? '' : t('table.filter.count', {shown: number(rows.length), total: number(allRows.length)}),
	].filter(Boolean).join(' · ');
	const isCancelling = phase === 'cancelling' || (snapshot.interrupted && !snapshot.finished);
	const status = snapshot.finished
		? t(snapshot.interrupted ? 'download.status.interrupted' : 'download.status.finished')
		: isCancelling ? t('download.status.cancelling') : t('download.status.running', {concurrency: snapshot.concurrency});
	const emptyText = filter.query === '' ? t(isFailedOnly ? 'download.failed-only.none' : 'table.empty') : t('table.filter.none', {query: filter.query});
	return (
		<Box flexDirection='column'>
			<Text wrap='truncate-end'>
				<Text color={theme.accent}>{snapshot.finished ? '✓' : spinner[view.batch % spinner.length]} {progressBar(share, barWidth)}</Text>
				{fit(` ${progress}`, Math.max(1, width - barWidth - 2)).trimEnd()}
			</Text>
			<Text color={snapshot.failed > 0 ? theme.warn : undefined} wrap='truncate-end'>{line(counts)}</Text>
			{hasFilterLine ? <Text color={theme.accent} wrap='truncate-end'>{line(filterText)}</Text> : null}
			<Table
				columns={columns}
				rows={rows}
				model={table}
				width={width}
				emptyText={emptyText}
				toneOf={row => row.contact.recycled ? 'muted' : progressOf(row).isFailed ? 'bad' : undefined}
				markOf={row => progressOf(row).isFailed ? failedMark : inFlight.contacts.has(row.contact.id) ? inFlightMark : undefined}
				status={inFlightText(t, number, inFlight.indices, table.state.top, table.limits.page, isFollowing)}
			/>
			{compact ? null : <Text wrap='truncate-end'>{line(detail)}</Text>}
			{failureLines > 0 ? <Text color={theme.bad} bold wrap='truncate-end'>{line(t('download.failures', {count: number(view.failed.length)}))}</Text> : null}
			{failures.map((text, index) => <Text key={index} color={theme.bad} wrap='truncate-end'>{line(`  ${text}`)}</Text>)}
			{keyLines.map(text => <Text key={text} color={theme.muted} wrap='truncate-end'>{line(text)}</Text>)}
			{isAsking
				? <Text color={theme.warn} bold wrap='truncate-end'>{line(t('download.confirm'))}</Text>
				: <StatusLine text={status} color={isCancelling ? theme.warn : theme.muted} startedAt={snapshot.startedAt} isRunning={!snapshot.finished} width={width}/>}
		</Box>
	);
}
