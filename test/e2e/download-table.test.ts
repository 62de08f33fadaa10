/**
 * The live download table in a real 80×24 terminal, against a demo server that delays every response so the run
 * lasts while the keys are tried: the table follows the files in flight (• in the gutter, where they are on the
 * position line), j k g G move and stop the following, s follows again, `/` filters the rows as typed, f shows only
 * the failed ones, Enter opens a row's detail and q leaves it without cancelling; Esc then y cancels, and the summary
 * says the run was interrupted. Keys go in bursts, as over SSH.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {displayWidth, killAllTmux} from '../helpers/tmux.js';
import {escapeRegExp, startApp, walkToList} from './flow.js';

let server: DemoProcess;

beforeAll(async () => {
	// About 70 contacts and 100 files in the week, two at a time, each response 600 ms late: the run takes a minute.
	server = await startDemoProcess(['--calls', '300', '--seed', '3', '--latency', '600']);
});

afterAll(async () => {
	await killAllTmux();
	await server?.stop();
	await cleanup();
});

/** The position line under the table. */
const position = (screen: string) => screen.split('\n').find(line => /^Row [\d,]+ of [\d,]+/.test(line)) ?? '';

describe('the download table while the run is live', () => {
	it('follows the files in flight; j k g G, s, /, f and Enter work on it; Esc y cancels', async () => {
		const out = await tempDir('ccdl-e2e-out-');
		const app = await startApp({server: server.url, out, args: ['--lang', 'en', '--concurrency', '2']});
		try {
			const {matched} = await walkToList(app, {from: '2026-10-25', to: '2026-10-31', template: '{callId}'});
			expect(matched).toBeGreaterThan(30);
			await app.press('d', /\[Download\]/, {resend: /\[List\]/});
			// Following: the selected row is one in flight, and the position line says where they are.
			let screen = await app.waitFor(found => /^›•\d+/m.test(found) && /in flight: rows? \d+/.test(position(found)), {timeoutMs: 30_000});
			expect(position(screen)).not.toContain('s follows them');
			for (const line of screen.split('\n')) {
				expect(displayWidth(line), line).toBeLessThanOrEqual(80);
			}

			// G: the last row; following stops, the files in flight are above.
			// (Between two files nothing may be in flight for a moment: wait for the next one.)
			screen = await app.press('G', found => /^Row ([\d,]+) of \1\b/m.test(found) && /in flight: rows? [\d–]+ ↑ \(s follows them\)/.test(position(found)));
			// g j j k in one burst: the second row.
			await app.burst('g', 'j', 'j', 'k');
			screen = await app.waitFor(/^Row 2 of /m);
			const second = /^› (\d+)/m.exec(screen)?.[1] ?? /^›.(\d+)/m.exec(screen)![1]!;
			// s: following again.
			screen = await app.press('s', found => /^›•\d+/m.test(found) && !found.includes('s follows them'));

			// / the second row's ID, Enter: that row alone; Esc clears the filter and does not ask to cancel.
			await app.burst('/', second, 'Enter');
			screen = await app.waitFor(new RegExp(`Filter: ${second} · 1 of [\\d,]+ rows`));
			expect(screen).toMatch(new RegExp(`^›.${second} `, 'm'));
			expect(screen).toContain('Row 1 of 1');
			screen = await app.press('Escape', found => !found.includes('Filter:'));
			expect(screen).not.toContain('Cancel the download?');

			// f: only the failed rows (none so far); f again: all.
			screen = await app.press('f', 'Failed only (f shows all)');
			expect(screen).toContain('No file has failed so far');
			screen = await app.press('f', found => !found.includes('Failed only') && /^Row \d+ of /m.test(found));

			// Enter: the selected row's detail, with the full path under the folder; q goes back without cancelling.
			await app.burst('g', 'Enter');
			screen = await app.waitFor(/^Contact \d+/m);
			expect(screen).toMatch(/^Call start +\S/m);
			expect(screen.replaceAll(/\n +/g, '')).toContain(out);
			expect(screen).toMatch(/no retries|retry \d+:/);
			screen = await app.press('q', found => /^Row \d+ of /m.test(found));
			expect(screen).toContain('[Download]');
			expect(screen).not.toContain('Cancel the download?');

			// Esc asks; y cancels; the summary says interrupted; q quits with 130.
			await app.press('Escape', 'Cancel the download? (y/n)');
			screen = await app.press('y', /\[Summary\][\s\S]*Download interrupted/, {timeoutMs: 30_000});
			expect(screen).toMatch(new RegExp(`Folder: ${escapeRegExp(out)}`));
			await app.press('q', found => !found.includes('[Summary]'), {resend: /\[Summary\]/});
			expect(await app.exitCode()).toBe(130);
		} finally {
			await app.kill();
		}
	});
});
