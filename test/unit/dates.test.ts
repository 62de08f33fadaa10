import {describe, expect, it} from 'vitest';
import {parseUserInstant, zonedTime} from '../../source/lib/dates.js';

describe('parseUserInstant', () => {
	it('reads a date as local midnight, and a "to" date as the whole day', () => {
		expect(parseUserInstant('from', '2026-10-01', 'Europe/Budapest').toISOString()).toBe('2026-09-30T22:00:00.000Z');
		expect(parseUserInstant('to', '2026-10-01', 'Europe/Budapest').toISOString()).toBe('2026-10-01T22:00:00.000Z');
		expect(parseUserInstant('from', '2026-12-01', 'Europe/Budapest').toISOString()).toBe('2026-11-30T23:00:00.000Z');
		expect(parseUserInstant('from', '2026-10-01', 'UTC').toISOString()).toBe('2026-10-01T00:00:00.000Z');
	});

	it('reads date-times, local or with an offset', () => {
		expect(parseUserInstant('from', '2026-10-01 08:30', 'UTC').toISOString()).toBe('2026-10-01T08:30:00.000Z');
		expect(parseUserInstant('from', '2026-10-01T08:30:15', 'Europe/Budapest').toISOString()).toBe('2026-10-01T06:30:15.000Z');
		expect(parseUserInstant('from', '2026-10-01T08:30:00+05:00', 'UTC').toISOString()).toBe('2026-10-01T03:30:00.000Z');
		expect(parseUserInstant('to', '2026-10-01T08:30Z', 'Europe/Budapest').toISOString()).toBe('2026-10-01T08:30:00.000Z');
	});

	it('takes dates of the first century as they are (not as 1900-1999)', () => {
		expect(parseUserInstant('from', '0001-01-01', 'UTC').toISOString()).toBe('0001-01-01T00:00:00.000Z');
		expect(parseUserInstant('to', '0099-12-31 23:00', 'UTC').toISOString()).toBe('0099-12-31T23:00:00.000Z');
		expect(() => parseUserInstant('from', '0100-02-29', 'UTC')).toThrow('--from: 0100-02-29 is not a real date.');
	});

	it('refuses impossible and malformed dates with the flag named', () => {
		expect(() => parseUserInstant('from', '2026-02-30', 'UTC')).toThrow(/--from: 2026-02-30 is not a real date/);
		expect(() => parseUserInstant('to', 'yesterday', 'UTC')).toThrow(/--to needs a date/);
		expect(() => parseUserInstant('from', '2026-10-01 24:00', 'UTC')).toThrow(/not a real date and time/);
	});

	it('starts a day when it really starts where a DST change skips midnight', () => {
		// Chile moved its clocks from 00:00 to 01:00 on 2024-09-08: that day began at 01:00 local, 04:00 UTC.
		expect(parseUserInstant('from', '2024-09-08', 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
		expect(parseUserInstant('to', '2024-09-07', 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
	});

	it('handles the DST change', () => {
		// 2026-03-29 02:30 does not exist in Budapest; the result is still an instant on that morning.
		const instant = zonedTime(2026, 3, 29, 3, 30, 0, 'Europe/Budapest');
		expect(instant.toISOString()).toBe('2026-03-29T01:30:00.000Z');
	});
});
