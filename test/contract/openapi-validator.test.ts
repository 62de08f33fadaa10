/** The validator itself: it must reject what the document does not allow, or the other contract tests prove nothing. */
import {describe, expect, it} from 'vitest';
import {
	ContractError, documentedOperations, openapi, problemStatuses, validateResponse, validateUndocumented,
} from '../helpers/openapi.js';

function json(status: number, body: unknown, headers: Record<string, string> = {}, type = 'application/json') {
	const bytes = Buffer.from(JSON.stringify(body));
	return {status, headers: {'content-type': type, 'content-length': String(bytes.length), ...headers}, body: bytes};
}

const problem = (status: number, code: string) => ({type: `https://ccdl.dev/problems/${code}`, title: 'x', status, code, detail: 'd'});
const digest = `sha-256=:${Buffer.alloc(32).toString('base64')}:`;
const mediaHeaders = {
	'content-type': 'audio/mpeg', etag: '"1-1-00"', 'repr-digest': digest, 'accept-ranges': 'bytes', 'last-modified': 'Tue, 05 Mar 2024 09:21:40 GMT',
};

describe('the OpenAPI validator', () => {
	it('loads the document and its error table', () => {
		expect(openapi.openapi).toBe('3.1.0');
		expect(documentedOperations()).toContain('GET /v1/recordings/{id}/media');
		expect(problemStatuses.get('token-expired')).toBe(401);
		expect(problemStatuses.get('unknown-campaign')).toBe(422);
		expect(problemStatuses.size).toBe(19);
	});

	it('accepts a valid response and returns its body', () => {
		expect(validateResponse('GET', '/v1/health', json(200, {status: 'ok'}))).toEqual({status: 'ok'});
	});

	it('rejects a body that does not match the schema', () => {
		expect(() => validateResponse('GET', '/v1/health', json(200, {status: 'fine'}))).toThrow(ContractError);
		expect(() => validateResponse('GET', '/v1/health', json(200, {status: 'ok', extra: 1}))).toThrow(/schema/);
		expect(() => validateResponse('GET', '/v1/campaigns', json(200, {items: [{id: 1, name: 'x', channels: []}]}))).toThrow(/schema/);
	});

	it('rejects an undocumented status, method or path', () => {
		expect(() => validateResponse('GET', '/v1/campaigns', json(201, {items: []}))).toThrow(/not documented/);
		expect(() => validateResponse('POST', '/_demo/stats/reset', {status: 200, headers: {}, body: Buffer.alloc(0)})).toThrow(/not documented/);
		expect(() => validateResponse('DELETE', '/v1/campaigns', json(405, problem(405, 'method-not-allowed')))).toThrow(/not documented/);
		expect(() => validateResponse('GET', '/v1/nothing', json(200, {}))).toThrow(/not in the document/);
		// HEAD ignores Range: 206 and 416 are not documented for it.
		expect(() => validateResponse('HEAD', '/v1/recordings/{id}/media', {status: 206, headers: {}, body: Buffer.alloc(0)})).toThrow(/not documented/);
	});

	it('uses `default` only for error statuses, and checks the problem table', () => {
		expect(validateResponse('GET', '/v1/me', json(500, problem(500, 'internal'), {}, 'application/problem+json')).code).toBe('internal');
		expect(() => validateResponse('GET', '/v1/me', json(500, problem(500, 'not-found'), {}, 'application/problem+json'))).toThrow(/documented with status 404/);
		expect(() => validateResponse('GET', '/v1/me', json(404, problem(500, 'not-found'), {}, 'application/problem+json'))).toThrow(/body says status 500/);
		expect(() => validateResponse('GET', '/v1/me', json(404, problem(404, 'lost'), {}, 'application/problem+json'))).toThrow(/schema/);
	});

	it('rejects an undocumented content type', () => {
		expect(() => validateResponse('GET', '/v1/me', json(500, problem(500, 'internal')))).toThrow(/Content-Type application\/json is not documented/);
	});

	it('requires the documented headers and checks their values', () => {
		const body = Buffer.from('abc');
		const ok = {status: 200, headers: {...mediaHeaders, 'content-length': '3'}, body};
		expect(validateResponse('GET', '/v1/recordings/{id}/media', ok)).toBeUndefined();
		const {etag: _, ...noEtag} = ok.headers;
		expect(() => validateResponse('GET', '/v1/recordings/{id}/media', {...ok, headers: noEtag})).toThrow(/ETag is missing/);
		expect(() => validateResponse('GET', '/v1/recordings/{id}/media', {...ok, headers: {...ok.headers, 'repr-digest': 'sha-256=abc'}})).toThrow(/Repr-Digest/);
		expect(() => validateResponse('GET', '/v1/recordings/{id}/media', {...ok, headers: {...ok.headers, etag: 'W/"x"'}})).toThrow(/ETag/);
		expect(() => validateResponse('GET', '/v1/recordings/{id}/media', {...ok, headers: {...ok.headers, 'content-length': '4'}})).toThrow(/Content-Length 4/);
		expect(() => validateResponse('GET', '/v1/recordings/{id}/media', {status: 206, headers: ok.headers, body})).toThrow(/Content-Range is missing/);
		const unauthorized = json(401, problem(401, 'token-expired'), {}, 'application/problem+json');
		expect(() => validateResponse('GET', '/v1/me', unauthorized)).toThrow(/WWW-Authenticate is missing/);
		const limited = json(429, problem(429, 'rate-limited'), {'retry-after': 'soon'}, 'application/problem+json');
		expect(() => validateResponse('GET', '/v1/me', limited)).toThrow(/Retry-After/);
	});

	it('checks answers to undocumented methods and paths', () => {
		const notAllowed = json(405, problem(405, 'method-not-allowed'), {allow: 'GET, HEAD'}, 'application/problem+json');
		expect(validateUndocumented('DELETE', '/v1/recordings/{id}/media', notAllowed).code).toBe('method-not-allowed');
		expect(() => validateUndocumented('DELETE', '/v1/recordings/{id}/media', {...notAllowed, headers: {...notAllowed.headers, allow: 'GET'}})).toThrow(/Allow/);
		expect(() => validateUndocumented('DELETE', '/v1/campaigns', json(404, problem(404, 'not-found'), {}, 'application/problem+json'))).toThrow(/405/);
		expect(validateUndocumented('GET', undefined, json(404, problem(404, 'not-found'), {}, 'application/problem+json')).code).toBe('not-found');
	});
});
