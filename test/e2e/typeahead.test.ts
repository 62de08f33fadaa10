/**
 * Type-ahead in a real terminal: each burst is sent with ONE `send-keys` call, so the app reads it in one chunk as it
 * would over SSH, and every key must land in the field that has focus when that key's turn comes — also the keys
 * after one that changes screens.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {killAllTmux, type TmuxSession} from '../helpers/tmux.js';
import {continueToList, escapeRegExp, logIn, selectAllCampaigns, startApp} from './flow.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '200', '--seed', '5']);
});

afterEach(async () => {
	await killAllTmux();
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

async function app(): Promise<TmuxSession> {
	return startApp({server: server.url, out: await tempDir('ccdl-e2e-out-')});
}

function field(screen: string, label: string): string {
	const line = screen.split('\n').find(row => new RegExp(`^[› ] ${escapeRegExp(label)}\\s`).test(row));
	return line === undefined ? '' : line.slice(2 + label.length).trim();
}

function isoDay(date: Date, daysBack = 0): string {
	return new Date(date.getTime() - daysBack * 86_400_000).toISOString().slice(0, 10);
}

async function filters(): Promise<TmuxSession> {
	const session = await app();
	await logIn(session);
	await selectAllCampaigns(session);
	return session;
}

describe('keys typed faster than the screen draws', () => {
	it('puts each date of `2026-11-01⇥2026-11-07⇥` in its own field', async () => {
		const session = await filters();
		await session.burst('2026-11-01', 'Tab', '2026-11-07', 'Tab');
		const screen = await session.waitFor(/^› Quick/m);
		expect(field(screen, 'From')).toBe('2026-11-01');
		expect(field(screen, 'To')).toBe('2026-11-07');
	});

	it('passes the quick ranges by on `2026-11-01⏎2026-11-07⏎⏎` and keeps the typed dates', async () => {
		const session = await filters();
		// Enter down the form, as the hint says ("Enter next field"): on Quick range, before any range is picked, it
		// moves on instead of filling in "today" over the dates just typed.
		await session.burst('2026-11-01', 'Enter', '2026-11-07', 'Enter', 'Enter');
		const screen = await session.waitFor(/^› Channels/m);
		expect(field(screen, 'From')).toBe('2026-11-01');
		expect(field(screen, 'To')).toBe('2026-11-07');
	});

	it('fills in today on `⇥⇥⏎` when no date is typed yet', async () => {
		const session = await filters();
		const before = new Date();
		await session.burst('Tab', 'Tab', 'Enter');
		const screen = await session.waitFor(found => field(found, 'From') !== '' && /^› Quick/m.test(found));
		const after = new Date();
		expect([isoDay(before), isoDay(after)]).toContain(field(screen, 'From'));
		expect(field(screen, 'To')).toBe(field(screen, 'From'));
	});

	it('applies the range picked on the row with `⇥⇥→⏎`', async () => {
		const session = await filters();
		const before = new Date();
		await session.burst('Tab', 'Tab', 'Right', 'Enter');
		const screen = await session.waitFor(found => field(found, 'From') !== '' && /^› Quick/m.test(found));
		const after = new Date();
		// The second quick range is "yesterday".
		expect([isoDay(before, 1), isoDay(after, 1)]).toContain(field(screen, 'From'));
		expect(field(screen, 'To')).toBe(field(screen, 'From'));
	});

	it('keeps the arrows of `⇥⇥→→␠`: the third quick range is applied', async () => {
		const session = await filters();
		const before = new Date();
		await session.burst('Tab', 'Tab', 'Right', 'Right', 'Space');
		const screen = await session.waitFor(found => field(found, 'From') !== '' && /^› Quick/m.test(found));
		const after = new Date();
		// The third quick range is "last 7 days": from six days ago to today (UTC, as the app runs with --timezone UTC).
		expect([isoDay(before, 6), isoDay(after, 6)]).toContain(field(screen, 'From'));
		expect([isoDay(before), isoDay(after)]).toContain(field(screen, 'To'));
	});

	it('carries the keys after Enter on campaigns over to the filters: `␠⏎⇥⇥→␠`', async () => {
		const session = await app();
		await logIn(session);
		const before = new Date();
		await session.burst('Space', 'Enter', 'Tab', 'Tab', 'Right', 'Space');
		const screen = await session.waitFor(found => /\[Filters\]/.test(found) && field(found, 'From') !== '');
		const after = new Date();
		// The second quick range is "yesterday".
		expect([isoDay(before, 1), isoDay(after, 1)]).toContain(field(screen, 'From'));
		expect(field(screen, 'To')).toBe(field(screen, 'From'));
		expect(screen).toMatch(/^› Quick/m);
	});

	it('carries keys typed during the login over the campaigns to the filters', async () => {
		const session = await app();
		await session.waitFor(/^› Password\s*$/m);
		// Password, Enter (the login takes a round trip), Space and Enter on the campaigns, then the dates.
		await session.burst('demo', 'Enter', 'Space', 'Enter', '2026-11-01', 'Tab', '2026-11-07');
		const screen = await session.waitFor(found => /\[Filters\]/.test(found) && field(found, 'To') === '2026-11-07', {timeoutMs: 30_000});
		expect(field(screen, 'From')).toBe('2026-11-01');
	});

	it('applies a burst of line-editing keys in order in the folder field', async () => {
		const session = await filters();
		// To the folder field (7 fields down), erase it, type a path, go to its start, delete the first character.
		await session.burst('Up', 'Up', 'Up', 'C-u', '/tmp/xyz', 'C-a', 'Delete', 'C-e', 'BSpace');
		const screen = await session.waitFor(found => field(found, 'Folder') === 'tmp/xy');
		expect(screen).toMatch(/^› Folder/m);
	});

	it('expands ~ in the folder field: the files go under the home folder, not into a folder named ~', async () => {
		const session = await filters();
		await session.burst('Up', 'Up', 'Up', 'C-u', '~/calls');
		await session.waitFor(found => field(found, 'Folder') === '~/calls');
		await session.burst('Down', 'Down', 'Enter');
		await session.waitFor(/\[File names\][\s\S]*^› Template/m, {timeoutMs: 30_000});
		await continueToList(session);
		// The first row's detail names the full path: HOME (the session's folder) /calls/…
		const detail = await session.press('Enter', /^Full path\s/m);
		const line = detail.split('\n').find(row => row.startsWith('Full path'))!;
		expect(line.replace(/^Full path\s+/, '')).toMatch(new RegExp(`^${escapeRegExp(session.dir)}/calls/`));
		expect(detail).not.toMatch(/\/~\//);
	});
});
