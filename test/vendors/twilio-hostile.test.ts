/**
 * `ccdl download --platform twilio` against the Twilio test server behind a forwarder that changes its answers as a
 * hostile or broken server might: control and bidi characters in a call's numbers, and a recording listing that
 * hands out a fresh next_page_uri for the same recordings again and again. Media come from the test server's storage.
 */
import {once} from 'node:events';
import {readFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, isOneSentenceError, readManifestJsonl, runCcdl, tempDir, walk} from '../helpers/ccdl.js';
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

/** A terminal acts on these; none may reach it or a file name as they are, nor as `\x1b`-style escape text in a name. */
const hostile = '\u001B[31mRED\u001B]0;pwned\u0007\u202E';
// eslint-disable-next-line no-control-regex
const raw = /[\u001B\u0007\u202E]/;

describe('server text with control and bidi characters', () => {
	it('is kept as sent in the manifest, becomes _ in file names, and is shown escaped on the screen and in --json', async () => {
		const poisoned = (call: Record<string, unknown>) => ({...call, from: `${hostile}${String(call['from'])}`, caller_name: `${hostile}name`});
		const {server, forwarder} = await behind(['--calls', '6', '--days', '2', '--seed', '23'], ({url, json}) => {
			if (/\/Calls\.json$/.test(url.pathname)) {
				const page = json as {calls: Array<Record<string, unknown>>};
				return {...page, calls: page.calls.map(call => poisoned(call))};
			}

			return /\/Calls\/CA\w+\.json$/.test(url.pathname) ? poisoned(json as Record<string, unknown>) : undefined;
		});
		const {result, out} = await ccdl('download', server, forwarder, ['--transcripts', 'none']);
		expect(result.code, result.stderr).toBe(0);
		const rows = (await readManifestJsonl(out)).filter(row => row.fileKind === 'recording');
		expect(rows.length).toBeGreaterThan(0);
		const incoming = rows.filter(row => row['direction'] === 'incoming');
		expect(incoming.length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.status).toBe('valid');
			// The data stays what the server sent: the manifest is data, and JSON escapes it on its own.
			expect(String(row['callingNumber']).startsWith(hostile), JSON.stringify(row['callingNumber'])).toBe(true);
			expect(row['callingNumber']).not.toContain('\\x1b');
			expect(row.file).not.toMatch(raw);
			expect(row.file).not.toMatch(/x1b|u\{202e\}/i);
		}

		// The naming layer made each of them `_`: ESC, ESC, BEL and U+202E around the visible text.
		for (const row of incoming) {
			expect(row.file).toContain('_[31mRED_]0;pwned__');
		}

		const files = await walk(out);
		expect(files.some(file => raw.test(file) || /x1b/i.test(file))).toBe(false);
		const manifest = await readFile(path.join(out, 'manifest.jsonl'), 'utf8');
		expect(manifest).not.toMatch(raw);
		expect(manifest).toContain('\\u001b[31mRED');

		// What is printed for people, and the --json stream, carry no raw control character either.
		const listed = await ccdl('list', server, forwarder);
		expect(listed.result.code, listed.result.stderr).toBe(0);
		expect(listed.result.stdout + listed.result.stderr).not.toMatch(raw);
		expect(listed.result.stdout).toContain('\\x1b[31mRED\\x1b]0;pwned\\x07\\u{202e}+');
		const json = await ccdl('list', server, forwarder, ['--json']);
		expect(json.result.code, json.result.stderr).toBe(0);
		expect(json.result.stdout).not.toMatch(raw);
		expect(json.result.stdout).toMatch(/RED/);
	}, 180_000);
});

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

describe('next_page_uri as a path, as an absolute URL on the API\'s origin, or on another origin', () => {
	/**
	 * The recording listing cut in two: the first page ends half-way, and its next_page_uri (`form` of it) names the
	 * rest by PageToken, as the server's own next page does.
	 */
	function split(form: (absolute: URL) => string): Rewrite {
		return ({url, json}) => {
			if (!/\/Recordings\.json$/.test(url.pathname) || url.searchParams.has('PageToken') || url.searchParams.get('PageSize') === '1') {
				return undefined;
			}

			const page = json as {recordings: Array<{sid: string}>; uri: string};
			const half = page.recordings.slice(0, Math.ceil(page.recordings.length / 2));
			const next = new URL(page.uri);
			next.searchParams.set('Page', '1');
			next.searchParams.set('PageToken', `PA${half.at(-1)!.sid}`);
			return {...page, recordings: half, next_page_uri: form(next)};
		};
	}

	const args = ['--calls', '12', '--days', '2', '--seed', '31'];

	it.each([
		['a path', (next: URL) => `${next.pathname}${next.search}`],
		['an absolute URL on the API\'s origin (the server\'s own form)', (next: URL) => next.href],
	])('%s: every recording is listed and downloaded', async (_, form) => {
		const {server, forwarder} = await behind(args, split(form));
		const {result, out} = await ccdl('download', server, forwarder, ['--transcripts', 'none']);
		expect(result.code, result.stderr).toBe(0);
		const pages = forwarder.requests.filter(line => /\/Recordings\.json\?/.test(line) && !/PageSize=1(&|$)/.test(line));
		expect(pages.some(line => line.includes('PageToken=PA'))).toBe(true);
		const recordings = (await readManifestJsonl(out)).filter(row => row.fileKind === 'recording');
		const all = await fetch(`${server.url}/2010-04-01/Accounts/${server.user}/Recordings.json?PageSize=1000`, {
			headers: {authorization: `Basic ${Buffer.from(`${server.user}:${server.password}`).toString('base64')}`},
		});
		expect(recordings).toHaveLength(((await all.json()) as {recordings: unknown[]}).recordings.length);
		expect(recordings.every(row => row.status === 'valid')).toBe(true);
	}, 120_000);

	it('on another origin: refused with one sentence, and nothing is sent there', async () => {
		let asked = 0;
		const elsewhere = createServer((_, response) => {
			asked++;
			response.writeHead(500).end();
		});
		elsewhere.listen(0, '127.0.0.1');
		await once(elsewhere, 'listening');
		try {
			const {port} = elsewhere.address() as AddressInfo;
			const {server, forwarder} = await behind(args, split(next => `http://127.0.0.1:${port}${next.pathname}${next.search}`));
			const {result} = await ccdl('download', server, forwarder, ['--transcripts', 'none']);
			expect(result.code, result.stderr).not.toBe(0);
			expect(result.stderr).toMatch(/outside/);
			expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
			expect(asked).toBe(0);
		} finally {
			elsewhere.closeAllConnections();
			elsewhere.close();
		}
	}, 120_000);
});
