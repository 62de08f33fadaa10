/**
 * A server that tells the listing to wait (429 with Retry-After): the listing holds, and stderr — a cron job's log —
 * says why, in `ccdl list` and `ccdl download` alike; stdout stays the plan or the JSON stream.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, runCcdl, tempDir} from '../helpers/ccdl.js';

let server: DemoProcess;

beforeAll(async () => {
	// Every request is told to wait once (1 s), then answered.
	server = await startDemoProcess(['--calls', '30', '--seed', '21', '--faults', '429=1,max=1,retryAfter=1,scope=all']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('a listing the server tells to wait', () => {
	it('says so on stderr, in list and in download (--json too), and still completes', async () => {
		const wait = /^ccdl: the server asked to wait 1 s before the next page; the listing goes on after that\.$/m;
		const listed = await runCcdl(['list', ...connection(server.url), '--include-archived', '--json']);
		expect(listed.code, listed.stderr).toBe(0);
		expect(listed.stderr).toMatch(wait);
		expect(JSON.parse(listed.stdout)).toHaveProperty('files');

		const out = path.join(await tempDir('ccdl-wait-'), 'out');
		const downloaded = await runCcdl(['download', ...connection(server.url), '--include-archived', '--no-archive', '--channel', 'voice', '--out', out, '--json']);
		expect(downloaded.code, downloaded.stderr).toBe(0);
		expect(downloaded.stderr).toMatch(wait);
		for (const line of downloaded.stdout.trim().split('\n')) {
			expect(() => JSON.parse(line) as unknown).not.toThrow();
		}

		// Each request is told to wait only once: another channel makes other requests.
		const hungarian = await runCcdl(['list', ...connection(server.url), '--include-archived', '--channel', 'video', '--lang', 'hu']);
		expect(hungarian.stderr).toMatch(/a szerver 1 mp várakozást kért a következő oldal előtt/);
	}, 60_000);
});
