/** `ccdl history`: the audit trail — every run from the journal, with who, when, what, how much and how it ended. */
import {safeJson} from '../lib/text/safe-json.js';
import {checkTimeZone, systemTimeZone} from '../lib/dates.js';
import {exitCodes, formatBytes, UsageError} from '../lib/errors.js';
import type {RunFilter} from '../lib/journal/download.js';
import {openJournal, type RunRecord} from '../lib/journal/journal.js';
import {journalPath} from '../lib/journal/paths.js';
import {createTranslator, detectLang, type Lang, type Translator, checkLang} from '../lib/i18n/index.js';
import {formatLocal} from '../lib/searches/date-rules.js';
import {visible} from '../lib/text/visible.js';
import {describeCounts as describeCountsIn, describeFilter as describeFilterIn, formatDuration} from '../screens/history/history-rows.js';
import {parseOptions} from './options.js';

export const historyHelp = `Usage: ccdl history [--json] [--limit N] [--server URL] [--timezone ZONE] [--lang en|hu]

Every download run recorded in the journal, newest first: who ran it (the server user), when, the filter (dates,
campaigns, channels, saved search), the counts (with the recordings deleted on the platform, --delete-after), bytes
and duration, how it ended and where its manifest is.
A run whose process ended without finishing (killed, power lost) shows as "abandoned", with the counts and bytes
of the files it had journaled by then.

Options:
  --json              one JSON document: {"journal": FILE, "runs": [...]}
  --limit N           the N newest runs, 1-100000 (default 20)
  --server URL        only runs against this server
  --timezone ZONE     show times in ZONE (default the system's, ${systemTimeZone()})
  --lang en|hu        language of the text (default from LC_ALL / LC_MESSAGES / LANG); --json is not translated

The journal is ${journalPath()} (CCDL_DATA_DIR moves it).
`;

const specs = {
	json: {type: 'boolean'},
	limit: {type: 'integer', min: 1, max: 100_000},
	server: {type: 'string'},
	timezone: {type: 'string'},
	lang: {type: 'string'},
} as const;

const outcomeText: Record<RunRecord['outcome'], string> = {
	running: 'running',
	ok: 'ok',
	'some-failed': 'some failed',
	interrupted: 'interrupted',
	failed: 'failed',
	limit: 'stopped at a limit',
	abandoned: 'abandoned (the process ended without finishing)',
};

function when(iso: string | undefined, timeZone: string): string {
	return iso ? formatLocal(iso, timeZone) : '?';
}

/** One line about what a run asked for. */
export function describeFilter(raw: unknown, timeZone: string): string {
	const filter = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<RunFilter>;
	const zone = filter.timeZone ?? timeZone;
	const dates = filter.from || filter.to
		? `${filter.from ? when(filter.from, zone) : 'the start'} to ${filter.to ? when(filter.to, zone) : 'now'}${filter.dateRule ? ` (${filter.dateRule})` : ''}`
		: 'all dates';
	const campaigns = Array.isArray(filter.campaigns) && filter.campaigns.length > 0 ? `campaigns ${filter.campaigns.join(', ')}` : 'all campaigns';
	const channels = Array.isArray(filter.channels) && filter.channels.length > 0 ? `channels ${filter.channels.join(', ')}` : 'all channels';
	return [
		dates, campaigns, channels,
		...filter.includeArchived ? ['archived too'] : [],
		...filter.transcripts ? [`transcripts ${filter.transcripts}`] : [],
		...filter.mode && filter.mode !== 'full' ? [filter.mode] : [],
	].join(', ');
}

/** The counts shown only when there are some: what else happened to the files, and the deletions on the platform (--delete-after). */
const extraCounts: ReadonlyArray<readonly [string, (count: number) => string]> = [
	['interrupted', count => `${count} interrupted`],
	['recycled', count => `${count} recycled`],
	['limited', count => `${count} left by a limit`],
	['busy', count => `${count} left to another ccdl`],
	['archiveFailures', count => `${count} not marked archived`],
	['deleted', count => `${count} deleted on the platform`],
	['would-delete', count => `would delete ${count} on the platform (dry run)`],
	['delete-failed', count => `${count} not deleted on the platform (failed)`],
	['kept', count => `${count} kept on the platform`],
];

/** "42 contacts, 45 files: 40 valid, 5 already there, 0 failed, 40 deleted on the platform". */
export function describeCounts(counts: Record<string, number>): string {
	const count = (key: string) => counts[key] ?? 0;
	if (Object.keys(counts).length === 0) {
		return 'no files';
	}

	const parts = [`${count('valid')} valid`, `${count('skipped') - count('skippedByProfile')} already there`];
	if (count('skippedByProfile') > 0) {
		parts.push(`${count('skippedByProfile')} skipped by profile`);
	}

	parts.push(`${count('failed')} failed`);
	for (const [key, text] of extraCounts) {
		if (count(key) > 0) {
			parts.push(text(count(key)));
		}
	}

	return `${count('contacts')} contacts, ${count('files')} files: ${parts.join(', ')}`;
}

export function historyLines(runs: readonly RunRecord[], timeZone: string): string[] {
	const lines: string[] = [];
	for (const run of runs) {
		const duration = run.durationMs === null ? '' : ` in ${(run.durationMs / 1000).toFixed(1)} s`;
		lines.push(
			`Run ${run.id}  ${when(run.startedAt, timeZone)}  ${visible(run.user)} on ${visible(run.server)}${run.search ? `  search ${visible(run.search)}` : ''}  ${outcomeText[run.outcome]}`,
			`  filter:   ${visible(describeFilter(run.filter, timeZone))}`,
			`  result:   ${describeCounts(run.counts)}; ${formatBytes(run.bytes)}${duration}${run.error ? ` (${visible(run.error)})` : ''}`,
			`  folder:   ${visible(run.outDir)}`,
			`  manifest: ${run.manifestPath ? visible(run.manifestPath) : '(none written)'}`,
		);
	}

	return lines;
}

/**
 * The same lines in the translator's language (Hungarian): the History screen's wording of the filter, counts and
 * durations, every value from the journal (which the server once sent) through visible().
 */
export function historyLinesIn(translator: Translator, runs: readonly RunRecord[]): string[] {
	const {t} = translator;
	const labels = {
		filter: t('history.column.filter'), result: t('history.column.counts'), folder: t('filters.folder'), manifest: t('history.column.manifest'),
	};
	const width = Math.max(...Object.values(labels).map(label => [...label].length)) + 2;
	const line = (label: string, text: string) => `  ${`${label}:`.padEnd(width)}${text}`;
	const lines: string[] = [];
	for (const run of runs) {
		const search = run.search ? `  ${t('history.detail.search', {name: visible(run.search)})}` : '';
		const duration = run.durationMs === null ? '' : `, ${formatDuration(run.durationMs, translator)}`;
		lines.push(
			`${t('history.detail.run', {id: run.id, user: visible(run.user), server: visible(run.server)})}  ${when(run.startedAt, translator.timeZone)}${search}  ${t(`history.outcome.${run.outcome}`)}`,
			line(labels.filter, visible(describeFilterIn(run.filter, translator))),
			line(labels.result, `${describeCountsIn(run.counts, translator)}; ${translator.bytes(run.bytes)}${duration}${run.error ? ` (${visible(run.error)})` : ''}`),
			line(labels.folder, visible(run.outDir)),
			line(labels.manifest, run.manifestPath ? visible(run.manifestPath) : t('history.no-manifest')),
		);
	}

	return lines;
}


export async function runHistory(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'history');
	const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
	const lang = checkLang(values.lang);
	const translator = lang === 'en' ? undefined : createTranslator(lang, timeZone);
	const journal = openJournal();
	try {
		const runs = journal.runs({limit: values.limit ?? 20, ...values.server ? {server: values.server} : {}});
		if (values.json) {
			process.stdout.write(`${safeJson({journal: journal.file, runs})}\n`);
		} else if (runs.length === 0) {
			process.stdout.write(translator
				? `${translator.t('history.none').replace(/\.$/, '')} (${journal.file}).\n`
				: `No runs recorded yet (${journal.file}).\n`);
		} else {
			process.stdout.write(`${(translator ? historyLinesIn(translator, runs) : historyLines(runs, timeZone)).join('\n')}\n`);
		}
	} finally {
		journal.close();
	}

	return exitCodes.ok;
}
