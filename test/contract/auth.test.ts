/** Access-token expiry, refresh with rotation, forced expiry, and the log-in errors. */
import {setTimeout as delay} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {TokenResponse} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {call} from './support.js';

let server: DemoProcess;
let base: string;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--token-ttl', '1']);
	base = server.url;
});

afterAll(async () => {
	await server?.stop();
});

async function token(body: unknown) {
	return await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body});
}

async function refresh(refreshToken: string) {
	return await call(base, 'POST', '/v1/auth/refresh', '/v1/auth/refresh', {body: {refreshToken}});
}

async function me(accessToken: string) {
	return await call(base, 'GET', '/v1/me', '/v1/me', {token: accessToken});
}

describe('access-token expiry and refresh', () => {
	it('expires after --token-ttl, refreshes with rotation, and the old refresh token stops working', async () => {
		const login = await token({company: 'demo', username: 'supervisor', password: 'demo'});
		expect(login.reply.status).toBe(200);
		const first = login.json as TokenResponse;
		expect(first.expiresIn).toBe(1);
		const issuedAt = Date.now();
		const fresh = await me(first.accessToken);
		// Only meaningful while the token is young; on a very slow machine the second may already be over.
		if (Date.now() - issuedAt < 900) {
			expect(fresh.reply.status).toBe(200);
		}

		await delay(Math.max(0, issuedAt + 1100 - Date.now()));
		const expired = await me(first.accessToken);
		expect(expired.reply.status).toBe(401);
		expect(expired.json.code).toBe('token-expired');
		expect(expired.reply.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
		// Expiry is for the whole API, downloads included.
		const listing = await call(base, 'GET', '/v1/recordings', '/v1/recordings?limit=1', {token: first.accessToken});
		expect(listing.json.code).toBe('token-expired');

		const renewed = await refresh(first.refreshToken);
		expect(renewed.reply.status).toBe(200);
		const second = renewed.json as TokenResponse;
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(second.refreshToken).not.toBe(first.refreshToken);
		expect(second.user).toEqual(first.user);
		expect((await me(second.accessToken)).json).toMatchObject({username: 'supervisor'});

		const reused = await refresh(first.refreshToken);
		expect(reused.reply.status).toBe(401);
		expect(reused.json.code).toBe('invalid-refresh-token');
		expect(reused.reply.headers['www-authenticate']).toMatch(/^Bearer/);

		// The rotated refresh token works once, too.
		const third = await refresh(second.refreshToken);
		expect(third.reply.status).toBe(200);
		expect((await refresh(second.refreshToken)).reply.status).toBe(401);
	});

	it('POST /_demo/tokens/expire expires every access token but keeps refresh tokens', async () => {
		const [a, b] = await Promise.all([
			token({company: 'demo', username: 'admin', password: 'demo'}),
			token({company: 'demo', username: 'supervisor', password: 'demo'}),
		]);
		const expire = await call(base, 'POST', '/_demo/tokens/expire', '/_demo/tokens/expire');
		expect(expire.reply.status).toBe(204);
		for (const login of [a, b]) {
			const expired = await me(login.json.accessToken as string);
			expect(expired.reply.status).toBe(401);
			expect(expired.json.code).toBe('token-expired');
			expect(expired.reply.headers['www-authenticate']).toMatch(/^Bearer/);
		}

		const renewed = await refresh(a.json.refreshToken as string);
		expect(renewed.reply.status).toBe(200);
		expect((await me(renewed.json.accessToken as string)).json).toMatchObject({username: 'admin'});
	});

	it('an unknown or malformed token is `unauthorized`, not `token-expired`', async () => {
		for (const authorization of [undefined, 'Bearer not-a-token', 'Basic YWRtaW46ZGVtbw==', 'Bearer']) {
			const reply = await call(base, 'GET', '/v1/me', '/v1/me', {headers: authorization ? {authorization} : {}});
			expect(reply.reply.status).toBe(401);
			expect(reply.json.code).toBe('unauthorized');
			expect(reply.reply.headers['www-authenticate']).toMatch(/^Bearer/);
		}
	});
});

describe('log-in', () => {
	it('a wrong password or a wrong-case user name is 401 invalid-credentials with WWW-Authenticate', async () => {
		for (const body of [
			{company: 'demo', username: 'admin', password: 'wrong'},
			{company: 'demo', username: 'admin', password: 'DEMO'},
			{company: 'demo', username: 'Admin', password: 'demo'},
			{company: 'demo', username: 'nobody', password: 'demo'},
		]) {
			const {reply, json} = await token(body);
			expect(reply.status).toBe(401);
			expect(json.code).toBe('invalid-credentials');
			expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
		}
	});

	it('an unknown company is 404 unknown-company', async () => {
		const {reply, json} = await token({company: 'acme', username: 'admin', password: 'demo'});
		expect(reply.status).toBe(404);
		expect(json.code).toBe('unknown-company');
	});

	it('log-in without a company (or an empty one) works', async () => {
		for (const body of [{username: 'admin', password: 'demo'}, {company: '', username: 'supervisor', password: 'demo'}]) {
			const {reply, json} = await token(body);
			expect(reply.status).toBe(200);
			expect(json.user).toMatchObject({username: body.username, company: 'demo'});
		}
	});
});
