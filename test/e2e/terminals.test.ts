/**
 * The app on the terminals people have: every byte it writes is recorded (tmux pipe-pane) and checked — TERM=dumb
 * gets no alternate screen, no cursor movement and no colour; a C locale gets ASCII only; xterm-mono and NO_COLOR
 * get no colour — and frames at 40×20, 80×24 and 200×50 show what matters.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {ccdlPath, cleanup, nodePath, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {displayWidth, killAllTmux, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {continueToList, logIn, selectAllCampaigns} from './flow.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '200', '--seed', '7']);
});

afterEach(async () => {
	await killAllTmux();
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

async function app(env: Record<string, string | undefined>, size: {columns?: number; rows?: number} = {}): Promise<TmuxSession> {
	return startTmux({
		command: [nodePath, ccdlPath, '--server', server.url, '--company', 'demo', '--user', 'admin', '--out', await tempDir('ccdl-e2e-out-'), '--timezone', 'UTC', '--lang', 'en'],
		env: {CCDL_CONFIG_DIR: await tempDir('ccdl-e2e-config-'), TZ: 'UTC', ...env},
		record: true,
		...size,
	});
}

const escape = '\u001B';
const alternateScreen = `${escape}[?1049h`;
/** SGR codes that set a colour: 30–37, 39–47, 49, 90–97, 100–107, and 38/48 (256 or true colour). */
function colourCodes(raw: string): string[] {
	const found: string[] = [];
	for (const match of raw.matchAll(/\u001B\[([\d;]*)m/g)) {
		const codes = match[1]!.split(';').filter(Boolean).map(Number);
		if (codes.some(code => (code >= 30 && code <= 49) || (code >= 90 && code <= 107))) {
			found.push(match[0]);
		}
	}

	return found;
}

/** Bytes outside printable ASCII, other than CR, LF and (when allowed) ESC sequences. */
function nonAscii(raw: string): string[] {
	return [...raw.replace(/[\r\n]/g, '')].filter(character => character.charCodeAt(0) > 0x7E || (character.charCodeAt(0) < 0x20 && character !== escape));
}

async function loginAndCampaigns(session: TmuxSession, mark: string): Promise<string> {
	await session.waitFor(new RegExp(`^${mark} Password\\s*$`, 'm'));
	await session.type('demo');
	await session.waitFor(new RegExp(`^${mark} Password\\s+\\*{4}\\s*$`, 'm'));
	await session.send('Enter');
	return session.waitFor(/\d+ of \d+ selected/);
}

describe('terminals as they are', () => {
	it('TERM=dumb with LANG=C: whole frames one after another, no escape sequence at all, ASCII only', async () => {
		const session = await app({TERM: 'dumb', LANG: 'C', LC_ALL: 'C'});
		await loginAndCampaigns(session, '>');
		const raw = await session.raw();
		expect(raw).toContain('> Password');
		expect(raw).not.toContain(alternateScreen);
		// No cursor movement, no colour, no screen switch: not one escape character.
		expect(raw.includes(escape)).toBe(false);
		expect(nonAscii(raw)).toEqual([]);
		// The server's accented names come without accents, the symbols as their ASCII stand-ins.
		expect(raw).toContain('Adminisztrator Adam (admin)');
		expect(raw).toContain('ccdl - contact-center media downloader');
	});

	it('LANG=C on a normal terminal: the alternate screen, but only ASCII text', async () => {
		const session = await app({LANG: 'C', LC_ALL: undefined});
		const screen = await loginAndCampaigns(session, '>');
		expect(screen).toContain('Adminisztrator Adam');
		const raw = await session.raw();
		expect(raw).toContain(alternateScreen);
		expect(nonAscii(raw)).toEqual([]);
	});

	it('a UTF-8 locale keeps its glyphs and accents', async () => {
		const session = await app({LANG: 'C.UTF-8'});
		const screen = await loginAndCampaigns(session, '›');
		expect(screen).toContain('Adminisztrátor Ádám');
		expect(screen).toContain('ccdl — contact-center media downloader');
	});

	it('TERM=xterm-mono: bold and inverse, but no colour code', async () => {
		const session = await app({TERM: 'xterm-mono'});
		await loginAndCampaigns(session, '›');
		const raw = await session.raw();
		expect(raw).toContain(alternateScreen);
		expect(colourCodes(raw)).toEqual([]);
		expect(raw).toMatch(/\u001B\[(?:1|7)m/);
	});

	it('NO_COLOR: no colour code either; without it there are colours', async () => {
		const plain = await app({NO_COLOR: '1'});
		await loginAndCampaigns(plain, '›');
		expect(colourCodes(await plain.raw())).toEqual([]);
		const coloured = await app({});
		await loginAndCampaigns(coloured, '›');
		expect(colourCodes(await coloured.raw()).length).toBeGreaterThan(0);
	});
});

describe('every width', () => {
	const fits = (screen: string, columns: number) => screen.split('\n').every(line => displayWidth(line) <= columns);

	it('80×24: the title line holds the step and the user, unbroken', async () => {
		const session = await app({}, {columns: 80, rows: 24});
		await logIn(session);
		await selectAllCampaigns(session);
		const screen = await session.capture();
		const [title] = screen.split('\n');
		expect(title).toMatch(/^ccdl — .*\[Filters\] Adminisztrátor Ádám \(admin\)$/);
		expect(fits(screen, 80)).toBe(true);
	});

	it('200×50: the list gives the extra width to the file name and the campaign', async () => {
		const session = await app({}, {columns: 200, rows: 50});
		await logIn(session);
		await selectAllCampaigns(session);
		// Straight on with the default dates (all) and the default template.
		await session.press('BTab', /› \[ Continue \]/);
		await session.press('Enter', /\[File names\][\s\S]*^› Template/m, {timeoutMs: 30_000});
		const {screen} = await continueToList(session);
		expect(fits(screen, 200)).toBe(true);
		const lines = screen.split('\n');
		const header = lines.find(line => line.includes('Record ID'))!;
		// Every column of the seed is there, none scrolled away.
		for (const title of ['ID', 'Campaign', 'Operator', 'Call start', 'File name', 'Screenshots', 'Downloaded', 'Archived', 'Validated']) {
			expect(header).toContain(title);
		}

		// The campaign and file name columns are the wide ones; campaign names show whole.
		const start = (title: string) => header.indexOf(title);
		expect(start('Operator') - start('Campaign')).toBeGreaterThan(24);
		expect(start('Type') - start('File name')).toBeGreaterThan(30);
		expect(screen).toContain('Nyereményjáték 2026/Q4');
		expect(screen).toMatch(/Row 1 of [\d,]+$/m);
	});

	it('40×20: the focused field stays on screen, down to the last one', async () => {
		const session = await app({}, {columns: 40, rows: 20});
		await logIn(session);
		await selectAllCampaigns(session);
		// Shift-Tab from From wraps to Continue, the last field; then up to Transcripts and Folder.
		let screen = await session.press('BTab', /› \[ Continue \]/);
		expect(fits(screen, 40)).toBe(true);
		screen = await session.press('BTab', /^› Transcripts/m);
		screen = await session.press('BTab', /^› Folder/m);
		expect(screen.split('\n').length).toBeLessThanOrEqual(20);
		// And back to the first field, which must be visible again.
		screen = await session.press('Down', /› Transcripts/);
		screen = await session.press('Down', /› \[ Continue \]/);
		screen = await session.press('Down', /^› From/m);
		expect(fits(screen, 40)).toBe(true);
	});
});
