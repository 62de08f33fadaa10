/**
 * `ccdl run NAME`: performs a saved search headless, as a schedule does — the search is checked again (an
 * incomplete one is refused, naming the missing part), its date rule is resolved against now, and the equivalent
 * `ccdl download` runs. The password comes from `--credentials FILE` (mode 600, checked) or CCDL_PASSWORD.
 */
import {exitCodes, UsageError} from '../lib/errors.js';
import type {DownloadContext} from '../lib/journal/download.js';
import {readCredentials} from '../lib/schedules/credentials.js';
import {formatLocal} from '../lib/searches/date-rules.js';
import {checkComplete, downloadArgv, type SavedSearch, searchRange} from '../lib/searches/model.js';
import {SearchStore} from '../lib/searches/store.js';
import {parseOptions} from './options.js';

export const runSearchHelp = `Usage: ccdl run NAME [--credentials FILE] [--json]

Runs the saved search NAME now, without questions (as its schedule does): the search is checked (an incomplete
one is refused, naming what is missing), its date rule is resolved against today in the search's time zone, and
the download runs exactly like "ccdl download" with the search's options: files validated, contacts marked
archived, the manifest written, the run recorded in the journal ("ccdl history").

Options:
  --credentials FILE  read the password from FILE: its first line, or a line CCDL_PASSWORD=...; the file must be
                      yours and readable only by you (chmod 600), else it is refused
                      (without it: CCDL_PASSWORD, or a prompt on a terminal)
  --json              progress as JSON lines on stdout (as "ccdl download --json")

Exit codes: those of "ccdl download" (0 all valid, 1 some failed, 2 usage or an incomplete search,
3 authentication, 4 server, 5 file system, 6 a limit left contacts for a later run, 130 interrupted).
`;

const specs = {
	credentials: {type: 'string'},
	json: {type: 'boolean'},
} as const;

export interface RunFromSearchOptions {
	credentials?: string | undefined;
	json?: boolean;
	/** The moment the date rule is resolved against. @default now */
	now?: Date;
	/** The saved searches (else the user's). */
	store?: SearchStore;
}

/** The download arguments and context a saved search means at `now`; refuses an incomplete search. */
export async function prepareSearchRun(name: string, options: {now?: Date; store?: SearchStore; withMode: boolean}): Promise<{search: SavedSearch; argv: string[]; context: DownloadContext; description: string}> {
	const store = options.store ?? await SearchStore.load();
	const search = store.get(name);
	checkComplete(search, 'run');
	const now = options.now ?? new Date();
	const argv = downloadArgv(search, now, {withMode: options.withMode});
	const {range} = searchRange(search, now);
	return {
		search,
		argv,
		context: {search: search.name, ...search.dateRule ? {dateRule: search.dateRule} : {}},
		description: `${range.description}, ${search.timeZone}`,
	};
}

/**
 * Performs the saved search `name` through `runDownload` (of ./download.js) with the equivalent arguments, the
 * password from the credentials file in CCDL_PASSWORD for the run, and a DownloadContext as second argument.
 */
export async function runDownloadFromSearch(name: string, options: RunFromSearchOptions = {}): Promise<number> {
	const download = await import('./download.js');
	const withMode = Object.hasOwn(download.downloadOptionSpecs, 'mode');
	const now = options.now ?? new Date();
	const prepared = await prepareSearchRun(name, {now, withMode, ...options.store ? {store: options.store} : {}});
	let password: string | undefined;
	if (options.credentials !== undefined) {
		password = await readCredentials(options.credentials);
	} else if (process.env['CCDL_PASSWORD'] === undefined && !(process.stdin.isTTY && process.stderr.isTTY)) {
		throw new UsageError(`No password for the saved search "${prepared.search.name}": give --credentials FILE (a file only you can read, chmod 600) or set CCDL_PASSWORD.`);
	}

	if (!options.json) {
		process.stderr.write(`${formatLocal(now, prepared.search.timeZone, true)} ccdl run ${prepared.search.name}: ${prepared.description}\n`);
	}

	const previous = process.env['CCDL_PASSWORD'];
	if (password !== undefined) {
		process.env['CCDL_PASSWORD'] = password;
	}

	try {
		// The second argument is read by a runDownload that records saved-search runs in the journal.
		const run = download.runDownload as (argv: string[], context?: DownloadContext) => Promise<number>;
		return await run([...prepared.argv, ...options.json ? ['--json'] : []], prepared.context);
	} finally {
		if (password !== undefined) {
			if (previous === undefined) {
				delete process.env['CCDL_PASSWORD'];
			} else {
				process.env['CCDL_PASSWORD'] = previous;
			}
		}
	}
}

export async function runRunSearch(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, specs, 'run', true);
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0
			? '"ccdl run" needs the name of a saved search, e.g. ccdl run weekly-calls ("ccdl search list" shows them).'
			: '"ccdl run" takes one saved search name.');
	}

	const code = await runDownloadFromSearch(positionals[0]!, {credentials: values.credentials, json: values.json});
	return code ?? exitCodes.ok;
}
