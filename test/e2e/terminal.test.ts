/**
 * The interactive app and its terminal: the list uses a large terminal's width and follows a resize live; `--lang hu`
 * speaks Hungarian; NO_COLOR leaves out every colour.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {displayWidth, killAllTmux} from '../helpers/tmux.js';
import {logIn, selectAllCampaigns, startApp, walkToList} from './flow.js';

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

/** "columns 1–N of 14" under the list table: how many of its columns are shown. */
function shownColumns(screen: string): number | undefined {
	const match = /columns 1–(\d+) of (\d+)/.exec(screen);
	if (match) {
		return Number(match[1]);
	}

	// Every column fits: no column indicator; count the titles on the header line instead.
	return screen.includes('Row 1 of') ? 14 : undefined;
}

/** Colour SGR sequences (foreground, background: 30–37, 38;…, 40–47, 48;…, 90–97, 100–107) in text with escapes. */
function colourSequences(text: string): string[] {
	// eslint-disable-next-line no-control-regex
	return [...text.matchAll(/\u001B\[([\d;:]*)m/g)].filter(([, parameters]) => (parameters ?? '').split(/[;:]/).some(parameter => {
		const code = Number(parameter);
		return (code >= 30 && code <= 38) || (code >= 40 && code <= 48) || (code >= 90 && code <= 97) || (code >= 100 && code <= 107);
	})).map(([sequence]) => JSON.stringify(sequence));
}

describe('the interactive app and its terminal', () => {
	it('shows more list columns at 160×48 than at 80×24, and follows a resize to 80×24 live', async () => {
		const app = await startApp({server: server.url, out: await tempDir('ccdl-e2e-out-'), columns: 160, rows: 48});
		const {screen: large} = await walkToList(app, {from: '2026-10-25', to: '2026-10-31', template: '{callId}-{campaignName}'});
		const wide = shownColumns(large);
		expect(wide, large).toBeDefined();
		// The list takes the whole height: 48 rows of screen, the table's rows among them.
		expect(large.split('\n')).toHaveLength(48);
		expect(large).toContain('Call start');

		await app.resize(80, 24);
		const small = await app.waitFor(screen => {
			const narrow = shownColumns(screen);
			return narrow !== undefined && narrow < wide! && screen.split('\n').length === 24;
		});
		expect(small).toContain('[List]');
		expect(small).toMatch(/\d+ matched/);
		// Nothing drawn for 160 columns is left: with wrapped lines joined, no line is longer than 80 columns.
		const joined = await app.capture({join: true});
		for (const line of joined.split('\n')) {
			expect(displayWidth(line.trimEnd()), line).toBeLessThanOrEqual(80);
		}

		// The title line ends with the step at the right edge of the new width.
		const title = joined.split('\n')[0]!.trimEnd();
		expect(title.startsWith('ccdl — contact-center media downloader')).toBe(true);
		expect(title.endsWith('(admin)')).toBe(true);
		expect(displayWidth(title)).toBeGreaterThan(70);
		// And the list still works at the new size: ↓ moves the selection.
		await app.press('Down', 'Row 2 of');
	});

	it('speaks Hungarian with --lang hu', async () => {
		const app = await startApp({server: server.url, out: await tempDir('ccdl-e2e-out-'), args: ['--lang', 'hu']});
		const login = await app.waitFor('[Bejelentkezés]');
		expect(login).toContain('ccdl — tömeges médialetöltő');
		expect(login).toMatch(/^ {2}Cégnév\s+demo\s*$/m);
		expect(login).toMatch(/^ {2}Felhasználónév\s+admin\s*$/m);
		expect(login).toMatch(/^› Jelszó/m);
		expect(login).toContain('? billentyűk · Esc vissza · Ctrl-C kilépés');
		expect(login).not.toContain('Password');
	});

	it('uses no colour at all with NO_COLOR=1 (and colours without it)', async () => {
		const plain = await startApp({server: server.url, out: await tempDir('ccdl-e2e-out-'), env: {NO_COLOR: '1'}});
		await plain.waitFor(/^› Password/m);
		const login = await plain.capture({escapes: true});
		const [title] = login.split('\n');
		expect(title).toContain('ccdl — contact-center media downloader');
		expect(colourSequences(title!)).toEqual([]);
		expect(colourSequences(login)).toEqual([]);
		// The other screens too.
		await logIn(plain);
		expect(colourSequences(await plain.capture({escapes: true}))).toEqual([]);
		await selectAllCampaigns(plain);
		expect(colourSequences(await plain.capture({escapes: true}))).toEqual([]);
		await plain.kill();

		// Without NO_COLOR the same title line is coloured: the check above can see colours.
		const coloured = await startApp({server: server.url, out: await tempDir('ccdl-e2e-out-')});
		const colourful = await coloured.waitFor(/^› Password/m);
		expect(colourful).toContain('ccdl — contact-center media downloader');
		const [colouredTitle] = (await coloured.capture({escapes: true})).split('\n');
		expect(colourSequences(colouredTitle!).length).toBeGreaterThan(0);
	});
});
