/**
 * Relative date rules of saved searches, resolved against "now" in a time zone: whole local days, Monday-based
 * weeks, month ends and leap years, and DST changes inside and at the edges of a range.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {formatDateRule, parseDateRule, resolveDateRule} from '../../source/lib/searches/date-rules.js';

function resolve(rule: string, now: string, zone: string): {from: string; to: string; fromText: string; toText: string} {
	const range = resolveDateRule(parseDateRule(rule), new Date(now), zone);
	return {from: range.from.toISOString(), to: range.to.toISOString(), fromText: range.fromText, toText: range.toText};
}

describe('date rules', () => {
	// Wednesday 2026-11-04, 11:00 in Budapest (CET, UTC+1 since 25 October).
	const now = '2026-11-04T10:00:00Z';
	const zone = 'Europe/Budapest';

	it('today, yesterday and this month are local calendar days up to today', () => {
		expect(resolve('today', now, zone)).toEqual({from: '2026-11-03T23:00:00.000Z', to: '2026-11-04T23:00:00.000Z', fromText: '2026-11-04', toText: '2026-11-04'});
		expect(resolve('yesterday', now, zone)).toEqual({from: '2026-11-02T23:00:00.000Z', to: '2026-11-03T23:00:00.000Z', fromText: '2026-11-03', toText: '2026-11-03'});
		expect(resolve('this-month', now, zone)).toEqual({from: '2026-10-31T23:00:00.000Z', to: '2026-11-04T23:00:00.000Z', fromText: '2026-11-01', toText: '2026-11-04'});
	});

	it('previous N days are the N whole days before today', () => {
		expect(resolve('previous-7-days', now, zone)).toEqual({from: '2026-10-27T23:00:00.000Z', to: '2026-11-03T23:00:00.000Z', fromText: '2026-10-28', toText: '2026-11-03'});
		expect(resolve('previous-1-days', now, zone)).toEqual(resolve('yesterday', now, zone));
		expect(resolve('previous-30-days', now, zone)).toMatchObject({fromText: '2026-10-05', toText: '2026-11-03'});
		expect(resolve('previous-366-days', '2028-03-01T12:00:00Z', 'UTC')).toMatchObject({fromText: '2027-03-01', toText: '2028-02-29'});
	});

	it('the previous calendar week runs Monday to Sunday, whatever day today is', () => {
		expect(resolve('previous-calendar-week', now, zone)).toMatchObject({fromText: '2026-10-26', toText: '2026-11-01'});
		// On the Monday and on the Sunday of the next week alike.
		expect(resolve('previous-calendar-week', '2026-11-02T10:00:00Z', zone)).toMatchObject({fromText: '2026-10-26', toText: '2026-11-01'});
		expect(resolve('previous-calendar-week', '2026-11-08T10:00:00Z', zone)).toMatchObject({fromText: '2026-10-26', toText: '2026-11-01'});
		// Across the new year.
		expect(resolve('previous-calendar-week', '2027-01-06T10:00:00Z', zone)).toMatchObject({fromText: '2026-12-28', toText: '2027-01-03'});
	});

	it('the previous calendar month ends on the month\'s real last day (30, 31, 28, leap 29) and rolls the year', () => {
		expect(resolve('previous-calendar-month', now, zone)).toMatchObject({fromText: '2026-10-01', toText: '2026-10-31'});
		expect(resolve('previous-calendar-month', '2026-03-31T12:00:00Z', zone)).toMatchObject({fromText: '2026-02-01', toText: '2026-02-28'});
		expect(resolve('previous-calendar-month', '2028-03-01T12:00:00Z', zone)).toMatchObject({fromText: '2028-02-01', toText: '2028-02-29'});
		expect(resolve('previous-calendar-month', '2026-05-15T12:00:00Z', zone)).toMatchObject({fromText: '2026-04-01', toText: '2026-04-30'});
		expect(resolve('previous-calendar-month', '2027-01-01T00:30:00Z', zone)).toMatchObject({fromText: '2026-12-01', toText: '2026-12-31'});
	});

	it('is DST-safe: each end is a local midnight, so a range with a change is an hour longer or shorter', () => {
		// October 2026 in Budapest: starts in CEST (UTC+2), ends in CET (UTC+1) — 31 days and 1 hour.
		const october = resolve('previous-calendar-month', now, zone);
		expect(october.from).toBe('2026-09-30T22:00:00.000Z');
		expect(october.to).toBe('2026-10-31T23:00:00.000Z');
		expect(Date.parse(october.to) - Date.parse(october.from)).toBe(((31 * 24) + 1) * 3_600_000);
		// The week with the spring change (29 March 2026): one hour short.
		const spring = resolve('previous-7-days', '2026-03-30T08:00:00Z', zone);
		expect(spring).toEqual({from: '2026-03-22T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z', fromText: '2026-03-23', toText: '2026-03-29'});
		expect(Date.parse(spring.to) - Date.parse(spring.from)).toBe(((7 * 24) - 1) * 3_600_000);
		// New York falls back at 02:00 on 1 November: that midnight is still EDT.
		expect(resolve('previous-calendar-month', '2026-11-15T12:00:00Z', 'America/New_York')).toMatchObject({from: '2026-10-01T04:00:00.000Z', to: '2026-11-01T04:00:00.000Z'});
		// Santiago skips midnight (00:00 becomes 01:00 on 8 September 2024): that day begins when the clocks jump,
		// and the day before ends there, not an hour early.
		expect(resolve('today', '2024-09-08T03:30:00Z', 'America/Santiago')).toMatchObject({from: '2024-09-07T04:00:00.000Z', to: '2024-09-08T04:00:00.000Z', fromText: '2024-09-07'});
		expect(resolve('today', '2024-09-08T12:00:00Z', 'America/Santiago')).toMatchObject({from: '2024-09-08T04:00:00.000Z', to: '2024-09-09T03:00:00.000Z', fromText: '2024-09-08'});
		// "today" on the day of the change is 25 hours long.
		const fallBack = resolve('today', '2026-10-25T12:00:00Z', zone);
		expect(Date.parse(fallBack.to) - Date.parse(fallBack.from)).toBe(25 * 3_600_000);
	});

	it('"today" is the day of the search\'s zone, not of UTC', () => {
		// 23:30 UTC on 4 November is already 5 November in Budapest, and still the 4th in New York.
		expect(resolve('today', '2026-11-04T23:30:00Z', zone).fromText).toBe('2026-11-05');
		expect(resolve('today', '2026-11-04T23:30:00Z', 'America/New_York').fromText).toBe('2026-11-04');
		expect(resolve('today', '2026-11-04T23:30:00Z', 'UTC').fromText).toBe('2026-11-04');
	});

	it('property: consecutive days meet exactly and "today" holds now, in zones with odd DST rules', () => {
		const zones = ['Europe/Budapest', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Apia', 'America/Havana', 'UTC'];
		fc.assert(fc.property(
			fc.date({min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true}),
			fc.constantFrom(...zones),
			(instant, timeZone) => {
				const today = resolveDateRule({kind: 'today'}, instant, timeZone);
				const yesterday = resolveDateRule({kind: 'yesterday'}, instant, timeZone);
				const week = resolveDateRule({kind: 'previous-days', days: 7}, instant, timeZone);
				expect(yesterday.to.getTime()).toBe(today.from.getTime());
				expect(week.to.getTime()).toBe(today.from.getTime());
				expect(today.from.getTime()).toBeLessThanOrEqual(instant.getTime());
				expect(instant.getTime()).toBeLessThan(today.to.getTime());
				// A local day is 23 to 25 hours long (Lord Howe: 23.5 and 24.5).
				const hours = (today.to.getTime() - today.from.getTime()) / 3_600_000;
				expect(hours).toBeGreaterThanOrEqual(23);
				expect(hours).toBeLessThanOrEqual(25);
			},
		), {numRuns: 1000});
	});

	it('reads fixed ranges as --from/--to do: a date TO includes its day', () => {
		expect(resolve('2026-10-01..2026-10-31', now, zone)).toEqual({
			from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z', fromText: '2026-10-01', toText: '2026-10-31',
		});
		expect(resolve('2026-10-01 08:00..2026-10-01 12:30', now, 'UTC')).toMatchObject({from: '2026-10-01T08:00:00.000Z', to: '2026-10-01T12:30:00.000Z'});
	});

	it('refuses what is not a rule, naming the problem', () => {
		expect(() => parseDateRule('last week')).toThrow('"last week" is not a date rule; use today, yesterday, previous-7-days, previous-N-days (N 1-366), previous-calendar-week, previous-calendar-month, this-month, or a fixed FROM..TO (e.g. 2026-10-01..2026-10-31).');
		expect(() => parseDateRule('previous-0-days')).toThrow('The date rule "previous-0-days" needs a number of days from 1 to 366.');
		expect(() => parseDateRule('previous-367-days')).toThrow('needs a number of days from 1 to 366');
		expect(() => parseDateRule('2026-10-31..2026-10-01')).toThrow('The date range 2026-10-31..2026-10-01 is empty: its start is not before its end.');
		expect(() => parseDateRule('2026-02-30..2026-03-01')).toThrow('--from: 2026-02-30 is not a real date.');
	});

	it('writes rules back as they are read', () => {
		for (const text of ['today', 'yesterday', 'previous-7-days', 'previous-45-days', 'previous-calendar-week', 'previous-calendar-month', 'this-month', '2026-10-01..2026-10-31']) {
			expect(formatDateRule(parseDateRule(text))).toBe(text);
		}

		expect(formatDateRule(parseDateRule(' Previous-7-Days '))).toBe('previous-7-days');
		expect(formatDateRule(parseDateRule('2026-10-01 .. 2026-10-31'))).toBe('2026-10-01..2026-10-31');
	});
});
