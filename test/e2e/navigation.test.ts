/**
 * Moving around the interactive app in a real 80×24 terminal: a wrong password is refused on the login screen with
 * the company and user kept, `?` opens and closes the key help without losing what was typed, bad dates are refused
 * on the filters screen, and Esc goes back a step without losing input.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {killAllTmux, type TmuxSession} from '../helpers/tmux.js';
import {continueFromFilters, escapeRegExp, logIn, selectAllCampaigns, startApp, typeDates, typePassword, typeTemplate} from './flow.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '3']);
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

/** The filters screen shows these dates (focus anywhere). */
function datesShown(screen: string, from: string, to: string): boolean {
	return new RegExp(`^[› ] From\\s+${escapeRegExp(from)}\\s*$`, 'm').test(screen) && new RegExp(`^[› ] To\\s+${escapeRegExp(to)}\\s*$`, 'm').test(screen);
}

describe('moving around the interactive app', () => {
	it('refuses a wrong password on the login screen keeping company and user; ? shows the help and ? closes it', async () => {
		const session = await app();
		await typePassword(session, 'wrong');
		const refused = await session.press('Enter', 'The user name or password is wrong');
		expect(refused).toContain('[Log in]');
		expect(refused).toMatch(/^ {2}Company\s+demo\s*$/m);
		expect(refused).toMatch(/^ {2}User name\s+admin\s*$/m);
		expect(refused).toMatch(new RegExp(`^ {2}Server URL\\s+${escapeRegExp(server.url)}\\s*$`, 'm'));

		// Erase the wrong password, type the right one: in.
		await session.repeat('BSpace', 10);
		await session.waitFor(/^› Password\s*$/m);
		await logIn(session);

		// ? shows every key of this screen; ? again closes the help.
		const help = await session.press('?', 'Keys — Campaigns', {resend: screen => !screen.includes('Keys — ')});
		expect(help).toContain('Ctrl-A select all shown campaigns');
		expect(help).toContain('Press ? or Esc to close this help.');
		const closed = await session.press('?', /\d+ of \d+ selected/);
		expect(closed).not.toContain('Keys — Campaigns');
		// ? was not typed into the campaign filter.
		expect(closed).toContain('Filter: type to filter by name or ID');
	});

	it('refuses impossible, malformed and reversed dates on the filters screen with a message', async () => {
		const session = await app();
		await logIn(session);
		await selectAllCampaigns(session);

		// An impossible date is refused as soon as it is typed in full.
		await session.until(async () => session.type('2026-02-30'), '2026-02-30 is not a real date or time.', {resend: /^› From\s+YYYY-MM-DD/m});
		await session.repeat('BSpace', 20);
		await session.waitFor(screen => /^› From\s+YYYY-MM-DD/m.test(screen) && !screen.includes('not a real date'));

		// A malformed one when the field is left.
		await session.type('yesterday');
		await session.waitFor(/^› From\s+yesterday\s*$/m);
		await session.press('Tab', 'Type a date like 2026-10-01 or a date and time like 2026-10-01');
		await session.press('BTab', /^› From\s+yesterday/m);
		await session.repeat('BSpace', 20);
		await session.waitFor(screen => /^› From\s+YYYY-MM-DD/m.test(screen) && !screen.includes('Type a date like'));

		// A range the wrong way round, on the spot.
		await typeDates(session, '2026-10-30', '2026-10-28');
		await session.waitFor('"To" must be later than "From"');

		// Continue is refused while a date is wrong: the focus goes to it, the screen stays.
		await session.press('BTab', /^› From/m);
		await session.press('BTab', /› \[ Continue \]/);
		const refused = await session.press('Enter', /^› To/m);
		expect(refused).toContain('[Filters]');
		expect(refused).toContain('"To" must be later than "From"');
	});

	it('Esc from the file names goes back to the filters with the dates; from there to the campaigns, all still selected; the template typed survives going back and forth', async () => {
		const session = await app();
		await logIn(session);
		await selectAllCampaigns(session);
		await typeDates(session, '2026-10-28', '2026-10-30');
		await continueFromFilters(session);
		await typeTemplate(session, '{callId}_{operatorName}');

		const filters = await session.press('Escape', /\[Filters\]/);
		expect(datesShown(filters, '2026-10-28', '2026-10-30'), filters).toBe(true);
		expect(filters).toContain('= calls from 28/10/2026, 00:00:00 until 31/10/2026, 00:00:00');

		const campaigns = await session.press('Escape', /\[Campaigns\]/, {resend: /\[Filters\]/});
		expect(campaigns).toMatch(/(\d+) of \1 selected/);
		expect(campaigns).not.toContain('[ ] ');

		// Forward again: the dates are there, and so is the template typed before Esc.
		const again = await session.press('Enter', /\[Filters\]/, {resend: /\[Campaigns\]/});
		expect(datesShown(again, '2026-10-28', '2026-10-30'), again).toBe(true);
		await session.press('BTab', /› \[ Continue \]/, {resend: /^› From/m});
		const names = await session.press('Enter', /\[File names\][\s\S]*^› Template/m, {timeoutMs: 30_000});
		expect(names).toMatch(/^› Template\s+\{callId\}_\{operatorName\}\s*$/m);
	});

	it('dates typed on the filters survive Esc to the campaigns and back, and the ? help', async () => {
		const session = await app();
		await logIn(session);
		await selectAllCampaigns(session);
		await typeDates(session, '2026-10-25', '2026-10-27');

		// ? on the filters: the help of this screen (not a character in the date); ? closes it, the dates are kept.
		await session.press('?', 'Keys — Filters');
		const afterHelp = await session.press('?', /^Call start in UTC time/m);
		expect(datesShown(afterHelp, '2026-10-25', '2026-10-27'), afterHelp).toBe(true);

		// Esc to the campaigns and Enter back: still there (nothing typed is lost, even before Continue).
		await session.press('Escape', /\[Campaigns\]/);
		const back = await session.press('Enter', /\[Filters\]/, {resend: /\[Campaigns\]/});
		expect(datesShown(back, '2026-10-25', '2026-10-27'), back).toBe(true);
	});
});
