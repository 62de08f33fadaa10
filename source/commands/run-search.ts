/**
 * `ccdl run NAME`: performs a saved search headless, as a schedule does — the search is checked again (an
 * incomplete one is refused, naming the missing part), its date rule is resolved against now, and the run pipeline
 * performs it exactly like `ccdl download`. The password comes from `--credentials FILE` (mode 600, checked),
 * CCDL_PASSWORD, or a prompt on a terminal; it is handed to the login directly, never through the environment.
 */
import {exitCodes, UsageError} from '../lib/errors.js';
import {checkLang, phrased} from '../lib/i18n/index.js';
import {prepareProfiles} from '../lib/profiles/run-profiles.js';
import {requestFromSearch} from '../lib/run/from-search.js';
import {recordFailedStart} from '../lib/run/pipeline.js';
import {readRunCredentials} from '../lib/schedules/credentials.js';
import {formatLocal} from '../lib/searches/date-rules.js';
import {SearchStore} from '../lib/searches/store.js';
import {isQuiet} from '../lib/output/verbosity.js';
import {readSecret} from './connection.js';
import {runHeadless} from './headless.js';
import {parseOptions} from './options.js';

export const runSearchHelp = `Usage: ccdl run NAME [--credentials FILE] [--json]

Runs the saved search NAME now, without questions (as its schedule does): the search is checked (an incomplete
one is refused, naming what is missing), its date rule is resolved against today in the search's time zone, and
the download runs exactly like "ccdl download" with the search's options: files validated, contacts marked
archived, the manifest written, limits applied, the run recorded in the journal with the search's name
("ccdl history").

Options:
  --credentials FILE  read the password from FILE: its first line, or a line CCDL_PASSWORD=...; the file must be
                      yours and readable only by you (chmod 600), else it is refused
                      (without it: CCDL_PASSWORD, or a prompt on a terminal)
  --json              progress as JSON lines on stdout (as "ccdl download --json")
  --lang en|hu        language of what is printed for people (default from the locale)

Exit codes: those of "ccdl download" (0 all valid, 1 some failed, 2 usage or an incomplete search,
3 authentication, 4 server, 5 file system, 6 a limit left contacts for a later run, 130 interrupted).
`;

const specs = {
	credentials: {type: 'string'},
	json: {type: 'boolean'},
	lang: {type: 'string'},
} as const;

export interface RunFromSearchOptions {
	credentials?: string | undefined;
	json?: boolean;
	lang?: string | undefined;
	/** The moment the date rule is resolved against. @default now */
	now?: Date;
	/** The saved searches (else the user's). */
	store?: SearchStore;
}

/** Performs the saved search `name` through the run pipeline. */
export async function runDownloadFromSearch(name: string, options: RunFromSearchOptions = {}): Promise<number> {
	const store = options.store ?? await SearchStore.load();
	const search = store.get(name);
	const now = options.now ?? new Date();
	const {request, description} = requestFromSearch(search, now);
	const profiles = await prepareProfiles({profile: request.profile});
	let secret: string;
	let secrets: Record<string, string> | undefined;
	try {
		if (options.credentials !== undefined) {
			({secret, secrets} = await readRunCredentials(options.credentials));
		} else if (process.env['CCDL_PASSWORD'] === undefined && !(process.stdin.isTTY && process.stderr.isTTY)) {
			throw new UsageError(...phrased('cli.error.search-password', {name: search.name}));
		} else {
			secret = await readSecret({'password-stdin': false}, request.username);
		}
	} catch (error) {
		// A scheduled run without its password fails every time: the history says so.
		recordFailedStart(request, error);
		throw error;
	}

	// The line that dates a cron job's log; -q (problems only) leaves it out, so a run that went well mails nothing.
	if (!options.json && !isQuiet()) {
		process.stderr.write(`${formatLocal(now, search.timeZone, true)} ccdl run ${search.name}: ${description}\n`);
	}

	return runHeadless(request, secret, {json: options.json ?? false, profiles, lang: options.lang, ...(secrets ? {secrets} : {})});
}

export async function runRunSearch(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, specs, 'run', true);
	if (positionals.length !== 1) {
		throw new UsageError(...phrased(positionals.length === 0 ? 'cli.error.run-needs-search' : 'cli.error.run-one-search'));
	}

	checkLang(values.lang);
	return await runDownloadFromSearch(positionals[0]!, {credentials: values.credentials, json: values.json, lang: values.lang}) ?? exitCodes.ok;
}
