/**
 * Dates as users type them, in their time zone, turned into instants for the API. `--to 2026-10-07` means the
 * whole of that day, so it becomes the next local midnight (the API's `to` is exclusive for date-times).
 */
import {UsageError} from './errors.js';

export function systemTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function checkTimeZone(zone: string): string {
	try {
		new Intl.DateTimeFormat('en', {timeZone: zone});
		return zone;
	} catch {
		throw new UsageError(`"${zone}" is not a time zone; use an IANA name such as Europe/Budapest or UTC.`);
	}
}

/** Offset of `zone` from UTC at instant `ms`, in ms. */
function zoneOffset(ms: number, zone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
	}).formatToParts(new Date(ms));
	const get = (type: string) => Number(parts.find(part => part.type === type)?.value);
	return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}

/** The instant when the wall clock in `zone` shows the given time (the later one in a DST overlap). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): Date {
	const guess = Date.UTC(year, month - 1, day, hour, minute, second);
	let instant = guess - zoneOffset(guess, zone);
	instant = guess - zoneOffset(instant, zone);
	return new Date(instant);
}

function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
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
	const hint = `--${flag} needs a date like 2026-10-01 or a date and time like "2026-10-01 08:30", not "${text}".`;
	if (day) {
		const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
		if (!isRealDate(year, month, date)) {
			throw new UsageError(`--${flag}: ${trimmed} is not a real date.`);
		}

		return flag === 'to' ? zonedTime(year, month, date + 1, 0, 0, 0, zone) : zonedTime(year, month, date, 0, 0, 0, zone);
	}

	const time = dateTimePattern.exec(trimmed);
	if (!time) {
		throw new UsageError(hint);
	}

	const [year, month, date, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(index => Number(time[index] ?? 0)) as [number, number, number, number, number, number];
	if (!isRealDate(year, month, date) || hour > 23 || minute > 59 || second > 59) {
		throw new UsageError(`--${flag}: ${trimmed} is not a real date and time.`);
	}

	if (time[7]) {
		return new Date(`${time[1]}-${time[2]}-${time[3]}T${time[4]}:${time[5]}:${time[6] ?? '00'}${time[7].toUpperCase()}`);
	}

	return zonedTime(year, month, date, hour, minute, second, zone);
}
