/**
 * Every endpoint of the document, its success and its error answers, validated against docs/api/openapi.yaml on a
 * real `ccdl demo-server` process. The last test checks that every documented operation and status was seen.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording, TokenResponse} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {documentedOperations, documentedStatuses, validated, validateUndocumented} from '../helpers/openapi.js';
import {call, listAll, login, pick, send} from './support.js';

const media = '/v1/recordings/{id}/media';
const shot = '/v1/recordings/{id}/screenshots/{index}';
const transcript = '/v1/recordings/{id}/transcript';
const one = '/v1/recordings/{id}';

let server: DemoProcess;
let faulty: DemoProcess;
let base: string;
let admin: TokenResponse;
let supervisor: TokenResponse;
let all: Recording[];
let voice: Recording;
let video: Recording;
let chat: Recording;
let recycled: Recording;
let foreign: Recording;

beforeAll(async () => {
	[server, faulty] = await Promise.all([
		startDemoProcess(['--calls', '600', '--seed', '11']),
		// Every authenticated API call and download may answer 429 or 503; a few resources suffice.
		startDemoProcess(['--calls', '300', '--seed', '3', '--faults', '429=0.45,503=0.45,scope=all,max=100,retryAfter=2']),
	]);
	base = server.url;
	[admin, supervisor] = await Promise.all([login(base), login(base, 'supervisor')]);
	all = await listAll(base, admin.accessToken);
	const live = all.filter(recording => !recording.recycled);
	voice = pick(live, 'voice call', recording => recording.channel === 'voice' && !recording.archived);
	video = pick(live, 'video call with PNG and JPEG screenshots', recording => recording.channel === 'video'
		&& recording.screenshots.some(item => item.contentType === 'image/png') && recording.screenshots.some(item => item.contentType === 'image/jpeg'));
	chat = pick(live, 'chat contact', recording => recording.channel === 'chat');
	recycled = pick(all, 'recycled contact', recording => recording.recycled);
	foreign = pick(live, 'recording outside the supervisor\'s campaigns', recording => !['101', '102', '105'].includes(recording.campaignId));
});

afterAll(async () => {
	await Promise.all([server?.stop(), faulty?.stop()]);
});

function expectStatus(reply: {status: number; body: Buffer}, status: number): void {
	expect(reply.status, reply.body.toString('utf8').slice(0, 300)).toBe(status);
}

describe('health and auth', () => {
	it('GET /v1/health answers 200 ok without a token', async () => {
		const {reply, json} = await call(base, 'GET', '/v1/health', '/v1/health');
		expectStatus(reply, 200);
		expect(json).toEqual({status: 'ok'});
	});

	it('POST /v1/auth/token: 200, 400, 401, 404, 422', async () => {
		const ok = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: {company: 'demo', username: 'admin', password: 'demo'}});
		expectStatus(ok.reply, 200);
		expect(ok.json.user).toEqual({username: 'admin', displayName: expect.any(String), role: 'admin', company: 'demo'});
		expect(ok.json.tokenType).toBe('Bearer');
		expect(ok.json.expiresIn).toBe(900);
		const malformed = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: '{"username":'});
		expectStatus(malformed.reply, 400);
		expect(malformed.json.code).toBe('invalid-json');
		const wrong = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: {company: 'demo', username: 'admin', password: 'Demo'}});
		expectStatus(wrong.reply, 401);
		expect(wrong.json.code).toBe('invalid-credentials');
		const company = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: {company: 'acme', username: 'admin', password: 'demo'}});
		expectStatus(company.reply, 404);
		expect(company.json.code).toBe('unknown-company');
		const missing = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: {company: 'demo', password: 'demo'}});
		expectStatus(missing.reply, 422);
		expect(missing.json).toMatchObject({code: 'invalid-parameter', parameter: 'username'});
	});

	it('POST /v1/auth/refresh: 200, 400, 401, 422', async () => {
		const tokens = await login(base);
		const ok = await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: {refreshToken: tokens.refreshToken}});
		expectStatus(ok.reply, 200);
		expect(ok.json.user.username).toBe('admin');
		const malformed = await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: 'not json'});
		expectStatus(malformed.reply, 400);
		expect(malformed.json.code).toBe('invalid-json');
		const unknown = await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: {refreshToken: 'no-such-token'}});
		expectStatus(unknown.reply, 401);
		expect(unknown.json.code).toBe('invalid-refresh-token');
		const missing = await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: {}});
		expectStatus(missing.reply, 422);
		expect(missing.json).toMatchObject({code: 'invalid-parameter', parameter: 'refreshToken'});
	});

	it('GET /v1/me: 200 for each user, 401 without or with an unknown token', async () => {
		const me = await call(base, 'GET', '/v1/me', '/v1/me', {token: supervisor.accessToken});
		expectStatus(me.reply, 200);
		expect(me.json).toMatchObject({username: 'supervisor', role: 'supervisor', company: 'demo'});
		const none = await call(base, 'GET', '/v1/me', '/v1/me');
		expectStatus(none.reply, 401);
		expect(none.json.code).toBe('unauthorized');
		const bogus = await call(base, 'GET', '/v1/me', '/v1/me', {token: 'bogus'});
		expectStatus(bogus.reply, 401);
		expect(bogus.json.code).toBe('unauthorized');
	});
});

describe('campaigns and recordings', () => {
	it('GET /v1/campaigns: 200 (admin sees all), 401', async () => {
		const {reply, json} = await call(base, 'GET', '/v1/campaigns', '/v1/campaigns', {token: admin.accessToken});
		expectStatus(reply, 200);
		expect(json.items.map((campaign: {id: string}) => campaign.id)).toEqual(['101', '102', '103', '104', '105', '106', '107', '108']);
		expect(json.items.some((campaign: {name: string}) => /[/:]/.test(campaign.name))).toBe(true);
		expectStatus((await call(base, 'GET', '/v1/campaigns', '/v1/campaigns')).reply, 401);
	});

	it('GET /v1/recordings: 200 for filters, 401, 403, 409, 422', async () => {
		const page = await call(base, 'GET', '/v1/recordings', '/v1/recordings?channel=video&channel=chat&campaign=107&limit=5', {token: admin.accessToken});
		expectStatus(page.reply, 200);
		expect(page.json.items.length).toBeGreaterThan(0);
		for (const item of page.json.items as Recording[]) {
			expect(['video', 'chat']).toContain(item.channel);
			expect(item.recycled ? '107' : item.campaignId).toBe('107');
		}

		const dated = await call(base, 'GET', '/v1/recordings', '/v1/recordings?from=2026-10-10&to=2026-10-12T12:00:00%2B02:00&includeArchived=1', {token: admin.accessToken});
		expectStatus(dated.reply, 200);
		for (const item of dated.json.items as Recording[]) {
			if (!item.recycled) {
				expect(Date.parse(item.callStart)).toBeGreaterThanOrEqual(Date.parse('2026-10-10T00:00:00Z'));
				expect(Date.parse(item.callStart)).toBeLessThan(Date.parse('2026-10-12T10:00:00Z'));
			}
		}

		expectStatus((await call(base, 'GET', '/v1/recordings', '/v1/recordings')).reply, 401);
		const forbidden = await call(base, 'GET', '/v1/recordings', '/v1/recordings?campaign=103', {token: supervisor.accessToken});
		expectStatus(forbidden.reply, 403);
		expect(forbidden.json.code).toBe('campaign-not-assigned');
		const cursor = (await call(base, 'GET', '/v1/recordings', '/v1/recordings?limit=2', {token: admin.accessToken})).json.nextCursor as string;
		const conflict = await call(base, 'GET', '/v1/recordings', `/v1/recordings?limit=2&channel=voice&cursor=${cursor}`, {token: admin.accessToken});
		expectStatus(conflict.reply, 409);
		expect(conflict.json).toMatchObject({code: 'conflict', parameter: 'cursor'});
		const invalid = await call(base, 'GET', '/v1/recordings', '/v1/recordings?limit=0', {token: admin.accessToken});
		expectStatus(invalid.reply, 422);
		expect(invalid.json).toMatchObject({code: 'invalid-parameter', parameter: 'limit'});
	});

	it('GET /v1/recordings/{id}: 200 (normal, recycled, archived), 401, 403, 404', async () => {
		const {reply, json} = await call(base, 'GET', one, `/v1/recordings/${voice.id}`, {token: admin.accessToken});
		expectStatus(reply, 200);
		expect(json).toEqual(voice);
		const masked = await call(base, 'GET', one, `/v1/recordings/${recycled.id}`, {token: admin.accessToken});
		expectStatus(masked.reply, 200);
		expect(masked.json).toMatchObject({id: recycled.id, recycled: true, campaignName: '######', callStart: '######', media: null, transcript: null, screenshots: []});
		const archived = pick(all, 'archived recording', recording => recording.archived);
		const archivedReply = await call(base, 'GET', one, `/v1/recordings/${archived.id}`, {token: admin.accessToken});
		expect(archivedReply.json).toMatchObject({archived: true, archivedAt: expect.any(String)});
		expectStatus((await call(base, 'GET', one, `/v1/recordings/${voice.id}`)).reply, 401);
		const forbidden = await call(base, 'GET', one, `/v1/recordings/${foreign.id}`, {token: supervisor.accessToken});
		expectStatus(forbidden.reply, 403);
		expect(forbidden.json.code).toBe('campaign-not-assigned');
		const missing = await call(base, 'GET', one, '/v1/recordings/999999', {token: admin.accessToken});
		expectStatus(missing.reply, 404);
		expect(missing.json.code).toBe('not-found');
	});
});

describe('downloads', () => {
	it('GET media: 200, 206, 416, 401, 403, 404 (no media, recycled, unknown)', async () => {
		const token = admin.accessToken;
		const full = await call(base, 'GET', media, `/v1/recordings/${voice.id}/media`, {token});
		expectStatus(full.reply, 200);
		expect(full.reply.headers['content-type']).toBe('audio/mpeg');
		expect(full.reply.body.length).toBe(voice.media!.size);
		expect(full.reply.headers.etag).toBe(voice.media!.etag);
		expectStatus((await call(base, 'GET', media, `/v1/recordings/${voice.id}/media`, {token, headers: {range: 'bytes=10-19'}})).reply, 206);
		const unsatisfiable = await call(base, 'GET', media, `/v1/recordings/${voice.id}/media`, {token, headers: {range: `bytes=${voice.media!.size}-`}});
		expectStatus(unsatisfiable.reply, 416);
		expect(unsatisfiable.json.code).toBe('range-not-satisfiable');
		expectStatus((await call(base, 'GET', media, `/v1/recordings/${voice.id}/media`)).reply, 401);
		const forbidden = await call(base, 'GET', media, `/v1/recordings/${foreign.id}/media`, {token: supervisor.accessToken});
		expectStatus(forbidden.reply, 403);
		const none = await call(base, 'GET', media, `/v1/recordings/${chat.id}/media`, {token});
		expectStatus(none.reply, 404);
		expect(none.json.code).toBe('not-found');
		const gone = await call(base, 'GET', media, `/v1/recordings/${recycled.id}/media`, {token});
		expectStatus(gone.reply, 404);
		expect(gone.json.code).toBe('recycled');
		expect((await call(base, 'GET', media, '/v1/recordings/123/media', {token})).json.code).toBe('not-found');
	});

	it('HEAD media: 200 with the full headers and no body (also with a Range), 401, 403, 404', async () => {
		const token = admin.accessToken;
		const head = await call(base, 'HEAD', media, `/v1/recordings/${voice.id}/media`, {token});
		expectStatus(head.reply, 200);
		expect(head.reply.headers['content-length']).toBe(String(voice.media!.size));
		expect(head.reply.headers['content-type']).toBe('audio/mpeg');
		const ranged = await call(base, 'HEAD', media, `/v1/recordings/${voice.id}/media`, {token, headers: {range: 'bytes=0-9'}});
		expectStatus(ranged.reply, 200);
		expect(ranged.reply.headers['content-range']).toBeUndefined();
		expectStatus((await call(base, 'HEAD', media, `/v1/recordings/${voice.id}/media`)).reply, 401);
		expectStatus((await call(base, 'HEAD', media, `/v1/recordings/${foreign.id}/media`, {token: supervisor.accessToken})).reply, 403);
		expectStatus((await call(base, 'HEAD', media, `/v1/recordings/${chat.id}/media`, {token})).reply, 404);
	});

	it('GET and HEAD screenshots: PNG and JPEG 200, 206, 416, 401, 403, 404', async () => {
		const token = admin.accessToken;
		for (const info of video.screenshots) {
			const {reply} = await call(base, 'GET', shot, info.href, {token});
			expectStatus(reply, 200);
			expect(reply.headers['content-type']).toBe(info.contentType);
			expect(reply.headers.etag).toBe(info.etag);
			const head = await call(base, 'HEAD', shot, info.href, {token});
			expectStatus(head.reply, 200);
			expect(head.reply.headers['content-length']).toBe(String(info.size));
		}

		const png = video.screenshots.find(info => info.contentType === 'image/png')!;
		expectStatus((await call(base, 'GET', shot, png.href, {token, headers: {range: 'bytes=-8'}})).reply, 206);
		expectStatus((await call(base, 'GET', shot, png.href, {token, headers: {range: `bytes=${png.size + 5}-`}})).reply, 416);
		expectStatus((await call(base, 'GET', shot, png.href)).reply, 401);
		expectStatus((await call(base, 'HEAD', shot, png.href)).reply, 401);
		const foreignVideo = all.find(item => item.channel === 'video' && !item.recycled && !['101', '102', '105'].includes(item.campaignId));
		if (foreignVideo) {
			expectStatus((await call(base, 'GET', shot, `${foreignVideo.screenshots[0]!.href}`, {token: supervisor.accessToken})).reply, 403);
			expectStatus((await call(base, 'HEAD', shot, `${foreignVideo.screenshots[0]!.href}`, {token: supervisor.accessToken})).reply, 403);
		}

		const beyond = await call(base, 'GET', shot, `/v1/recordings/${video.id}/screenshots/${video.screenshots.length + 1}`, {token});
		expectStatus(beyond.reply, 404);
		expect(beyond.json.code).toBe('not-found');
		expectStatus((await call(base, 'HEAD', shot, `/v1/recordings/${voice.id}/screenshots/1`, {token})).reply, 404);
	});

	it('GET transcript: JSON and XML 200, 206, 416, 401, 403, 404, 422', async () => {
		const token = admin.accessToken;
		const asJson = await call(base, 'GET', transcript, `${chat.transcript!.href}?format=json`, {token});
		expectStatus(asJson.reply, 200);
		expect(asJson.json).toMatchObject({recordingId: chat.id, channel: 'chat'});
		expect(asJson.json.messages.length).toBeGreaterThan(0);
		const byDefault = await call(base, 'GET', transcript, chat.transcript!.href, {token});
		expect(byDefault.reply.body.equals(asJson.reply.body)).toBe(true);
		const asXml = await call(base, 'GET', transcript, `${chat.transcript!.href}?format=xml`, {token});
		expectStatus(asXml.reply, 200);
		expect(asXml.reply.headers['content-type']).toMatch(/^application\/xml/);
		expect(asXml.reply.headers.etag).not.toBe(asJson.reply.headers.etag);
		expectStatus((await call(base, 'GET', transcript, `${chat.transcript!.href}?format=xml`, {token, headers: {range: 'bytes=0-4'}})).reply, 206);
		expectStatus((await call(base, 'GET', transcript, chat.transcript!.href, {token, headers: {range: 'bytes=-3'}})).reply, 206);
		expectStatus((await call(base, 'GET', transcript, chat.transcript!.href, {token, headers: {range: 'bytes=99999999-'}})).reply, 416);
		expectStatus((await call(base, 'GET', transcript, chat.transcript!.href)).reply, 401);
		const foreignChat = all.find(item => item.transcript && !['101', '102', '105'].includes(item.campaignId));
		expect(foreignChat).toBeDefined();
		expectStatus((await call(base, 'GET', transcript, foreignChat!.transcript!.href, {token: supervisor.accessToken})).reply, 403);
		const none = await call(base, 'GET', transcript, `/v1/recordings/${voice.id}/transcript`, {token});
		expectStatus(none.reply, 404);
		expect(none.json.code).toBe('not-found');
		const format = await call(base, 'GET', transcript, `${chat.transcript!.href}?format=pdf`, {token});
		expectStatus(format.reply, 422);
		expect(format.json).toMatchObject({code: 'invalid-parameter', parameter: 'format'});
	});
});

describe('archiving', () => {
	it('POST /v1/recordings/{id}/archive: 200 idempotent, 401, 403, 404, 409', async () => {
		const token = admin.accessToken;
		const first = await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${voice.id}/archive`, {token});
		expectStatus(first.reply, 200);
		expect(first.json).toMatchObject({id: voice.id, archived: true});
		const again = await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${voice.id}/archive`, {token});
		expect(again.json).toEqual(first.json);
		expect((await call(base, 'GET', one, `/v1/recordings/${voice.id}`, {token})).json).toMatchObject({archived: true, archivedAt: first.json.archivedAt});
		expectStatus((await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${voice.id}/archive`)).reply, 401);
		expectStatus((await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${foreign.id}/archive`, {token: supervisor.accessToken})).reply, 403);
		expectStatus((await call(base, 'POST', '/v1/recordings/{id}/archive', '/v1/recordings/999999/archive', {token})).reply, 404);
		const conflict = await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${recycled.id}/archive`, {token});
		expectStatus(conflict.reply, 409);
		expect(conflict.json.code).toBe('conflict');
	});

	it('POST /v1/recordings/archive: 200 with per-ID errors, 400, 401, 413, 422', async () => {
		const token = supervisor.accessToken;
		const own = pick(all, 'recording of the supervisor', item => !item.recycled && !item.archived && item.campaignId === '101');
		const archived = pick(all, 'archived recording of the supervisor', item => item.archived && item.campaignId === '102');
		// A recycled contact hides its campaign; take one from the supervisor's own listing, so that it is in scope.
		const ownRecycled = pick(await listAll(base, token), 'recycled contact of the supervisor', item => item.recycled);
		const ids = [own.id, foreign.id, '999999', ownRecycled.id, archived.id];
		const {reply, json} = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids}});
		expectStatus(reply, 200);
		expect(json.items.map((item: {id: string}) => item.id)).toEqual([own.id, archived.id]);
		expect(json.items[1].archivedAt).toBe(archived.archivedAt);
		expect(json.errors.map((error: {id: string; code: string}) => [error.id, error.code])).toEqual([
			[foreign.id, 'campaign-not-assigned'], ['999999', 'not-found'], [ownRecycled.id, 'conflict'],
		]);
		expectStatus((await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: '{ids:'})).reply, 400);
		expectStatus((await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {body: {ids}})).reply, 401);
		expectStatus((await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids: ['1'], pad: 'x'.repeat(1024 * 1024)}})).reply, 413);
		const empty = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids: []}});
		expectStatus(empty.reply, 422);
		expect(empty.json).toMatchObject({code: 'invalid-parameter', parameter: 'ids'});
	});
});

describe('demo endpoints', () => {
	it('GET /_demo/stats, POST /_demo/stats/reset', async () => {
		const {reply, json} = await call(base, 'GET', '/_demo/stats', '/_demo/stats');
		expectStatus(reply, 200);
		expect(json.requests).toBeGreaterThan(10);
		expectStatus((await call(base, 'POST', '/_demo/stats/reset', '/_demo/stats/reset')).reply, 204);
		expect((await call(base, 'GET', '/_demo/stats', '/_demo/stats')).json).toMatchObject({requests: 1, bytesSent: 0, mediaBytesSent: 0, archiveCalls: 0});
	});

	it('POST /_demo/recordings/{id}/revise: 200 (media, or empty ETag without media), 404', async () => {
		const revised = await call(base, 'POST', '/_demo/recordings/{id}/revise', `/_demo/recordings/${video.id}/revise`);
		expectStatus(revised.reply, 200);
		expect(revised.json.id).toBe(video.id);
		expect(revised.json.etag).not.toBe(video.media!.etag);
		const now = (await call(base, 'GET', one, `/v1/recordings/${video.id}`, {token: admin.accessToken})).json as Recording;
		expect(now.media!.etag).toBe(revised.json.etag);
		expect(now.screenshots[0]!.etag).not.toBe(video.screenshots[0]!.etag);
		const text = await call(base, 'POST', '/_demo/recordings/{id}/revise', `/_demo/recordings/${chat.id}/revise`);
		expect(text.json).toEqual({id: chat.id, etag: ''});
		expectStatus((await call(base, 'POST', '/_demo/recordings/{id}/revise', '/_demo/recordings/999999/revise')).reply, 404);
		const gone = await call(base, 'POST', '/_demo/recordings/{id}/revise', `/_demo/recordings/${recycled.id}/revise`);
		expectStatus(gone.reply, 404);
		expect(gone.json.code).toBe('not-found');
	});

	it('POST /_demo/tokens/expire: 204, then tokens answer token-expired', async () => {
		expectStatus((await call(base, 'POST', '/_demo/tokens/expire', '/_demo/tokens/expire')).reply, 204);
		const expired = await call(base, 'GET', '/v1/me', '/v1/me', {token: admin.accessToken});
		expectStatus(expired.reply, 401);
		expect(expired.json.code).toBe('token-expired');
		admin = await login(base);
		supervisor = await login(base, 'supervisor');
	});
});

describe('faults as documented (429 and 503 with Retry-After)', () => {
	it('API calls and downloads answer documented 429/503 problems with Retry-After', async () => {
		const token = (await login(faulty.url)).accessToken;
		// Listing, and one of each download, until every operation has shown 429 and 503 at least once.
		const sample = await (async () => {
			for (let attempt = 0; attempt < 50; attempt++) {
				const reply = await send(faulty.url, '/v1/recordings?includeArchived=true&limit=1000', {token});
				if (reply.status === 200) {
					return JSON.parse(reply.body.toString('utf8')).items as Recording[];
				}
			}

			throw new Error('the listing never passed');
		})();
		const call1 = pick(sample, 'voice', item => item.channel === 'voice' && !item.recycled);
		const withShots = pick(sample, 'video', item => item.channel === 'video' && !item.recycled);
		const text = pick(sample, 'transcript', item => item.transcript !== null);
		const targets: Array<[string, string, string, unknown?]> = [
			['GET', '/v1/me', '/v1/me'],
			['GET', '/v1/campaigns', '/v1/campaigns'],
			['GET', '/v1/recordings', '/v1/recordings?limit=3'],
			['GET', one, `/v1/recordings/${call1.id}`],
			['POST', '/v1/recordings/{id}/archive', `/v1/recordings/${call1.id}/archive`],
			['POST', '/v1/recordings/archive', '/v1/recordings/archive', {ids: [call1.id]}],
			['GET', media, `/v1/recordings/${call1.id}/media`],
			['GET', shot, withShots.screenshots[0]!.href],
			['GET', transcript, text.transcript!.href],
		];
		for (const [method, template, path, body] of targets) {
			const seen = new Set<number>();
			for (let attempt = 0; attempt < 60 && !(seen.has(429) && seen.has(503)); attempt++) {
				const {reply} = await call(faulty.url, method, template, path, {token, body});
				expect([200, 429, 503]).toContain(reply.status);
				seen.add(reply.status);
				if (reply.status !== 200) {
					expect(reply.headers['retry-after']).toBe('2');
				}
			}

			expect([...seen], `${method} ${path}`).toEqual(expect.arrayContaining([429, 503]));
		}
	});
});

describe('coverage of the document', () => {
	it('every documented operation and status was answered and validated', () => {
		// Statuses the demo server cannot be made to answer: health and the auth endpoints run before fault
		// injection, and HEAD downloads are never faulted.
		const unreachable = new Set([
			'GET /v1/health 503',
			'POST /v1/auth/token 429', 'POST /v1/auth/token 503',
			'POST /v1/auth/refresh 429', 'POST /v1/auth/refresh 503',
			'HEAD /v1/recordings/{id}/media 429', 'HEAD /v1/recordings/{id}/media 503',
			'HEAD /v1/recordings/{id}/screenshots/{index} 429', 'HEAD /v1/recordings/{id}/screenshots/{index} 503',
		]);
		const missing: string[] = [];
		for (const operation of documentedOperations()) {
			const [method, template] = operation.split(' ') as [string, string];
			for (const status of documentedStatuses(method, template)) {
				const key = `${operation} ${status}`;
				if (!unreachable.has(key) && !validated.has(key)) {
					missing.push(key);
				}
			}
		}

		expect(missing).toEqual([]);
	});

	it('undocumented methods answer 405 with Allow, unknown paths 404', async () => {
		const token = admin.accessToken;
		const cases: Array<[string, string | undefined, string]> = [
			['DELETE', '/v1/recordings', '/v1/recordings'],
			['POST', '/v1/me', '/v1/me'],
			['GET', '/v1/auth/token', '/v1/auth/token'],
			['PUT', media, `/v1/recordings/${voice.id}/media`],
			['GET', '/v1/recordings/archive', '/v1/recordings/archive'],
			['GET', '/v1/recordings/{id}/archive', `/v1/recordings/${voice.id}/archive`],
			['POST', '/v1/health', '/v1/health'],
			['GET', undefined, '/v2/recordings'],
			['GET', undefined, '/v1/nothing-here'],
			['GET', undefined, '/_demo/nothing-here'],
		];
		for (const [method, template, path] of cases) {
			const reply = await send(base, path, {method, token});
			validateUndocumented(method, template, reply);
		}
	});
});
