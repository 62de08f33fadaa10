/**
 * Token expiry mid-run: with one-second access tokens, and with every token expired by the server during the run,
 * the download refreshes and replays, and ends with exit 0 and every file valid.
 */
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, isPartial, listedFiles, readManifestJsonl, serverListing, sha256File, startCcdl, tempDir, walk,
} from '../helpers/ccdl.js';

let server: DemoProcess | undefined;

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('token expiry mid-run', () => {
	it('a run longer than the token lifetime, with all tokens expired during it, ends with exit 0 and all valid', async () => {
		server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '20000', '--token-ttl', '1', '--latency', '80']);
		const expected = (await serverListing(server.url, {from: '2026-10-24T00:00:00Z', to: '2026-10-29T00:00:00Z'}))
			.filter(item => !item.archived && !item.recycled);
		const out = await tempDir();
		const run = startCcdl(['download', ...connection(server.url), '--from', '2026-10-24', '--to', '2026-10-28', '--timezone', 'UTC',
			'--concurrency', '2', '--out', out]);
		await run.waitFor(({stderr}) => (stderr.match(/^valid {4}/gm) ?? []).length >= 5);
		const expire = await fetch(`${server.url}/_demo/tokens/expire`, {method: 'POST'});
		expect(expire.status).toBe(204);
		const result = await run.done;
		expect(result.code, result.stderr).toBe(0);
		// Longer than two token lifetimes, so tokens also ran out on their own.
		expect(result.durationMs).toBeGreaterThan(2000);
		expect(result.stderr).not.toMatch(/FAILED|ARCHIVE|expired/);

		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.filter(row => row.status !== 'valid')).toEqual([]);
		expect(rows.filter(row => row.fileKind !== 'transcript').map(row => row.sha256).sort())
			.toEqual(listedFiles(expected).map(file => file.sha256).sort());
		expect(rows.filter(row => row.fileKind === 'transcript')).toHaveLength(expected.filter(item => item.transcript).length);
		for (const row of rows) {
			expect(await sha256File(path.join(out, row.file)), row.file).toBe(row.sha256);
		}

		expect((await walk(out)).filter(isPartial)).toEqual([]);
		const after = await serverListing(server.url, {from: '2026-10-24T00:00:00Z', to: '2026-10-29T00:00:00Z'});
		expect(after.filter(item => !item.recycled && !item.archived).map(item => item.id)).toEqual([]);
	});
});
