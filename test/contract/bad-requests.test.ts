/** Bad requests get documented problem+json answers, and the server stays up and logs no unexpected error. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {validateUndocumented} from '../helpers/openapi.js';
import {call, listAll, login, pick, send} from './support.js';

let server: DemoProcess;
let base: string;
let token: string;
let recordings: Recording[];
let serverErrors = '';

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '17']);
	server.process.stderr!.on('data', (text: string) => {
		serverErrors += text;
	});
	base = server.url;
	token = (await login(base)).accessToken;
	recordings = await listAll(base, token);
});

afterAll(async () => {
	await server?.stop();
});

async function listing(query: string) {
	return await call(base, 'GET', '/v1/recordings', `/v1/recordings?${query}`, {token});
}

async function expectInvalid(query: string, parameter: string, code = 'invalid-parameter', status = 422): Promise<void> {
	const {reply, json} = await listing(query);
	expect(reply.status, query).toBe(status);
	expect(reply.headers['content-type']).toBe('application/problem+json');
	expect(json, query).toMatchObject({code, parameter, status, instance: expect.stringContaining('/v1/recordings')});
}

describe('bad listing parameters answer 422 problems', () => {
	it('bad dates', async () => {
		await expectInvalid('from=2026-02-30', 'from');
		await expectInvalid('to=2026-02-30', 'to');
		await expectInvalid('from=2026-13-01', 'from');
		await expectInvalid('from=yesterday', 'from');
		await expectInvalid('to=2026-10-05T25:00:00Z', 'to');
		await expectInvalid('from=2026-10-05T10:00:00', 'from');
		await expectInvalid('from=05/10/2026', 'from');
		await expectInvalid('from=2026-10-20&to=2026-10-10', 'from');
		await expectInvalid('from=2026-10-05T10:00:00Z&to=2026-10-05T10:00:00Z', 'from');
		await expectInvalid('from=2026-10-06&to=2026-10-05T23:59:59Z', 'from');
		// A date-only `to` covers its whole day, so the same day in both is not empty.
		expect((await listing('from=2026-10-05&to=2026-10-05')).reply.status).toBe(200);
		expect((await listing('from=2026-10-05T08:00:00%2B02:00&to=2026-10-05T09:00:00-01:00')).reply.status).toBe(200);
	});

	it('unknown campaign and unknown channel', async () => {
		await expectInvalid('campaign=999', 'campaign', 'unknown-campaign');
		await expectInvalid('campaign=101&campaign=abc', 'campaign', 'unknown-campaign');
		await expectInvalid('channel=fax', 'channel');
		await expectInvalid('channel=voice,Voice', 'channel');
	});

	it('page size out of 1..1000, non-integer, and a non-boolean includeArchived', async () => {
		for (const limit of ['100000', '0', '-1', '1001', 'abc', '2.5', '']) {
			await expectInvalid(`limit=${limit}`, 'limit');
		}

		expect((await listing('limit=1000')).reply.status).toBe(200);
		expect((await listing('limit=1')).json.items).toHaveLength(1);
		for (const value of ['maybe', 'yes', 'TRUE', '2']) {
			await expectInvalid(`includeArchived=${value}`, 'includeArchived');
		}
	});
});

describe('bad bodies', () => {
	it('malformed JSON is 400 invalid-json on every endpoint that reads a body', async () => {
		for (const [template, options] of [
			['/v1/auth/token', {}],
			['/v1/auth/refresh', {}],
			['/v1/recordings/archive', {token}],
		] as const) {
			for (const body of ['{"username": "admin",', '', 'undefined', '{ids: [1]}', '\u0000']) {
				const {reply, json} = await call(base, 'POST', template, template, {...options, body});
				expect(reply.status, `${template} ${JSON.stringify(body)}`).toBe(400);
				expect(json.code).toBe('invalid-json');
			}
		}
	});

	it('wrong shapes are 422 naming the field', async () => {
		for (const body of [null, 'just a string', [], {ids: 'x'}, {ids: []}, {ids: [1, 2]}, {ids: Array.from({length: 1001}, (_, index) => String(index))}, {}]) {
			const {reply, json} = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: JSON.stringify(body)});
			expect(reply.status, JSON.stringify(body).slice(0, 40)).toBe(422);
			expect(json).toMatchObject({code: 'invalid-parameter', parameter: 'ids'});
		}

		for (const [body, parameter] of [[{company: 'demo', username: '', password: 'demo'}, 'username'], [{username: 'admin'}, 'password'], [{username: 7, password: 'demo'}, 'username']] as const) {
			const {reply, json} = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body});
			expect(reply.status).toBe(422);
			expect(json).toMatchObject({code: 'invalid-parameter', parameter});
		}

		const refresh = await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: {refreshToken: 42}});
		expect(refresh.json).toMatchObject({code: 'invalid-parameter', parameter: 'refreshToken'});
	});

	it('a body over 1 MiB is 413 payload-too-large, with or without Content-Length', async () => {
		const big = JSON.stringify({ids: ['100001'], padding: 'x'.repeat(1024 * 1024)});
		for (const [template, options] of [
			['/v1/auth/token', {}],
			['/v1/recordings/archive', {token}],
			['/v1/recordings/archive', {token, chunked: true}],
		] as const) {
			const reply = await send(base, template, {...options, method: 'POST', body: big});
			expect(reply.status, `${template} ${JSON.stringify(options)}`).toBe(413);
			const {json} = {json: JSON.parse(reply.body.toString('utf8'))};
			expect(json.code).toBe('payload-too-large');
			if (template === '/v1/recordings/archive') {
				expect((await call(base, 'POST', template, template, {...options, body: big})).reply.status).toBe(413);
			}
		}

		// Exactly at the limit is still read (and then judged on its content).
		const atLimit = JSON.stringify({ids: ['100001'], padding: ''});
		const padded = atLimit.replace('"padding":""', `"padding":"${'x'.repeat(1024 * 1024 - atLimit.length)}"`);
		expect(Buffer.byteLength(padded)).toBe(1024 * 1024);
		expect((await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: padded})).reply.status).toBe(200);
	});
});

describe('recycled contacts, unknown things, wrong methods', () => {
	it('a recycled contact has no media (404 recycled) and cannot be archived (409 conflict)', async () => {
		const recycled = pick(recordings, 'recycled contact', item => item.recycled);
		for (const [template, path] of [
			['/v1/recordings/{id}/media', `/v1/recordings/${recycled.id}/media`],
			['/v1/recordings/{id}/screenshots/{index}', `/v1/recordings/${recycled.id}/screenshots/1`],
			['/v1/recordings/{id}/transcript', `/v1/recordings/${recycled.id}/transcript?format=xml`],
		] as const) {
			const {reply, json} = await call(base, 'GET', template, path, {token});
			expect(reply.status, path).toBe(404);
			expect(json.code).toBe('recycled');
		}

		expect((await call(base, 'HEAD', '/v1/recordings/{id}/media', `/v1/recordings/${recycled.id}/media`, {token})).reply.status).toBe(404);
		const archive = await call(base, 'POST', '/v1/recordings/{id}/archive', `/v1/recordings/${recycled.id}/archive`, {token});
		expect(archive.reply.status).toBe(409);
		expect(archive.json.code).toBe('conflict');
		const batch = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids: [recycled.id]}});
		expect(batch.json).toEqual({items: [], errors: [{id: recycled.id, code: 'conflict', detail: expect.any(String)}]});
	});

	it('unknown recordings and odd IDs are 404 not-found', async () => {
		for (const id of ['999999', '0', 'abc', '100001abc', '-1', '1e5', '%20', 'x'.repeat(300)]) {
			const {reply, json} = await call(base, 'GET', '/v1/recordings/{id}', `/v1/recordings/${id}`, {token});
			expect(reply.status, id).toBe(404);
			expect(json.code).toBe('not-found');
		}

		const voice = pick(recordings, 'voice call', item => item.channel === 'voice' && !item.recycled);
		for (const index of ['0', 'abc', '1', '-1']) {
			const {reply} = await call(base, 'GET', '/v1/recordings/{id}/screenshots/{index}', `/v1/recordings/${voice.id}/screenshots/${index}`, {token});
			expect(reply.status, index).toBe(404);
		}
	});

	it('a malformed percent-escape in a path is a client error, not a 500', async () => {
		for (const path of ['/v1/recordings/%E0%A4%A', '/v1/recordings/%/media', '/v1/recordings/%C3%28/archive']) {
			const reply = await send(base, path, {token, method: path.endsWith('archive') ? 'POST' : 'GET'});
			expect(reply.headers['content-type'], path).toBe('application/problem+json');
			expect(reply.status, `${path}: ${reply.body.toString('utf8')}`).toBeLessThan(500);
			expect(reply.status).toBeGreaterThanOrEqual(400);
		}
	});

	it('unknown paths are 404 and wrong methods 405 with Allow', async () => {
		for (const path of ['/', '/v2/recordings', '/v1', '/v1/recordingz', '/v1/recordings/100001/other', '/_demo/unknown', '/favicon.ico']) {
			const reply = await send(base, path, {token});
			validateUndocumented('GET', undefined, reply);
		}

		for (const [method, template, path] of [
			['DELETE', '/v1/recordings/{id}', '/v1/recordings/100001'],
			['PATCH', '/v1/recordings', '/v1/recordings'],
			['PUT', '/v1/auth/refresh', '/v1/auth/refresh'],
			['POST', '/v1/campaigns', '/v1/campaigns'],
			['DELETE', '/v1/recordings/{id}/screenshots/{index}', '/v1/recordings/100001/screenshots/1'],
		] as const) {
			const reply = await send(base, path, {method, token});
			validateUndocumented(method, template, reply);
		}
	});

	it('after all that the server is up, healthy and logged no unexpected error', async () => {
		const {reply} = await call(base, 'GET', '/v1/health', '/v1/health');
		expect(reply.status).toBe(200);
		expect(server.process.exitCode).toBeNull();
		expect(serverErrors).toBe('');
	});
});
