/**
 * The interactive app on the vendors' platforms, in a real 80×24 terminal, against the Twilio and Webex Contact
 * Center test servers (separate processes): the platform is chosen on the login screen and the credentials typed,
 * all in one burst as over SSH; the campaign step says what the platform groups by (Twilio: nothing to choose;
 * Webex: queues); the filters say what "archived" means there; then the list, the download and the summary with every
 * file valid, and exit 0. The files on disk are the manifest's, none partial.
 */
import {afterAll, describe, expect, it} from 'vitest';
import {ccdlPath, cleanup, isPartial, nodePath, readManifestJsonl, tempDir, walk} from '../helpers/ccdl.js';
import {displayWidth, killAllTmux, startTmux, type TmuxSession} from '../helpers/tmux.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

const servers: VendorServer[] = [];

afterAll(async () => {
	await killAllTmux();
	await Promise.all(servers.map(async server => server.stop()));
	await cleanup();
});

async function vendor(platform: string): Promise<VendorServer> {
	const server = await startVendorServer(platform, ['--calls', '8', '--seed', '5', '--days', '5']);
	servers.push(server);
	return server;
}

/** `ccdl` against `server` with nothing remembered: the platform is ccdl's API until the user picks another. */
async function startApp(server: VendorServer, out: string): Promise<TmuxSession> {
	const home = await tempDir('ccdl-e2e-platform-');
	return startTmux({
		command: [nodePath, ccdlPath, '--server', server.url, '--out', out, '--timezone', 'UTC', '--lang', 'en'],
		env: {CCDL_CONFIG_DIR: `${home}/config`, CCDL_DATA_DIR: `${home}/data`, TZ: 'UTC'},
		columns: 80,
		rows: 24,
	});
}

/** From the filters to the summary with the defaults: Continue, Continue, d; returns the summary. */
async function downloadWithDefaults(app: TmuxSession): Promise<string> {
	await app.press('BTab', /› \[ Continue \]/, {resend: /^› From/m});
	await app.press('Enter', /\[File names\][\s\S]*^› Template/m, {timeoutMs: 30_000});
	await app.press('BTab', /› \[ Continue \]/, {resend: /^› Template/m});
	const list = await app.press('Enter', /\[List\][\s\S]*\d+ matched/, {timeoutMs: 30_000});
	expect(Number(/([\d,]+) matched/.exec(list)![1]!.replaceAll(',', ''))).toBeGreaterThan(0);
	await app.press('d', /\[Download\]|\[Summary\]/, {resend: /\[List\]/});
	return app.waitFor(/\[Summary\][\s\S]*Download finished\.[\s\S]*q quit/, {timeoutMs: 60_000});
}

/** The summary says every file is valid; q quits with 0; on disk exactly the manifest's files, nothing partial. */
async function expectAllValid(app: TmuxSession, summary: string, out: string): Promise<void> {
	const match = /(\d+) valid · 0 already on disk · 0 failed/.exec(summary);
	expect(match, summary).not.toBeNull();
	const valid = Number(match![1]);
	expect(valid).toBeGreaterThan(0);
	expect(summary).toContain('No failures.');
	// Where the platform keeps no archived mark, the summary says what archived means.
	expect(summary.replaceAll('\n', ' ')).toContain('archived = exported and verified by ccdl before (its journal)');
	for (const line of summary.split('\n')) {
		expect(displayWidth(line), line).toBeLessThanOrEqual(80);
	}

	await app.press('q', screen => !screen.includes('[Summary]'), {resend: /\[Summary\]/});
	expect(await app.exitCode()).toBe(0);
	const files = await walk(out);
	expect(files.filter(isPartial)).toEqual([]);
	const downloaded = files.filter(file => !file.startsWith('manifest.'));
	expect(downloaded).toHaveLength(valid);
	const manifest = await readManifestJsonl(out);
	expect(manifest.filter(row => row.status === 'valid').map(row => row.file).sort()).toEqual(downloaded);
}

describe('the app on the vendors\' platforms, at 80×24', () => {
	it('Twilio: chosen on the login screen, nothing to choose for campaigns, every recording and transcript valid, exit 0', async () => {
		const server = await vendor('twilio');
		const out = await tempDir('ccdl-e2e-twilio-out-');
		const app = await startApp(server, out);
		try {
			// The server is given, so the focus starts on the user name; two up is the platform.
			await app.waitFor(/^› User name/m);
			// ↑↑ → (Twilio) ⇥ SID ⇥ token ⏎: one read, as over SSH.
			await app.burst('BTab', 'BTab', 'Right', 'Tab', server.user, 'Tab', server.password, 'Enter');
			const campaigns = await app.waitFor(/\[Campaigns\][\s\S]*nothing to choose/, {timeoutMs: 30_000});
			expect(campaigns).toContain('This platform has no campaigns or queues');
			const filters = await app.press('Enter', /\[Filters\][\s\S]*^› From/m, {resend: /\[Campaigns\]/});
			expect(filters).toContain('archived = exported and verified by ccdl before (journal)');
			expect(filters).toMatch(/^ {2}Export +\(•\) everything/m);
			const summary = await downloadWithDefaults(app);
			await expectAllValid(app, summary, out);
		} finally {
			await app.kill();
		}

		// The recordings are MP3s (and the transcripts JSON).
		const files = await walk(out);
		expect(files.some(file => file.endsWith('.mp3'))).toBe(true);
		expect(files.some(file => file.endsWith('.json'))).toBe(true);
	});

	it('Webex Contact Center: chosen on the login screen, its queues to choose from, every capture valid, exit 0', async () => {
		const server = await vendor('webex-cc');
		const out = await tempDir('ccdl-e2e-webex-out-');
		const app = await startApp(server, out);
		try {
			await app.waitFor(/^› User name/m);
			// ↑↑ → → (Webex) ⇥ organisation ID ⇥ access token ⏎, then on the queues Ctrl-A ⏎: one read.
			await app.burst('BTab', 'BTab', 'Right', 'Right', 'Tab', server.user, 'Tab', server.password, 'Enter', 'C-a', 'Enter');
			const filters = await app.waitFor(/\[Filters\][\s\S]*^› From/m, {timeoutMs: 30_000});
			expect(filters).toContain('archived = exported and verified by ccdl before (journal)');
			// Back to the queues: they are called queues, and the selection was kept.
			const queues = await app.press('Escape', /\[Campaigns\]/);
			expect(queues).toContain('type to filter queues');
			expect(queues).toContain('Space select queue');
			expect(queues).toMatch(/(\d+) of \1 selected/);
			await app.press('Enter', /\[Filters\][\s\S]*^› From/m, {resend: /\[Campaigns\]/});
			const summary = await downloadWithDefaults(app);
			await expectAllValid(app, summary, out);
		} finally {
			await app.kill();
		}
	});

	it('a refused login keeps the platform and what was typed; the next burst logs in', async () => {
		const server = await vendor('twilio');
		const out = await tempDir('ccdl-e2e-twilio-out-');
		const app = await startApp(server, out);
		try {
			await app.waitFor(/^› User name/m);
			await app.burst('BTab', 'BTab', 'Right', 'Tab', server.user, 'Tab', 'wrong-token', 'Enter');
			const refused = await app.waitFor(/✗ /, {timeoutMs: 30_000});
			expect(refused).toContain('(•) Twilio');
			expect(refused).toContain(server.user);
			// Ctrl-U clears the password field (the focus is back on the form), then the right token.
			await app.burst('C-u', server.password, 'Enter');
			await app.waitFor(/\[Campaigns\][\s\S]*nothing to choose/, {timeoutMs: 30_000});
		} finally {
			await app.kill();
		}
	});
});
