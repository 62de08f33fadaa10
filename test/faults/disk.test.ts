/**
 * Issue 16, item 2: the destination fails mid-run — a small tmpfs fills up, the file system turns read-only, the
 * folder is deleted. Each time the run stops new transfers at once (the server's media request counter shows no
 * retries of every file), keeps the files already finished, says in one sentence which folder failed and why, writes
 * the manifest where it can (the folder, else the fallback folder it names) and exits 5.
 */
import {rename, rm, statfs, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, serverListing, startCcdl, tempDir} from '../helpers/ccdl.js';
import {canMount, checkFolder, expectKept, finishedFiles, remountReadOnly, tmpfs} from './harness.js';

let server: DemoProcess | undefined;
let listing: Recording[] = [];
let mountable = false;
const unmounts: Array<() => Promise<void>> = [];
const concurrency = 2;

beforeAll(async () => {
	mountable = await canMount();
	// Slow answers, so the fault lands while files are still to come.
	server = await startDemoProcess(['--calls', '400', '--seed', '26', '--media-size', '400000', '--latency', '40']);
	listing = (await serverListing(server.url, {channel: 'voice', from: '2026-10-02T00:00:00Z', to: '2026-10-15T00:00:00Z'})).filter(item => !item.archived && !item.recycled);
});

afterAll(async () => {
	for (const unmount of unmounts) {
		await unmount();
	}

	await server?.stop();
	await cleanup();
});

function args(out: string): string[] {
	return ['download', ...connection(server!.url), '--from', '2026-10-02', '--to', '2026-10-14', '--timezone', 'UTC', '--channel', 'voice', '--out', out, '--concurrency', String(concurrency)];
}

/** Runs ccdl into `out`, applies `fault` once `validBefore` files are valid, and checks what item 2 asks. */
async function faultCase(out: string, fault: () => Promise<void>, expected: {why: RegExp; fallback: boolean; deleted?: boolean}, data: string) {
	await server!.resetStats();
	const run = startCcdl(args(out), {env: {CCDL_DATA_DIR: data, CCDL_DEBUG: '1'}, timeoutMs: 120_000});
	await run.waitFor(({stderr}) => (stderr.match(/^valid/gm) ?? []).length >= 4, 60_000);
	const before = await finishedFiles(out);
	await fault();
	const result = await run.done;
	expect(result.code, result.stderr).toBe(5);
	const sentence = result.stderr.split('\n').filter(line => line.startsWith('ccdl: Cannot write'));
	expect(sentence, result.stderr).toHaveLength(1);
	expect(sentence[0]).toContain(out);
	expect(sentence[0]).toMatch(expected.why);
	const manifestLine = `${result.stdout}\n${result.stderr}`.split('\n').find(line => line.startsWith('Manifest: '));
	expect(manifestLine, result.stderr).toBeDefined();
	const manifestCsv = manifestLine!.slice('Manifest: '.length).replace(/ \(the destination could not take it\)$/, '');
	expect(manifestLine!.includes('could not take it')).toBe(expected.fallback);
	expect(manifestCsv.startsWith(expected.fallback ? data : out), manifestLine).toBe(true);
	const stats = await server!.stats();
	const check = await checkFolder(out, listing, {manifestFolder: path.dirname(manifestCsv), folderDeleted: expected.deleted ?? false});
	// No retry storm: each file asked for about once, none of the rest after the fault.
	expect(stats.mediaRequests, JSON.stringify(stats)).toBeLessThanOrEqual(check.files.size + before.size + 2 * concurrency + 2);
	expect(stats.mediaRequests).toBeLessThan(listing.length);
	return {before, check};
}

describe('the destination fails mid-run', () => {
	it('a tmpfs that fills up: exit 5 naming the folder and "the disk is full", finished files kept, manifest in the fallback folder', async ({skip}) => {
		if (!mountable) {
			skip();
		}

		const mount = await tmpfs('40m');
		unmounts.push(mount.unmount);
		const out = path.join(mount.folder, 'calls');
		const data = await tempDir('ccdl-fault-disk-data-');
		const {before} = await faultCase(out, async () => {
			// Something else takes the rest of the disk (the plan's free-space check passed before the run).
			const info = await statfs(mount.folder);
			await writeFile(path.join(mount.folder, 'filler'), Buffer.alloc(Number(info.bavail * info.bsize))).catch(() => undefined);
		}, {why: /the disk is full/, fallback: true}, data);
		await expectKept(out, before);
	}, 180_000);

	it('a file system remounted read-only: exit 5 naming the folder and "read-only", finished files kept, manifest in the fallback folder', async ({skip}) => {
		if (!mountable) {
			skip();
		}

		const mount = await tmpfs('100m');
		unmounts.push(mount.unmount);
		const out = path.join(mount.folder, 'calls');
		const data = await tempDir('ccdl-fault-ro-data-');
		const {before} = await faultCase(out, async () => remountReadOnly(mount.folder), {why: /read-only/, fallback: true}, data);
		await expectKept(out, before);
	}, 180_000);

	it('the folder deleted mid-run: exit 5 naming the folder and "disappeared", manifest in the fallback folder', async () => {
		const parent = await tempDir('ccdl-fault-gone-');
		const out = path.join(parent, 'calls');
		const data = await tempDir('ccdl-fault-gone-data-');
		// Gone in one step (then deleted): a recursive delete alone races with the files ccdl is still creating.
		await faultCase(out, async () => {
			await rename(out, `${out}.deleted`);
			await rm(`${out}.deleted`, {recursive: true, force: true}).catch(() => undefined);
		}, {why: /disappeared/, fallback: true, deleted: true}, data);
	}, 180_000);
});
