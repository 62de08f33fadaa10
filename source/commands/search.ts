/** `ccdl search save|list|show|delete`: named saved searches, run by `ccdl run NAME` (by hand or on a schedule). */
import {validateRecipients} from '../lib/sinks/encrypt/encrypting-sink.js';
import {didYouMean} from '../lib/text/suggest.js';
import {safeJson} from '../lib/text/safe-json.js';
import {systemTimeZone} from '../lib/dates.js';
import {exitCodes, UsageError} from '../lib/errors.js';
import {defaultTemplate} from '../lib/naming/index.js';
import {ScheduleStore} from '../lib/schedules/store.js';
import {dateRuleHelp} from '../lib/searches/date-rules.js';
import {checkComplete, checkSearchName, describeSearch, missingParts, searchFromFlags, searchRange} from '../lib/searches/model.js';
import {searchesPath, SearchStore} from '../lib/searches/store.js';
import {visible} from '../lib/text/visible.js';
import {parseOptions} from './options.js';
import {selectionOptionSpecs} from './selection.js';

export const searchHelp = `Usage: ccdl search COMMAND [options]

Saved searches: a named filter set (campaigns, channels, a date rule) with the file-name template, the folder and
the options of a download, and the server and user (never the password). "ccdl run NAME" performs one; "ccdl
schedule add NAME" runs it regularly.

Commands:
  save NAME [download options] --date-rule RULE (--campaign X ... | --all-campaigns) [--mode M] [--replace]
  list [--json]              every saved search
  show NAME [--json]         one search, and the dates it means now
  delete NAME                (a scheduled search: remove its schedule first)

Options of save (besides those of "ccdl download": --platform, --server/--company, --user, --channel,
--include-archived, --overwrite, --out (a folder, s3:// or sftp://), --encrypt-to, --s3-endpoint, --sftp-identity,
--group-readable, --audio-format, --template, --date-format, --timezone, --transcripts, --concurrency, --profile,
--no-archive, --csv-bom):
  --date-rule RULE    ${dateRuleHelp}
                      (or a fixed range with --from DATE --to DATE)
  --all-campaigns     every campaign you may see (say it: a search without campaigns is refused)
  --mode M            full (default), transcripts-only, metadata-only (the manifest alone)
  --replace           replace a saved search of the same name

A search that is not complete is refused with the missing part named: no server or user, no campaigns (and no
--all-campaigns), no date rule, a template that does not parse, a mode that exports nothing (transcripts-only
with --transcripts none). It is checked again when it runs. The server, user and time zone default to
CCDL_SERVER/CCDL_COMPANY, CCDL_USER and this machine's zone, and are saved with the search.
Names: letters a-z, digits, "-", "_" and "." (1 to 64). Saved in ${searchesPath()} (CCDL_CONFIG_DIR moves it).
`;

const saveSpecs = {
	platform: {type: 'string'},
	'audio-format': {type: 'string'},
	server: {type: 'string'},
	company: {type: 'string'},
	user: {type: 'string', short: 'u'},
	...selectionOptionSpecs,
	'date-rule': {type: 'string'},
	'all-campaigns': {type: 'boolean'},
	mode: {type: 'string'},
	concurrency: {type: 'integer', min: 1, max: 64},
	profile: {type: 'string'},
	'no-archive': {type: 'boolean'},
	'csv-bom': {type: 'boolean'},
	replace: {type: 'boolean'},
} as const;

const jsonSpecs = {json: {type: 'boolean'}} as const;

function oneName(positionals: string[], subcommand: string): string {
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0
			? `"ccdl search ${subcommand}" needs the search's name, e.g. ccdl search ${subcommand} weekly-calls.`
			: `"ccdl search ${subcommand}" takes one name; quote a name with spaces (names have none: a-z, digits, "-", "_", ".").`);
	}

	return positionals[0]!;
}

async function save(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, saveSpecs, 'search save', true);
	const name = checkSearchName(oneName(positionals, 'save'));
	const search = searchFromFlags(name, values, {timeZone: systemTimeZone(), template: defaultTemplate});
	checkComplete(search, 'save');
	if (search.encryptTo) {
		await validateRecipients(search.encryptTo);
	}

	const store = await SearchStore.load();
	const result = store.put(search, values.replace);
	await store.save();
	const {range} = searchRange(search, new Date());
	process.stdout.write(`${result === 'created' ? 'Saved' : 'Replaced'} the search "${name}" in ${store.file}; today it means ${range.description}.\n`
		+ `Run it with "ccdl run ${name}", or regularly with "ccdl schedule add ${name} --weekly mon --at 02:00".\n`);
	return exitCodes.ok;
}

async function list(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, jsonSpecs, 'search list');
	const store = await SearchStore.load();
	const searches = store.list();
	if (values.json) {
		process.stdout.write(`${safeJson({file: store.file, searches: searches.map(search => ({...search, missing: missingParts(search)}))})}\n`);
		return exitCodes.ok;
	}

	if (searches.length === 0) {
		process.stdout.write(`No saved searches (${store.file}); "ccdl search save NAME …" saves one.\n`);
		return exitCodes.ok;
	}

	const rows = searches.map(search => [
		search.name,
		search.dateRule ?? '(no date rule)',
		search.allCampaigns ? 'all campaigns' : search.campaigns.map(campaign => visible(campaign)).join(', ') || '(no campaigns)',
		search.mode,
		search.outDir,
		missingParts(search).length > 0 ? 'incomplete' : '',
	]);
	const header = ['NAME', 'DATES', 'CAMPAIGNS', 'MODE', 'FOLDER', ''];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column]!.length)));
	const line = (cells: string[]) => cells.map((cell, column) => column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)).join('  ').trimEnd();
	process.stdout.write(`${[line(header), ...rows.map(row => line(row))].join('\n')}\n`);
	return exitCodes.ok;
}

async function show(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, jsonSpecs, 'search show', true);
	const store = await SearchStore.load();
	const search = store.get(oneName(positionals, 'show'));
	const missing = missingParts(search);
	let range: {from: string; to: string; description: string} | undefined;
	if (missing.length === 0) {
		const resolved = searchRange(search, new Date()).range;
		range = {from: resolved.from.toISOString(), to: resolved.to.toISOString(), description: resolved.description};
	}

	if (values.json) {
		process.stdout.write(`${safeJson({...search, missing, ...range ? {range} : {}})}\n`);
		return exitCodes.ok;
	}

	const lines = describeSearch(search).map(line => visible(line));
	lines.push(missing.length > 0 ? `  incomplete:  ${missing.join('; ')}` : `  run it with: ccdl run ${search.name}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	return exitCodes.ok;
}

async function remove(argv: string[]): Promise<number> {
	const {positionals} = parseOptions(argv, {}, 'search delete', true);
	const name = oneName(positionals, 'delete');
	const store = await SearchStore.load();
	const search = store.get(name);
	const schedule = (await ScheduleStore.load()).find(search.name);
	if (schedule) {
		throw new UsageError(`The search "${search.name}" is scheduled (${schedule.via}); remove the schedule first with "ccdl schedule remove ${search.name}".`);
	}

	store.remove(search.name);
	await store.save();
	process.stdout.write(`Deleted the search "${search.name}".\n`);
	return exitCodes.ok;
}

const subcommands: Record<string, (argv: string[]) => Promise<number>> = {save, list, show, delete: remove};

export async function runSearch(argv: string[]): Promise<number> {
	const [subcommand, ...rest] = argv;
	if (subcommand === undefined) {
		throw new UsageError('"ccdl search" needs a command: save, list, show or delete; see "ccdl search --help".');
	}

	const run = Object.hasOwn(subcommands, subcommand) ? subcommands[subcommand] : undefined;
	if (!run) {
		throw new UsageError(`"ccdl search" has no command "${visible(subcommand)}"${didYouMean(subcommand, ['save', 'list', 'show', 'delete'])}; use save, list, show or delete.`);
	}

	return run(rest);
}
