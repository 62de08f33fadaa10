/**
 * The History screen's rows: the journal's runs (newest first) as table columns and a detail line for the selected
 * one. The filter and counts read as `ccdl history` writes them in English, and in Hungarian when the app speaks it.
 */
import type {Column} from '../../components/table/index.js';
import type {RunFilter} from '../../lib/journal/download.js';
import {formatLocal} from '../../lib/searches/date-rules.js';
import type {Translator} from '../../lib/i18n/index.js';
import type {RunRecord} from '../../lib/journal/journal.js';

/** A run's duration: "4.2 s", "3 min 05 s", "1 h 02 min" (Hungarian: "4,2 mp", "3 perc 05 mp"); empty while it runs. */
export function formatDuration(ms: number | null, translator?: Translator): string {
	if (ms === null) {
		return '';
	}

	const unit = (key: string, fallback: string) => translator?.t(`history.unit.${key}`) ?? fallback;
	const seconds = ms / 1000;
	if (seconds < 60) {
		return `${translator?.fixed(seconds, 1) ?? seconds.toFixed(1)} ${unit('s', 's')}`;
	}

	const whole = Math.round(seconds);
	const minutes = Math.floor(whole / 60);
	if (minutes < 60) {
		return `${minutes} ${unit('min', 'min')} ${String(whole % 60).padStart(2, '0')} ${unit('s', 's')}`;
	}

	return `${Math.floor(minutes / 60)} ${unit('h', 'h')} ${String(minutes % 60).padStart(2, '0')} ${unit('min', 'min')}`;
}

/** What a run asked for, in the screen's language (the same wording as `ccdl history` in English). */
export function describeFilter(raw: unknown, translator: Translator): string {
	const {t} = translator;
	const filter = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<RunFilter>;
	const zone = filter.timeZone ?? translator.timeZone;
	const when = (iso: string) => formatLocal(iso, zone);
	const dates = filter.from || filter.to
		? t('history.filter.range', {from: filter.from ? when(filter.from) : t('history.filter.start'), to: filter.to ? when(filter.to) : t('history.filter.now')})
			+ (filter.dateRule ? ` (${filter.dateRule})` : '')
		: t('history.filter.all-dates');
	const campaigns = Array.isArray(filter.campaigns) && filter.campaigns.length > 0 ? t('history.filter.campaigns', {list: filter.campaigns.join(', ')}) : t('history.filter.all-campaigns');
	const channels = Array.isArray(filter.channels) && filter.channels.length > 0
		? t('history.filter.channels', {list: filter.channels.map((channel: string) => t(`channel.${channel}`)).join(', ')})
		: t('history.filter.all-channels');
	return [
		dates, campaigns, channels,
		...filter.includeArchived ? [t('history.filter.archived')] : [],
		...filter.transcripts ? [t('history.filter.transcripts', {format: filter.transcripts})] : [],
		...filter.mode && filter.mode !== 'full' ? [filter.mode] : [],
	].join(', ');
}

/** Shown only when there are some; the last four are the deletions on the platform (--delete-after). */
const extraCounts = ['interrupted', 'recycled', 'limited', 'busy', 'archiveFailures', 'deleted', 'would-delete', 'delete-failed', 'kept'] as const;

/** "42 contacts, 45 files: 40 valid, 5 already there, 0 failed", in the screen's language. */
export function describeCounts(counts: Record<string, number>, translator: Translator): string {
	const {t, number} = translator;
	const count = (key: string) => counts[key] ?? 0;
	if (Object.keys(counts).length === 0) {
		return t('history.counts.none');
	}

	const parts = [t('history.counts.valid', {count: number(count('valid'))}), t('history.counts.there', {count: number(count('skipped') - count('skippedByProfile'))})];
	if (count('skippedByProfile') > 0) {
		parts.push(t('history.counts.profile', {count: number(count('skippedByProfile'))}));
	}

	parts.push(t('history.counts.failed', {count: number(count('failed'))}));
	for (const key of extraCounts) {
		if (count(key) > 0) {
			parts.push(t(`history.counts.${key}`, {count: number(count(key))}));
		}
	}

	return t('history.counts', {contacts: number(count('contacts')), files: number(count('files')), parts: parts.join(', ')});
}

/** The table's columns, in the translator's language; who and when stay in view while the others scroll. */
export function historyColumns(translator: Translator): ReadonlyArray<Column<RunRecord>> {
	const {t, dateTime} = translator;
	return [
		{key: 'user', title: t('history.column.user'), minWidth: 10, maxWidth: 14, priority: 2, pinned: true, value: run => run.user},
		{key: 'when', title: t('history.column.when'), minWidth: 22, maxWidth: 22, priority: 1, pinned: true, value: run => dateTime(run.startedAt)},
		{key: 'outcome', title: t('history.column.outcome'), minWidth: 12, maxWidth: 18, priority: 1, value: run => t(`history.outcome.${run.outcome}`)},
		{key: 'bytes', title: t('history.column.bytes'), minWidth: 8, maxWidth: 9, priority: 3, align: 'right', value: run => translator.bytes(run.bytes)},
		{key: 'duration', title: t('history.column.duration'), minWidth: 9, maxWidth: 10, priority: 3, align: 'right', value: run => formatDuration(run.durationMs, translator)},
		{key: 'filter', title: t('history.column.filter'), minWidth: 16, maxWidth: 60, priority: 5, value: run => describeFilter(run.filter, translator)},
		{key: 'counts', title: t('history.column.counts'), minWidth: 16, maxWidth: 60, priority: 6, value: run => describeCounts(run.counts, translator)},
		{key: 'manifest', title: t('history.column.manifest'), minWidth: 16, maxWidth: 80, priority: 4, value: run => run.manifestPath ?? t('history.no-manifest')},
	];
}

/** What the detail under the table says about the selected run: who and how it ended, the filter, the result, the manifest. */
export interface RunDetail {
	readonly head: string;
	/** May be long: the screen gives it two lines. */
	readonly filter: string;
	/** Two lines too: the deletions on the platform come after the other counts. */
	readonly result: string;
	readonly manifest: string;
}

export function runDetail(translator: Translator, run: RunRecord): RunDetail {
	const {t} = translator;
	const search = run.search ? ` · ${t('history.detail.search', {name: run.search})}` : '';
	const error = run.error ? ` (${run.error})` : '';
	return {
		head: `${t('history.detail.run', {id: run.id, user: run.user, server: run.server})}${search} · ${t(`history.outcome.${run.outcome}`)}${error}`,
		filter: t('history.detail.filter', {filter: describeFilter(run.filter, translator)}),
		result: `${describeCounts(run.counts, translator)} · ${translator.bytes(run.bytes)}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs, translator)}`}`,
		manifest: run.manifestPath ? t('history.detail.manifest', {path: run.manifestPath}) : t('history.detail.folder', {folder: run.outDir}),
	};
}
