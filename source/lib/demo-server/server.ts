/**
 * The demo contact-center server: "Contact Center Media API v1" (docs/api/openapi.yaml) over plain node:http, so
 * that it is never the bottleneck of a download benchmark on loopback.
 */
import {once} from 'node:events';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as delay} from 'node:timers/promises';
import type {
	ArchiveResult, BatchArchiveResponse, Channel, DemoStats, TokenRequest,
} from '../api/wire.js';
import {channels as allChannels} from '../api/wire.js';
import {isRealDate, utc} from '../dates.js';
import {TokenStore} from './auth.js';
import {ByteWriter} from './byte-writer.js';
import {Dataset, type DatasetOptions, etagOf, type RecordingQuery, sha256Hex} from './dataset.js';
import {type FaultDecision, FaultInjector, type FaultSpec, parseFaultSpec} from './faults.js';
import {streamBody} from './stream-body.js';
import {HttpProblem, parseRange, problemBody, readJson, sendJson, writeRangeHead} from './http.js';
import {transcriptJson, transcriptXml} from './media/transcripts.js';
import {type DemoUser, users} from './people.js';

export interface DemoServerOptions extends Partial<DatasetOptions> {
	/** Interface to listen on. @default '127.0.0.1' */
	host?: string;
	/** 0 picks a free port. @default 0 */
	port?: number;
	/** Fault spec (see faults.ts) or a parsed one. */
	faults?: string | FaultSpec;
	/** Access-token lifetime in seconds. @default 900 */
	tokenTtl?: number;
	/** The tenant's company name. @default 'demo' */
	company?: string;
	/** Added before every response, in milliseconds, to imitate a distant server. @default 0 */
	latencyMs?: number;
}

export interface DemoServer {
	/** Base URL, e.g. `http://127.0.0.1:40123`. */
	readonly url: string;
	readonly dataset: Dataset;
	readonly company: string;
	stats(): DemoStats;
	close(): Promise<void>;
}

export const defaultCalls = 2000;
export const maxCalls = 5_000_000;
const maxPageSize = 1000;
const maxBatch = 1000;

/** Start of tomorrow (UTC): the default end of the demo data, so "today" and "last 7 days" find calls. */
export function defaultUntil(now = new Date()): Date {
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function emptyByChannel(): Record<Channel, number> {
	return {voice: 0, video: 0, chat: 0, email: 0, social: 0};
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** A `from`/`to` parameter as epoch ms; a date-only `to` covers that whole day. */
function parseInstant(name: 'from' | 'to', value: string): number {
	const day = dateOnly.exec(value);
	if (day) {
		const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
		if (!isRealDate(year, month, date)) {
			throw new HttpProblem(422, 'invalid-parameter', `"${value}" is not a real date.`, {parameter: name});
		}

		return utc(year, month - 1, date + (name === 'to' ? 1 : 0));
	}

	const time = dateTime.exec(value);
	if (time && isRealDate(Number(time[1]), Number(time[2]), Number(time[3]))
		&& Number(time[4]) < 24 && Number(time[5]) < 60 && Number(time[6] ?? 0) < 60) {
		return Date.parse(value.replace(' ', 'T'));
	}

	throw new HttpProblem(422, 'invalid-parameter',
		`"${value}" is not a date (YYYY-MM-DD) or a date-time with offset (YYYY-MM-DDThh:mm:ssZ).`, {parameter: name});
}

interface Cursor {
	after: number;
	key: string;
}

function encodeCursor(cursor: Cursor): string {
	return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
	try {
		const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
		if (typeof value.after === 'number' && Number.isInteger(value.after) && typeof value.key === 'string') {
			return {after: value.after, key: value.key};
		}
	} catch {}

	throw new HttpProblem(422, 'invalid-parameter', 'The cursor is not one this server issued.', {parameter: 'cursor'});
}

interface Served {
	size: number;
	etag: string;
	sha256: Buffer;
	contentType: string;
	lastModified: Date;
	chunks: (start: number, end: number) => Iterable<Buffer>;
}

function bufferServed(bytes: Buffer, contentType: string, etag: string, lastModified: Date): Served {
	return {
		size: bytes.length,
		etag,
		sha256: Buffer.from(sha256Hex(bytes), 'hex'),
		contentType,
		lastModified,
		chunks: (start, end) => [bytes.subarray(start, end + 1)],
	};
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
	const seed = options.seed ?? 1;
	const calls = options.calls ?? defaultCalls;
	if (!Number.isInteger(calls) || calls < 0 || calls > maxCalls) {
		throw new TypeError(`Expected \`calls\` to be an integer from 0 to ${maxCalls}, got ${calls}`);
	}

	const company = options.company ?? 'demo';
	const dataset = new Dataset({
		seed, calls, until: options.until ?? defaultUntil(), days: options.days ?? 30, mediaSize: options.mediaSize, hostile: options.hostile,
	});
	const faultSpec = typeof options.faults === 'string' || options.faults === undefined ? parseFaultSpec(options.faults) : options.faults;
	const faults = new FaultInjector(faultSpec, seed);
	const tokens = new TokenStore(company, options.tokenTtl ?? 900);
	const latencyMs = options.latencyMs ?? 0;
	let stats = freshStats();

	function freshStats(): DemoStats {
		return {
			requests: 0, bytesSent: 0, mediaBytesSent: 0, mediaRequests: 0, faultsInjected: faults.injected,
			inFlight: emptyByChannel(), maxInFlight: emptyByChannel(), archiveCalls: 0,
		};
	}

	function authenticate(request: IncomingMessage): DemoUser {
		const check = tokens.check(request.headers.authorization);
		if (check.ok) {
			return check.user;
		}

		const detail = {
			missing: 'Send an access token: Authorization: Bearer <token> (POST /v1/auth/token issues one).',
			invalid: 'The access token is not valid; log in again.',
			expired: 'The access token has expired; refresh it with POST /v1/auth/refresh.',
		}[check.reason];
		const error = check.reason === 'expired' ? 'invalid_token", error_description="The access token expired' : 'invalid_token';
		throw new HttpProblem(401, check.reason === 'expired' ? 'token-expired' : 'unauthorized', detail, {
			headers: {'www-authenticate': check.reason === 'missing' ? 'Bearer realm="ccdl-demo"' : `Bearer realm="ccdl-demo", error="${error}"`},
		});
	}

	function mayAccess(user: DemoUser, campaignId: string): boolean {
		return user.campaigns === undefined || user.campaigns.includes(campaignId);
	}

	/** The contact `id` as an index, or a problem: 404 if unknown, 403 if its campaign is not the user's. */
	function findContact(user: DemoUser, id: string): number {
		const index = dataset.indexOf(id);
		if (index < 0) {
			throw new HttpProblem(404, 'not-found', `There is no recording ${id}.`);
		}

		const campaign = dataset.campaignOf(index);
		if (!mayAccess(user, campaign.id)) {
			throw new HttpProblem(403, 'campaign-not-assigned', `Recording ${id} belongs to campaign ${campaign.id}, which is not assigned to ${user.username}.`);
		}

		return index;
	}

	/**
	 * The next page, built while the client is still reading the current one (pages are fetched one after another,
	 * so this uses the core that would otherwise wait). Served only for the very request it was built for, and only
	 * if no contact was archived or revised since.
	 */
	let readAhead: {key: string; version: number; body: Buffer; next: number | null} | undefined;

	function pageBody(query: RecordingQuery, key: string, after: number, limit: number): {body: Buffer; next: number | null} {
		const page = dataset.query(query, after, limit, key);
		// The bytes of JSON.stringify(RecordingPage), written record by record into one buffer (no record objects).
		const out = new ByteWriter(Math.max(64 * 1024, page.indices.length * 1200)).text('{"items":[');
		for (const [position, index] of page.indices.entries()) {
			if (position > 0) {
				out.text(',');
			}

			dataset.writeListing(index, out);
		}

		const nextCursor = page.next === null ? null : encodeCursor({after: page.next, key});
		out.text(`],"nextCursor":${JSON.stringify(nextCursor)},"total":${page.total}}`);
		return {body: out.view(), next: page.next};
	}

	function listRecordings(user: DemoUser, parameters: URLSearchParams): Buffer {
		const from = parameters.get('from');
		const to = parameters.get('to');
		const query: RecordingQuery = {includeArchived: false};
		if (from) {
			query.fromMs = parseInstant('from', from);
		}

		if (to) {
			query.toMs = parseInstant('to', to);
		}

		if (query.fromMs !== undefined && query.toMs !== undefined && query.fromMs >= query.toMs) {
			throw new HttpProblem(422, 'invalid-parameter', `The range is empty: "from" (${from}) is not before "to" (${to}).`, {parameter: 'from'});
		}

		const campaignIds = parameters.getAll('campaign').flatMap(value => value.split(',')).filter(Boolean);
		const positions = new Set<number>();
		for (const id of campaignIds) {
			const position = dataset.campaignPosition(id);
			if (position < 0) {
				throw new HttpProblem(422, 'unknown-campaign', `There is no campaign with ID "${id}".`, {parameter: 'campaign'});
			}

			if (!mayAccess(user, id)) {
				throw new HttpProblem(403, 'campaign-not-assigned', `Campaign ${id} is not assigned to ${user.username}.`, {parameter: 'campaign'});
			}

			positions.add(position);
		}

		if (positions.size > 0) {
			query.campaigns = positions;
		} else if (user.campaigns) {
			query.campaigns = new Set(user.campaigns.map(id => dataset.campaignPosition(id)).filter(position => position >= 0));
		}

		const channelValues = parameters.getAll('channel').flatMap(value => value.split(',')).filter(Boolean);
		for (const channel of channelValues) {
			if (!(allChannels as string[]).includes(channel)) {
				throw new HttpProblem(422, 'invalid-parameter', `Unknown channel "${channel}"; use ${allChannels.join(', ')}.`, {parameter: 'channel'});
			}
		}

		if (channelValues.length > 0) {
			query.channels = new Set(channelValues as Channel[]);
		}

		const archived = parameters.get('includeArchived');
		if (archived !== null) {
			if (!['true', 'false', '1', '0'].includes(archived)) {
				throw new HttpProblem(422, 'invalid-parameter', 'includeArchived must be true or false.', {parameter: 'includeArchived'});
			}

			query.includeArchived = archived === 'true' || archived === '1';
		}

		const limitText = parameters.get('limit');
		const limit = limitText === null ? 100 : Number(limitText);
		if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
			throw new HttpProblem(422, 'invalid-parameter', `limit must be an integer from 1 to ${maxPageSize}.`, {parameter: 'limit'});
		}

		const key = sha256Hex(Buffer.from(JSON.stringify([
			user.username, query.fromMs, query.toMs, [...query.campaigns ?? []].sort(), [...query.channels ?? []].sort(), query.includeArchived,
		]))).slice(0, 16);
		const cursorText = parameters.get('cursor');
		let after = -1;
		if (cursorText) {
			const cursor = decodeCursor(cursorText);
			if (cursor.key !== key) {
				throw new HttpProblem(409, 'conflict', 'This cursor belongs to a different query; start again without a cursor.', {parameter: 'cursor'});
			}

			after = cursor.after;
		}

		const slot = `${key}:${after}:${limit}`;
		const ready = readAhead?.key === slot && readAhead.version === dataset.version ? readAhead : undefined;
		readAhead = undefined;
		const {body, next} = ready ?? pageBody(query, key, after, limit);
		if (next !== null) {
			const version = dataset.version;
			setImmediate(() => {
				if (dataset.version === version && readAhead === undefined) {
					readAhead = {key: `${key}:${next}:${limit}`, version, ...pageBody(query, key, next, limit)};
				}
			});
		}

		return body;
	}


	function archiveOne(user: DemoUser, id: string): ArchiveResult {
		const index = findContact(user, id);
		if (dataset.isRecycled(index)) {
			throw new HttpProblem(409, 'conflict', `Recording ${id} is recycled and cannot be archived.`);
		}

		stats.archiveCalls++;
		return {id, archived: true, archivedAt: dataset.archive(index)};
	}

	async function sendBytes(request: IncomingMessage, response: ServerResponse, served: Served, channel: Channel, fault: FaultDecision | undefined): Promise<void> {
		const ifRange = request.headers['if-range'];
		// RFC 9110 §14.2: Range is defined for GET only; HEAD describes the whole representation.
		const rangeAllowed = request.method === 'GET'
			&& (ifRange === undefined || ifRange === served.etag || ifRange === served.lastModified.toUTCString());
		const range = rangeAllowed ? parseRange(request.headers.range, served.size) : {kind: 'full' as const};
		const headers: Record<string, string | number> = {
			// A slice of a JSON or XML transcript is not a document of that type; only the whole is.
			'content-type': range.kind === 'partial' && /^application\/(json|xml)\b/.test(served.contentType) ? 'application/octet-stream' : served.contentType,
			etag: served.etag,
			'repr-digest': `sha-256=:${served.sha256.toString('base64')}:`,
			'accept-ranges': 'bytes',
			'last-modified': served.lastModified.toUTCString(),
			'cache-control': 'private, no-store',
		};
		if (range.kind === 'unsatisfiable') {
			throw new HttpProblem(416, 'range-not-satisfiable', `The representation has ${served.size} bytes.`, {
				headers: {'content-range': `bytes */${served.size}`},
			});
		}

		// The client may have gone during a --latency or slow-fault delay: then there is nobody to send to.
		const span = writeRangeHead(request, response, headers, range, served.size);
		if (!span) {
			return;
		}

		const {start, end, length} = span;
		stats.mediaRequests++;
		stats.inFlight[channel]++;
		stats.maxInFlight[channel] = Math.max(stats.maxInFlight[channel], stats.inFlight[channel]);
		try {
			await streamBody(response, served.chunks(start, end), {
				length, fault, onBytes: bytes => {
					stats.bytesSent += bytes;
					stats.mediaBytesSent += bytes;
				},
			});
		} finally {
			stats.inFlight[channel]--;
		}
	}

	async function serveDownload(request: IncomingMessage, response: ServerResponse, user: DemoUser, id: string, part: string, parameters: URLSearchParams): Promise<void> {
		const index = findContact(user, id);
		const contact = dataset.contact(index);
		if (contact.recording.recycled) {
			throw new HttpProblem(404, 'recycled', `Recording ${id} is recycled; its media is no longer available.`);
		}

		const {version, lastModified} = contact;
		let served: Served;
		if (part === 'media') {
			const audio = contact.audio;
			if (!audio) {
				throw new HttpProblem(404, 'not-found', `Contact ${id} is a ${contact.recording.channel} contact and has no audio; ask for its transcript.`);
			}

			served = {
				size: audio.size,
				etag: contact.recording.media!.etag,
				sha256: audio.sha256,
				contentType: 'audio/mpeg',
				lastModified,
				chunks: (start, end) => audio.chunks(start, end),
			};
		} else if (part === 'transcript') {
			const format = parameters.get('format') ?? 'json';
			if (format !== 'json' && format !== 'xml') {
				throw new HttpProblem(422, 'invalid-parameter', 'format must be json or xml.', {parameter: 'format'});
			}

			if (!contact.transcript) {
				throw new HttpProblem(404, 'not-found', `Contact ${id} is a ${contact.recording.channel} call and has no transcript.`);
			}

			const transcript = contact.transcript();
			const bytes = format === 'json' ? transcriptJson(transcript) : transcriptXml(transcript);
			served = bufferServed(bytes, format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8',
				etagOf(`${id}-${format}`, version, sha256Hex(bytes)), lastModified);
		} else {
			const shot = /^screenshots\/(\d{1,3})$/.exec(part);
			const position = shot ? Number(shot[1]) : 0;
			const info = contact.recording.screenshots[position - 1];
			const source = contact.screenshots[position - 1];
			if (!info || !source) {
				throw new HttpProblem(404, 'not-found', `Recording ${id} has no screenshot ${shot?.[1] ?? part}.`);
			}

			served = bufferServed(source.bytes(), info.contentType, info.etag, lastModified);
		}

		// HEAD carries no body to cut: it neither meets faults nor uses up a resource's share of them.
		let fault = request.method === 'HEAD' ? undefined : faults.decide(`${id}/${part}`, true);
		if (request.method !== 'HEAD' && faults.isBroken(id)) {
			fault = {kind: 'truncate', cutAt: 0.5};
		}

		if (fault && request.method !== 'HEAD') {
			if (fault.kind === 'slow') {
				await delay(faults.spec.slowMs, undefined, {ref: false});
			} else if (fault.kind === '429' || fault.kind === '503' || fault.kind === '500') {
				throwInjected(fault);
			}
		}

		await sendBytes(request, response, served, contact.recording.channel, fault?.kind === 'slow' ? undefined : fault);
	}

	function throwInjected(fault: FaultDecision): never {
		const retryAfter = {'retry-after': String(faults.spec.retryAfter)};
		if (fault.kind === '429') {
			throw new HttpProblem(429, 'rate-limited', `Too many requests; retry after ${faults.spec.retryAfter} s.`, {headers: retryAfter});
		}

		if (fault.kind === '503') {
			throw new HttpProblem(503, 'unavailable', `The service is briefly unavailable; retry after ${faults.spec.retryAfter} s.`, {headers: retryAfter});
		}

		throw new HttpProblem(500, 'internal', 'Injected server error.');
	}

	async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://demo.invalid');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		const method = request.method ?? 'GET';
		const allow = (...methods: string[]) => {
			if (!methods.includes(method)) {
				throw new HttpProblem(405, 'method-not-allowed', `${path} accepts ${methods.join(', ')}.`, {headers: {allow: methods.join(', ')}});
			}
		};

		if (path === '/v1/health') {
			allow('GET', 'HEAD');
			const sent = sendJson(response, 200, {status: 'ok'});
			stats.bytesSent += method === 'HEAD' ? 0 : sent;
			return;
		}

		if (path.startsWith('/_demo/')) {
			await routeDemo(method, path, response);
			return;
		}

		if (path === '/v1/auth/token' || path === '/v1/auth/refresh') {
			allow('POST');
			const body = await readJson(request);
			stats.bytesSent += sendJson(response, 200, path === '/v1/auth/token' ? login(body) : refresh(body));
			return;
		}

		if (!path.startsWith('/v1/')) {
			throw new HttpProblem(404, 'not-found', `There is nothing at ${path}; the API lives under /v1.`);
		}

		const user = authenticate(request);
		const isDownload = /^\/v1\/recordings\/[^/]+\/(media|screenshots\/[^/]+|transcript)$/.test(path);
		if (!isDownload) {
			const fault = faults.decide(`${method} ${path}${url.search}`, false);
			if (fault?.kind === 'slow') {
				await delay(faults.spec.slowMs, undefined, {ref: false});
			} else if (fault) {
				throwInjected(fault);
			}
		}

		if (path === '/v1/me') {
			allow('GET');
			stats.bytesSent += sendJson(response, 200, {username: user.username, displayName: user.displayName, role: user.role, company});
			return;
		}

		if (path === '/v1/campaigns') {
			allow('GET');
			const items = dataset.campaignList().filter(campaign => mayAccess(user, campaign.id));
			stats.bytesSent += sendJson(response, 200, {items});
			return;
		}

		if (path === '/v1/recordings') {
			allow('GET');
			const body = listRecordings(user, url.searchParams);
			response.writeHead(200, {'content-type': 'application/json; charset=utf-8', 'content-length': body.length});
			response.end(body);
			stats.bytesSent += body.length;
			return;
		}

		if (path === '/v1/recordings/archive') {
			allow('POST');
			const body = await readJson(request) as {ids?: unknown};
			const ids = body?.ids;
			if (!Array.isArray(ids) || ids.length === 0 || ids.length > maxBatch || !ids.every(id => typeof id === 'string')) {
				throw new HttpProblem(422, 'invalid-parameter', `ids must be a list of 1 to ${maxBatch} recording IDs.`, {parameter: 'ids'});
			}

			const result: BatchArchiveResponse = {items: [], errors: []};
			for (const id of ids as string[]) {
				try {
					result.items.push(archiveOne(user, id));
				} catch (error) {
					if (!(error instanceof HttpProblem)) {
						throw error;
					}

					result.errors.push({id, code: error.code, detail: error.message});
				}
			}

			stats.bytesSent += sendJson(response, 200, result);
			return;
		}

		const match = /^\/v1\/recordings\/([^/]+)(?:\/(.+))?$/.exec(path);
		if (match) {
			let id: string;
			try {
				id = decodeURIComponent(match[1]!);
			} catch {
				throw new HttpProblem(400, 'bad-request', 'The path has a malformed percent-escape.');
			}

			const part = match[2];
			if (part === undefined) {
				allow('GET');
				stats.bytesSent += sendJson(response, 200, dataset.recording(findContact(user, id)));
				return;
			}

			if (part === 'archive') {
				allow('POST');
				stats.bytesSent += sendJson(response, 200, archiveOne(user, id));
				return;
			}

			if (part === 'media' || part === 'transcript' || part.startsWith('screenshots/')) {
				allow('GET', 'HEAD');
				await serveDownload(request, response, user, id, part, url.searchParams);
				return;
			}
		}

		throw new HttpProblem(404, 'not-found', `There is nothing at ${path}.`);
	}

	function login(body: unknown): unknown {
		const fields = (body ?? {}) as Partial<Record<keyof TokenRequest, unknown>>;
		// The company may be left out: a server URL of its own already names the tenant.
		if (fields.company !== undefined && fields.company !== '' && fields.company !== company) {
			throw new HttpProblem(404, 'unknown-company', `There is no company "${String(fields.company)}" on this server.`);
		}

		for (const name of ['username', 'password'] as const) {
			if (typeof fields[name] !== 'string' || fields[name] === '') {
				throw new HttpProblem(422, 'invalid-parameter', `"${name}" is required.`, {parameter: name});
			}
		}

		const user = users.find(candidate => candidate.username === fields.username && candidate.password === fields.password);
		if (!user) {
			throw new HttpProblem(401, 'invalid-credentials', 'The user name or password is wrong (both are case-sensitive).', {
				headers: {'www-authenticate': 'Bearer realm="ccdl-demo"'},
			});
		}

		return tokens.issue(user);
	}

	function refresh(body: unknown): unknown {
		const token = (body as {refreshToken?: unknown} | null)?.refreshToken;
		if (typeof token !== 'string' || token === '') {
			throw new HttpProblem(422, 'invalid-parameter', '"refreshToken" is required.', {parameter: 'refreshToken'});
		}

		const issued = tokens.refresh(token);
		if (!issued) {
			throw new HttpProblem(401, 'invalid-refresh-token', 'The refresh token is unknown or expired; log in again.', {
				headers: {'www-authenticate': 'Bearer realm="ccdl-demo", error="invalid_token"'},
			});
		}

		return issued;
	}

	/** The demo paths and the one method each takes; any other method answers 405 with Allow, as under /v1. */
	const demoMethods: Array<[RegExp, string]> = [
		[/^\/_demo\/stats$/, 'GET'],
		[/^\/_demo\/stats\/reset$/, 'POST'],
		[/^\/_demo\/tokens\/expire$/, 'POST'],
		[/^\/_demo\/recordings\/[^/]+\/revise$/, 'POST'],
	];

	async function routeDemo(method: string, path: string, response: ServerResponse): Promise<void> {
		const known = demoMethods.find(([pattern]) => pattern.test(path));
		if (known && method !== known[1] && !(known[1] === 'GET' && method === 'HEAD')) {
			const allowed = known[1] === 'GET' ? 'GET, HEAD' : known[1];
			throw new HttpProblem(405, 'method-not-allowed', `${path} accepts ${allowed}.`, {headers: {allow: allowed}});
		}

		if (path === '/_demo/stats' && method === 'HEAD') {
			sendJson(response, 200, stats);
			return;
		}

		if (path === '/_demo/stats' && method === 'GET') {
			stats.bytesSent += sendJson(response, 200, stats);
			return;
		}

		if (path === '/_demo/stats/reset' && method === 'POST') {
			const {inFlight} = stats;
			faults.clearCounts();
			stats = freshStats();
			stats.inFlight = inFlight;
			response.writeHead(204).end();
			return;
		}

		if (path === '/_demo/tokens/expire' && method === 'POST') {
			tokens.expireAll();
			response.writeHead(204).end();
			return;
		}

		const revise = /^\/_demo\/recordings\/([^/]+)\/revise$/.exec(path);
		if (revise && method === 'POST') {
			const index = dataset.indexOf(revise[1]!);
			if (index < 0 || dataset.isRecycled(index)) {
				throw new HttpProblem(404, 'not-found', `There is no recording ${revise[1]} with media.`);
			}

			dataset.revise(index);
			const recording = dataset.recording(index);
			stats.bytesSent += sendJson(response, 200, {id: recording.id, etag: recording.media?.etag ?? recording.screenshots[0]?.etag ?? ''});
			return;
		}

		throw new HttpProblem(404, 'not-found', `There is nothing at ${method} ${path}.`);
	}

	const server: Server = createServer({keepAlive: true, requestTimeout: 0}, (request, response) => {
		stats.requests++;
		void (async () => {
			try {
				if (latencyMs > 0) {
					await delay(latencyMs, undefined, {ref: false});
				}

				await route(request, response);
			} catch (error) {
				const problem = error instanceof HttpProblem
					? error
					: new HttpProblem(500, 'internal', 'The demo server hit an unexpected error.');
				if (!(error instanceof HttpProblem)) {
					console.error(error);
				}

				if (response.headersSent) {
					response.destroy();
					return;
				}

				const body = Buffer.from(JSON.stringify(problemBody(problem, request.url ?? '/')));
				stats.bytesSent += request.method === 'HEAD' ? 0 : body.length;
				response.writeHead(problem.status, {
					'content-type': 'application/problem+json', 'content-length': body.length, ...problem.headers,
				});
				response.end(body);
			}
		})();
	});
	server.keepAliveTimeout = 30_000;
	server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	await once(server, 'listening');
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return {
		url: `http://${host}:${address.port}`,
		dataset,
		company,
		stats: () => structuredClone(stats),
		async close() {
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}
