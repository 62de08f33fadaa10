/**
 * `ccdl download --platform webex-cc` against the Webex test server behind a forwarder that changes its answers in
 * ways a real tenant or a broken proxy might: task IDs in upper case (UUIDs are the same in either case). The
 * captures and the storage are the test server's own.
 */
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, readManifestJsonl, runCcdl, tempDir} from '../helpers/ccdl.js';
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
