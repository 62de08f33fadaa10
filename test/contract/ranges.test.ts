/** Range and If-Range on downloads: 206 with exactly the bytes asked for, 416, stale validators → full 200. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {call, listAll, login, pick, reprDigest, sha256} from './support.js';

const media = '/v1/recordings/{id}/media';
let server: DemoProcess;
let base: string;
let token: string;
let recordings: Recording[];
let voice: Recording;
let full: Buffer;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '9']);
	base = server.url;
	token = (await login(base)).accessToken;
	recordings = await listAll(base, token);
	voice = pick(recordings, 'voice call over 100 kB', item => item.channel === 'voice' && !item.recycled && item.media!.size > 100_000);
	full = (await get(`/v1/recordings/${voice.id}/media`)).reply.body;
	expect(full.length).toBe(voice.media!.size);
});

afterAll(async () => {
	await server?.stop();
});

async function get(path: string, headers: Record<string, string> = {}, template = media, method = 'GET') {
	return await call(base, method, template, path, {token, headers});
}

function expectPartial(reply: {status: number; headers: Record<string, any>; body: Buffer}, whole: Buffer, start: number, end: number, etag: string): void {
	expect(reply.status).toBe(206);
	expect(reply.headers['content-range']).toBe(`bytes ${start}-${end}/${whole.length}`);
	expect(reply.headers['content-length']).toBe(String(end - start + 1));
	expect(reply.body.equals(whole.subarray(start, end + 1))).toBe(true);
	// The digest and the validator describe the whole representation, also on 206.
	expect(reply.headers['repr-digest']).toBe(reprDigest(whole));
	expect(reply.headers.etag).toBe(etag);
	expect(reply.headers['accept-ranges']).toBe('bytes');
}

describe('Range', () => {
	it('bytes=a-b answers 206 with exactly those bytes', async () => {
		const size = full.length;
		for (const [start, end] of [[0, 0], [0, 1023], [1000, 1999], [size - 10, size - 1], [12_345, 54_321]] as const) {
			const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=${start}-${end}`});
			expectPartial(reply, full, start, end, voice.media!.etag);
		}
	});

	it('an end beyond the size is clamped to the last byte', async () => {
		const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=100-${full.length + 5000}`});
		expectPartial(reply, full, 100, full.length - 1, voice.media!.etag);
	});

	it('bytes=a- answers the rest from a', async () => {
		for (const start of [1, 77_777, full.length - 1]) {
			const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=${start}-`});
			expectPartial(reply, full, start, full.length - 1, voice.media!.etag);
		}
	});

	it('suffix bytes=-n answers the last n bytes (all of them if n exceeds the size)', async () => {
		const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: 'bytes=-500'});
		expectPartial(reply, full, full.length - 500, full.length - 1, voice.media!.etag);
		const whole = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=-${full.length + 10}`});
		expectPartial(whole.reply, full, 0, full.length - 1, voice.media!.etag);
	});

	it('a range starting at or beyond the end answers 416 with Content-Range bytes */size', async () => {
		for (const range of [`bytes=${full.length}-`, `bytes=${full.length + 1}-${full.length + 100}`, 'bytes=-0']) {
			const {reply, json} = await get(`/v1/recordings/${voice.id}/media`, {range});
			expect(reply.status, range).toBe(416);
			expect(reply.headers['content-range']).toBe(`bytes */${full.length}`);
			expect(json).toMatchObject({code: 'range-not-satisfiable', status: 416});
		}
	});

	it('several ranges, or a Range that cannot be parsed, are ignored: full 200', async () => {
		for (const range of ['bytes=0-1,5-9', 'bytes=0-1, 100-', 'items=0-5', 'bytes=abc', 'bytes=9-3', 'bytes=-']) {
			const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range});
			expect(reply.status, range).toBe(200);
			expect(reply.headers['content-range']).toBeUndefined();
			expect(reply.body.equals(full)).toBe(true);
		}
	});

	it('HEAD ignores Range: 200 with the full length, never 206 or 416', async () => {
		for (const range of ['bytes=0-9', `bytes=${full.length}-`, 'bytes=-5']) {
			const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range, 'if-range': voice.media!.etag}, media, 'HEAD');
			expect(reply.status, range).toBe(200);
			expect(reply.headers['content-length']).toBe(String(full.length));
			expect(reply.headers['content-range']).toBeUndefined();
			expect(reply.headers['repr-digest']).toBe(reprDigest(full));
		}
	});

	it('Range works the same on screenshots and on both transcript formats', async () => {
		const video = pick(recordings, 'video call', item => item.channel === 'video' && !item.recycled);
		const shot = video.screenshots[0]!;
		const image = (await get(shot.href, {}, '/v1/recordings/{id}/screenshots/{index}')).reply.body;
		expectPartial((await get(shot.href, {range: 'bytes=8-40'}, '/v1/recordings/{id}/screenshots/{index}')).reply, image, 8, 40, shot.etag);
		const text = pick(recordings, 'transcript', item => item.transcript !== null);
		for (const format of ['json', 'xml']) {
			const path = `${text.transcript!.href}?format=${format}`;
			const whole = (await get(path, {}, '/v1/recordings/{id}/transcript')).reply;
			const etag = whole.headers.etag!;
			expectPartial((await get(path, {range: 'bytes=-20'}, '/v1/recordings/{id}/transcript')).reply, whole.body, whole.body.length - 20, whole.body.length - 1, etag);
			expectPartial((await get(path, {range: 'bytes=3-', 'if-range': etag}, '/v1/recordings/{id}/transcript')).reply, whole.body, 3, whole.body.length - 1, etag);
		}
	});
});

describe('If-Range', () => {
	it('the current ETag (or the exact Last-Modified) honours the Range', async () => {
		const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: 'bytes=500-', 'if-range': voice.media!.etag});
		expectPartial(reply, full, 500, full.length - 1, voice.media!.etag);
		const head = await get(`/v1/recordings/${voice.id}/media`, {}, media, 'HEAD');
		const byDate = await get(`/v1/recordings/${voice.id}/media`, {range: 'bytes=0-99', 'if-range': head.reply.headers['last-modified']!});
		expectPartial(byDate.reply, full, 0, 99, voice.media!.etag);
	});

	it('resuming with Range + If-Range joins to the exact file', async () => {
		const cut = 123_457;
		const first = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=0-${cut - 1}`});
		const rest = await get(`/v1/recordings/${voice.id}/media`, {range: `bytes=${cut}-`, 'if-range': first.reply.headers.etag!});
		expect(rest.reply.status).toBe(206);
		const joined = Buffer.concat([first.reply.body, rest.reply.body]);
		expect(joined.length).toBe(voice.media!.size);
		expect(sha256(joined).toString('hex')).toBe(voice.media!.sha256);
	});

	it('a validator that does not match answers the full 200', async () => {
		for (const validator of ['"something-else"', `W/${voice.media!.etag}`, 'Tue, 01 Jan 2019 00:00:00 GMT']) {
			const {reply} = await get(`/v1/recordings/${voice.id}/media`, {range: 'bytes=0-9', 'if-range': validator});
			expect(reply.status, validator).toBe(200);
			expect(reply.body.equals(full)).toBe(true);
		}
	});

	it('after the bytes change, the stale ETag yields 200 with the new bytes, ETag and digest', async () => {
		const target = pick(recordings, 'another voice call', item => item.channel === 'voice' && !item.recycled && item.id !== voice.id);
		const old = (await get(`/v1/recordings/${target.id}/media`)).reply;
		const oldEtag = old.headers.etag!;
		const revised = await call(base, 'POST', '/_demo/recordings/{id}/revise', `/_demo/recordings/${target.id}/revise`);
		expect(revised.reply.status).toBe(200);
		const newEtag = revised.json.etag as string;
		expect(newEtag).not.toBe(oldEtag);

		const {reply} = await get(`/v1/recordings/${target.id}/media`, {range: 'bytes=1000-', 'if-range': oldEtag});
		expect(reply.status).toBe(200);
		expect(reply.headers['content-range']).toBeUndefined();
		expect(reply.headers.etag).toBe(newEtag);
		expect(reply.headers['repr-digest']).not.toBe(old.headers['repr-digest']);
		expect(reply.headers['repr-digest']).toBe(reprDigest(reply.body));
		expect(reply.body.equals(old.body)).toBe(false);
		expect(reply.headers['content-length']).toBe(String(reply.body.length));

		// The listing follows the new revision, and the new ETag honours a Range again.
		const now = (await call(base, 'GET', '/v1/recordings/{id}', `/v1/recordings/${target.id}`, {token})).json as Recording;
		expect(now.media).toMatchObject({etag: newEtag, size: reply.body.length, sha256: sha256(reply.body).toString('hex')});
		const partial = await get(`/v1/recordings/${target.id}/media`, {range: 'bytes=1000-', 'if-range': newEtag});
		expectPartial(partial.reply, reply.body, 1000, reply.body.length - 1, newEtag);
	});
});
