/**
 * The History screen's rows: the journal's runs (newest first) as table columns and a detail line for the selected
 * one. The filter and counts are described by `ccdl history`'s own functions, so the screen and the command say
 * the same thing.
 */
import type {Column} from '../../components/table/index.js';
import {describeCounts, describeFilter} from '../../commands/history.js';
import {formatBytes} from '../../lib/errors.js';
import type {Translator} from '../../lib/i18n/index.js';
import type {RunRecord} from '../../lib/journal/journal.js';

/** A run's duration: "4.2 s", "3 min 05 s", "1 h 02 min"; empty while it runs. */
export function formatDuration(ms: number | null): string {
	if (ms === null) {
		return '';
	}

	const seconds = ms / 1000;
	if (seconds < 60) {
		return `${seconds.toFixed(1)} s`;
	}

	const whole = Math.round(seconds);
	const minutes = Math.floor(whole / 60);
	if (minutes < 60) {
		return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
	}

	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The table's columns, in the translator's language; who and when stay in view while the others scroll. */
export function historyColumns(translator: Translator): ReadonlyArray<Column<RunRecord>> {
	const {t, dateTime} = translator;
	return [
		{key: 'user', title: t('history.column.user'), minWidth: 10, maxWidth: 14, priority: 2, pinned: true, value: run => run.user},
		{key: 'when', title: t('history.column.when'), minWidth: 22, maxWidth: 22, priority: 1, pinned: true, value: run => dateTime(run.startedAt)},
		{key: 'outcome', title: t('history.column.outcome'), minWidth: 12, maxWidth: 18, priority: 1, value: run => t(`history.outcome.${run.outcome}`)},
		{key: 'bytes', title: t('history.column.bytes'), minWidth: 8, maxWidth: 9, priority: 3, align: 'right', value: run => formatBytes(run.bytes)},
		{key: 'duration', title: t('history.column.duration'), minWidth: 9, maxWidth: 10, priority: 3, align: 'right', value: run => formatDuration(run.durationMs)},
		{key: 'filter', title: t('history.column.filter'), minWidth: 16, maxWidth: 60, priority: 5, value: run => describeFilter(run.filter, translator.timeZone)},
		{key: 'counts', title: t('history.column.counts'), minWidth: 16, maxWidth: 60, priority: 6, value: run => describeCounts(run.counts)},
		{key: 'manifest', title: t('history.column.manifest'), minWidth: 16, maxWidth: 80, priority: 4, value: run => run.manifestPath ?? t('history.no-manifest')},
	];
}

/** What the detail under the table says about the selected run: who and how it ended, the filter, the result, the manifest. */
export interface RunDetail {
	readonly head: string;
	/** May be long: the screen gives it two lines. */
	readonly filter: string;
	readonly result: string;
	readonly manifest: string;
}

export function runDetail(translator: Translator, run: RunRecord): RunDetail {
	const {t} = translator;
	const search = run.search ? ` · ${t('history.detail.search', {name: run.search})}` : '';
	const error = run.error ? ` (${run.error})` : '';
	return {
		head: `${t('history.detail.run', {id: run.id, user: run.user, server: run.server})}${search} · ${t(`history.outcome.${run.outcome}`)}${error}`,
		filter: t('history.detail.filter', {filter: describeFilter(run.filter, translator.timeZone)}),
		result: `${describeCounts(run.counts)} · ${formatBytes(run.bytes)}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs)}`}`,
		manifest: run.manifestPath ? t('history.detail.manifest', {path: run.manifestPath}) : t('history.detail.folder', {folder: run.outDir}),
	};
}
