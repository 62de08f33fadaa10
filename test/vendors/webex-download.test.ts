/**
 * `ccdl download --platform webex-cc` (the real binary) against the Webex Contact Center test server (a separate
 * process): tasks listed through every page, captures asked for ten at a time, presigned URLs fetched without the
 * bearer token and re-queried when they expire (the transfer resumes from its partial), transcripts written as
 * JSON and XML, tokens renewed from the CCDL_WEBEX_* environment (or a clear exit 3 without it), and "archived"
 * from the journal on a second run.
 */
import {execFile} from 'node:child_process';
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {promisify} from 'node:util';
import {afterAll, describe, expect, it} from 'vitest';
import {parseXml} from '../contract/xml.js';
import {cleanup, readManifestJsonl, runCcdl, startCcdl, tempDir, walk} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

const run = promisify(execFile);
const until = '2026-11-01';
const window = ['--from', '2026-10-27', '--to', '2026-10-31', '--timezone', 'UTC'];
const servers: VendorServer[] = [];

afterAll(async () => {
	await Promise.all(servers.map(async server => server.stop()));
	await cleanup();
});

async function webex(args: string[]): Promise<VendorServer> {
	const server = await startVendorServer('webex-cc', ['--until', until, '--days', '5', ...args]);
	servers.push(server);
	return server;
}

/** A journal, config folder and download folder of their own, and the access token as the password. */
async function isolated(server: VendorServer, extra: Record<string, string> = {}) {
	const home = await tempDir('ccdl-webex-');
	const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: server.password, ...extra};
	return {out: path.join(home, 'out'), env, home};
}

function download(server: VendorServer, out: string, more: string[] = []): string[] {
	return ['download', '--platform', 'webex-cc', '--server', server.url, '--user', server.user, ...window, '--out', out, ...more];
}

async function stats(server: VendorServer): Promise<any> {
	return (await fetch(`${server.url}/_test/stats`)).json();
}

async function oauth(server: VendorServer): Promise<Record<string, string>> {
	const line = await server.waitForInfo(text => text.startsWith('oauth:'));
	return Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map(match => [match[1]!, match[2]!]));
}

async function ffprobeSeconds(file: string): Promise<number> {
	const {stdout} = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file]);
	return Number(stdout.trim());
}

describe('a headless download from Webex Contact Center', () => {
	it('exits 0 with every recording valid and ffprobe-readable, transcripts written, the manifest filled; captures ten at a time; no token at the storage', async () => {
		const server = await webex(['--seed', '5', '--calls', '120']);
		const {out, env} = await isolated(server);
		const result = await runCcdl(download(server, out), {env, timeoutMs: 120_000});
		expect(result.code, result.stderr).toBe(0);
		const rows = await readManifestJsonl(out);
		const recordings = rows.filter(row => row.fileKind === 'recording');
		const transcripts = rows.filter(row => row.fileKind === 'transcript');
		expect(recordings.length).toBeGreaterThan(10);
		expect(transcripts.length).toBeGreaterThan(5);
		expect(recordings.every(row => row.status === 'valid')).toBe(true);
		expect(transcripts.every(row => row.status === 'valid')).toBe(true);
		// Queues are the campaigns, with Hungarian names; agents by ID and name; the reason code as the termination.
		expect(new Set(rows.map(row => row.campaignName)).size).toBeGreaterThan(3);
		expect(rows.some(row => /[áéíóöőúüű]/i.test(row.campaignName))).toBe(true);
		expect(rows.every(row => typeof row['agentId'] === 'string' && (row['agentId'] as string).length > 0)).toBe(true);
		expect(rows.every(row => typeof row['agentLastName'] === 'string' && (row['agentLastName'] as string).length > 0)).toBe(true);
		expect(rows.some(row => row['terminationName'] === 'Sikeres megrendelés' || row['terminationName'] === 'Nem érdekli')).toBe(true);
		// Tasks without a capture (abandoned calls) are listed for the manifest, never failed.
		expect(rows.some(row => row.status === 'metadata')).toBe(true);
		expect(rows.some(row => row.status === 'failed')).toBe(false);
		for (const row of recordings.slice(0, 8)) {
			const file = path.join(out, row.file);
			expect((await stat(file)).size).toBe(row.size);
			expect(await ffprobeSeconds(file)).toBeGreaterThan(1);
		}

		for (const row of transcripts.slice(0, 8)) {
			const parsed = JSON.parse(await readFile(path.join(out, row.file), 'utf8')) as {taskId: string; messages: Array<{text: string; from: string}>};
			expect(parsed.taskId).toBe(row.contactId);
			expect(parsed.messages.length).toBeGreaterThan(0);
		}

		const after = await stats(server);
		expect(after.api.maxCaptureBatch).toBeGreaterThan(0);
		expect(after.api.maxCaptureBatch).toBeLessThanOrEqual(10);
		expect(after.api.captureQueriesRefused).toBe(0);
		expect(after.storage.authorizationHeaders).toBe(0);
		expect(after.storage.mediaRequests).toBeGreaterThan(0);
	}, 180_000);

	it('writes XML transcripts that are well-formed, with the server\'s <, & and quotes escaped', async () => {
		const server = await webex(['--seed', '6', '--calls', '80']);
		const {out, env} = await isolated(server);
		const result = await runCcdl(download(server, out, ['--transcripts', 'xml', '--mode', 'transcripts-only']), {env, timeoutMs: 120_000});
		expect(result.code, result.stderr).toBe(0);
		const files = (await walk(out)).filter(file => file.endsWith('.xml'));
		expect(files.length).toBeGreaterThan(3);
		let sawEscaped = false;
		for (const file of files) {
			const text = await readFile(path.join(out, file), 'utf8');
			const root = parseXml(text);
			expect(root.name).toBe('transcript');
			expect(root.children.length).toBeGreaterThan(0);
			expect(root.children.every(message => message.name === 'message' && ['agent', 'customer'].includes(message.attributes['from']!))).toBe(true);
			sawEscaped ||= root.children.some(message => message.text.includes('<25 000 Ft> volt, nem 35 000 & nem is több – "ez így nem stimmel"'));
		}

		// The test data's hostile line ("<25 000 Ft> … & … "…"") turns up in some transcript of this tenant.
		expect(sawEscaped).toBe(true);
		expect((await walk(out)).some(file => file.endsWith('.mp3'))).toBe(false);
	}, 180_000);

	it('a second run without --include-archived downloads nothing new: the journal knows what was exported', async () => {
		const server = await webex(['--seed', '8', '--calls', '60']);
		const {out, env, home} = await isolated(server);
		const first = await runCcdl(download(server, out), {env, timeoutMs: 120_000});
		expect(first.code, first.stderr).toBe(0);
		const before = await stats(server);
		const again = path.join(home, 'again');
		const second = await runCcdl(download(server, again), {env, timeoutMs: 120_000});
		expect(second.code, second.stderr).toBe(0);
		const files = (await walk(again)).filter(file => !file.startsWith('manifest.'));
		expect(files).toEqual([]);
		expect((await stats(server)).storage.mediaRequests).toBe(before.storage.mediaRequests);
	}, 180_000);
});

describe('presigned URLs that expire mid-run', () => {
	it('re-queries the capture (one task) and resumes from the partial, without fetching finished bytes again', async () => {
		// Every file is cut once half-way; while the run goes on, every URL issued so far is revoked again and again,
		// so the retry after a cut meets an expired URL (403) and must ask for a fresh one, then resume (206).
		const server = await webex(['--seed', '9', '--calls', '40', '--faults', 'truncate=1,max=1,scope=media']);
		const {out, env} = await isolated(server);
		const child = startCcdl(download(server, out, ['--transcripts', 'none', '--json']), {env, timeoutMs: 120_000});
		let running = true;
		const hammer = (async () => {
			while (running) {
				await fetch(`${server.url}/_test/urls/expire`, {method: 'POST'}).catch(() => undefined);
				await delay(40);
			}
		})();
		const result = await child.done;
		running = false;
		await hammer;
		expect(result.code, result.stderr).toBe(0);
		const rows = await readManifestJsonl(out);
		const recordings = rows.filter(row => row.fileKind === 'recording');
		expect(recordings.length).toBeGreaterThan(5);
		expect(recordings.every(row => row.status === 'valid')).toBe(true);
		const total = recordings.reduce((sum, row) => sum + Number(row.size), 0);
		// The engine's own account: each file that started again from a partial (resumedFrom > 0) must have been sent
		// only the rest, as a 206 to a Range request made with the fresh URL — finished bytes are not fetched again.
		const events = result.stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as {type: string; fileId?: string; resumedFrom?: number});
		const resumed = events.filter(event => event.type === 'started' && (event.resumedFrom ?? 0) > 0);
		const after = await stats(server);
		expect(after.faultsInjected.truncate).toBeGreaterThan(0);
		expect(after.storage.expiredRefused).toBeGreaterThan(0);
		expect(after.api.captureBatchSizes['1']).toBeGreaterThan(0);
		expect(resumed.length).toBeGreaterThan(0);
		expect(after.storage.partialResponses).toBeGreaterThanOrEqual(resumed.length);
		// Bytes sent: the files once, plus at most what the cuts wasted (each cut file at most once more).
		const cutFiles = new Set(events.filter(event => event.type === 'retrying').map(event => event.fileId));
		const wasted = recordings.filter(row => cutFiles.has(`${row.contactId}:recording`)).reduce((sum, row) => sum + Number(row.size), 0);
		expect(after.storage.mediaBytes).toBeLessThan(total + wasted);
		expect(after.storage.authorizationHeaders).toBe(0);
		for (const row of recordings.slice(0, 5)) {
			expect(await ffprobeSeconds(path.join(out, row.file))).toBeGreaterThan(1);
		}
	}, 180_000);
});

describe('access tokens that expire mid-run', () => {
	it('with CCDL_WEBEX_REFRESH_TOKEN, _CLIENT_ID and _CLIENT_SECRET: renewed at the token endpoint, exit 0', async () => {
		// Tokens live one second and every answer takes 300 ms: the listing alone outlives a token.
		const server = await webex(['--seed', '10', '--calls', '60', '--token-ttl', '1', '--latency', '300']);
		const keys = await oauth(server);
		const {out, env} = await isolated(server, {
			CCDL_WEBEX_REFRESH_TOKEN: keys['refresh_token']!, CCDL_WEBEX_CLIENT_ID: keys['client_id']!, CCDL_WEBEX_CLIENT_SECRET: keys['client_secret']!,
		});
		const result = await runCcdl(download(server, out, ['--transcripts', 'none']), {env, timeoutMs: 120_000});
		expect(result.code, result.stderr).toBe(0);
		const after = await stats(server);
		expect(after.api.unauthorized).toBeGreaterThan(0);
		expect(after.api.tokensRefreshed).toBeGreaterThan(0);
		expect(after.api.tokenRequestsRefused).toBe(0);
		expect((await readManifestJsonl(out)).filter(row => row.fileKind === 'recording').every(row => row.status === 'valid')).toBe(true);
		// Secrets stay out of what ccdl prints.
		for (const secret of [keys['refresh_token']!, keys['client_secret']!, server.password]) {
			expect(result.stderr).not.toContain(secret);
			expect(result.stdout).not.toContain(secret);
		}
	}, 180_000);

	it('with only an access token: exit 3 and one sentence saying how to give a refresh token', async () => {
		const server = await webex(['--seed', '10', '--calls', '60', '--token-ttl', '1', '--latency', '300']);
		const {out, env} = await isolated(server);
		const result = await runCcdl(download(server, out), {env, timeoutMs: 120_000});
		expect(result.code, result.stderr).toBe(3);
		expect(result.stderr).toMatch(/access token has expired/);
		expect(result.stderr).toMatch(/CCDL_WEBEX_REFRESH_TOKEN, CCDL_WEBEX_CLIENT_ID and CCDL_WEBEX_CLIENT_SECRET/);
		expect(result.stderr).not.toMatch(/^\s+at /m);
	}, 180_000);

	it('a wrong organisation in --user is an authentication error (exit 3), before anything is listed', async () => {
		const server = await webex(['--seed', '11', '--calls', '10']);
		const {out, env} = await isolated(server);
		const args = download(server, out);
		args[args.indexOf(server.user)] = 'f53c8b54-46ca-43f6-ba05-08426a46e23d';
		const result = await runCcdl(args, {env});
		expect(result.code, result.stderr).toBe(3);
		expect(result.stderr).toMatch(/organisation f53c8b54-46ca-43f6-ba05-08426a46e23d/);
		expect((await stats(server)).api.captureQueries).toBe(0);
	}, 60_000);
});
