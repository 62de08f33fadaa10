/**
 * Dates as users type them, in their time zone, turned into instants for the API. `--to 2026-10-07` means the
 * whole of that day, so it becomes the next local midnight (the API's `to` is exclusive for date-times).
 */
import {UsageError} from './errors.js';
import {phrased} from './i18n/index.js';

export function systemTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function checkTimeZone(zone: string): string {
	try {
		new Intl.DateTimeFormat('en', {timeZone: zone});
		return zone;
	} catch {
		throw new UsageError(...phrased('cli.error.time-zone', {zone}));
	}
}

/** Date.UTC, but years 0-99 are those years: Date.UTC takes them as 1900-1999 (0001-01-01 was "not a real date"). */
export function utc(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
	const date = new Date(0);
	date.setUTCFullYear(year, monthIndex, day);
	date.setUTCHours(hour, minute, second, 0);
	return date.getTime();
}

/** The astronomical year of formatted parts (with `era`): the year before 1 AD is 0, not "1 BC". */
function yearOf(parts: Intl.DateTimeFormatPart[]): number {
	const year = Number(parts.find(part => part.type === 'year')?.value);
	return parts.find(part => part.type === 'era')?.value === 'BC' ? 1 - year : year;
}

/** Offset of `zone` from UTC at instant `ms`, in ms. */
function zoneOffset(ms: number, zone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone, hourCycle: 'h23', era: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
	}).formatToParts(new Date(ms));
	const get = (type: string) => Number(parts.find(part => part.type === type)?.value);
	return utc(yearOf(parts), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}

/** The instant when the wall clock in `zone` shows the given time (the later one in a DST overlap). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): Date {
	const guess = utc(year, month - 1, day, hour, minute, second);
	let instant = guess - zoneOffset(guess, zone);
	instant = guess - zoneOffset(instant, zone);
	return new Date(instant);
}

/** Whether year-month-day (month from 1) is a day of the calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(utc(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Parses a --from/--to value: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (local to `zone`) or with Z/±hh:mm.
 * A date-only `to` covers the whole day.
 */
export function parseUserInstant(flag: 'from' | 'to', text: string, zone: string): Date {
	const trimmed = text.trim();
	const day = datePattern.exec(trimmed);
	if (day) {
		const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
		if (!isRealDate(year, month, date)) {
			throw new UsageError(...phrased('cli.error.not-a-date', {flag: `--${flag}`, value: trimmed}));
		}

		return startOfDay(dayAfter({year, month, day: date}, flag === 'to' ? 1 : 0), zone);
	}

	const time = dateTimePattern.exec(trimmed);
	if (!time) {
		throw new UsageError(...phrased('cli.error.date', {flag: `--${flag}`, value: text}));
	}

	const [year, month, date, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(index => Number(time[index] ?? 0)) as [number, number, number, number, number, number];
	if (!isRealDate(year, month, date) || hour > 23 || minute > 59 || second > 59) {
		throw new UsageError(...phrased('cli.error.not-a-date-time', {flag: `--${flag}`, value: trimmed}));
	}

	if (time[7]) {
		return new Date(`${time[1]}-${time[2]}-${time[3]}T${time[4]}:${time[5]}:${time[6] ?? '00'}${time[7].toUpperCase()}`);
	}

	return zonedTime(year, month, date, hour, minute, second, zone);
}

/** A calendar day. */
export interface Day {
	year: number;
	month: number;
	day: number;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

export function dayIn(now: Date, timeZone: string): Day {
	let formatter = dayFormatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {timeZone, era: 'short', year: 'numeric', month: '2-digit', day: '2-digit'});
		dayFormatters.set(timeZone, formatter);
	}

	const parts = formatter.formatToParts(now);
	const get = (type: string) => Number(parts.find(part => part.type === type)?.value);
	return {year: yearOf(parts), month: get('month'), day: get('day')};
}

export const dayNumber = (day: Day) => (day.year * 10_000) + (day.month * 100) + day.day;

/** The calendar day `count` days after `day`. */
export function dayAfter(day: Day, count: number): Day {
	const date = new Date(utc(day.year, day.month - 1, day.day + count));
	return {year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate()};
}

/**
 * The first instant of a calendar day in `timeZone`. Usually its local midnight; where a DST change skips midnight
 * (America/Santiago, America/Havana …) the day begins when the clocks jump, and where midnight happens twice, at
 * the first one — so consecutive days always meet exactly.
 */
export function startOfDay(day: Day, timeZone: string): Date {
	const wanted = dayNumber(day);
	const guess = zonedTime(day.year, day.month, day.day, 0, 0, 0, timeZone).getTime();
	const onDay = (ms: number) => dayNumber(dayIn(new Date(ms), timeZone)) >= wanted;
	if (onDay(guess) && !onDay(guess - 1000)) {
		return new Date(guess);
	}

	// The first instant at or after which the local date is the wanted day, within hours of the guess.
	let before = guess - (6 * 3_600_000);
	let after = guess + (6 * 3_600_000);
	while (after - before > 1000) {
		const middle = before + (Math.floor((after - before) / 2000) * 1000);
		if (onDay(middle)) {
			after = middle;
		} else {
			before = middle;
		}
	}

	return new Date(after);
}

