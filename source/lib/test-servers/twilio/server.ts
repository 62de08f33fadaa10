/**
 * The Twilio test server (`ccdl demo-server --platform twilio`): the parts of Twilio's REST API 2010-04-01 that a
 * recording exporter uses (Recordings, Calls, media, deletion) and of Voice Intelligence v2 (Transcripts,
 * Sentences), answering in the shapes of Twilio's OpenAPI documents, plus a second loopback origin for media.
 *
 * At Twilio, Voice Intelligence lives on its own host (intelligence.twilio.com). Here it is served on the same
 * origin as the 2010 API, under /v2; a client takes a base URL per API, so pointing both at this origin works.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import {once} from 'node:events';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as delay} from 'node:timers/promises';
import {FaultInjector, parseFaultSpec} from '../../demo-server/faults.js';
import type {RunningTestServer, TestServerOptions} from '../types.js';
import {defaultUntil, TwilioDataset, type TwilioCall, type TwilioRecording, type TwilioTranscript} from './dataset.js';
import {invalidParameter, notFound, TwilioApiError, twilioCodes} from './errors.js';
import {checkQuery, documentedOperations, isTrue, type DocumentedOperation} from './parameters.js';
import {inRange, readPageQuery, readTimeRange, slicePage, type PageSlice, type Positioned} from './listing.js';
import type {AudioFormat} from './media.js';
import {accountPath, callJson, recordingJson, sentenceJson, transcriptJson} from './resources.js';
import {UrlSigner} from './signing.js';
import {emptyStats} from './stats.js';
import {startStorage, storagePath} from './storage.js';

/** Defaults of the test data; `--url-ttl` defaults to ten minutes, about what Twilio's storage URLs last. */
export const twilioDefaults = {calls: 500, days: 30, urlTtl: 600} as const;

const sidPattern = '[\\da-f]{32}';
const routes: Array<{name: string; pattern: RegExp; methods: string[]}> = [
	{name: 'recordings', pattern: new RegExp(`^/2010-04-01/Accounts/(AC${sidPattern})/Recordings\\.json$`), methods: ['GET']},
	{name: 'recording', pattern: new RegExp(`^/2010-04-01/Accounts/(AC${sidPattern})/Recordings/(RE${sidPattern})\\.json$`), methods: ['GET', 'DELETE']},
	{name: 'media', pattern: new RegExp(`^/2010-04-01/Accounts/(AC${sidPattern})/Recordings/(RE${sidPattern})(\\.mp3|\\.wav)?$`), methods: ['GET']},
	{name: 'calls', pattern: new RegExp(`^/2010-04-01/Accounts/(AC${sidPattern})/Calls\\.json$`), methods: ['GET']},
	{name: 'call', pattern: new RegExp(`^/2010-04-01/Accounts/(AC${sidPattern})/Calls/(CA${sidPattern})\\.json$`), methods: ['GET']},
	{name: 'transcripts', pattern: /^\/v2\/Transcripts$/, methods: ['GET']},
	{name: 'transcript', pattern: new RegExp(`^/v2/Transcripts/(GT${sidPattern})$`), methods: ['GET']},
	{name: 'sentences', pattern: new RegExp(`^/v2/Transcripts/(GT${sidPattern})/Sentences$`), methods: ['GET']},
];

/** What a route answers: its own methods, HEAD wherever GET is (RFC 9110), and OPTIONS (CORS preflight) everywhere. */
function methodsOf(route: {methods: string[]}): string[] {
	return [...route.methods, ...(route.methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
}

/** Every method some route of this server answers. */
const anyRouteMethods = [...new Set(routes.flatMap(route => methodsOf(route)))];

/**
 * Headers Twilio sends on every API answer (the documents list the CORS ones on every 200). The methods advertised
 * are the ones served: the route's own where the path is known, else those of any route.
 */
function commonHeaders(methods: readonly string[] = anyRouteMethods): Record<string, string> {
	return {
		'access-control-allow-origin': '*',
		'access-control-allow-headers': 'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since',
		'access-control-allow-methods': methods.join(', '),
		'access-control-expose-headers': 'ETag',
		'access-control-allow-credentials': 'true',
		'twilio-request-id': `RQ${randomBytes(16).toString('hex')}`,
	};
}

/** A Host header that names a host (and port) and nothing else; anything else falls back to the listening address. */
const hostHeader = /^(\[[\da-f:.]+\]|[a-z\d](?:[a-z\d.-]{0,251}[a-z\d])?)(:\d{1,5})?$/i;

/** The CORS headers for an answer to `request`: with the methods of the route its path names. */
function headersFor(request: IncomingMessage): Record<string, string> {
	const path = new URL(request.url ?? '/', 'http://api.invalid').pathname;
	const found = routes.find(candidate => candidate.pattern.test(path));
	return commonHeaders(found ? methodsOf(found) : anyRouteMethods);
}

/** Every 401 carries the challenge (RFC 9110: a 401 must send WWW-Authenticate). */
const basicChallenge = 'Basic realm="Twilio API"';

function sameSecret(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** Starts both origins. The API origin listens on `options.port`; the storage origin on a free port beside it. */
export async function start(options: TestServerOptions): Promise<RunningTestServer> {
	const seed = options.seed ?? 1;
	const host = options.host ?? '127.0.0.1';
	const urlTtl = options.urlTtl ?? twilioDefaults.urlTtl;
	const latencyMs = options.latencyMs ?? 0;
	const until = options.until ? new Date(`${options.until}T00:00:00Z`) : defaultUntil();
	if (Number.isNaN(until.getTime())) {
		throw new TypeError(`until must be a date as YYYY-MM-DD, not "${options.until}"`);
	}

	const dataset = new TwilioDataset({seed, calls: options.calls ?? twilioDefaults.calls, days: options.days ?? twilioDefaults.days, until});
	const faults = new FaultInjector(parseFaultSpec(options.faults), seed);
	const {accountSid} = dataset.credentials;
	const signer = new UrlSigner();
	const stats = emptyStats();
	let clockOffsetSeconds = 0;
	const nowSeconds = () => Math.floor(Date.now() / 1000) + clockOffsetSeconds;
	const storage = await startStorage({host, dataset, signer, nowSeconds, faults, stats, latencyMs});
	let origin = '';
	const recordingPositions = new Map(dataset.recordings.map((recording, index) => [recording.sid, index]));
	const callPositions = new Map(dataset.calls.map((call, index) => [call.sid, index]));
	const transcriptPositions = new Map(dataset.transcripts.map((transcript, index) => [transcript.sid, index]));

	function sendJson(request: IncomingMessage, response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const bytes = Buffer.from(JSON.stringify(body));
		response.writeHead(status, {
			'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length, ...headersFor(request), ...headers,
		});
		response.end(request.method === 'HEAD' ? undefined : bytes);
	}

	function authenticate(request: IncomingMessage): void {
		const header = request.headers.authorization ?? '';
		const match = /^Basic\s+([A-Za-z\d+/=]+)\s*$/i.exec(header);
		const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
		const colon = decoded.indexOf(':');
		const user = colon < 0 ? '' : decoded.slice(0, colon);
		const password = colon < 0 ? '' : decoded.slice(colon + 1);
		const {authToken, apiKeySid, apiKeySecret} = dataset.credentials;
		const byAccount = user === accountSid && sameSecret(password, authToken);
		const byKey = user === apiKeySid && sameSecret(password, apiKeySecret);
		if (!byAccount && !byKey) {
			throw new TwilioApiError(401, twilioCodes.authenticate, 'Authenticate', {
				detail: 'Your AccountSid or AuthToken was incorrect.',
				headers: {'www-authenticate': basicChallenge},
			});
		}
	}

	/** Injected API faults (with `scope=all`): errors and delays only, keyed by the request so retries pass. */
	async function apiFault(method: string, url: URL): Promise<void> {
		const fault = faults.decide(`api ${method} ${url.pathname}${url.search}`, false);
		if (!fault) {
			return;
		}

		const retryAfter = {'retry-after': String(faults.spec.retryAfter)};
		switch (fault.kind) {
			case 'slow': {
				await delay(faults.spec.slowMs, undefined, {ref: false});
				return;
			}

			case '429': {
				throw new TwilioApiError(429, twilioCodes.tooManyRequests, 'Too Many Requests', {headers: retryAfter});
			}

			case '503': {
				throw new TwilioApiError(503, twilioCodes.unavailable, 'Service Unavailable', {headers: retryAfter});
			}

			default: {
				throw new TwilioApiError(500, twilioCodes.internal, 'Internal Server Error');
			}
		}
	}

	/**
	 * The origin the client asked: http (this server has no TLS) and the request's own Host, so every absolute URL in
	 * an answer points back through whatever proxy the client used. Without a usable Host, the listening address.
	 */
	function originOf(request: IncomingMessage): string {
		const host = request.headers.host?.trim() ?? '';
		return hostHeader.test(host) ? `http://${host.toLowerCase()}` : origin;
	}

	/**
	 * A 2010-04-01 page. The document's list schemas give the page URIs `format: uri` (absolute); its own examples,
	 * like Twilio itself, write paths relative to the API root. The schema is what validators check, so these are
	 * absolute, on the origin the client asked.
	 */
	function page2010(slice: PageSlice<unknown>, base: string, path: string, key: string, items: unknown[]): Record<string, unknown> {
		const at = (query: string) => `${base}${path}?${query}`;
		return {
			[key]: items,
			end: items.length === 0 ? slice.start : slice.start + items.length - 1,
			first_page_uri: at(slice.first),
			next_page_uri: slice.next === null ? null : at(slice.next),
			previous_page_uri: slice.previous === null ? null : at(slice.previous),
			page: slice.page,
			page_size: slice.pageSize,
			start: slice.start,
			uri: at(slice.self),
		};
	}

	function pageV2(slice: PageSlice<unknown>, base: string, path: string, key: string, items: unknown[]): Record<string, unknown> {
		const at = (query: string) => `${base}${path}?${query}`;
		return {
			[key]: items,
			meta: {
				key,
				page: slice.page,
				page_size: slice.pageSize,
				first_page_url: at(slice.first),
				next_page_url: slice.next === null ? null : at(slice.next),
				previous_page_url: slice.previous === null ? null : at(slice.previous),
				url: at(slice.self),
			},
		};
	}

	function listRecordings(url: URL, base: string): Record<string, unknown> {
		const query = url.searchParams;
		const page = readPageQuery(query, 1000);
		const range = readTimeRange(query, 'DateCreated');
		const callSid = query.get('CallSid');
		const conferenceSid = query.get('ConferenceSid');
		const includeDeleted = isTrue(query.get('IncludeSoftDeleted'));
		const visible: Array<Positioned<TwilioRecording>> = [];
		for (const [position, recording] of dataset.recordings.entries()) {
			if ((includeDeleted || !dataset.isDeleted(recording.sid))
				&& inRange(range, recording.created.getTime())
				&& (callSid === null || recording.callSid === callSid)
				// No recording here belongs to a conference.
				&& conferenceSid === null) {
				visible.push({position, item: recording});
			}
		}

		const slice = slicePage(visible, page, sid => recordingPositions.get(sid));
		const items = slice.items.map(recording => recordingJson(recording, accountSid, base, dataset.isDeleted(recording.sid)));
		return page2010(slice, base, url.pathname, 'recordings', items);
	}

	function listCalls(url: URL, base: string): Record<string, unknown> {
		const query = url.searchParams;
		const page = readPageQuery(query, 1000);
		const started = readTimeRange(query, 'StartTime');
		const ended = readTimeRange(query, 'EndTime');
		const filters = {
			to: query.get('To'), from: query.get('From'), status: query.get('Status'), parent: query.get('ParentCallSid'),
		};
		const visible: Array<Positioned<TwilioCall>> = [];
		for (const [position, call] of dataset.calls.entries()) {
			if (inRange(started, call.start.getTime()) && inRange(ended, call.end.getTime())
				&& (filters.to === null || call.to === filters.to)
				&& (filters.from === null || call.from === filters.from)
				&& (filters.status === null || call.status === filters.status)
				// Every call here is a parent leg.
				&& filters.parent === null) {
				visible.push({position, item: call});
			}
		}

		const slice = slicePage(visible, page, sid => callPositions.get(sid));
		return page2010(slice, base, url.pathname, 'calls', slice.items.map(call => callJson(call, accountSid)));
	}

	function isoFilter(query: URLSearchParams, name: string): number | undefined {
		const text = query.get(name);
		if (text === null) {
			return undefined;
		}

		const time = Date.parse(text);
		if (!Number.isFinite(time)) {
			throw invalidParameter(`${name} "${text}" is not an ISO 8601 date-time`);
		}

		return time;
	}

	function transcriptOut(transcript: TwilioTranscript, base: string): Record<string, unknown> {
		return transcriptJson(transcript, dataset.recording(transcript.recordingSid)!, accountSid, dataset.serviceSid, base);
	}

	function listTranscripts(url: URL, base: string): Record<string, unknown> {
		const query = url.searchParams;
		const page = readPageQuery(query, 1000);
		const sourceSid = query.get('SourceSid');
		const serviceSid = query.get('ServiceSid');
		const status = query.get('Status');
		const language = query.get('LanguageCode');
		const createdAfter = isoFilter(query, 'AfterDateCreated');
		const createdBefore = isoFilter(query, 'BeforeDateCreated');
		const startAfter = isoFilter(query, 'AfterStartTime');
		const startBefore = isoFilter(query, 'BeforeStartTime');
		const visible: Array<Positioned<TwilioTranscript>> = [];
		for (const [position, transcript] of dataset.transcripts.entries()) {
			const created = transcript.created.getTime();
			const started = transcript.mediaStart.getTime();
			if ((sourceSid === null || transcript.recordingSid === sourceSid)
				&& (serviceSid === null || dataset.serviceSid === serviceSid)
				&& (status === null || transcript.status === status)
				&& (language === null || transcript.languageCode === language)
				&& (createdAfter === undefined || created >= createdAfter) && (createdBefore === undefined || created < createdBefore)
				&& (startAfter === undefined || started >= startAfter) && (startBefore === undefined || started < startBefore)) {
				visible.push({position, item: transcript});
			}
		}

		const slice = slicePage(visible, page, sid => transcriptPositions.get(sid));
		return pageV2(slice, base, url.pathname, 'transcripts', slice.items.map(transcript => transcriptOut(transcript, base)));
	}

	function listSentences(url: URL, base: string, transcript: TwilioTranscript): Record<string, unknown> {
		const query = url.searchParams;
		const page = readPageQuery(query, 5000);
		const sentences = dataset.sentences(transcript);
		const positions = new Map(sentences.map((sentence, index) => [sentence.sid, index]));
		const slice = slicePage(sentences.map((item, position) => ({position, item})), page, sid => positions.get(sid));
		const withWords = isTrue(query.get('WordTimestamps'));
		return pageV2(slice, base, url.pathname, 'sentences', slice.items.map(sentence => sentenceJson(sentence, withWords)));
	}

	function redirectToMedia(request: IncomingMessage, response: ServerResponse, url: URL, recording: TwilioRecording, extension: string | undefined): void {
		// Without an extension Twilio answers with WAV.
		const format: AudioFormat = extension === '.mp3' ? 'mp3' : 'wav';
		const requested = url.searchParams.get('RequestedChannels');
		let channels: 1 | 2 = recording.channels;
		if (requested !== null) {
			if (requested !== '1' && requested !== '2') {
				throw invalidParameter(`RequestedChannels must be 1 or 2, not "${requested}"`);
			}

			// Twilio's docs do not say what a mono recording does with RequestedChannels=2; refusing is the safe reading.
			if (requested === '2' && recording.channels !== 2) {
				throw invalidParameter(`Recording ${recording.sid} has 1 channel; RequestedChannels=2 needs a dual-channel recording`);
			}

			channels = requested === '2' ? 2 : 1;
		}

		const path = storagePath(accountSid, recording.sid, format);
		const query = signer.sign(path, channels, nowSeconds() + urlTtl);
		stats.redirects++;
		response.writeHead(302, {location: `${storage.url}${path}?${query.toString()}`, 'content-length': 0, ...headersFor(request)});
		response.end();
	}

	async function testEndpoint(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
		const method = request.method ?? 'GET';
		if (url.pathname === '/_test/stats' && (method === 'GET' || method === 'HEAD')) {
			sendJson(request, response, 200, {...stats, faults: {...faults.injected}, deleted: [...dataset.deleted.keys()], now: nowSeconds()});
			return;
		}

		if (url.pathname === '/_test/stats/reset' && method === 'POST') {
			// Reset in place: the storage origin holds the same object.
			Object.assign(stats, emptyStats());
			faults.clearCounts();
			response.writeHead(204).end();
			return;
		}

		if (url.pathname === '/_test/clock' && method === 'POST') {
			const advance = Number(url.searchParams.get('advance') ?? '');
			if (!Number.isSafeInteger(advance) || advance < 0) {
				throw invalidParameter('advance must be a whole number of seconds, 0 or more');
			}

			clockOffsetSeconds += advance;
			sendJson(request, response, 200, {now: nowSeconds(), offset: clockOffsetSeconds});
			return;
		}

		throw notFound(url.pathname);
	}

	async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://api.invalid');
		const method = request.method ?? 'GET';
		if (url.pathname.startsWith('/_test/')) {
			await testEndpoint(request, response, url);
			return;
		}

		const found = routes.find(candidate => candidate.pattern.test(url.pathname));
		const allowed = found ? methodsOf(found) : anyRouteMethods;
		// The documents put CORS headers on every answer, so a browser may call the API across origins; its preflight
		// (OPTIONS, which never carries credentials) is answered on every path this server serves, without auth.
		if (method === 'OPTIONS' && found) {
			response.writeHead(204, {...commonHeaders(allowed), allow: allowed.join(', '), 'access-control-max-age': '600'}).end();
			return;
		}

		// Media URLs too: this server behaves like an account with "HTTP Basic authentication for media" switched on.
		authenticate(request);
		if (!found) {
			throw notFound(url.pathname);
		}

		if (!allowed.includes(method)) {
			throw new TwilioApiError(405, twilioCodes.methodNotAllowed, 'Method not allowed', {headers: {...commonHeaders(allowed), allow: allowed.join(', ')}});
		}

		const groups = found.pattern.exec(url.pathname)!;
		if (url.pathname.startsWith('/2010-04-01/') && groups[1] !== accountSid) {
			throw new TwilioApiError(401, twilioCodes.authenticate, 'Authenticate', {
				detail: `These credentials do not belong to account ${groups[1]}.`,
				headers: {'www-authenticate': basicChallenge},
			});
		}

		// The query parameters the documents constrain (patterns, enums, booleans, ranges): Twilio's 400 (20001).
		if (method !== 'DELETE' && found.name in documentedOperations) {
			checkQuery(found.name as DocumentedOperation, url.searchParams);
		}

		await apiFault(method, url);
		const base = originOf(request);
		const stillThere = (sid: string): TwilioRecording => {
			const recording = dataset.recording(sid);
			const soft = isTrue(url.searchParams.get('IncludeSoftDeleted')) && method !== 'DELETE';
			if (!recording || (dataset.isDeleted(sid) && !soft)) {
				throw notFound(url.pathname);
			}

			return recording;
		};

		switch (found.name) {
			case 'recordings': {
				sendJson(request, response, 200, listRecordings(url, base));
				return;
			}

			case 'recording': {
				const recording = stillThere(groups[2]!);
				if (method === 'DELETE') {
					if (dataset.isDeleted(recording.sid)) {
						throw notFound(url.pathname);
					}

					dataset.delete(recording.sid, new Date(nowSeconds() * 1000));
					stats.deletions++;
					response.writeHead(204, headersFor(request)).end();
					return;
				}

				sendJson(request, response, 200, recordingJson(recording, accountSid, base, dataset.isDeleted(recording.sid)));
				return;
			}

			case 'media': {
				const recording = dataset.recording(groups[2]!);
				if (!recording || dataset.isDeleted(recording.sid)) {
					throw notFound(url.pathname);
				}

				redirectToMedia(request, response, url, recording, groups[3]);
				return;
			}

			case 'calls': {
				sendJson(request, response, 200, listCalls(url, base));
				return;
			}

			case 'call': {
				const call = dataset.call(groups[2]!);
				if (!call) {
					throw notFound(url.pathname);
				}

				sendJson(request, response, 200, callJson(call, accountSid));
				return;
			}

			case 'transcripts': {
				sendJson(request, response, 200, listTranscripts(url, base));
				return;
			}

			case 'transcript':
			case 'sentences': {
				const transcript = dataset.transcript(groups[1]!);
				if (!transcript) {
					throw notFound(url.pathname);
				}

				sendJson(request, response, 200, found.name === 'transcript' ? transcriptOut(transcript, base) : listSentences(url, base, transcript));
				return;
			}

			default: {
				throw notFound(url.pathname);
			}
		}
	}

	const server: Server = createServer({keepAlive: true, requestTimeout: 0}, (request, response) => {
		stats.apiRequests++;
		void (async () => {
			try {
				if (latencyMs > 0) {
					await delay(latencyMs, undefined, {ref: false});
				}

				await route(request, response);
			} catch (error) {
				const failure = error instanceof TwilioApiError
					? error
					: new TwilioApiError(500, twilioCodes.internal, 'Internal Server Error');
				if (!(error instanceof TwilioApiError)) {
					console.error(error);
				}

				if (response.headersSent) {
					response.destroy();
					return;
				}

				if (failure.status === 429) {
					stats.tooManyRequests++;
				}

				sendJson(request, response, failure.status, failure.body, failure.headers);
			}
		})();
	});
	server.keepAliveTimeout = 30_000;
	try {
		server.listen(options.port ?? 0, host);
		await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
	} catch (error) {
		await storage.close();
		throw error;
	}

	const address = server.address() as AddressInfo;
	const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	origin = `http://${shownHost}:${address.port}`;
	const dual = dataset.recordings.filter(recording => recording.channels === 2).length;
	const {apiKeySid, apiKeySecret, authToken} = dataset.credentials;
	return {
		url: origin,
		credentials: {user: accountSid, password: authToken},
		describe: () => [
			`api key: user=${apiKeySid} password=${apiKeySecret}`,
			`account: ${accountSid}  calls: ${dataset.calls.length}  recordings: ${dataset.recordings.length} (${dual} dual-channel)`
			+ `  transcripts: ${dataset.transcripts.length} (service ${dataset.serviceSid})`,
			`REST API: ${origin}${accountPath(accountSid)}  Voice Intelligence (intelligence.twilio.com): ${origin}/v2`,
			`media: 302 to the storage origin ${storage.url}, signed URLs valid ${urlTtl} s`,
			`stats: ${origin}/_test/stats  reset: POST ${origin}/_test/stats/reset  clock: POST ${origin}/_test/clock?advance=SECONDS`,
		],
		async close() {
			server.closeAllConnections();
			await Promise.all([
				new Promise<void>(resolve => {
					server.close(() => {
						resolve();
					});
				}),
				storage.close(),
			]);
		},
	};
}

