/**
 * Overwrite off keeps a different file that sits under a planned name and gives the new one a `_2` suffix;
 * overwrite on replaces it with the validated download. In both modes a file already on disk with the same digest
 * is not downloaded again (the server's media byte counter shows it).
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, isPartial, listedFiles, readManifestJsonl, runCcdl, serverListing, sha256File, tempDir, walk,
} from '../helpers/ccdl.js';

interface PlanItem {
	contactId: string;
	file: string;
	size: number | null;
	sha256: string | null;
	action: 'download' | 'skip';
	replaces: boolean;
}

let server: DemoProcess;
const foreign = Buffer.from('a different file that the user keeps here\n');

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '20000']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

async function plan(args: string[]): Promise<{items: PlanItem[]; collisions: {onDisk: number}; identical: number}> {
	const result = await runCcdl(['list', ...connection(server.url), ...args, '--json']);
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as {items: PlanItem[]; collisions: {onDisk: number}; identical: number};
}

function withSuffix(file: string, n: number): string {
	const extension = path.posix.extname(file);
	return `${file.slice(0, file.length - extension.length)}_${n}${extension}`;
}

async function listing(from: string, to: string): Promise<Recording[]> {
	return serverListing(server.url, {from: `${from}T00:00:00Z`, to, channel: 'voice'});
}

describe.each([
	{mode: 'overwrite off', overwrite: false, from: '2026-10-11', to: '2026-10-13', toQuery: '2026-10-14T00:00:00Z'},
	{mode: 'overwrite on', overwrite: true, from: '2026-10-08', to: '2026-10-10', toQuery: '2026-10-11T00:00:00Z'},
])('$mode', ({overwrite, from, to, toQuery}) => {
	let out: string;
	let args: string[];
	let before: Recording[];
	let target: PlanItem;

	beforeAll(async () => {
		out = await tempDir();
		args = ['--from', from, '--to', to, '--timezone', 'UTC', '--channel', 'voice', '--out', out, ...overwrite ? ['--overwrite'] : []];
		before = await listing(from, toQuery);
	});

	it(overwrite ? 'replaces a different file under a planned name with the valid download' : 'keeps a different file under a planned name and saves the new one with _2', async () => {
		const planned = await plan(args);
		expect(planned.items.length).toBeGreaterThan(10);
		target = planned.items[0]!;
		await writeFile(path.join(out, target.file), foreign);
		const again = await plan(args);
		expect(again.collisions.onDisk).toBe(1);
		const replanned = again.items.find(item => item.contactId === target.contactId)!;
		expect(replanned.replaces).toBe(overwrite);
		expect(replanned.file).toBe(overwrite ? target.file : withSuffix(target.file, 2));

		const result = await runCcdl(['download', ...connection(server.url), ...args]);
		expect(result.code, result.stderr).toBe(0);
		const rows = await readManifestJsonl(out);
		const row = rows.find(item => item.contactId === target.contactId)!;
		expect(row.status).toBe('valid');
		if (overwrite) {
			expect(row.file).toBe(target.file);
			expect(await sha256File(path.join(out, target.file))).toBe(target.sha256);
			expect((await walk(out)).filter(file => file.includes('_2.'))).toEqual([]);
		} else {
			expect(await readFile(path.join(out, target.file))).toEqual(foreign);
			expect(row.file).toBe(withSuffix(target.file, 2));
			expect(await sha256File(path.join(out, row.file))).toBe(target.sha256);
			// The kept file is not in the manifest as if ccdl had written it.
			expect(rows.some(item => item.file === target.file)).toBe(false);
		}

		for (const item of rows) {
			expect(await sha256File(path.join(out, item.file)), item.file).toBe(item.sha256);
		}

		expect((await walk(out)).filter(isPartial)).toEqual([]);
	});

	it('does not download again what is already on disk, even with --include-archived', async () => {
		const snapshot = new Map<string, string>();
		for (const file of await walk(out)) {
			snapshot.set(file, await sha256File(path.join(out, file)));
		}

		const preArchived = before.filter(item => item.archived && !item.recycled);
		expect(preArchived.length).toBeGreaterThan(0);
		const planned = await plan([...args, '--include-archived']);
		const onDiskAlready = before.filter(item => !item.archived && !item.recycled).length;
		expect(planned.identical).toBe(onDiskAlready);

		await server.resetStats();
		const result = await runCcdl(['download', ...connection(server.url), ...args, '--include-archived']);
		expect(result.code, result.stderr).toBe(0);
		// Only the contacts archived before the first run come over the network; the rest are skipped as identical.
		const stats = await server.stats();
		expect(stats.mediaBytesSent).toBe(listedFiles(preArchived).reduce((sum, file) => sum + file.size, 0));
		expect((result.stderr.match(/^skipped {2}.*\(identical\)$/gm) ?? []).length).toBe(onDiskAlready);

		// Files from the first run are untouched, the kept foreign file too.
		for (const [file, digest] of snapshot) {
			if (!file.startsWith('manifest.')) {
				expect(await sha256File(path.join(out, file)), file).toBe(digest);
			}
		}

		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.map(row => row.sha256).sort()).toEqual(listedFiles(before).map(file => file.sha256).sort());
		expect(rows.every(row => row.status === 'valid' || row.status === 'skipped-identical')).toBe(true);
		for (const row of rows) {
			expect(await sha256File(path.join(out, row.file)), row.file).toBe(row.sha256);
		}
	});
});

/**
 * A template that makes many names collide ({campaignId}: 101.mp3, 101_2.mp3, …). When a later run includes more
 * contacts (here: the archived ones), the suffixes within the batch shift; files already downloaded under their
 * earlier suffix must still be found as identical, neither downloaded again nor clobbered.
 */
describe.each([
	{mode: 'overwrite off', overwrite: false},
	{mode: 'overwrite on', overwrite: true},
])('colliding names across runs, $mode', ({overwrite}) => {
	it('a rerun with --include-archived downloads only the newly included recordings and keeps one copy of each', async () => {
		const out = await tempDir();
		// --no-archive keeps the server's state, so both modes see the same contacts.
		const args = ['--from', '2026-10-05', '--to', '2026-10-07', '--timezone', 'UTC', '--channel', 'voice', '--template', '{campaignId}',
			'--no-archive', '--out', out, ...overwrite ? ['--overwrite'] : []];
		const before = await listing('2026-10-05', '2026-10-08T00:00:00Z');
		const first = await runCcdl(['download', ...connection(server.url), ...args]);
		expect(first.code, first.stderr).toBe(0);
		await server.resetStats();
		const second = await runCcdl(['download', ...connection(server.url), ...args, '--include-archived']);
		expect(second.code, second.stderr).toBe(0);

		const preArchived = before.filter(item => item.archived && !item.recycled);
		const stats = await server.stats();
		expect.soft(stats.mediaBytesSent, 'media bytes of the rerun').toBe(listedFiles(preArchived).reduce((sum, file) => sum + file.size, 0));
		const digests: string[] = [];
		for (const file of (await walk(out)).filter(name => name.endsWith('.mp3'))) {
			digests.push(await sha256File(path.join(out, file)));
		}

		// Each recording exactly once on disk: no duplicates under shifted names.
		expect.soft(digests.sort(), 'digests of the .mp3 files on disk').toEqual(listedFiles(before).map(file => file.sha256).sort());
	});
});
