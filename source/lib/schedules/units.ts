/**
 * What a schedule installs, as exact text: a crontab entry (a marker comment and the job line) or a systemd user
 * service and timer. The command is `ccdl run NAME` with absolute paths to node and ccdl's cli.js; the password is
 * never in it (it comes from the credentials file the command names, or from the environment).
 */
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UsageError} from '../errors.js';
import {dataDir} from '../settings/paths.js';
import {describeRecurrence, type Recurrence, type Schedule, type Weekday, weekdays} from './model.js';

/** The program a schedule runs: this node and this ccdl (dist/cli.js). */
export function ccdlProgram(): {node: string; cli: string} {
	return {node: process.execPath, cli: fileURLToPath(new URL('../../cli.js', import.meta.url))};
}

/**
 * Variables passed on to scheduled runs when set, so they find the same saved searches, journal and staging folder;
 * an XDG folder only where it is not its default under HOME (which cron sets too).
 */
export const passedEnvironment = ['CCDL_CONFIG_DIR', 'CCDL_DATA_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME'] as const;

const xdgDefaults: Readonly<Record<string, string>> = {XDG_CONFIG_HOME: '.config', XDG_DATA_HOME: '.local/share', XDG_CACHE_HOME: '.cache'};

export interface ScheduleInput {
	name: string;
	recurrence: Recurrence;
	at: string;
	via: Schedule['via'];
	credentials?: string | undefined;
	program?: {node: string; cli: string};
	env?: NodeJS.ProcessEnv;
	now?: Date;
}

/** The schedule: its command (absolute paths), environment and log file. */
export function makeSchedule(input: ScheduleInput): Schedule {
	const program = input.program ?? ccdlProgram();
	const env = input.env ?? process.env;
	const environment: Record<string, string> = {};
	for (const name of passedEnvironment) {
		const value = env[name] ? path.resolve(env[name]!) : undefined;
		const fallback = xdgDefaults[name] && env['HOME'] ? path.join(env['HOME'], xdgDefaults[name]!) : undefined;
		if (value && value !== fallback) {
			environment[name] = value;
		}
	}

	const credentials = input.credentials === undefined ? undefined : path.resolve(input.credentials);
	const command = [program.node, program.cli, 'run', input.name, ...credentials ? ['--credentials', credentials] : []];
	for (const part of [...command, ...Object.values(environment)]) {
		if (/[\n\r\0]/.test(part)) {
			throw new UsageError(`A path with a line break cannot go into a schedule: ${JSON.stringify(part)}.`);
		}
	}

	return {
		name: input.name,
		recurrence: input.recurrence,
		at: input.at,
		via: input.via,
		...credentials ? {credentials} : {},
		command,
		environment,
		...input.via === 'cron' ? {logFile: path.join(dataDir(env), 'logs', `${input.name}.log`)} : {},
		createdAt: (input.now ?? new Date()).toISOString(),
	};
}

// --- cron ------------------------------------------------------------------------------------------------------

const cronDay: Record<Weekday, number> = {sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6};

/** A word for /bin/sh: as is when it is plain, else in single quotes. */
export function shellQuote(word: string): string {
	return /^[\w/.,:=@+-]+$/.test(word) ? word : `'${word.replaceAll('\'', `'\\''`)}'`;
}

/** cron turns an unescaped % into a line break. */
function cronEscape(text: string): string {
	return text.replaceAll('%', '\\%');
}

export function cronMarker(name: string): string {
	return `# ccdl schedule ${name} (remove with: ccdl schedule remove ${name})`;
}

/** The five time fields: minute hour day-of-month month day-of-week. */
export function cronTimeFields(recurrence: Recurrence, at: string): string {
	const [hour, minute] = at.split(':').map(Number) as [number, number];
	if (recurrence.kind === 'monthly') {
		return `${minute} ${hour} ${recurrence.day} * *`;
	}

	const days = recurrence.days.map(day => cronDay[day]).sort((a, b) => a - b);
	return `${minute} ${hour} * * ${days.join(',')}`;
}

/** The job line: time fields, environment, command, and output appended to the log file. */
export function crontabLine(schedule: Schedule): string {
	const environment = Object.entries(schedule.environment).map(([name, value]) => `${name}=${shellQuote(value)}`);
	const command = schedule.command.map(word => shellQuote(word));
	const log = schedule.logFile ? ` >>${shellQuote(schedule.logFile)} 2>&1` : '';
	return cronEscape(`${cronTimeFields(schedule.recurrence, schedule.at)} ${[...environment, ...command].join(' ')}${log}`);
}

/** The lines added to the crontab: the marker comment, then the job. */
export function crontabEntry(schedule: Schedule): string[] {
	return [cronMarker(schedule.name), crontabLine(schedule)];
}

/** The crontab with `name`'s entry (marker and the job line after it) taken out. */
export function withoutCronEntry(crontab: string, name: string): string {
	const lines = crontab.split('\n');
	const kept: string[] = [];
	const marker = cronMarker(name);
	for (let index = 0; index < lines.length; index++) {
		if (lines[index] === marker) {
			if (index + 1 < lines.length && !lines[index + 1]!.startsWith('#')) {
				index++;
			}

			continue;
		}

		kept.push(lines[index]!);
	}

	return kept.join('\n');
}

export function hasCronEntry(crontab: string, name: string): boolean {
	return crontab.split('\n').includes(cronMarker(name));
}

/** The crontab with `schedule`'s entry added (replacing an earlier one of that name). */
export function withCronEntry(crontab: string, schedule: Schedule): string {
	const base = withoutCronEntry(crontab, schedule.name).replace(/\n*$/, '');
	return `${base === '' ? '' : `${base}\n`}${crontabEntry(schedule).join('\n')}\n`;
}

// --- systemd ---------------------------------------------------------------------------------------------------

export function unitName(name: string): string {
	return `ccdl-search-${name}`;
}

/** A word for ExecStart=: % and $ doubled, quoted when it has spaces, quotes or backslashes. */
export function systemdQuote(word: string): string {
	const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
	return /[\s"'\\;]/.test(escaped) ? `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : escaped;
}

const systemdDay: Record<Weekday, string> = {mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun'};

/** OnCalendar= of a recurrence, e.g. "Mon,Thu *-*-* 02:00:00" or "*-*-01 03:00:00". */
export function onCalendar(recurrence: Recurrence, at: string): string {
	const time = `${at}:00`;
	if (recurrence.kind === 'monthly') {
		return `*-*-${String(recurrence.day).padStart(2, '0')} ${time}`;
	}

	return `${weekdays.filter(day => recurrence.days.includes(day)).map(day => systemdDay[day]).join(',')} *-*-* ${time}`;
}

export function systemdService(schedule: Schedule): string {
	return [
		'[Unit]',
		`Description=ccdl: run the saved search ${schedule.name}`,
		'',
		'[Service]',
		'Type=oneshot',
		...Object.entries(schedule.environment).map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}`),
		`ExecStart=${schedule.command.map(word => systemdQuote(word)).join(' ')}`,
		'',
	].join('\n');
}

export function systemdTimer(schedule: Schedule): string {
	return [
		'[Unit]',
		`Description=ccdl: run the saved search ${schedule.name} ${describeRecurrence(schedule.recurrence, schedule.at)}`,
		'',
		'[Timer]',
		`OnCalendar=${onCalendar(schedule.recurrence, schedule.at)}`,
		'Persistent=true',
		'',
		'[Install]',
		'WantedBy=timers.target',
		'',
	].join('\n');
}

/** Where systemd looks for the user's own units: $XDG_CONFIG_HOME/systemd/user (CCDL_SYSTEMD_USER_DIR overrides). */
export function systemdUserDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env['CCDL_SYSTEMD_USER_DIR']) {
		return path.resolve(env['CCDL_SYSTEMD_USER_DIR']);
	}

	return path.join(env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config'), 'systemd', 'user');
}
