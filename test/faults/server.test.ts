/**
 * Issue 16, item 5: a server that dies for good ends the run with exit 4 once it has not answered for the outage
 * limit (CCDL_OUTAGE_SECONDS, 2 s here instead of the default 60), instead of failing file after file; the files
 * still to do are interrupted, not failed, and the finished ones are kept. A server restarted with new tokens is
 * logged in to again with the password ccdl holds (exit 0).
 */
import net from 'node:net';
import {afterAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, readManifestJsonl, serverListing, startCcdl, tempDir} from '../helpers/ccdl.js';
import {checkFolder} from './harness.js';

const servers: DemoProcess[] = [];

afterAll(async () => {
	// A server killed by the test has exited already (stop() would wait for an exit that came before).
	await Promise.all(servers.filter(server => server.process.exitCode === null && server.process.signalCode === null).map(async server => server.stop()));
	await cleanup();
});

async function freePort(): Promise<number> {
	const probe = net.createServer();
	await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
	const {port} = probe.address() as net.AddressInfo;
	await new Promise(resolve => probe.close(resolve));
	return port;
}

function args(url: string, out: string): string[] {
	return ['download', ...connection(url), '--from', '2026-10-02', '--to', '2026-10-14', '--timezone', 'UTC', '--channel', 'voice', '--out', out, '--concurrency', '4'];
}

describe('the server goes away', () => {
	it('down for good: exit 4 with one sentence after the outage limit, nothing marked failed, finished files kept and in the manifest', async () => {
		const server = await startDemoProcess(['--calls', '300', '--seed', '46', '--media-size', '500000', '--latency', '30']);
		servers.push(server);
		const listing = await serverListing(server.url, {channel: 'voice'});
		const out = await tempDir('ccdl-fault-down-');
		const run = startCcdl(args(server.url, out), {env: {CCDL_OUTAGE_SECONDS: '2'}, timeoutMs: 90_000});
		await run.waitFor(({stderr}) => (stderr.match(/^valid/gm) ?? []).length >= 4, 60_000);
		server.process.kill('SIGKILL');
		const result = await run.done;
		expect(result.code, result.stderr).toBe(4);
		const sentences = result.stderr.split('\n').filter(line => line.startsWith('ccdl: '));
		expect(sentences.some(line => /has not answered for 2 s/.test(line) && line.includes(server.url)), result.stderr).toBe(true);
		expect(result.stderr).not.toMatch(/^\s*failed: /m);
		const check = await checkFolder(out, listing);
		expect(check.files.size).toBeGreaterThanOrEqual(4);
		const rows = await readManifestJsonl(out);
		expect(rows.filter(row => row.status === 'failed')).toEqual([]);
		expect(rows.filter(row => row.status === 'valid').length).toBe(check.files.size);
	}, 120_000);

	// Needs client.ts (issue 10's engineer): a refused refresh triggers one fresh login with the password ccdl holds.
	// Until then the run ends with exit 3; make this `it` when the relogin lands.
	it('restarted with new tokens: ccdl logs in again with the password it holds and finishes with exit 0', async () => {
		const port = await freePort();
		const first = await startDemoProcess(['--calls', '300', '--seed', '47', '--media-size', '500000', '--latency', '30', '--port', String(port)]);
		servers.push(first);
		const listing = await serverListing(first.url, {channel: 'voice'});
		const out = await tempDir('ccdl-fault-restart-');
		const run = startCcdl(args(first.url, out), {env: {CCDL_OUTAGE_SECONDS: '20'}, timeoutMs: 90_000});
		await run.waitFor(({stderr}) => (stderr.match(/^valid/gm) ?? []).length >= 4, 60_000);
		await first.stop();
		const second = await startDemoProcess(['--calls', '300', '--seed', '47', '--media-size', '500000', '--port', String(port)]);
		servers.push(second);
		const result = await run.done;
		expect(result.code, result.stderr).toBe(0);
		await checkFolder(out, listing);
	}, 120_000);
});
