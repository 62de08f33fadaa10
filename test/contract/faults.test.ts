/**
 * Fault injection: repeatable under a seed, different under another, `broken` always truncates, and /_demo/stats
 * counts exactly what was sent.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DemoStats, Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {validateResponse} from '../helpers/openapi.js';
import {call, listAll, login, send, sha256, type Reply} from './support.js';

const spec = 'reset=0.2,truncate=0.2,500=0.1,429=0.1';
let a: DemoProcess;
let b: DemoProcess;
let c: DemoProcess;
let broken: DemoProcess;
let clean: DemoProcess;

beforeAll(async () => {
	[a, b, c, broken, clean] = await Promise.all([
		// Small audio files (about 48 KiB each) keep the hundreds of downloads below quick.
		startDemoProcess(['--calls', '300', '--seed', '42', '--media-size', '49152', '--faults', spec]),
		startDemoProcess(['--calls', '300', '--seed', '42', '--media-size', '49152', '--faults', spec]),
		startDemoProcess(['--calls', '300', '--seed', '43', '--media-size', '49152', '--faults', spec]),
		startDemoProcess(['--calls', '300', '--seed', '42', '--media-size', '49152', '--faults', 'broken=1']),
		startDemoProcess(['--calls', '300', '--seed', '42']),
	]);
});

afterAll(async () => {
	await Promise.all([a, b, c, broken, clean].map(server => server?.stop()));
});

async function stats(server: DemoProcess): Promise<DemoStats> {
	const {reply, json} = await call(server.url, 'GET', '/_demo/stats', '/_demo/stats');
	expect(reply.status).toBe(200);
	return json as DemoStats;
}

function templateOf(path: string): string {
	if (path.endsWith('/media')) {
		return '/v1/recordings/{id}/media';
	}

	return path.includes('/screenshots/') ? '/v1/recordings/{id}/screenshots/{index}' : '/v1/recordings/{id}/transcript';
}

interface Outcome {
	path: string;
	/** null for a reset: whether the headers arrive before the RST is up to the kernel, not the seed. */
	status: number | null;
	/** The fault the server says it injected for this request (from /_demo/stats), or 'none'. */
	kind: string;
	/** Body bytes the server sent (the cut point for reset and truncate). */
	sent: number;
	/** Body bytes received; null for a reset, where the kernel may drop bytes in flight. */
	received: number | null;
}

/** Runs the paths in order; after each request, /_demo/stats tells which fault (if any) was injected. */
async function run(server: DemoProcess, token: string, paths: string[]): Promise<Outcome[]> {
	const outcomes: Outcome[] = [];
	let before = await stats(server);
	for (const path of paths) {
		const reply = await send(server.url, path, {token});
		const after = await stats(server);
		const kinds = Object.keys(after.faultsInjected).filter(kind => after.faultsInjected[kind] !== (before.faultsInjected[kind] ?? 0));
		expect(kinds.length, path).toBeLessThanOrEqual(1);
		const kind = kinds[0] ?? 'none';
		const sent = after.mediaBytesSent - before.mediaBytesSent;
		checkOutcome(path, kind, sent, reply);
		outcomes.push({path, status: kind === 'reset' ? null : reply.status, kind, sent, received: kind === 'reset' ? null : reply.body.length});
		before = after;
	}

	return outcomes;
}

/** What each kind of fault must look like to the client. */
function checkOutcome(path: string, kind: string, sent: number, reply: Reply): void {
	const where = `${path} (${kind})`;
	if (kind === 'none' || kind === '500' || kind === '429') {
		expect(reply.error, where).toBeUndefined();
		const status = {none: 200, 500: 500, 429: 429}[kind];
		expect(reply.status, where).toBe(status);
		validateResponse('GET', templateOf(path), reply);
		if (kind === 'none') {
			expect(sent, where).toBe(reply.body.length);
		} else {
			expect(sent, where).toBe(0);
		}

		return;
	}

	const length = Number(reply.headers['content-length'] ?? Number.NaN);
	if (kind === 'truncate') {
		// The headers promise the whole body; the connection closes after `sent` bytes.
		expect(reply.status, where).toBe(200);
		expect(reply.complete, where).toBe(false);
		expect(reply.body.length, where).toBe(sent);
		expect(sent, where).toBeGreaterThanOrEqual(Math.floor(length * 0.1));
		expect(sent, where).toBeLessThan(length);
		return;
	}

	expect(kind, where).toBe('reset');
	expect(reply.complete, where).toBe(false);
	expect(reply.error, where).toBeDefined();
	expect([0, 200], where).toContain(reply.status);
	expect(reply.body.length, where).toBeLessThanOrEqual(sent);
	if (reply.status === 200) {
		expect(sent, where).toBeLessThan(length);
	}
}

/** Download paths present on both data sets (same IDs with media on either seed), in a fixed order. */
function downloadPaths(first: Recording[], second: Recording[]): string[] {
	const other = new Map(second.map(item => [item.id, item]));
	const paths: string[] = [];
	for (const item of first) {
		const twin = other.get(item.id);
		if (!twin || item.recycled || twin.recycled) {
			continue;
		}

		if (item.media && twin.media) {
			paths.push(item.media.href);
		} else if (item.transcript && twin.transcript) {
			paths.push(`${item.transcript.href}?format=${paths.length % 2 ? 'xml' : 'json'}`);
		} else if (item.screenshots.length > 0 && twin.screenshots.length > 0) {
			paths.push(item.screenshots[0]!.href);
		}
	}

	return paths;
}

describe('fault injection', () => {
	it('the same seed and spec give the same outcomes; another seed gives others', async () => {
		const [tokenA, tokenB, tokenC] = await Promise.all([login(a.url), login(b.url), login(c.url)]).then(all => all.map(item => item.accessToken));
		const [listA, listC] = await Promise.all([listAll(a.url, tokenA!), listAll(c.url, tokenC!)]);
		const resources = downloadPaths(listA, listC).slice(0, 30);
		expect(resources.length).toBe(30);
		// Each resource four times, round robin: the n-th attempt of a resource is what the seed decides.
		const paths = [0, 1, 2, 3].flatMap(() => resources);
		const outcomesA = await run(a, tokenA!, paths);
		const outcomesB = await run(b, tokenB!, paths);
		const outcomesC = await run(c, tokenC!, paths);

		expect(outcomesB).toEqual(outcomesA);
		const kindsA = outcomesA.map(outcome => outcome.kind);
		expect(new Set(kindsA)).toEqual(new Set(['none', 'reset', 'truncate', '500', '429']));
		expect(outcomesC.map(outcome => outcome.kind)).not.toEqual(kindsA);
		// At most `max` (default 3) faults per resource: the fourth attempt may still fail only if an earlier one passed.
		for (const resource of resources) {
			const faults = outcomesA.filter(outcome => outcome.path === resource && outcome.kind !== 'none').length;
			expect(faults, resource).toBeLessThanOrEqual(3);
		}

		// The counters add up: what the server says it injected is what the client met.
		const totals = await stats(a);
		const counted = Object.values(totals.faultsInjected).reduce((sum, count) => sum + count, 0);
		expect(counted).toBe(outcomesA.filter(outcome => outcome.kind !== 'none').length);
		await a.resetStats();
		expect((await stats(a)).faultsInjected).toEqual({});
	});

	it('after `max` (3) faults a resource is served whole, so the 4th attempt at the latest succeeds', async () => {
		const token = (await login(a.url)).accessToken;
		// Resources the first test did not touch.
		const items = (await listAll(a.url, token)).filter(recording => recording.media && !recording.recycled && Number(recording.id) > 100_250);
		const failuresPerResource: number[] = [];
		for (const item of items.slice(0, 20)) {
			let failures = 0;
			let reply: Reply;
			for (;;) {
				reply = await send(a.url, item.media!.href, {token});
				if (reply.status === 200 && reply.complete) {
					break;
				}

				failures++;
				expect(failures, item.id).toBeLessThanOrEqual(3);
			}

			expect(sha256(reply.body).toString('hex')).toBe(item.media!.sha256);
			failuresPerResource.push(failures);
		}

		expect(failuresPerResource).toHaveLength(20);
		expect(Math.max(...failuresPerResource)).toBe(3);
	});

	it('broken=1 truncates every download, every time, at half the body; HEAD and the JSON API are unaffected', async () => {
		const token = (await login(broken.url)).accessToken;
		const items = (await listAll(broken.url, token)).filter(item => !item.recycled);
		const paths = [
			...items.filter(item => item.media).slice(0, 8).map(item => item.media!.href),
			...items.filter(item => item.screenshots.length > 0).slice(0, 3).map(item => item.screenshots.at(-1)!.href),
			...items.filter(item => item.transcript).slice(0, 3).map(item => `${item.transcript!.href}?format=xml`),
		];
		for (const path of paths) {
			for (let attempt = 0; attempt < 3; attempt++) {
				const reply = await send(broken.url, path, {token});
				const length = Number(reply.headers['content-length']);
				expect(reply.status, path).toBe(200);
				expect(reply.complete, path).toBe(false);
				expect(reply.body.length, path).toBe(Math.floor(length * 0.5));
			}

			if (!path.includes('transcript')) {
				const head = await call(broken.url, 'HEAD', templateOf(path), path, {token});
				expect(head.reply.status).toBe(200);
			}
		}

		expect((await call(broken.url, 'GET', '/v1/recordings', '/v1/recordings?limit=5', {token})).reply.status).toBe(200);
	});
});

describe('/_demo/stats', () => {
	it('counts requests, body bytes, media bytes, downloads and archive calls exactly; reset zeroes them', async () => {
		const token = (await login(clean.url)).accessToken;
		const items = (await listAll(clean.url, token)).filter(item => !item.recycled);
		const voice = items.filter(item => item.channel === 'voice' && !item.archived);
		const video = items.find(item => item.screenshots.length > 0)!;
		const text = items.find(item => item.transcript)!;
		await clean.resetStats();

		const exchanges: Array<{path: string; method?: string; body?: unknown; download?: boolean; headers?: Record<string, string>}> = [
			{path: '/v1/recordings?limit=20'},
			{path: voice[0]!.media!.href, download: true},
			{path: voice[1]!.media!.href, download: true},
			{path: voice[2]!.media!.href, download: true, headers: {range: 'bytes=1000-4999'}},
			{path: voice[3]!.media!.href, method: 'HEAD'},
			{path: video.screenshots[0]!.href, download: true},
			{path: `${text.transcript!.href}?format=xml`, download: true},
			{path: `/v1/recordings/${text.id}/media`},
			{path: `/v1/recordings/${voice[4]!.id}/archive`, method: 'POST'},
			{path: '/v1/recordings/archive', method: 'POST', body: {ids: [voice[5]!.id, '1']}},
			{path: '/v1/campaigns'},
		];
		let bytes = 0;
		let mediaBytes = 0;
		let downloads = 0;
		for (const exchange of exchanges) {
			const reply = await send(clean.url, exchange.path, {token, method: exchange.method, body: exchange.body, headers: exchange.headers});
			expect(reply.complete, exchange.path).toBe(true);
			bytes += reply.body.length;
			if (exchange.download) {
				expect([200, 206]).toContain(reply.status);
				mediaBytes += reply.body.length;
				downloads++;
			}
		}

		const counted = await stats(clean);
		expect(counted).toEqual({
			requests: exchanges.length + 1,
			bytesSent: bytes,
			mediaBytesSent: mediaBytes,
			mediaRequests: downloads,
			faultsInjected: {},
			inFlight: {voice: 0, video: 0, chat: 0, email: 0, social: 0},
			maxInFlight: {voice: 1, video: 1, chat: 0, email: 0, social: 0, [text.channel]: 1},
			archiveCalls: 2,
		});

		await clean.resetStats();
		expect(await stats(clean)).toEqual({
			requests: 1, bytesSent: 0, mediaBytesSent: 0, mediaRequests: 0, faultsInjected: {},
			inFlight: {voice: 0, video: 0, chat: 0, email: 0, social: 0}, maxInFlight: {voice: 0, video: 0, chat: 0, email: 0, social: 0}, archiveCalls: 0,
		});
	});

	it('HEAD answers send no body, so they add nothing to bytesSent', async () => {
		const token = (await login(clean.url)).accessToken;
		const text = (await listAll(clean.url, token)).find(item => item.transcript && !item.recycled)!;
		await clean.resetStats();
		const head = await call(clean.url, 'HEAD', '/v1/recordings/{id}/media', `/v1/recordings/${text.id}/media`, {token});
		expect(head.reply.status).toBe(404);
		expect(head.reply.body.length).toBe(0);
		expect((await stats(clean)).bytesSent).toBe(0);
	});

	it('HEAD requests are never faulted, and are not counted as injected faults', async () => {
		const token = (await login(c.url)).accessToken;
		const calls = (await listAll(c.url, token)).filter(item => item.media && !item.recycled).slice(0, 20);
		await c.resetStats();
		for (const item of calls) {
			const {reply} = await call(c.url, 'HEAD', '/v1/recordings/{id}/media', item.media!.href, {token});
			expect(reply.status).toBe(200);
		}

		expect((await stats(c)).faultsInjected).toEqual({});
	});
});
