/**
 * `ccdl schedule add|list|remove`: runs a saved search regularly through cron or a systemd user timer. What would be
 * installed is always printed first; it is installed after a "yes" on a terminal, or with --yes. Without a terminal
 * and without --yes nothing is installed, and the exit code (2) says so to the script that ran it.
 */
import {safeJson} from '../lib/text/safe-json.js';
import {existsSync} from 'node:fs';
import {createInterface} from 'node:readline/promises';
import {exitCodes, UsageError} from '../lib/errors.js';
import {readRunCredentials} from '../lib/schedules/credentials.js';
import {installCron, installSystemd, readCrontab, removeCron, removeSystemd, systemdFiles} from '../lib/schedules/install.js';
import {describeRecurrence, parseScheduler, parseTimeOfDay, recurrenceFrom, type Schedule} from '../lib/schedules/model.js';
import {ScheduleStore, schedulesPath} from '../lib/schedules/store.js';
import {crontabEntry, hasCronEntry, makeSchedule, systemdService, systemdTimer, unitName} from '../lib/schedules/units.js';
import {checkComplete, checkSearchName} from '../lib/searches/model.js';
import {SearchStore} from '../lib/searches/store.js';
import {didYouMean} from '../lib/text/suggest.js';
import {visible} from '../lib/text/visible.js';
import {parseOptions} from './options.js';

export const scheduleHelp = `Usage: ccdl schedule COMMAND [options]

Runs a saved search regularly, headless ("ccdl run NAME"), through cron or a systemd user timer.

Commands:
  add NAME (--weekly DAYS | --monthly DAY) --at HH:MM [--via cron|systemd] [--credentials FILE] [--yes] [--replace]
  list [--json]              the installed schedules
  remove NAME                takes the crontab entry or the timer away

Options of add:
  --weekly DAYS       weekdays, e.g. mon,thu (mon tue wed thu fri sat sun)
  --monthly DAY       a day of the month, 1-31 (months without that day are skipped)
  --at HH:MM          the time of day, in this machine's local time
  --via cron|systemd  a crontab entry (default) or a systemd user service and timer (a missed run is made up at
                      the next start)
  --credentials FILE  the password for the unattended run: a file only you can read (chmod 600) holding the
                      password or a line CCDL_PASSWORD=...; its path goes into the schedule, never the password
                      (without it the run needs CCDL_PASSWORD in its environment, which cron does not give)
  --yes               install without asking (without a terminal and without --yes: only print, exit code 2)
  --replace           replace an installed schedule of the same name

The exact crontab line, or the unit files, are printed before anything is installed. Cron's output goes to a log
file in ccdl's data folder; systemd's to the user journal ("journalctl --user -u ccdl-search-NAME").
Schedules are listed in ${schedulesPath()}.
`;

const addSpecs = {
	weekly: {type: 'string'},
	monthly: {type: 'string'},
	at: {type: 'string'},
	via: {type: 'string'},
	credentials: {type: 'string'},
	yes: {type: 'boolean', short: 'y'},
	replace: {type: 'boolean'},
} as const;

function oneName(positionals: string[], subcommand: string): string {
	if (positionals.length !== 1) {
		throw new UsageError(`"ccdl schedule ${subcommand}" needs one saved search's name, e.g. ccdl schedule ${subcommand} weekly-calls.`);
	}

	return positionals[0]!;
}

/** What would be installed, as the user sees it before saying yes. */
export function schedulePreview(schedule: Schedule, env: NodeJS.ProcessEnv = process.env): string[] {
	const when = describeRecurrence(schedule.recurrence, schedule.at);
	if (schedule.via === 'cron') {
		return [
			`The search "${schedule.name}" would run ${when} (this machine's local time) through cron; this goes into your crontab:`,
			'',
			...crontabEntry(schedule),
			'',
		];
	}

	const files = systemdFiles(schedule.name, env);
	return [
		`The search "${schedule.name}" would run ${when} (this machine's local time) through a systemd user timer; these units are written:`,
		'',
		`# ${files.service}`,
		...systemdService(schedule).trimEnd().split('\n'),
		'',
		`# ${files.timer}`,
		...systemdTimer(schedule).trimEnd().split('\n'),
		'',
		`and enabled with: systemctl --user daemon-reload && systemctl --user enable --now ${unitName(schedule.name)}.timer`,
		'',
	];
}

async function ask(question: string): Promise<boolean> {
	const lines = createInterface({input: process.stdin, output: process.stderr});
	try {
		const answer = await lines.question(question);
		return /^\s*(y|yes|i|igen)\s*$/i.test(answer);
	} finally {
		lines.close();
	}
}

async function add(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, addSpecs, 'schedule add', true);
	const name = checkSearchName(oneName(positionals, 'add'));
	const recurrence = recurrenceFrom(values);
	if (values.at === undefined) {
		throw new UsageError('Say at what time of day: --at HH:MM, e.g. --at 02:00.');
	}

	const at = parseTimeOfDay(values.at);
	const via = parseScheduler(values.via);
	const search = (await SearchStore.load()).get(name);
	checkComplete(search, 'schedule');
	let credentials: string | undefined;
	if (values.credentials !== undefined) {
		await readRunCredentials(values.credentials);
		credentials = values.credentials;
	}

	const store = await ScheduleStore.load();
	const existing = store.find(search.name);
	if (existing && !values.replace) {
		throw new UsageError(`The search "${existing.name}" is scheduled already (${existing.via}, ${describeRecurrence(existing.recurrence, existing.at)}); add --replace to replace it.`);
	}

	const schedule = makeSchedule({name: search.name, recurrence, at, via, credentials});
	process.stdout.write(`${schedulePreview(schedule).join('\n')}\n`);
	if (credentials === undefined) {
		process.stderr.write('ccdl: note: no --credentials; the scheduled run needs CCDL_PASSWORD in its environment, which cron and systemd timers do not have.\n');
	}

	if (recurrence.kind === 'monthly' && recurrence.day > 28) {
		process.stderr.write(`ccdl: note: months without a day ${recurrence.day} are skipped.\n`);
	}

	if (!values.yes) {
		if (!process.stdin.isTTY || !process.stderr.isTTY) {
			process.stderr.write('ccdl: not installed (no terminal to ask on); run the same command with --yes to install it.\n');
			return exitCodes.usage;
		}

		if (!await ask(`Install it? [y/N] `)) {
			process.stderr.write('ccdl: not installed.\n');
			return exitCodes.ok;
		}
	}

	// A schedule of another way under the same name goes first.
	if (existing && existing.via !== via) {
		await (existing.via === 'cron' ? removeCron(existing.name) : removeSystemd(existing.name));
	}

	if (via === 'cron') {
		await installCron(schedule);
	} else {
		await installSystemd(schedule);
	}

	store.put(schedule);
	await store.save();
	process.stdout.write(`Installed. "ccdl schedule remove ${schedule.name}" removes it; "ccdl history" shows its runs.\n`);
	return exitCodes.ok;
}

async function installedNow(schedule: Schedule, crontab: () => Promise<string>): Promise<boolean> {
	if (schedule.via === 'cron') {
		return hasCronEntry(await crontab(), schedule.name);
	}

	return existsSync(systemdFiles(schedule.name).timer);
}

async function list(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, {json: {type: 'boolean'}}, 'schedule list');
	const store = await ScheduleStore.load();
	const schedules = store.list();
	let crontabText: Promise<string> | undefined;
	const crontab = async () => {
		crontabText ??= readCrontab().catch(() => '');
		return crontabText;
	};

	const rows = await Promise.all(schedules.map(async schedule => ({schedule, installed: await installedNow(schedule, crontab)})));
	if (values.json) {
		process.stdout.write(`${safeJson({file: store.file, schedules: rows.map(row => ({...row.schedule, installed: row.installed}))})}\n`);
		return exitCodes.ok;
	}

	if (rows.length === 0) {
		process.stdout.write('No schedules; "ccdl schedule add NAME --weekly mon --at 02:00" adds one.\n');
		return exitCodes.ok;
	}

	const lines = rows.map(({schedule, installed}) => `${schedule.name}  ${describeRecurrence(schedule.recurrence, schedule.at)}  via ${schedule.via}`
		+ `${schedule.credentials ? `  credentials ${schedule.credentials}` : ''}${installed ? '' : '  (no longer installed: "ccdl schedule remove" tidies up)'}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	return exitCodes.ok;
}

async function remove(argv: string[]): Promise<number> {
	const {positionals} = parseOptions(argv, {}, 'schedule remove', true);
	const name = oneName(positionals, 'remove');
	const store = await ScheduleStore.load();
	const schedule = store.get(name);
	const removed = schedule.via === 'cron' ? await removeCron(schedule.name) : await removeSystemd(schedule.name);
	store.remove(schedule.name);
	await store.save();
	process.stdout.write(removed
		? `Removed the schedule of "${schedule.name}" (${schedule.via}).\n`
		: `The schedule of "${schedule.name}" was no longer installed (${schedule.via}); forgotten.\n`);
	return exitCodes.ok;
}

const subcommands: Record<string, (argv: string[]) => Promise<number>> = {add, list, remove};

export async function runSchedule(argv: string[]): Promise<number> {
	const [subcommand, ...rest] = argv;
	if (subcommand === undefined) {
		throw new UsageError('"ccdl schedule" needs a command: add, list or remove; see "ccdl schedule --help".');
	}

	const run = Object.hasOwn(subcommands, subcommand) ? subcommands[subcommand] : undefined;
	if (!run) {
		throw new UsageError(`"ccdl schedule" has no command "${visible(subcommand)}"${didYouMean(subcommand, Object.keys(subcommands))}; use add, list or remove.`);
	}

	return run(rest);
}
