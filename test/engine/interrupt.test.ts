/**
 * Ctrl-C in the middle of a download, then the same command again: the first run exits 130 keeping what it has,
 * the second finishes the job, and the server's byte counter shows that finished bytes were not sent twice.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, isPartial, listedFiles, readManifestJsonl, runCcdl, serverListing, sha256File, startCcdl, tempDir, walk,
} from '../helpers/ccdl.js';

let server: DemoProcess | undefined;

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('SIGINT, then the same command again', () => {
	let out: string;
	let args: string[];
	let files: ReturnType<typeof listedFiles>;
	let datasetBytes: number;

	beforeAll(async () => {
		server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '2000000', '--latency', '100']);
		const query = {from: '2026-10-16T00:00:00Z', to: '2026-10-24T00:00:00Z', channel: 'voice'};
		const expected = (await serverListing(server.url, query)).filter(item => !item.archived && !item.recycled);
		files = listedFiles(expected);
		datasetBytes = files.reduce((sum, file) => sum + file.size, 0);
		await server.resetStats();
		out = await tempDir();
		args = ['download', ...connection(server.url), '--from', '2026-10-16', '--to', '2026-10-23', '--timezone', 'UTC',
			'--channel', 'voice', '--concurrency', '2', '--out', out];
	});

	it('the first Ctrl-C stops cleanly: exit 130, a summary, and a manifest of what is done', async () => {
		// Bytes the server has written into socket buffers when Ctrl-C comes are counted as sent but never reach the
		// client: up to one file per transfer in flight. The dataset is large against that (2 × 2 MB of > 90 MB).
		expect(files.length).toBeGreaterThan(45);
		expect(datasetBytes).toBeGreaterThan(files.length * 1_900_000);
		const first = startCcdl(args);
		await first.waitFor(({stderr}) => (stderr.match(/^valid {4}/gm) ?? []).length >= 3);
		first.signal('SIGINT');
		const interrupted = await first.done;
		expect(interrupted.code, interrupted.stderr).toBe(130);
		// One Ctrl-C is not two: the "quit at once" path must not be taken.
		expect(interrupted.stderr).not.toContain('stopped at once');
		expect(interrupted.stderr).toMatch(/^Interrupted: \d+ valid/m);
		expect(interrupted.stderr).toContain('Run the same command again');
		const validFirst = (interrupted.stderr.match(/^valid {4}/gm) ?? []).length;
		expect(validFirst).toBeGreaterThanOrEqual(3);
		expect(validFirst).toBeLessThan(files.length);
		// The manifest of the interrupted run already describes the folder.
		const partialRows = await readManifestJsonl(out);
		expect(partialRows.filter(row => row.status === 'valid')).toHaveLength(validFirst);
		expect(partialRows.some(row => row.status === 'interrupted')).toBe(true);
	});

	it('the same command again exits 0, everything valid, at most 5 % more media bytes sent than the dataset', async () => {
		const second = await runCcdl(args);
		expect(second.code, second.stderr).toBe(0);

		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		// Files finished by the first run count as already there when its bookkeeping did not record them.
		expect(rows.map(row => row.status).filter(status => status !== 'valid' && status !== 'skipped-identical')).toEqual([]);
		expect(rows.map(row => row.sha256).sort()).toEqual(files.map(file => file.sha256).sort());
		for (const row of rows) {
			expect(await sha256File(path.join(out, row.file)), row.file).toBe(row.sha256);
		}

		const onDisk = await walk(out);
		expect(onDisk.filter(isPartial)).toEqual([]);
		expect(onDisk).toEqual([...rows.map(row => row.file), 'manifest.csv', 'manifest.jsonl'].sort());

		const verify = await runCcdl(['verify', out]);
		expect(verify.code, verify.stdout).toBe(0);

		const stats = await server!.stats();
		expect(stats.mediaBytesSent).toBeGreaterThanOrEqual(datasetBytes);
		expect(stats.mediaBytesSent).toBeLessThanOrEqual(datasetBytes * 1.05);
	});
});
