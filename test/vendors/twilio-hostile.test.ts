/**
 * `ccdl download --platform twilio` against the Twilio test server behind a forwarder that changes its answers as a
 * hostile or broken server might: a recording listing that hands out a fresh next_page_uri for the same recordings
 * again and again. Media come from the test server's storage.
 */
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, isOneSentenceError, runCcdl, tempDir} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {type Forwarder, startForwarder, type Rewrite} from './forwarder.js';

const running: Array<VendorServer | Forwarder> = [];

afterAll(async () => {
	await Promise.all(running.map(async item => 'close' in item ? item.close() : item.stop()));
	await cleanup();
});

async function behind(args: string[], rewrite: Rewrite): Promise<{server: VendorServer; forwarder: Forwarder}> {
	const server = await startVendorServer('twilio', args);
	running.push(server);
	const forwarder = await startForwarder(server.url, rewrite);
	running.push(forwarder);
	return {server, forwarder};
}

async function ccdl(command: string, server: VendorServer, forwarder: Forwarder, more: string[] = [], timeoutMs = 120_000) {
	const home = await tempDir('ccdl-twilio-hostile-');
	const out = path.join(home, 'out');
	const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: server.password};
	const result = await runCcdl([command, '--platform', 'twilio', '--server', forwarder.url, '--user', server.user, '--timezone', 'UTC', '--out', out, ...more], {env, timeoutMs});
	return {result, out};
}

describe('a recording listing that repeats itself', () => {
	it('stops at the first page with nothing new, with one sentence and exit 4, not after 50,000 pages', async () => {
		// The first page as the server lists it (its first recording twice); then the same page under a fresh
		// next_page_uri every time.
		let first: {recordings: unknown[]} | undefined;
		let loops = 0;
		const {server, forwarder} = await behind(['--calls', '4', '--days', '2', '--seed', '24'], ({url, json}) => {
			if (!/\/Recordings\.json$/.test(url.pathname) || url.searchParams.get('PageSize') === '1') {
				return undefined;
			}

			const page = json as {recordings: unknown[]};
			first ??= {...page, recordings: [page.recordings[0], ...page.recordings]};
			return {...first, next_page_uri: `${url.pathname}?PageSize=1000&Loop=${++loops}`};
		});
		const {result} = await ccdl('download', server, forwarder, ['--transcripts', 'none'], 60_000);
		expect(result.code, result.stderr).toBe(4);
		expect(result.stderr).toMatch(/repeats itself/);
		expect(result.stderr).not.toMatch(/narrow the dates/);
		expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
		expect(loops).toBe(2);
	}, 120_000);
});
