/**
 * The live download: the list's table with per-contact progress, archive time and `valid`, an overall bar with
 * throughput and ETA, the counts, the latest failures with their reasons, and a status bar. It redraws when the run
 * delivers a batch (≤ ~10 a second, never per byte) plus one 1-second tick for the elapsed clock, the screen's only
 * timer; rows whose text did not change are not re-rendered.
 */
import {Box, Text, useAnimation} from 'ink';
import {memo, useMemo, useReducer} from 'react';
import {Table, useTable} from '../../components/table/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useRun} from '../../hooks/use-run.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {RunEvents} from '../../lib/engine/run.js';
import {formatBytes} from '../../lib/errors.js';
import {formatDuration} from '../../lib/export/manifest.js';
import {fit, visible} from '../../lib/text/visible.js';
import {type ContactRow, contactColumns, contactRows} from '../list/contact-rows.js';
import {useScreenSize} from '../list/screen-size.js';
import {downloadReducer} from './download-state.js';
import {liveProgress, progressBar, shareDone} from './live-progress.js';
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

export function DownloadScreen({run, onCancel, onHelp, isActive, height}: DownloadScreenProps) {
	const translator = useI18n();
	const {t, number} = translator;
	const theme = useTheme();
	const {width, lines} = useScreenSize(height);
	const view = useRun(run);
	const {snapshot} = view;
	const [phase, dispatch] = useReducer(downloadReducer, 'running');
	// Contacts with something to download: recycled ones (and, on a retry, contacts whose files all succeeded) stay out.
	const rows = useMemo(() => contactRows(run.plan).filter(row => row.files.length > 0), [run.plan]);
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

	const compact = lines < 10;
	const fixed = compact ? 5 : 6;
	const failureLines = view.failed.length > 0 ? Math.min(1 + Math.min(view.failed.length, maxFailureLines), Math.max(0, lines - fixed - 3)) : 0;
	const page = Math.max(1, lines - fixed - failureLines);
	const table = useTable({columns, rowCount: rows.length, pageSize: page, width, isActive: isActive && phase !== 'confirming'});
	useDownloadKeys({isActive, phase, isFinished: snapshot.finished, dispatch, onCancel, onHelp});

	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const share = shareDone(snapshot);
	const finishedFiles = snapshot.valid + snapshot.skipped + snapshot.failed;
	const progress = t('download.progress', {
		percent: Math.floor(share * 100),
		done: formatBytes(snapshot.bytesDone),
		total: formatBytes(snapshot.bytesTotal),
		rate: formatBytes(Math.round(snapshot.rate)),
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

	const selected = rows[table.state.selected];
	let detail = '';
	if (selected) {
		const failedFile = selected.files.map(file => view.files.get(file.fileId)).find(file => file?.state === 'failed');
		const runningFile = selected.files.map(file => view.files.get(file.fileId)).find(file => file?.state === 'running');
		detail = failedFile
			? t('download.detail.failed', {path: failedFile.relativePath, reason: failedFile.reason ?? ''})
			: runningFile
				? t('download.detail.running', {path: runningFile.relativePath, bytes: formatBytes(runningFile.bytes), size: runningFile.size === undefined ? '?' : formatBytes(runningFile.size)})
				: selected.contact.recycled ? t('cell.recycled') : selected.main ? t('download.detail', {path: selected.main.relativePath}) : t('cell.no-file');
		detail = `${selected.contact.id} · ${detail}`;
	}

	const failureCount = Math.max(0, failureLines - 1);
	const failures = (failureCount > 0 ? view.failed.slice(-failureCount) : []).map(fileId => {
		const file = view.files.get(fileId);
		return t('download.failure', {id: file?.contactId ?? fileId, path: file?.relativePath ?? '', reason: file?.reason ?? ''});
	});

	const isCancelling = phase === 'cancelling' || (snapshot.interrupted && !snapshot.finished);
	const status = snapshot.finished
		? t(snapshot.interrupted ? 'download.status.interrupted' : 'download.status.finished')
		: isCancelling ? t('download.status.cancelling') : t('download.status.running', {concurrency: snapshot.concurrency});
	return (
		<Box flexDirection='column'>
			<Text wrap='truncate-end'>
				<Text color={theme.accent}>{snapshot.finished ? '✓' : spinner[view.batch % spinner.length]} {progressBar(share, barWidth)}</Text>
				{fit(` ${progress}`, Math.max(1, width - barWidth - 2)).trimEnd()}
			</Text>
			<Text color={snapshot.failed > 0 ? theme.warn : undefined} wrap='truncate-end'>{line(counts)}</Text>
			<Table
				columns={columns}
				rows={rows}
				model={table}
				width={width}
				toneOf={row => row.contact.recycled ? 'muted' : progressOf(row).isFailed ? 'bad' : undefined}
			/>
			{compact ? null : <Text wrap='truncate-end'>{line(detail)}</Text>}
			{failureLines > 0 ? <Text color={theme.bad} bold wrap='truncate-end'>{line(t('download.failures', {count: number(view.failed.length)}))}</Text> : null}
			{failures.map((text, index) => <Text key={index} color={theme.bad} wrap='truncate-end'>{line(`  ${text}`)}</Text>)}
			{phase === 'confirming'
				? <Text color={theme.warn} bold wrap='truncate-end'>{line(t('download.confirm'))}</Text>
				: <StatusLine text={status} color={isCancelling ? theme.warn : theme.muted} startedAt={snapshot.startedAt} isRunning={!snapshot.finished} width={width}/>}
		</Box>
	);
}
