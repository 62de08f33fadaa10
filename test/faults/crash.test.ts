/**
 * Issue 16, items 3 and 4: a run killed with SIGKILL (no handler runs) in the middle of ~6 MB recordings. The next
 * run resumes every partial, whatever its size, from its sidecar, so at most 5 % of the set comes over the network
 * twice (the demo server's byte counter); leftovers of a publish cut between link and unlink are swept; every file is
 * valid. And a contact is only ever marked archived on the server once the journal holds its files, so the journal
 * can rebuild the manifest of a run that never wrote one.
 */
import {link, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {partialPaths} from '../../source/lib/engine/transfer.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, readManifestJsonl, runCcdl, serverListing, startCcdl, tempDir} from '../helpers/ccdl.js';
import {checkFolder, expectKept, finishedFiles, journalItems} from './harness.js';

let server: DemoProcess | undefined;

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('kill -9 mid-run', () => {
	it('the rerun resumes every partial (≤ 5 % extra media bytes), sweeps publish leftovers, exits 0 with every file valid; archived contacts are all in the journal', async () => {
		server = await startDemoProcess(['--calls', '400', '--seed', '16', '--media-size', '6000000']);
		const out = await tempDir('ccdl-fault-crash-');
		const data = await tempDir('ccdl-fault-crash-data-');
		const env = {CCDL_DATA_DIR: data};
		const args = ['download', ...connection(server.url), '--from', '2026-10-02', '--to', '2026-10-14', '--timezone', 'UTC', '--channel', 'voice', '--out', out, '--concurrency', '4'];
		const listing = (await serverListing(server.url, {channel: 'voice', from: '2026-10-02T00:00:00Z', to: '2026-10-15T00:00:00Z'})).filter(item => !item.archived && !item.recycled && item.media);
		const total = listing.reduce((sum, item) => sum + item.media!.size, 0);
		expect(listing.length).toBeGreaterThan(20);

		const first = startCcdl(args, {env});
		// Killed once a good part of the set is on disk: files done, partials of every size in flight.
		await first.waitFor(({stderr}) => (stderr.match(/valid/g) ?? []).length >= Math.floor(listing.length / 3), 60_000);
		first.signal('SIGKILL');
		const killed = await first.done;
		expect(killed.signal).toBe('SIGKILL');
		const before = await finishedFiles(out);
		const afterKill = await checkFolder(out, listing);
		expect(afterKill.partials.length, 'the kill left partials to resume').toBeGreaterThan(0);

		// Item 3, engine side: every contact the server now calls archived has its valid file in the journal.
		const archivedNow = new Set((await serverListing(server.url, {channel: 'voice', from: '2026-10-02T00:00:00Z', to: '2026-10-15T00:00:00Z'})).filter(item => item.archived).map(item => item.id));
		const journaled = new Set(journalItems(data).filter(item => item.status === 'valid').map(item => item.recording_id));
		for (const id of archivedNow) {
			if (listing.some(item => item.id === id)) {
				expect(journaled.has(id), `contact ${id} is archived on the server but not in the journal`).toBe(true);
			}
		}

		// A publish cut between link and unlink (as a kill there leaves it): a hard-linked partial beside its file.
		const [someFile] = [...before.keys()];
		const leftover = partialPaths(path.join(out, someFile!));
		await link(path.join(out, someFile!), leftover.part);
		await writeFile(leftover.meta, JSON.stringify({href: '/x', target: path.basename(someFile!), pid: 2 ** 22 + 7, host: (await import('node:os')).hostname()}));

		const stats = await server.stats();
		const {stat} = await import('node:fs/promises');
		let partialBytes = 0;
		for (const part of afterKill.partials.filter(name => name.endsWith('.part'))) {
			partialBytes += (await stat(path.join(out, part))).size;
		}

		const onDisk = listing.filter(item => [...before.values()].includes(item.media!.sha256)).reduce((sum, item) => sum + item.media!.size, 0);
		const diagnosis = `first run sent ${stats.mediaBytesSent}, finished ${onDisk}, partials ${partialBytes} (${afterKill.partials.length} files)`;
		const second = await runCcdl(args, {env, timeoutMs: 120_000});
		expect(second.code, second.stderr).toBe(0);
		const check = await checkFolder(out, listing);
		expect(check.partials, 'partials left after the rerun').toEqual([]);
		await expectKept(out, before);
		expect(check.files.size).toBe(listing.length);
		const sent = (await server.stats()).mediaBytesSent;
		// Bytes of the first run that never reached the disk (socket and stream buffers at the kill, up to a few MB per
		// transfer in flight) are the only waste.
		expect(sent, `media bytes sent ${sent} for a set of ${total}; ${diagnosis}`).toBeLessThanOrEqual(total * 1.05);
		// The rerun fetched exactly what was missing: every partial, whatever its size, was resumed.
		expect(sent - stats.mediaBytesSent, diagnosis).toBe(total - onDisk - partialBytes);
		manifestAfterKill = {out, files: [...check.files.keys()], rows: await readManifestJsonl(out)};
	}, 240_000);

	// Item 3 as a whole: the rerun's manifest describes every file on disk, those of contacts the killed run already
	// had marked archived included (the pipeline adds rows from the journal).
	it('the rerun leaves a manifest that names every file on disk as valid', () => {
		expect(manifestAfterKill, 'the kill -9 case ran').toBeDefined();
		const named = new Set(manifestAfterKill!.rows.filter(row => row.status === 'valid' || row.status === 'skipped-identical').map(row => row.file));
		const missing = manifestAfterKill!.files.filter(file => !named.has(file));
		expect(missing, 'files on disk the manifest does not name').toEqual([]);
	});
});

let manifestAfterKill: {out: string; files: string[]; rows: Awaited<ReturnType<typeof readManifestJsonl>>} | undefined;
