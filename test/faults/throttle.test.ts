/**
 * Issue 16, item 6: 10 % of media requests answered 429 with Retry-After. The file told to wait yields its slot and
 * comes back after its Retry-After, the run halves its concurrency (at most once a second) and creeps back; nothing
 * else is frozen. The run ends with exit 0 and every file valid. (How much faster than pausing the whole run for
 * every 429 is measured in the report, not asserted here.)
 */
import {afterAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, isPartial, readManifestJsonl, runCcdl, serverListing, tempDir, walk} from '../helpers/ccdl.js';
import {checkFolder} from './harness.js';

let server: DemoProcess | undefined;

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('throttling', () => {
	it('10 % 429 on media: exit 0, every file valid and as listed, each 429 retried', async () => {
		server = await startDemoProcess(['--calls', '600', '--seed', '56', '--faults', '429=0.1,scope=media']);
		const listing = await serverListing(server.url);
		const out = await tempDir('ccdl-fault-429-');
		const result = await runCcdl(['download', ...connection(server.url), '--from', '2026-10-02', '--to', '2026-10-31', '--timezone', 'UTC', '--out', out], {timeoutMs: 170_000});
		expect(result.code, result.stderr).toBe(0);
		const stats = await server.stats();
		expect(stats.faultsInjected['429'] ?? 0).toBeGreaterThan(10);
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.length).toBeGreaterThan(100);
		expect(rows.filter(row => row.status !== 'valid')).toEqual([]);
		await checkFolder(out, listing);
		expect((await walk(out)).filter(isPartial)).toEqual([]);
	}, 180_000);
});
