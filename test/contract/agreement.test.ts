/**
 * The document and the demo server agree where tools nobody here wrote look (issue 10, item 9): HEAD errors have no
 * body in either, a 206 slice of a transcript is not declared as a parseable document, dates in years 1–99 are real
 * dates, `/_demo/*` answers wrong methods with 405 and Allow, and the documented examples work on the demo data.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {openapi, resolve, validateUndocumented} from '../helpers/openapi.js';
import {call, login, send} from './support.js';

type Json = Record<string, any>;

let server: DemoProcess;
let base: string;
let token: string;

beforeAll(async () => {
	// The default data, as `ccdl demo-server` serves it: the examples are written against it.
	server = await startDemoProcess([]);
	base = server.url;
	token = (await login(base)).accessToken;
});

afterAll(async () => {
	await server?.stop();
});

/** Every operation of the document as [method, path template, operation]. */
function operations(): Array<[string, string, Json]> {
	return Object.entries(openapi.paths as Json).flatMap(([template, item]) =>
		['get', 'head', 'post', 'put', 'delete', 'patch'].filter(method => (item as Json)[method]).map(method => [method.toUpperCase(), template, (item as Json)[method] as Json] as [string, string, Json]));
}

/** The example of a path-level or operation-level parameter, by name. */
function example(template: string, name: string): string {
	const item = openapi.paths[template] as Json;
	const parameters = [...(item.parameters ?? []), ...(item.get?.parameters ?? [])].map(parameter => resolve(parameter as Json));
	const found = parameters.find(parameter => parameter.name === name);
	expect(found, `${template} documents ${name}`).toBeDefined();
	return String(found!.example);
}

describe('HEAD', () => {
	it('the document declares every HEAD answer without a body', () => {
		const heads = operations().filter(([method]) => method === 'HEAD');
		expect(heads.length).toBeGreaterThan(0);
		for (const [, template, operation] of heads) {
			for (const [status, raw] of Object.entries(operation.responses as Json)) {
				expect(resolve(raw as Json).content, `HEAD ${template} ${status}`).toBeUndefined();
			}
		}
	});

	it('the demo server answers HEAD errors without a body, as documented', async () => {
		const media = '/v1/recordings/{id}/media';
		for (const [path, options, status] of [
			['/v1/recordings/100011/media', {}, 401],
			['/v1/recordings/999999999/media', {token}, 404],
			['/v1/recordings/100004/media', {token}, 404],
		] as const) {
			const {reply} = await call(base, 'HEAD', media, path, options);
			expect(reply.status).toBe(status);
			expect(reply.body.length).toBe(0);
		}
	});
});

describe('transcript ranges', () => {
	it('no 206 is declared as JSON or XML anywhere in the document', () => {
		for (const [method, template, operation] of operations()) {
			const partial = operation.responses?.['206'] ? resolve(operation.responses['206'] as Json) : undefined;
			for (const type of Object.keys(partial?.content ?? {})) {
				expect(/json|xml/.test(type), `${method} ${template} 206 ${type}`).toBe(false);
			}
		}
	});

	it.each(['json', 'xml'])('a 206 of the %s transcript is sent as bytes and validates; the whole is the document', async format => {
		const template = '/v1/recordings/{id}/transcript';
		const path = `/v1/recordings/${example(template, 'id')}/transcript?format=${format}`;
		const whole = await call(base, 'GET', template, path, {token});
		expect(whole.reply.status).toBe(200);
		expect(whole.reply.headers['content-type']).toMatch(format === 'json' ? /^application\/json/ : /^application\/xml/);
		const partial = await call(base, 'GET', template, path, {token, headers: {range: 'bytes=5-40'}});
		expect(partial.reply.status).toBe(206);
		expect(partial.reply.headers['content-type']).toBe('application/octet-stream');
		expect(partial.reply.body.equals(whole.reply.body.subarray(5, 41))).toBe(true);
	});
});

describe('dates', () => {
	it.each([
		['0001-01-01', '0099-12-31'],
		['0048-02-29', '0048-03-01'],
		['0001-01-01T00:00:00Z', '0050-06-30T12:00:00Z'],
	])('years 1–99 are real dates: from=%s to=%s answers 200', async (from, to) => {
		const {reply, json} = await call(base, 'GET', '/v1/recordings', `/v1/recordings?from=${from}&to=${to}`, {token});
		expect(reply.status).toBe(200);
		expect(json.items).toEqual([]);
	});

	it('a day that does not exist in those years is still refused (0050 is not a leap year)', async () => {
		const {reply, json} = await call(base, 'GET', '/v1/recordings', '/v1/recordings?from=0050-02-29', {token});
		expect(reply.status).toBe(422);
		expect(json.parameter).toBe('from');
	});
});

describe('/_demo/*', () => {
	it.each([
		['DELETE', '/_demo/stats', '/_demo/stats', 'GET, HEAD'],
		['POST', '/_demo/stats', '/_demo/stats', 'GET, HEAD'],
		['GET', '/_demo/stats/reset', '/_demo/stats/reset', 'POST'],
		['PUT', '/_demo/tokens/expire', '/_demo/tokens/expire', 'POST'],
		['GET', '/_demo/recordings/{id}/revise', '/_demo/recordings/100011/revise', 'POST'],
	])('%s %s answers 405 with Allow: %s, like /v1', async (method, template, path, allow) => {
		const reply = await send(base, path, {method});
		expect(reply.status).toBe(405);
		expect(reply.headers['allow']).toBe(allow);
		expect(validateUndocumented(method, template, reply).code).toBe('method-not-allowed');
	});
});

describe('documented examples on the demo data', () => {
	it('each Range example of the media path answers 206 with the bytes it names', async () => {
		const template = '/v1/recordings/{id}/media';
		const path = `/v1/recordings/${example(template, 'id')}/media`;
		const whole = (await call(base, 'GET', template, path, {token})).reply.body;
		const range = resolve(openapi.components.parameters.Range as Json);
		const values = Object.values((range.examples ?? {}) as Json).map(entry => String((entry as Json).value));
		expect(values.length).toBeGreaterThan(0);
		for (const value of values) {
			const {reply} = await call(base, 'GET', template, path, {token, headers: {range: value}});
			expect(reply.status, value).toBe(206);
			const [, start, end] = /^bytes (\d+)-(\d+)\//.exec(String(reply.headers['content-range']))!;
			expect(reply.body.equals(whole.subarray(Number(start), Number(end) + 1)), value).toBe(true);
		}
	});

	it('the screenshot example answers 200 with an image', async () => {
		const template = '/v1/recordings/{id}/screenshots/{index}';
		const path = `/v1/recordings/${example(template, 'id')}/screenshots/${example(template, 'index')}`;
		const {reply} = await call(base, 'GET', template, path, {token});
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toMatch(/^image\/(png|jpeg)/);
	});

	it('the transcript example answers 200, and the media example is a recording with media', async () => {
		const transcript = '/v1/recordings/{id}/transcript';
		expect((await call(base, 'GET', transcript, `/v1/recordings/${example(transcript, 'id')}/transcript?format=json`, {token})).reply.status).toBe(200);
		const media = '/v1/recordings/{id}/media';
		expect((await call(base, 'HEAD', media, `/v1/recordings/${example(media, 'id')}/media`, {token})).reply.status).toBe(200);
	});
});
