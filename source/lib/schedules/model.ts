/**
 * Schedules of saved searches, after the bulk export's recurring exports: weekly (one or more weekdays) or monthly
 * (a day of the month), at a time of day, run by cron or by a systemd user timer as `ccdl run NAME` headless.
 */
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export type Recurrence = {kind: 'weekly'; days: Weekday[]} | {kind: 'monthly'; day: number};
export type Scheduler = 'cron' | 'systemd';

export interface Schedule {
	/** The saved search it runs (and the schedule's name). */
	name: string;
	recurrence: Recurrence;
	/** HH:MM, 24-hour, in the machine's local time (cron's and systemd's). */
	at: string;
	via: Scheduler;
	/** Absolute path of the credentials file given to `ccdl run`, if any. */
	credentials?: string;
	/** The exact command run: node, ccdl's cli.js, run, NAME and its flags. */
	command: string[];
	/** Environment the command gets (CCDL_CONFIG_DIR, CCDL_DATA_DIR when set at `schedule add`). */
	environment: Record<string, string>;
	/** Where the output of a cron run goes (systemd keeps it in the user journal). */
	logFile?: string;
	createdAt: string;
}

const names: Record<string, Weekday> = {
	mon: 'mon', monday: 'mon', tue: 'tue', tues: 'tue', tuesday: 'tue', wed: 'wed', wednesday: 'wed', thu: 'thu', thur: 'thu',
	thurs: 'thu', thursday: 'thu', fri: 'fri', friday: 'fri', sat: 'sat', saturday: 'sat', sun: 'sun', sunday: 'sun',
};

/** "mon,thu" → ['mon', 'thu'] in week order (Monday first); each day once. */
export function parseWeekdays(text: string): Weekday[] {
	const parts = text.split(',').map(part => part.trim().toLowerCase());
	const days = new Set<Weekday>();
	for (const part of parts) {
		const day = names[part];
		if (!day) {
			throw new UsageError(`--weekly needs weekdays such as mon,thu (mon, tue, wed, thu, fri, sat, sun), not "${text}".`);
		}

		days.add(day);
	}

	return weekdays.filter(day => days.has(day));
}

/** A day of the month, 1-31. */
export function parseMonthDay(text: string): number {
	const day = /^\d{1,2}$/.test(text.trim()) ? Number(text) : Number.NaN;
	if (!Number.isInteger(day) || day < 1 || day > 31) {
		throw new UsageError(`--monthly needs a day of the month from 1 to 31, not "${text}".`);
	}

	return day;
}

/** "2:00" or "02:00" → "02:00". */
export function parseTimeOfDay(text: string): string {
	const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
	const hour = match ? Number(match[1]) : Number.NaN;
	const minute = match ? Number(match[2]) : Number.NaN;
	if (!match || hour > 23 || minute > 59) {
		throw new UsageError(`--at needs a time of day as HH:MM (00:00 to 23:59), not "${text}".`);
	}

	return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

export function parseScheduler(text: string | undefined): Scheduler {
	const via = text ?? 'cron';
	if (via !== 'cron' && via !== 'systemd') {
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--via', allowed: {key: 'cli.part.allowed.or', params: {first: 'cron', last: 'systemd'}}, value: via}));
	}

	return via;
}

/** The recurrence from --weekly / --monthly (exactly one). */
export function recurrenceFrom(flags: {weekly: string | undefined; monthly: string | undefined}): Recurrence {
	if (flags.weekly !== undefined && flags.monthly !== undefined) {
		throw new UsageError('Give either --weekly DAYS or --monthly DAY, not both.');
	}

	if (flags.weekly !== undefined) {
		return {kind: 'weekly', days: parseWeekdays(flags.weekly)};
	}

	if (flags.monthly !== undefined) {
		return {kind: 'monthly', day: parseMonthDay(flags.monthly)};
	}

	throw new UsageError('Say when to run: --weekly mon,thu or --monthly 1, with --at HH:MM.');
}

/** "every Monday and Thursday at 02:00", "on day 1 of every month at 03:00". */
export function describeRecurrence(recurrence: Recurrence, at: string): string {
	if (recurrence.kind === 'monthly') {
		return `on day ${recurrence.day} of every month at ${at}`;
	}

	const full: Record<Weekday, string> = {mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday'};
	const days = recurrence.days.map(day => full[day]);
	const list = days.length === 1 ? days[0]! : `${days.slice(0, -1).join(', ')} and ${days.at(-1)!}`;
	return `every ${list} at ${at}`;
}
