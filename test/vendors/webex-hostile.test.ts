/**
 * `ccdl download --platform webex-cc` against the Webex test server behind a forwarder that changes its answers in
 * ways a real tenant or a broken proxy might: task IDs in upper case (UUIDs are the same in either case), and a task
 * listing that sends the same task again and again. The captures and the storage are the test server's own.
 */
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, isOneSentenceError, readManifestJsonl, runCcdl, tempDir} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {type Forwarder, startForwarder, type Rewrite} from './forwarder.js';

const window = ['--from', '2026-10-27', '--to', '2026-10-31', '--timezone', 'UTC'];
const running: Array<VendorServer | Forwarder> = [];

afterAll(async () => {
	await Promise.all(running.map(async item => 'close' in item ? item.close() : item.stop()));
	await cleanup();
});

async function behind(args: string[], rewrite: Rewrite): Promise<{server: VendorServer; forwarder: Forwarder}> {
	const server = await startVendorServer('webex-cc', ['--until', '2026-11-01', '--days', '5', ...args]);
	running.push(server);
	const forwarder = await startForwarder(server.url, rewrite);
	running.push(forwarder);
	return {server, forwarder};
}

async function download(server: VendorServer, forwarder: Forwarder, more: string[] = [], timeoutMs = 120_000) {
	const home = await tempDir('ccdl-webex-hostile-');
	const out = path.join(home, 'out');
	const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: server.password};
	const result = await runCcdl(['download', '--platform', 'webex-cc', '--server', forwarder.url, '--user', server.user, ...window, '--out', out, ...more], {env, timeoutMs});
	return {result, out};
}

function isTaskPage(url: URL): boolean {
	return url.pathname === '/v1/tasks' && url.searchParams.get('pageSize') !== '1';
}

describe('Webex task IDs', () => {
	it('in upper case still get their recordings and transcripts (IDs are compared without regard to case)', async () => {
		const {server, forwarder} = await behind(['--seed', '21', '--calls', '30'], ({url, json}) => {
			if (!isTaskPage(url)) {
				return undefined;
			}

			const page = json as {data: Array<{id: string}>};
			return {...page, data: page.data.map(task => ({...task, id: task.id.toUpperCase()}))};
		});
		const {result, out} = await download(server, forwarder);
		expect(result.code, result.stderr).toBe(0);
		const rows = await readManifestJsonl(out);
		const recordings = rows.filter(row => row.fileKind === 'recording');
		const transcripts = rows.filter(row => row.fileKind === 'transcript');
		expect(recordings.length).toBeGreaterThan(3);
		expect(transcripts.length).toBeGreaterThan(0);
		expect([...recordings, ...transcripts].every(row => row.status === 'valid')).toBe(true);
		// The IDs stay as Webex sent them.
		expect(recordings.every(row => row.contactId === row.contactId.toUpperCase())).toBe(true);
	}, 180_000);
});

describe('a task listing that repeats itself', () => {
	it('stops at the first page with nothing new, with one sentence and exit 4, after one capture query for the one task', async () => {
		// Every page: 1000 copies of the same task, created at the page's `from` (so the listing seems to move on).
		const {server, forwarder} = await behind(['--seed', '22', '--calls', '30'], ({url, json}) => {
			if (!isTaskPage(url)) {
				return undefined;
			}

			const page = json as {data: Array<{id: string; attributes: Record<string, unknown>}>};
			const task = page.data[0]!;
			const from = Number(url.searchParams.get('from'));
			return {...page, data: Array.from({length: 1000}, () => ({...task, attributes: {...task.attributes, createdTime: from}}))};
		});
		const {result} = await download(server, forwarder, ['--transcripts', 'none'], 60_000);
		expect(result.code, result.stderr).toBe(4);
		expect(result.stderr).toMatch(/repeats itself/);
		expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
		const taskPages = forwarder.requests.filter(line => isTaskPage(new URL(line.split(' ')[1]!, 'http://forwarder.invalid')));
		expect(taskPages).toHaveLength(2);
		// Duplicates are dropped before the captures are asked for: one query, one ID.
		const stats = await (await fetch(`${server.url}/_test/stats`)).json() as {api: {captureQueries: number; captureQueriesRefused: number; captureBatchSizes: Record<string, number>}};
		expect(stats.api.captureQueries).toBe(1);
		expect(stats.api.captureBatchSizes).toEqual({1: 1});
		expect(stats.api.captureQueriesRefused).toBe(0);
	}, 120_000);
});

describe('the channel filter', () => {
	it('is sent as the document\'s array parameter, exploded: channelTypes=telephony&channelTypes=chat, never comma-joined', async () => {
		const {server, forwarder} = await behind(['--seed', '13', '--calls', '60'], () => undefined);
		const {result, out} = await download(server, forwarder, ['--channel', 'voice', '--channel', 'chat']);
		expect(result.code, result.stderr).toBe(0);
		const pages = forwarder.requests.map(line => new URL(line.split(' ')[1]!, 'http://forwarder.invalid')).filter(url => isTaskPage(url));
		expect(pages.length).toBeGreaterThan(0);
		for (const url of pages) {
			expect(url.searchParams.getAll('channelTypes').sort(), url.search).toEqual(['chat', 'telephony']);
		}

		const rows = await readManifestJsonl(out);
		expect(rows.length).toBeGreaterThan(0);
		expect(new Set(rows.map(row => row.channel))).toEqual(new Set(['voice', 'chat']));
	}, 120_000);
});
