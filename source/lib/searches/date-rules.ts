/**
 * Date rules of saved searches: a recurring run asks for "the previous 7 days" or "the previous calendar month",
 * and each run resolves the rule against its own "now" in the search's time zone, so it picks up new recordings.
 * Pure functions. Days are counted on the calendar (year, month, day), never as 24-hour steps, so a DST change
 * inside the range neither loses nor adds an hour at its ends: every range starts and ends at a local midnight.
 *
 * Rules: today, yesterday, previous-7-days, previous-N-days (N from 1 to 366; the N whole days before today),
 * previous-calendar-week (Monday to Sunday of last week), previous-calendar-month, this-month (the 1st to today)
 * and a fixed FROM..TO (dates or "date time", as --from/--to take them; a date TO includes that day).
 */
import {type Day, dayIn, dayNumber, startOfDay} from '../dates.js';
import {parseUserInstant, zonedTime} from '../dates.js';
import {UsageError} from '../errors.js';

export type DateRule =
	| {kind: 'today'}
	| {kind: 'yesterday'}
	| {kind: 'previous-days'; days: number}
	| {kind: 'previous-calendar-week'}
	| {kind: 'previous-calendar-month'}
	| {kind: 'this-month'}
	| {kind: 'fixed'; from: string; to: string};

export const maxPreviousDays = 366;

export const dateRuleHelp = 'today, yesterday, previous-7-days, previous-N-days (N 1-366), previous-calendar-week, '
	+ 'previous-calendar-month, this-month, or a fixed FROM..TO (e.g. 2026-10-01..2026-10-31)';

/** A calendar day, as numbers. */
export {type Day, dayIn, startOfDay} from '../dates.js';

export interface ResolvedRange {
	/** First instant of the range. */
	from: Date;
	/** The instant after the range (exclusive). */
	to: Date;
	/** For `ccdl download --from`: a date (YYYY-MM-DD) for relative rules, as written for fixed ones. */
	fromText: string;
	/** For `ccdl download --to`: the last day, included (YYYY-MM-DD), for relative rules; as written for fixed ones. */
	toText: string;
	/** E.g. "2026-10-26 to 2026-11-01 (previous-calendar-week)". */
	description: string;
}

/** Reads a rule; a UsageError names what is wrong. */
export function parseDateRule(text: string): DateRule {
	const trimmed = text.trim();
	const lower = trimmed.toLowerCase();
	switch (lower) {
		case 'today':
		case 'yesterday':
		case 'previous-calendar-week':
		case 'previous-calendar-month':
		case 'this-month': {
			return {kind: lower};
		}

		default: {
			break;
		}
	}

	const previous = /^previous-(\d+)-days?$/.exec(lower);
	if (previous) {
		const days = Number(previous[1]);
		if (!Number.isSafeInteger(days) || days < 1 || days > maxPreviousDays) {
			throw new UsageError(`The date rule "${trimmed}" needs a number of days from 1 to ${maxPreviousDays}.`);
		}

		return {kind: 'previous-days', days};
	}

	const fixed = /^(.+?)\s*\.\.\s*(.+)$/.exec(trimmed);
	if (fixed) {
		const rule: DateRule = {kind: 'fixed', from: fixed[1]!.trim(), to: fixed[2]!.trim()};
		// Proves both ends and their order, whatever the zone.
		resolveDateRule(rule, new Date(0), 'UTC');
		return rule;
	}

	throw new UsageError(`"${trimmed}" is not a date rule; use ${dateRuleHelp}.`);
}

/** The rule as text (what `parseDateRule` reads back). */
export function formatDateRule(rule: DateRule): string {
	switch (rule.kind) {
		case 'previous-days': {
			return `previous-${rule.days}-days`;
		}

		case 'fixed': {
			return `${rule.from}..${rule.to}`;
		}

		default: {
			return rule.kind;
		}
	}
}


/** The calendar day `now` falls on in `timeZone`. */

/** `day` plus `count` calendar days (negative: earlier); months and years roll over. */
export function addDays(day: Day, count: number): Day {
	const date = new Date(Date.UTC(day.year, day.month - 1, day.day + count));
	return {year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate()};
}

/** The last day of the month before `day`'s month, and its first day. */
function previousMonth(day: Day): {first: Day; last: Day} {
	const last = addDays({year: day.year, month: day.month, day: 1}, -1);
	return {first: {year: last.year, month: last.month, day: 1}, last};
}

export function formatDay(day: Day): string {
	return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

function startOf(day: Day, timeZone: string): Date {
	return startOfDay(day, timeZone);
}

/** First and last (included) calendar day of a relative rule on the day `today`. */
export function ruleDays(rule: Exclude<DateRule, {kind: 'fixed'}>, today: Day): {first: Day; last: Day} {
	switch (rule.kind) {
		case 'today': {
			return {first: today, last: today};
		}

		case 'yesterday': {
			const yesterday = addDays(today, -1);
			return {first: yesterday, last: yesterday};
		}

		case 'previous-days': {
			return {first: addDays(today, -rule.days), last: addDays(today, -1)};
		}

		case 'previous-calendar-week': {
			// ISO weeks start on Monday: 0 for a Monday … 6 for a Sunday.
			const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
			const thisMonday = addDays(today, -weekday);
			return {first: addDays(thisMonday, -7), last: addDays(thisMonday, -1)};
		}

		case 'previous-calendar-month': {
			return previousMonth(today);
		}

		case 'this-month': {
			return {first: {year: today.year, month: today.month, day: 1}, last: today};
		}
	}
}

/** The range a rule means for a run at `now` in `timeZone`. */
export function resolveDateRule(rule: DateRule, now: Date, timeZone: string): ResolvedRange {
	if (rule.kind === 'fixed') {
		const from = parseUserInstant('from', rule.from, timeZone);
		const to = parseUserInstant('to', rule.to, timeZone);
		if (from >= to) {
			throw new UsageError(`The date range ${rule.from}..${rule.to} is empty: its start is not before its end.`);
		}

		return {from, to, fromText: rule.from, toText: rule.to, description: `${rule.from} to ${rule.to}`};
	}

	const {first, last} = ruleDays(rule, dayIn(now, timeZone));
	return {
		from: startOf(first, timeZone),
		to: startOf(addDays(last, 1), timeZone),
		fromText: formatDay(first),
		toText: formatDay(last),
		description: `${formatDay(first)} to ${formatDay(last)} (${formatDateRule(rule)})`,
	};
}

/** An instant as the wall clock of `timeZone` shows it: "2026-11-04 10:00" (with `seconds`, "2026-11-04 10:00:05"). */
export function formatLocal(instant: Date | string, timeZone: string, seconds = false): string {
	const date = typeof instant === 'string' ? new Date(instant) : instant;
	if (Number.isNaN(date.getTime())) {
		return String(instant);
	}

	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
	}).formatToParts(date);
	const get = (type: string) => parts.find(part => part.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}${seconds ? `:${get('second')}` : ''}`;
}
