/** `ccdl limits show|set`: daily and per-run limits on the contacts exported, and how much of today is used. */
import {visible} from '../lib/text/visible.js';
import {didYouMean} from '../lib/text/suggest.js';
import {safeJson} from '../lib/text/safe-json.js';
import {systemTimeZone} from '../lib/dates.js';
import {exitCodes, UsageError} from '../lib/errors.js';
import {openJournal, serverKey} from '../lib/journal/journal.js';
import {checkLimit, describeLimits, limitsFromFlags, limitsPath, loadLimits, maxLimit, saveLimits} from '../lib/limits/limits.js';
import {parseOptions} from './options.js';

export const limitsHelp = `Usage: ccdl limits COMMAND [options]

Limits on the number of contacts ccdl exports, per server, after the bulk-export licences: enforced from the
journal across every ccdl process (contacts exported since midnight, plus those runs still going have reserved).
A run that would pass a limit says how many contacts it can still take, takes only those (the oldest first) and
stops cleanly; the rest stay for a later run (exit code 6).

Commands:
  show [--server URL] [--json]   the limits, and with --server how much of today is used and left
  set --preset NAME              standard (1,000 contacts a day), performance (10,000 a run, 40,000 a day),
                                 or none (no limits; the default)
  set [--daily N] [--per-run N]  custom limits (1-${maxLimit.toLocaleString('en-US')})

A contact counts once a day, when at least one of its files is downloaded; files already on disk and recycled
contacts do not count. The day starts at midnight in --timezone (default the system's, ${systemTimeZone()}).
The limits live in ${limitsPath()} (CCDL_CONFIG_DIR moves it).
`;

async function show(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, {server: {type: 'string'}, json: {type: 'boolean'}, timezone: {type: 'string'}}, 'limits show');
	const settings = await loadLimits();
	let today: {server: string; exportedOrReserved: number; left?: number} | undefined;
	if (values.server !== undefined) {
		const journal = openJournal();
		try {
			const check = checkLimit(journal, values.server, 0, new Date(), {settings, timeZone: values.timezone ?? systemTimeZone()});
			today = {server: serverKey(values.server), exportedOrReserved: check.usedToday, ...check.leftToday === undefined ? {} : {left: check.leftToday}};
		} finally {
			journal.close();
		}
	}

	if (values.json) {
		process.stdout.write(`${safeJson({file: limitsPath(), ...settings, ...today ? {today} : {}})}\n`);
		return exitCodes.ok;
	}

	const lines = [`Limits: ${describeLimits(settings)}.`];
	if (today) {
		lines.push(`Today on ${today.server}: ${today.exportedOrReserved.toLocaleString('en-US')} contacts exported or reserved${today.left === undefined ? '' : `, ${today.left.toLocaleString('en-US')} left`}.`);
	}

	process.stdout.write(`${lines.join('\n')}\n`);
	return exitCodes.ok;
}

async function set(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, {
		preset: {type: 'string'},
		daily: {type: 'integer', min: 1, max: maxLimit},
		'per-run': {type: 'integer', min: 1, max: maxLimit},
	}, 'limits set');
	const settings = limitsFromFlags({preset: values.preset, daily: values.daily, perRun: values['per-run']});
	await saveLimits(settings);
	process.stdout.write(`Limits set: ${describeLimits(settings)}.\n`);
	return exitCodes.ok;
}

export async function runLimits(argv: string[]): Promise<number> {
	const [subcommand = 'show', ...rest] = argv;
	if (subcommand === 'show' || subcommand.startsWith('-')) {
		return show(subcommand === 'show' ? rest : argv);
	}

	if (subcommand === 'set') {
		return set(rest);
	}

	throw new UsageError(`"ccdl limits" has no command "${visible(subcommand)}"${didYouMean(subcommand, ['show', 'set'])}; use show or set.`);
}
