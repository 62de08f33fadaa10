#!/usr/bin/env node
/**
 * A hostile server that speaks ccdl's own contract (Contact Center Media API v1) and then breaks it on purpose, one
 * scenario per base path: `http://127.0.0.1:PORT/s/<scenario>` is a whole API whose answers misbehave in one way.
 * A second listener on another port plays "another origin": it answers like the API and records what it is sent, so
 * a test can check that no password or token ever reached it.
 *
 * Run: node test/hostile/server.mjs → prints one JSON line {"url", "other", "password", "secrets"} on stdout.
 * `GET /_hostile/log` (on the main listener) returns every request both listeners saw. Plain JavaScript, no build, so
 * it runs as its own process beside the ccdl binary under test.
 */
import {createHash} from 'node:crypto';
import http from 'node:http';
import {Readable} from 'node:stream';
import zlib from 'node:zlib';

export const password = 'hunter2-SECRET-pw';
const accessTokens = {first: 'tok-ACCESS-1-secret', second: 'tok-ACCESS-2-secret'};
const refreshToken = 'tok-REFRESH-secret';
const secrets = [password, accessTokens.first, accessTokens.second, refreshToken];

/** Control sequences a terminal acts on: clipboard (OSC 52), hyperlink (OSC 8), title, colours, 8-bit CSI/OSC, bidi. */
export const escapes = '\u001B]52;c;cm0gLXJmIH4=\u0007\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\\u001B]0;pwned\u0007\u001B[2J\u001B[31m\u009B31m\u009D0;t\u009C\u0085\u202Egpj.exe\r\u0000';

const log = [];

function mp3(seed, size = 6000) {
	const bytes = Buffer.alloc(size);
	bytes.write('ID3', 0, 'latin1');
	bytes[3] = 4;
	for (let index = 10; index < size; index++) {
		bytes[index] = (index * 31 + seed * 97) & 0xFF;
	}

	return bytes;
}

const sha256 = bytes => createHash('sha256').update(bytes).digest('hex');
const reprDigest = bytes => `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`;

const media = {'900001': mp3(1), '900002': mp3(2), '900003': mp3(3)};
/** The "other version" a hostile 206 splices in. */
const mediaV2 = {'900001': mp3(7), '900002': mp3(8), '900003': mp3(9)};

function recording(id, campaign, overrides = {}) {
	const bytes = media[id];
	return {
		id, recordId: `r${id}`, channel: 'voice', direction: 'incoming', campaignId: campaign.id, campaignName: campaign.name,
		operatorId: '3001', operatorName: 'Kiss Anna', agentLastName: 'Kiss', agentFirstName: 'Anna', groupName: 'Győr',
		teamName: 'Alfa', phoneNumber: '+3612345678', callingNumber: '+3612345678', calledNumber: '+3618765432',
		externalParty: '', subject: '', terminationId: '1', terminationName: 'Sikeres', callStart: `2026-10-0${Number(id) % 9 + 1}T09:00:00.000Z`,
		connectedAt: '', callEnd: `2026-10-0${Number(id) % 9 + 1}T09:05:00.000Z`, durationSeconds: 300, timeZone: 'Europe/Budapest',
		contactType: 'CALL', recycled: false, archived: false, archivedAt: null,
		media: {href: `/v1/recordings/${id}/media`, contentType: 'audio/mpeg', size: bytes.length, sha256: sha256(bytes), etag: `"${id}-v1"`},
		screenshots: [], transcript: null, ...overrides,
	};
}

/** Campaign names per scenario; the default is a plain one. */
const campaignNames = {
	'escape-data': `Sales${escapes}`,
	'manifest-campaign': 'manifest.csv',
	'dot-campaign': '.bashrc',
	'partial-campaign': '.ccdl-0123456789abcdef0123.part',
	formula: '=HYPERLINK("https://evil.example","x")',
};

function campaignOf(scenario) {
	return {id: '101', name: campaignNames[scenario] ?? 'Sales', channels: ['voice']};
}

function items(scenario) {
	const campaign = campaignOf(scenario);
	const list = Object.keys(media).map(id => recording(id, campaign));
	if (scenario === 'escape-data') {
		for (const item of list) {
			item.operatorName = `Kiss${escapes}`;
			item.terminationName = `Done\u0085\u009B2J`;
		}
	}

	if (scenario === 'dup-screenshot') {
		const shot = Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Buffer.alloc(200, 1)]);
		screenshots.set('900001/1', shot);
		list[0].channel = 'video';
		list[0].screenshots = [1, 1].map(index => ({
			index, href: `/v1/recordings/900001/screenshots/${index}`, contentType: 'image/png', size: shot.length, sha256: sha256(shot), etag: '"s1"',
		}));
	}

	return list;
}

const screenshots = new Map();

function json(response, status, body, headers = {}) {
	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers});
	response.end(text);
}

function problem(response, status, code, detail, extra = {}) {
	const text = JSON.stringify({type: 'about:blank', title: extra.title ?? 'Error', status, code, detail});
	response.writeHead(status, {'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text), ...extra.headers});
	response.end(text);
}

/** An endless stream of `chunk`, started by `prefix`; stops when the client goes away. */
function endless(prefix, chunk) {
	let first = true;
	return new Readable({
		read() {
			if (first) {
				first = false;
				this.push(prefix);
			}

			this.push(chunk);
		},
	});
}

function streamEncoded(request, response, encoding, source) {
	const encoder = encoding === 'br' ? zlib.createBrotliCompress({params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 1}}) : zlib.createGzip({level: 1});
	response.writeHead(200, {'content-type': 'application/json', 'content-encoding': encoding});
	source.pipe(encoder).pipe(response);
	const stop = () => {
		source.destroy();
		encoder.destroy();
	};

	response.once('close', stop);
	request.once('close', stop);
}

/** Writes a status line, then one header byte every 200 ms, forever (until the client hangs up). */
function trickleHeaders(request) {
	const {socket} = request;
	socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ');
	const timer = setInterval(() => {
		if (socket.destroyed) {
			clearInterval(timer);
			return;
		}

		socket.write('a');
	}, 200);
	socket.once('close', () => {
		clearInterval(timer);
	});
}

async function readBody(request) {
	const chunks = [];
	let size = 0;
	for await (const chunk of request) {
		size += chunk.length;
		if (size <= 64 * 1024) {
			chunks.push(chunk);
		}
	}

	return Buffer.concat(chunks).toString('utf8');
}

function redirect(response, status, location) {
	response.writeHead(status, {location, 'content-length': '0'});
	response.end();
}

function notThisApi(scenario, response) {
	if (scenario === 'not-api-501') {
		response.writeHead(501, {'content-type': 'text/html'});
		response.end('<html><body><h1>501 Not Implemented</h1></body></html>');
		return true;
	}

	if (scenario === 'not-api-html') {
		response.writeHead(200, {'content-type': 'text/html'});
		response.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
		return true;
	}

	if (scenario === 'not-api-401') {
		response.writeHead(401, {'content-type': 'text/html', 'www-authenticate': 'Basic realm="proxy"'});
		response.end('<html><body>401 Authorization Required</body></html>');
		return true;
	}

	return false;
}

/** The API as it should be, with each scenario's misbehaviour at its place. */
async function api(scenario, request, response, path, url, body, other) {
	const method = request.method ?? 'GET';
	if (notThisApi(scenario, response)) {
		return;
	}

	if (path === '/v1/health') {
		json(response, 200, {status: 'ok'});
		return;
	}

	if (path === '/v1/auth/token') {
		if (scenario === 'login-307' || scenario === 'login-308') {
			redirect(response, scenario === 'login-307' ? 307 : 308, `${other}/s/${scenario}/v1/auth/token`);
			return;
		}

		if (scenario === 'trickle-login') {
			trickleHeaders(request);
			return;
		}

		if (scenario === 'login-gzip-bomb') {
			streamEncoded(request, response, 'gzip', endless('{"accessToken":"', Buffer.alloc(1024 * 1024, 0x61)));
			return;
		}

		if (scenario === 'escape-login') {
			problem(response, 403, 'forbidden\u001B[31m', `Account locked${escapes}`, {title: `Forbidden${escapes}`});
			return;
		}

		let parsed = {};
		try {
			parsed = JSON.parse(body);
		} catch {}

		if (parsed.password !== password) {
			problem(response, 401, 'invalid-credentials', 'Wrong user name or password.');
			return;
		}

		const user = {username: 'admin', displayName: 'Admin', role: 'admin', company: 'demo'};
		if (scenario === 'login-no-user') {
			json(response, 200, {tokenType: 'Bearer', accessToken: accessTokens.first, refreshToken, expiresIn: 900});
			return;
		}

		if (scenario === 'login-bad-token') {
			// A token that would split the Authorization header if it were sent back.
			json(response, 200, {tokenType: 'Bearer', accessToken: `${accessTokens.first}\r\nX-Injected: 1`, refreshToken, expiresIn: 900, user});
			return;
		}

		if (scenario === 'login-wrong-types') {
			json(response, 200, {tokenType: 'Bearer', accessToken: accessTokens.first, refreshToken, expiresIn: 900, user: {username: 42, displayName: ['x'], role: {}, company: null}});
			return;
		}

		json(response, 200, {tokenType: 'Bearer', accessToken: accessTokens.first, refreshToken, expiresIn: 900, user});
		return;
	}

	if (path === '/v1/auth/refresh') {
		if (scenario === 'refresh-308') {
			redirect(response, 308, `${other}/s/${scenario}/v1/auth/refresh`);
			return;
		}

		json(response, 200, {tokenType: 'Bearer', accessToken: accessTokens.second, refreshToken, expiresIn: 900, user: {username: 'admin', displayName: 'Admin', role: 'admin', company: 'demo'}});
		return;
	}

	const auth = request.headers.authorization ?? '';
	const token = auth.replace(/^Bearer /, '');
	if (!Object.values(accessTokens).includes(token)) {
		problem(response, 401, 'unauthorized', 'Log in first.');
		return;
	}

	if (scenario === 'refresh-308' && token === accessTokens.first) {
		problem(response, 401, 'token-expired', 'The token expired.');
		return;
	}

	if (path === '/v1/me') {
		json(response, 200, {username: 'admin', displayName: 'Admin', role: 'admin', company: 'demo'});
		return;
	}

	if (path === '/v1/campaigns') {
		if (scenario === 'api-302' || scenario === 'api-307') {
			redirect(response, scenario === 'api-302' ? 302 : 307, `${other}/s/${scenario}/v1/campaigns`);
			return;
		}

		json(response, 200, {items: [campaignOf(scenario)]});
		return;
	}

	if (path === '/v1/recordings') {
		await listing(scenario, request, response, url, other);
		return;
	}

	if (path === '/v1/recordings/archive' && method === 'POST') {
		let ids = [];
		try {
			ids = JSON.parse(body).ids ?? [];
		} catch {}

		json(response, 200, {items: ids.map(id => ({id, archived: true, archivedAt: '2026-11-01T00:00:00Z'})), errors: []});
		return;
	}

	const shot = /^\/v1\/recordings\/(\d+)\/screenshots\/(\d+)$/.exec(path);
	if (shot && screenshots.has(`${shot[1]}/${shot[2]}`)) {
		const bytes = screenshots.get(`${shot[1]}/${shot[2]}`);
		response.writeHead(200, {'content-type': 'image/png', 'content-length': bytes.length, etag: '"s1"', 'repr-digest': reprDigest(bytes)});
		response.end(bytes);
		return;
	}

	const match = /^\/v1\/recordings\/(\d+)\/media$/.exec(path);
	if (match && media[match[1]]) {
		await mediaAnswer(scenario, request, response, match[1], other);
		return;
	}

	problem(response, 404, 'not-found', 'Nothing here.');
}

const cursorCounter = new Map();

async function listing(scenario, request, response, url, otherOrigin) {
	switch (scenario) {
		case 'api-302':
		case 'api-307': {
			redirect(response, scenario === 'api-302' ? 302 : 307, `${otherOrigin}/s/${scenario}/v1/recordings${url.search}`);
			return;
		}

		case 'escape-listing': {
			problem(response, 422, `invalid-parameter\u001B]52;c;eA==\u0007`, `Bad filter${escapes}`, {title: `Unprocessable${escapes}`});
			return;
		}

		case 'escape-retry': {
			problem(response, 500, 'internal', `Database down${escapes}`);
			return;
		}

		case 'gzip-bomb':
		case 'br-bomb': {
			streamEncoded(request, response, scenario === 'gzip-bomb' ? 'gzip' : 'br', endless('{"items":[', Buffer.alloc(1024 * 1024, 0x20)));
			return;
		}

		case 'huge-page': {
			// 100 MB announced and sent: a page of spaces.
			const size = 100 * 1024 * 1024;
			response.writeHead(200, {'content-type': 'application/json', 'content-length': size});
			let sent = 0;
			const chunk = Buffer.alloc(1024 * 1024, 0x20);
			const source = new Readable({
				read() {
					if (sent >= size) {
						this.push(null);
						return;
					}

					const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
					sent += part.length;
					this.push(part);
				},
			});
			source.pipe(response);
			response.once('close', () => source.destroy());
			return;
		}

		case 'endless-body': {
			response.writeHead(200, {'content-type': 'application/json'});
			const source = endless('{"items":[', Buffer.alloc(1024 * 1024, 0x20));
			source.pipe(response);
			response.once('close', () => source.destroy());
			return;
		}

		case 'endless-error-body': {
			response.writeHead(500, {'content-type': 'application/problem+json'});
			const source = endless('{"detail":"', Buffer.alloc(1024 * 1024, 0x61));
			source.pipe(response);
			response.once('close', () => source.destroy());
			return;
		}

		case 'deep-nesting': {
			const depth = 500_000;
			const text = `{"items":[${'['.repeat(depth)}${']'.repeat(depth)}],"nextCursor":null,"total":1}`;
			response.writeHead(200, {'content-type': 'application/json', 'content-length': text.length});
			response.end(text);
			return;
		}

		case 'many-objects': {
			const text = `{"items":[${'{},'.repeat(5_000_000)}{}],"nextCursor":null,"total":1}`;
			response.writeHead(200, {'content-type': 'application/json', 'content-length': text.length});
			response.end(text);
			return;
		}

		case 'trickle-headers': {
			trickleHeaders(request);
			return;
		}

		case 'trickle-body': {
			// Headers at once, then one byte of a valid page every 200 ms: never idle, never done.
			response.writeHead(200, {'content-type': 'application/json'});
			response.write('{"items":[');
			const timer = setInterval(() => {
				response.write(' ');
			}, 200);
			response.once('close', () => clearInterval(timer));
			return;
		}

		case 'endless-cursor': {
			// The same recordings on every page, each time with a fresh cursor.
			const next = (cursorCounter.get(scenario) ?? 0) + 1;
			cursorCounter.set(scenario, next);
			json(response, 200, {items: items(scenario), nextCursor: `c${next}`, total: 3});
			return;
		}

		case 'repeat-cursor': {
			json(response, 200, {items: items(scenario), nextCursor: 'same', total: 3});
			return;
		}

		default: {
			json(response, 200, {items: items(scenario), nextCursor: null, total: 3});
		}
	}
}

async function mediaAnswer(scenario, request, response, id, other) {
	const v1 = media[id];
	const etag = `"${id}-v1"`;
	switch (scenario) {
		case 'media-redirect': {
			redirect(response, 302, `${other}/s/${scenario}/v1/recordings/${id}/media`);
			return;
		}

		case 'media-endless-error': {
			response.writeHead(500, {'content-type': 'application/problem+json'});
			const source = endless('{"detail":"', Buffer.alloc(64 * 1024, 0x61));
			source.pipe(response);
			response.once('close', () => source.destroy());
			return;
		}

		case 'media-trickle-headers': {
			trickleHeaders(request);
			return;
		}

		case 'media-trickle-body': {
			// Honest headers, then a byte a second: slower than any minimum speed.
			response.writeHead(200, {'content-type': 'audio/mpeg', 'content-length': v1.length, etag, 'repr-digest': reprDigest(v1)});
			response.flushHeaders();
			let sent = 0;
			const timer = setInterval(() => {
				if (sent >= v1.length || response.destroyed) {
					clearInterval(timer);
					return;
				}

				response.write(v1.subarray(sent, sent + 1));
				sent++;
			}, 1000);
			response.once('close', () => clearInterval(timer));
			return;
		}

		case 'foreign-body': {
			// The body and digest of another recording: both agree with each other, not with the listing.
			const otherBytes = media[id === '900001' ? '900002' : '900001'];
			response.writeHead(200, {'content-type': 'audio/mpeg', 'content-length': otherBytes.length, etag, 'repr-digest': reprDigest(otherBytes)});
			response.end(otherBytes);
			return;
		}

		case 'etag-splice': {
			const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
			if (!range) {
				// Half the body, then the connection drops: the client keeps a partial and resumes with If-Range.
				response.writeHead(200, {'content-type': 'audio/mpeg', 'content-length': v1.length, etag, 'repr-digest': reprDigest(v1)});
				response.write(v1.subarray(0, v1.length / 2));
				setTimeout(() => response.socket?.destroy(), 50);
				return;
			}

			// A 206 of another version (another ETag), with a digest that covers the spliced whole.
			const start = Number(range[1]);
			const v2 = mediaV2[id];
			const spliced = Buffer.concat([v1.subarray(0, start), v2.subarray(start)]);
			response.writeHead(206, {
				'content-type': 'audio/mpeg', 'content-length': v2.length - start, etag: `"${id}-v2"`,
				'content-range': `bytes ${start}-${v2.length - 1}/${v2.length}`, 'repr-digest': reprDigest(spliced),
			});
			response.end(v2.subarray(start));
			return;
		}

		default: {
			response.writeHead(200, {'content-type': 'audio/mpeg', 'content-length': v1.length, etag, 'repr-digest': reprDigest(v1), 'accept-ranges': 'bytes'});
			response.end(v1);
		}
	}
}

function listener(origin, otherUrl) {
	return http.createServer(async (request, response) => {
		const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
		const body = await readBody(request);
		log.push({origin, method: request.method, path: url.pathname + url.search, headers: request.headers, body: body.slice(0, 4096)});
		if (origin === 'main' && url.pathname === '/_hostile/log') {
			json(response, 200, log);
			return;
		}

		// What the listing promises for each recording, to compare downloaded bytes with.
		if (origin === 'main' && url.pathname === '/_hostile/listing') {
			json(response, 200, items('ok'));
			return;
		}

		const match = /^\/s\/([a-z\d-]+)(\/.*)$/.exec(url.pathname);
		if (!match) {
			problem(response, 404, 'not-found', 'Use /s/<scenario>/v1/….');
			return;
		}

		try {
			await api(match[1], request, response, match[2], url, body, otherUrl());
		} catch (error) {
			response.destroy(error);
		}
	});
}

async function listen(server) {
	await new Promise(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	return `http://127.0.0.1:${server.address().port}`;
}

let otherUrl = '';
const main = listener('main', () => otherUrl);
const other = listener('other', () => otherUrl);
const mainUrl = await listen(main);
otherUrl = await listen(other);
process.stdout.write(`${JSON.stringify({url: mainUrl, other: otherUrl, password, secrets, escapes})}\n`);
process.on('SIGTERM', () => {
	process.exit(0);
});
