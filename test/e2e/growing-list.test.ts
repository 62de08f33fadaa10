/**
 * A listing of several slow pages in the app, in a real terminal: the file names can be chosen as soon as the first
 * page is in, the list screen fills while the rest arrives (saying so), d pressed meanwhile waits for the listing to
 * complete, and the run then covers every contact the server lists.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, readManifestJsonl, serverListing, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {killAllTmux, type TmuxSession} from '../helpers/tmux.js';
import {continueFromFilters, logIn, selectAllCampaigns, startApp, typeDates} from './flow.js';

const from = '2026-10-01';
const to = '2026-10-31';
let server: DemoProcess;

beforeAll(async () => {
	// About 10,000 contacts in the range: ten pages of 1,000, each answered after 800 ms.
	server = await startDemoProcess(['--calls', '10400', '--seed', '4', '--latency', '800']);
});

afterAll(async () => {
	await killAllTmux();
	await server?.stop();
	await cleanup();
});

/** The app, metadata only (no media to wait for), walked to the file names while the listing goes on. */
async function toFileNames(out: string): Promise<TmuxSession> {
	const app = await startApp({server: server.url, out, args: ['--lang', 'en', '--mode', 'metadata-only']});
	await logIn(app);
	await selectAllCampaigns(app);
	await typeDates(app, from, to);
	await continueFromFilters(app);
	return app;
}

describe('a listing that takes a while', () => {
	it('fills the list as pages arrive; d waits for the whole listing; every contact is in the manifest', async () => {
		// Archived contacts are left out, as the app's default is.
		const listed = (await serverListing(server.url, {from: `${from}T00:00:00Z`, to: '2026-11-01T00:00:00Z'})).filter(item => !item.archived);
		expect(listed.length).toBeGreaterThan(3000);
		const out = await tempDir('ccdl-e2e-out-');
		const app = await toFileNames(out);
		try {
			// The names are chosen while the listing goes on, and the screen says how far it is.
			await app.waitFor(/Listing recordings… [\d,]+/);
			// Shift-Tab reaches Continue; Enter shows the plan of what is listed so far, still growing.
			await app.press('BTab', /› \[ Continue \]/);
			const growing = await app.press('Enter', /\[List\][\s\S]*Still listing: [\d,]+ contacts so far/, {timeoutMs: 30_000});
			const soFar = Number(/Still listing: ([\d,]+)/.exec(growing)![1]!.replaceAll(',', ''));
			expect(soFar).toBeLessThan(listed.length);
			const matched = Number(/([\d,]+) matched/.exec(growing)![1]!.replaceAll(',', ''));
			expect(matched).toBeLessThan(listed.length);
			// The free space is known while the plan grows (it was "free ?" until the listing was complete).
			expect(growing).toMatch(/free [\d.,]+ [kMGT]?B/);
			// d while it grows: queued, said so, and not started yet.
			const queued = await app.press('d', /the download starts when the listing is complete/);
			expect(queued).toContain('[List]');
			// Once the listing is complete the run starts by itself and ends on the summary.
			await app.waitFor(/\[Summary\]/, {timeoutMs: 60_000});
		} finally {
			await app.kill();
		}

		const rows = await readManifestJsonl(out);
		const ids = new Set(rows.map(row => row.contactId));
		expect(ids.size).toBe(listed.length);
	}, 120_000);

	it('going back while it grows: the names again (the listing goes on), then the filters, where the list never comes back', async () => {
		const out = await tempDir('ccdl-e2e-out-');
		const app = await toFileNames(out);
		try {
			await app.press('BTab', /› \[ Continue \]/);
			await app.press('Enter', /\[List\][\s\S]*Still listing: [\d,]+ contacts so far/, {timeoutMs: 30_000});
			// Esc: the file names, the listing still counting below them.
			await app.press('Escape', /\[File names\][\s\S]*Listing recordings… [\d,]+/);
			// Enter again: a new plan of everything listed so far, still growing.
			await app.press('BTab', /› \[ Continue \]/);
			await app.press('Enter', /\[List\][\s\S]*Still listing/, {timeoutMs: 30_000});
			await app.press('Escape', /\[File names\]/);
			await app.press('Escape', /\[Filters\]/);
			// Longer than the rest of the listing would take: nothing queued for it may bring the list back.
			await new Promise(resolve => setTimeout(resolve, 9000));
			const screen = await app.capture();
			expect(screen).toContain('[Filters]');
			expect(screen).not.toMatch(/Still listing|matched/);
		} finally {
			await app.kill();
		}
	}, 120_000);

	it('says when the server has told the listing to wait, where the listing\'s progress is shown', async () => {
		// Every request is told once to wait 2 s: the listing's pages among them.
		const waiting = await startDemoProcess(['--calls', '3100', '--seed', '4', '--faults', '429=1,max=1,retryAfter=2,scope=all']);
		const out = await tempDir('ccdl-e2e-out-');
		const app = await startApp({server: waiting.url, out, args: ['--lang', 'en', '--mode', 'metadata-only']});
		try {
			await logIn(app);
			await selectAllCampaigns(app);
			await typeDates(app, from, to);
			await continueFromFilters(app);
			await app.waitFor(/Listing recordings… [\d,]+ — the server asked to wait 2 s/, {timeoutMs: 30_000});
			// The next page clears it.
			await app.waitFor(/Listing recordings… [1-9][\d,]*(?! — the server)\s*$/m, {timeoutMs: 30_000});
		} finally {
			await app.kill();
			await waiting.stop();
		}
	}, 90_000);

	it('Ctrl-C while the listing goes on quits at once: the listing stops and the process ends', async () => {
		const out = await tempDir('ccdl-e2e-out-');
		const app = await toFileNames(out);
		try {
			await app.waitFor(/Listing recordings… [\d,]+/);
			await app.send('C-c');
			expect(await app.exitCode()).toBe(130);
			// Nothing more is asked of the server once the app is gone (the listing's later pages were not fetched).
			const atExit = (await server.stats()).requests;
			await new Promise(resolve => {
				setTimeout(resolve, 2000);
			});
			expect((await server.stats()).requests).toBe(atExit + 1);
		} finally {
			await app.kill();
		}
	}, 60_000);
});
