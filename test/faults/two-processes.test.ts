/**
 * Issue 16, item 1: two `ccdl download` processes on one folder and one filter, started together. With one journal
 * the claims keep them apart; with two journals (nothing shared but the folder) each partial still has one writer —
 * its sidecar, created exclusively — so the second waits for the first and finds the file done. With and without a
 * kill -9 of one of them: no file with holes, nothing fetched twice but what a kill cut off, no partial left once a
 * rerun is done, exit 0.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, runCcdl, serverListing, startCcdl, tempDir} from '../helpers/ccdl.js';
import {checkFolder} from './harness.js';

let server: DemoProcess | undefined;
let listing: Recording[] = [];
let total = 0;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '36', '--media-size', '1500000', '--latency', '40']);
	listing = (await serverListing(server.url, {channel: 'voice', from: '2026-10-02T00:00:00Z', to: '2026-10-15T00:00:00Z'})).filter(item => !item.archived && !item.recycled);
	total = listing.reduce((sum, item) => sum + item.media!.size, 0);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

function args(out: string): string[] {
	// --no-archive: the server must list the same contacts again for the rerun after a kill.
	return ['download', ...connection(server!.url), '--from', '2026-10-02', '--to', '2026-10-14', '--timezone', 'UTC', '--channel', 'voice', '--out', out, '--concurrency', '4', '--no-archive'];
}

async function twoAtOnce(sharedJournal: boolean, kill: boolean) {
	const out = await tempDir('ccdl-fault-two-');
	const dataA = await tempDir('ccdl-fault-two-data-');
	const dataB = sharedJournal ? dataA : await tempDir('ccdl-fault-two-data-');
	await server!.resetStats();
	const first = startCcdl(args(out), {env: {CCDL_DATA_DIR: dataA}, timeoutMs: 120_000});
	const second = startCcdl(args(out), {env: {CCDL_DATA_DIR: dataB}, timeoutMs: 120_000});
	let victim = first;
	if (kill) {
		// With one journal, whichever admits first takes every contact (the other has nothing to do): kill the one
		// that is downloading.
		const downloading = (process: typeof first) => process.waitFor(({stderr}) => (stderr.match(/^valid/gm) ?? []).length >= 2, 60_000).then(() => process);
		victim = await Promise.any([downloading(first), downloading(second)]);
		victim.signal('SIGKILL');
	}

	const survivor = victim === first ? second : first;
	const [killed, survived] = await Promise.all([victim.done, survivor.done]);
	if (kill) {
		expect(killed.signal).toBe('SIGKILL');
	} else {
		expect(killed.code, killed.stderr).toBe(0);
	}

	expect(survived.code, survived.stderr).toBe(0);
	// Whatever either wrote holds the listing's bytes (no zero-filled holes, no halves of two writers).
	const afterBoth = await checkFolder(out, listing);
	expect([...afterBoth.files.keys()].filter(name => /_\d+\.mp3$/.test(name)), 'a twin (_2) of a file both downloaded').toEqual([]);
	const sentTogether = (await server!.stats()).mediaBytesSent;
	// The rerun after a kill (and a no-op run otherwise) completes the folder.
	const rerun = await runCcdl(args(out), {env: {CCDL_DATA_DIR: dataA}, timeoutMs: 120_000});
	expect(rerun.code, rerun.stderr).toBe(0);
	const check = await checkFolder(out, listing);
	expect(check.files.size).toBe(listing.length);
	expect(check.partials, 'partials left').toEqual([]);
	expect(new Set(check.files.values()).size).toBe(listing.length);
	const sent = (await server!.stats()).mediaBytesSent;
	if (!kill) {
		// Every byte once: the second process never fetched what the first had (or was fetching).
		expect(sentTogether, `media bytes ${sentTogether} for a set of ${total}`).toBeLessThanOrEqual(total * 1.02);
	}

	// With a kill, only what was in flight at the kill (a few files' socket buffers) comes again.
	expect(sent, `media bytes ${sent} for a set of ${total}`).toBeLessThanOrEqual(total * (kill ? 1.25 : 1.02));
}

describe('two processes on one folder', () => {
	it('one journal (claims), no kill: both exit 0, every file once and valid', async () => {
		await twoAtOnce(true, false);
	}, 180_000);

	it('two journals (only the partials\' owners keep them apart), no kill: both exit 0, every file once and valid', async () => {
		await twoAtOnce(false, false);
	}, 180_000);

	it('one journal, the first killed with SIGKILL: the other exits 0, nothing corrupt, a rerun completes the folder', async () => {
		await twoAtOnce(true, true);
	}, 180_000);

	it('two journals, the first killed with SIGKILL: the other takes over its partials, exits 0, nothing corrupt', async () => {
		await twoAtOnce(false, true);
	}, 180_000);
});
