/**
 * `ccdl demo-server --platform webex-cc`: a Webex Contact Center test server that answers in the shapes of Webex's
 * own API document (vendor-apis/webex-contact-center/webex-contact-center.json): `GET /v1/tasks`,
 * `POST /v1/captures/query` with presigned capture URLs on a second loopback origin (the "S3" storage), and the
 * tenant's multimedia profiles. OAuth 2 bearer tokens really expire and are refreshed at `POST /v1/access_token`.
 * Test hooks live under `/_test/` and need no token.
 */
import {randomUUID} from 'node:crypto';
import {once} from 'node:events';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as delay} from 'node:timers/promises';
import {type FaultDecision, FaultInjector, parseFaultSpec} from '../../demo-server/faults.js';
import {streamBody} from '../../demo-server/stream-body.js';
import {parseRange, writeRangeHead} from '../../demo-server/http.js';
import type {RunningTestServer, TestServerOptions} from '../types.js';
import {channelTypes, type ChannelType, type WebexRecording, type WebexTask, type WebexTranscription, WebexDataset} from './dataset.js';
import {apiErrorBody, readBody, sendJson, StorageError, storageErrorBody, WebexApiError} from './http.js';
import {OAuthError, TokenStore} from './oauth.js';
import {type MultimediaProfile, multimediaProfiles} from './profiles.js';
import {UrlSigner} from './signing.js';
import {transcriptBytes} from './transcripts.js';

export const defaultCalls = 2000;
export const defaultDays = 30;
export const defaultTokenTtl = 900;
/** The document's limits: at most 10 task IDs a capture query, `urlExpiration` at most 60 minutes. */
export const maxCaptureBatch = 10;
export const maxUrlExpiration = 60;
/** Not in the document; the example value, used when a query leaves `urlExpiration` out. */
export const defaultUrlExpiration = 30;
const maxTaskPageSize = 1000;
const defaultTaskPageSize = 100;
const maxProfilePageSize = 100;

/** What `GET /_test/stats` answers. */
export interface WebexStats {
	requests: number;
	api: {
		tasksRequests: number;
		tasksReturned: number;
		captureQueries: number;
		/** Capture queries by number of task IDs asked for ("1" … "10"), refused ones included. */
		captureBatchSizes: Record<string, number>;
		maxCaptureBatch: number;
		captureQueriesRefused: number;
		profileRequests: number;
		unauthorized: number;
		tokensRefreshed: number;
		tokenRequestsRefused: number;
	};
	storage: {
		requests: number;
		mediaRequests: number;
		partialResponses: number;
		mediaBytes: number;
		transcriptBytes: number;
		/** Requests to the storage origin that carried an Authorization header: must stay 0. */
		authorizationHeaders: number;
		authorizationHeaderPaths: string[];
		expiredRefused: number;
		badSignatureRefused: number;
	};
	faultsInjected: Record<string, number>;
}

function emptyStats(faultsInjected: Record<string, number>): WebexStats {
	return {
		requests: 0,
		api: {
			tasksRequests: 0, tasksReturned: 0, captureQueries: 0, captureBatchSizes: {}, maxCaptureBatch: 0, captureQueriesRefused: 0,
			profileRequests: 0, unauthorized: 0, tokensRefreshed: 0, tokenRequestsRefused: 0,
		},
		storage: {
			requests: 0, mediaRequests: 0, partialResponses: 0, mediaBytes: 0, transcriptBytes: 0,
			authorizationHeaders: 0, authorizationHeaderPaths: [], expiredRefused: 0, badSignatureRefused: 0,
		},
		faultsInjected,
	};
}

/** Start of tomorrow (UTC), as for the demo server, so "today" finds tasks. */
function defaultUntilMs(now = Date.now()): number {
	const today = new Date(now);
	return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
}

function untilMs(until: string | undefined): number {
	if (until === undefined) {
		return defaultUntilMs();
	}

	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(until);
	if (!match) {
		throw new TypeError(`until must be YYYY-MM-DD, not ${JSON.stringify(until)}`);
	}

	return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** Phone numbers in a recording's participants are masked, as the document's example shows (`+121****1219`). */
function maskNumber(number: string): string {
	return number.length <= 8 ? '****' : `${number.slice(0, 5)}****${number.slice(-3)}`;
}

interface Served {
	size: number;
	etag: string;
	lastModified: Date;
	contentType: string;
	kind: 'media' | 'transcript';
	chunks(start: number, end: number): Iterable<Buffer>;
}

/** Integer query value, or a 400 naming the parameter. */
function integerParameter(parameters: URLSearchParams, name: string): number | undefined {
	const raw = parameters.get(name);
	if (raw === null) {
		return undefined;
	}

	if (!/^-?\d{1,16}$/.test(raw)) {
		throw new WebexApiError(400, `${name} must be an integer, not "${raw}".`);
	}

	return Number(raw);
}

export async function start(options: TestServerOptions): Promise<RunningTestServer> {
	const seed = options.seed ?? 1;
	const dataset = new WebexDataset({
		seed,
		calls: options.calls ?? defaultCalls,
		days: options.days ?? defaultDays,
		untilMs: untilMs(options.until),
	});
	const profiles = multimediaProfiles(seed, dataset.orgId, dataset.untilMs);
	const tokens = new TokenStore(dataset.orgId, options.tokenTtl ?? defaultTokenTtl);
	const signer = new UrlSigner();
	const faults = new FaultInjector(parseFaultSpec(options.faults), seed);
	const latencyMs = options.latencyMs ?? 0;
	let stats = emptyStats(faults.injected);
	const initial = tokens.issue();
	let storageOrigin = '';

	function trackingIdOf(request: IncomingMessage): string {
		const given = request.headers.trackingid;
		return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : `ccdl-test_${randomUUID()}`;
	}

	function authenticate(request: IncomingMessage): void {
		const header = request.headers.authorization ?? '';
		const match = /^Bearer +(\S+)$/i.exec(header);
		if (!match) {
			throw new WebexApiError(401, 'The request has no bearer token.', {'www-authenticate': 'Bearer realm="webex"'});
		}

		const state = tokens.check(match[1]!);
		if (state === 'expired') {
			throw new WebexApiError(401, 'The access token has expired; refresh it.', {'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"'});
		}

		if (state === 'unknown') {
			throw new WebexApiError(401, 'The access token is not valid.', {'www-authenticate': 'Bearer error="invalid_token"'});
		}
	}

	function checkOrg(orgId: string | null | undefined): void {
		if (orgId !== null && orgId !== undefined && orgId !== dataset.orgId) {
			throw new WebexApiError(403, `The token has no permission for organization ${orgId}.`);
		}
	}

	function throwInjected(fault: FaultDecision): void {
		const retryAfter = {'retry-after': String(faults.spec.retryAfter)};
		if (fault.kind === '429') {
			throw new WebexApiError(429, `Too many requests; retry after ${faults.spec.retryAfter} s.`, retryAfter);
		}

		if (fault.kind === '503') {
			throw new WebexApiError(503, `The service is briefly unavailable; retry after ${faults.spec.retryAfter} s.`, retryAfter);
		}

		throw new WebexApiError(500, 'An unexpected error occurred (injected).');
	}

	async function apiFault(resource: string): Promise<void> {
		const fault = faults.decide(resource, false);
		if (fault?.kind === 'slow') {
			await delay(faults.spec.slowMs, undefined, {ref: false});
		} else if (fault) {
			throwInjected(fault);
		}
	}

	// --- GET /v1/tasks -------------------------------------------------------------------------------------------

	function taskJson(task: WebexTask): unknown {
		return {
			id: task.id,
			attributes: {
				owner: {id: task.owner.id, name: task.owner.name},
				queue: {id: task.queue.id, name: task.queue.name},
				channelType: task.channelType,
				status: task.status,
				createdTime: task.createdTime,
				lastUpdatedTime: task.lastUpdatedTime,
				captureRequested: task.captureRequested,
				origin: task.origin,
				destination: task.destination,
				direction: task.direction,
				reasonCode: task.reasonCode,
			},
		};
	}

	function channelFilter(parameters: URLSearchParams): Set<ChannelType> | undefined {
		const values = parameters.getAll('channelTypes').flatMap(value => value.split(',')).map(value => value.trim()).filter(Boolean);
		if (values.length === 0) {
			return undefined;
		}

		for (const value of values) {
			if (!(channelTypes as readonly string[]).includes(value)) {
				throw new WebexApiError(400, `channelTypes: "${value}" is not one of ${channelTypes.join(', ')} (lowercase).`);
			}
		}

		return new Set(values as ChannelType[]);
	}

	function listTasks(parameters: URLSearchParams): unknown {
		stats.api.tasksRequests++;
		const from = integerParameter(parameters, 'from');
		if (from === undefined) {
			throw new WebexApiError(400, 'from is required (epoch milliseconds).');
		}

		const to = integerParameter(parameters, 'to') ?? Date.now();
		if (from < 0 || to < from) {
			throw new WebexApiError(400, 'from must be a non-negative epoch time no later than to.');
		}

		const pageSize = integerParameter(parameters, 'pageSize') ?? defaultTaskPageSize;
		if (pageSize < 1 || pageSize > maxTaskPageSize) {
			throw new WebexApiError(400, `pageSize must be between 1 and ${maxTaskPageSize}.`);
		}

		checkOrg(parameters.get('orgId'));
		const channels = channelFilter(parameters);
		const data: unknown[] = [];
		// "Created after from" and "before to": [from, to). Tasks come sorted by createdTime, each time unique, so
		// the next page starts at the last task's createdTime + 1.
		for (let index = dataset.firstAtOrAfter(from); index < dataset.size && data.length < pageSize; index++) {
			if (dataset.createdTime(index) >= to) {
				break;
			}

			const task = dataset.task(index);
			if (!channels || channels.has(task.channelType)) {
				data.push(taskJson(task));
			}
		}

		stats.api.tasksReturned += data.length;
		return {meta: {orgId: dataset.orgId}, data};
	}

	// --- POST /v1/captures/query ---------------------------------------------------------------------------------

	function storagePath(task: WebexTask, fileName: string): string {
		return `/${dataset.orgId}/${task.id}/${encodeURIComponent(fileName)}`;
	}

	function recordingJson(task: WebexTask, recording: WebexRecording, seconds: number): unknown {
		return {
			id: recording.id,
			segment: recording.segment,
			attributes: {
				fileName: recording.fileName,
				filePath: signer.sign(storageOrigin, storagePath(task, recording.fileName), seconds),
				startTime: recording.startTime,
				stopTime: recording.stopTime,
				participants: [task.owner.id, maskNumber(task.direction === 'inbound' ? task.origin : task.destination)],
				channel1: 'Caller',
				channel2: 'Agent',
				callType: 'main',
			},
		};
	}

	function transcriptionJson(task: WebexTask, transcription: WebexTranscription, seconds: number): unknown {
		return {
			Source: transcription.source,
			Provider: 'CISCO',
			id: transcription.id,
			fileName: transcription.fileName,
			filePath: signer.sign(storageOrigin, storagePath(task, transcription.fileName), seconds),
			startTime: String(transcription.startTime),
			languageCode: transcription.languageCode,
			createTime: String(transcription.createTime),
		};
	}

	async function queryCaptures(request: IncomingMessage): Promise<unknown> {
		const text = (await readBody(request, 64 * 1024)).toString('utf8');
		let body: unknown;
		try {
			body = JSON.parse(text) as unknown;
		} catch {
			throw new WebexApiError(400, 'The request body is not valid JSON.');
		}

		const query = (body as {query?: unknown} | null)?.query as Record<string, unknown> | undefined;
		if (!query || typeof query !== 'object' || Array.isArray(query)) {
			throw new WebexApiError(400, 'query is required.');
		}

		const taskIds = query.taskIds;
		if (!Array.isArray(taskIds) || taskIds.some(id => typeof id !== 'string')) {
			throw new WebexApiError(400, 'query.taskIds must be an array of task IDs.');
		}

		stats.api.captureQueries++;
		const size = String(taskIds.length);
		stats.api.captureBatchSizes[size] = (stats.api.captureBatchSizes[size] ?? 0) + 1;
		stats.api.maxCaptureBatch = Math.max(stats.api.maxCaptureBatch, taskIds.length);
		try {
			if (taskIds.length > maxCaptureBatch) {
				throw new WebexApiError(400, `Maximum number of taskIds allowed are ${maxCaptureBatch}; got ${taskIds.length}.`);
			}

			if (new Set(taskIds).size !== taskIds.length) {
				throw new WebexApiError(400, 'query.taskIds must not repeat a task ID.');
			}

			const malformed = (taskIds as string[]).find(id => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
			if (malformed !== undefined) {
				throw new WebexApiError(400, `query.taskIds: "${malformed.slice(0, 64)}" is not a UUID.`);
			}

			const urlExpiration = query.urlExpiration ?? defaultUrlExpiration;
			if (typeof urlExpiration !== 'number' || !Number.isInteger(urlExpiration) || urlExpiration <= 0) {
				throw new WebexApiError(400, 'urlExpiration should be greater than 0.');
			}

			if (urlExpiration > maxUrlExpiration) {
				throw new WebexApiError(400, `urlExpiration must be at most ${maxUrlExpiration} minutes.`);
			}

			for (const flag of ['includeSegments', 'includeVARecordings'] as const) {
				if (query[flag] !== undefined && typeof query[flag] !== 'boolean') {
					throw new WebexApiError(400, `${flag} must be true or false.`);
				}
			}

			if (query.orgId !== undefined && typeof query.orgId !== 'string') {
				throw new WebexApiError(400, 'orgId must be a string.');
			}

			checkOrg(query.orgId as string | undefined);
			const seconds = options.urlTtl ?? urlExpiration * 60;
			const data = (taskIds as string[]).map(taskId => {
				const index = dataset.indexOf(taskId);
				// The document: an unmatched task ID gives 200 with empty recording and transcription for that task.
				if (index < 0) {
					return {taskId, recording: [], transcription: []};
				}

				const task = dataset.task(index);
				const recordings = task.recording
					? (query.includeSegments === true && task.segments.length > 0 ? task.segments : [task.recording])
					: [];
				return {
					taskId,
					recording: recordings.map(recording => recordingJson(task, recording, seconds)),
					transcription: task.transcription ? [transcriptionJson(task, task.transcription, seconds)] : [],
				};
			});
			return {meta: {orgId: dataset.orgId, urlExpiration}, data};
		} catch (error) {
			stats.api.captureQueriesRefused++;
			throw error;
		}
	}

	// --- Multimedia profiles -------------------------------------------------------------------------------------

	/**
	 * The document's RSQL `filter` on `id`: ==, !=, =in=(…), =out=(…); values may be quoted. The parameter is any
	 * string and this operation documents no 400, so a filter this server cannot read matches no profile (200, []).
	 */
	function profileFilter(filter: string | null): (profile: MultimediaProfile) => boolean {
		if (filter === null || filter.trim() === '') {
			return () => true;
		}

		const unquote = (value: string) => value.trim().replace(/^"(.*)"$/, '$1');
		const single = /^id(==|!=)(.+)$/.exec(filter.trim());
		if (single) {
			const value = unquote(single[2]!);
			return single[1] === '==' ? profile => profile.id === value : profile => profile.id !== value;
		}

		const list = /^id=(in|out)=\((.*)\)$/.exec(filter.trim());
		if (list) {
			const values = new Set(list[2]!.split(',').map(unquote));
			return list[1] === 'in' ? profile => values.has(profile.id) : profile => !values.has(profile.id);
		}

		return () => false;
	}

	/**
	 * `page` and `pageSize` of the profile list: `type: integer` with no minimum or maximum in the document, and
	 * the operation documents no 400. So every integer is answered (200): a page below 0 is page 0, a pageSize
	 * below 1 is 1, above the maximum the maximum (as the document says for that end). Only a value that is not an
	 * integer at all, which the schema forbids, is refused: 400 in the document's ApiErrorResponse shape.
	 */
	function clampedInteger(parameters: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
		const raw = parameters.get(name);
		if (raw === null) {
			return fallback;
		}

		if (!/^-?\d+$/.test(raw)) {
			throw new WebexApiError(400, `${name} must be an integer, not "${raw.slice(0, 40)}".`);
		}

		return Math.min(max, Math.max(min, Number(raw)));
	}

	function listProfiles(parameters: URLSearchParams): unknown {
		stats.api.profileRequests++;
		const page = clampedInteger(parameters, 'page', 0, 0, 1_000_000_000);
		// The document: a pageSize above the maximum is lowered to it, not refused.
		const pageSize = clampedInteger(parameters, 'pageSize', 100, 1, maxProfilePageSize);
		const matching = profiles.filter(profileFilter(parameters.get('filter')));
		return matching.slice(page * pageSize, (page + 1) * pageSize);
	}

	function getProfile(id: string): unknown {
		stats.api.profileRequests++;
		const profile = profiles.find(candidate => candidate.id === id);
		if (!profile) {
			throw new WebexApiError(404, `There is no multimedia profile ${id.slice(0, 64)}.`);
		}

		return profile;
	}

	// --- Routing ---------------------------------------------------------------------------------------------------

	async function tokenEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const form = new URLSearchParams((await readBody(request, 16 * 1024)).toString('utf8'));
		try {
			const pair = tokens.refresh(form);
			stats.api.tokensRefreshed = tokens.refreshed;
			sendJson(response, 200, pair, {'cache-control': 'no-store', pragma: 'no-cache'});
		} catch (error) {
			if (!(error instanceof OAuthError)) {
				throw error;
			}

			stats.api.tokenRequestsRefused++;
			sendJson(response, error.status, {error: error.code, error_description: error.message}, {'cache-control': 'no-store'});
		}
	}

	function allow(methods: string): never {
		throw new WebexApiError(405, `Method not allowed here; use ${methods}.`, {allow: methods});
	}

	async function route(request: IncomingMessage, response: ServerResponse, trackingId: string): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://test.invalid');
		const {pathname: path} = url;
		const method = request.method ?? 'GET';
		const headers = {trackingid: trackingId};

		if (path.startsWith('/_test/')) {
			if (path === '/_test/stats') {
				if (method !== 'GET' && method !== 'HEAD') {
					allow('GET, HEAD');
				}

				sendJson(response, 200, stats);
				return;
			}

			const hooks: Record<string, () => void> = {
				'/_test/stats/reset': () => {
					faults.clearCounts();
					stats = emptyStats(faults.injected);
				},
				'/_test/tokens/expire': () => {
					tokens.expireAll();
				},
				'/_test/urls/expire': () => {
					signer.expireAll();
				},
			};
			const hook = hooks[path];
			if (!hook) {
				throw new WebexApiError(404, `There is nothing at ${path}.`);
			}

			if (method !== 'POST') {
				allow('POST');
			}

			hook();
			response.writeHead(204).end();
			return;
		}

		if (path === '/v1/access_token') {
			if (method !== 'POST') {
				allow('POST');
			}

			await tokenEndpoint(request, response);
			return;
		}

		const profileMatch = /^\/organization\/([^/]+)\/multimedia-profile(?:\/([^/]+))?$/.exec(path);
		const known = path === '/v1/tasks' || path === '/v1/captures/query' || profileMatch;
		if (!known) {
			throw new WebexApiError(404, `There is nothing at ${path}.`);
		}

		// HEAD wherever GET (RFC 9110): the same status and headers; Node sends no body for a HEAD.
		if (path === '/v1/captures/query' ? method !== 'POST' : method !== 'GET' && method !== 'HEAD') {
			allow(path === '/v1/captures/query' ? 'POST' : 'GET, HEAD');
		}

		try {
			authenticate(request);
		} catch (error) {
			stats.api.unauthorized++;
			throw error;
		}

		if (path === '/v1/tasks') {
			await apiFault(`GET ${path}${url.search}`);
			sendJson(response, 200, listTasks(url.searchParams), headers);
			return;
		}

		if (path === '/v1/captures/query') {
			const body = await queryCaptures(request);
			await apiFault(`POST ${path} ${JSON.stringify((body as {data: Array<{taskId: string}>}).data.map(item => item.taskId))}`);
			sendJson(response, 200, body, headers);
			return;
		}

		const orgId = decodeURIComponent(profileMatch![1]!);
		checkOrg(orgId);
		await apiFault(`GET ${path}${url.search}`);
		const body = profileMatch![2] === undefined ? listProfiles(url.searchParams) : getProfile(decodeURIComponent(profileMatch![2]));
		sendJson(response, 200, body, headers);
	}

	// --- Storage origin ----------------------------------------------------------------------------------------------

	function lookup(path: string): Served {
		const match = /^\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
		const index = match && match[1] === dataset.orgId ? dataset.indexOf(match[2]!) : -1;
		if (!match || index < 0) {
			throw new StorageError(404, 'NoSuchKey', 'The specified key does not exist.');
		}

		const task = dataset.task(index);
		const fileName = decodeURIComponent(match[3]!);
		const lastModified = new Date(Math.floor(task.lastUpdatedTime / 1000) * 1000);
		const recording = [task.recording, ...task.segments].find(candidate => candidate?.fileName === fileName);
		if (recording) {
			const {audio} = recording;
			return {
				size: audio.size,
				etag: `"${audio.sha256.subarray(0, 16).toString('hex')}"`,
				lastModified,
				contentType: 'audio/mpeg',
				kind: 'media',
				chunks: (start, end) => audio.chunks(start, end),
			};
		}

		if (task.transcription?.fileName === fileName) {
			const bytes = transcriptBytes(task, task.transcription, seed);
			return {
				size: bytes.length,
				etag: `"${task.transcription.id.toLowerCase()}-${bytes.length.toString(16)}"`,
				lastModified,
				contentType: 'application/json',
				kind: 'transcript',
				chunks: (start, end) => [bytes.subarray(start, end + 1)],
			};
		}

		throw new StorageError(404, 'NoSuchKey', 'The specified key does not exist.');
	}

	async function serveStorage(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://storage.invalid');
		const method = request.method ?? 'GET';
		if (request.headers.authorization !== undefined) {
			// Counted first: the point is to notice a client that leaks its bearer token to the storage origin.
			stats.storage.authorizationHeaders++;
			if (stats.storage.authorizationHeaderPaths.length < 20) {
				stats.storage.authorizationHeaderPaths.push(url.pathname);
			}
		}

		if (method !== 'GET' && method !== 'HEAD') {
			throw new StorageError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {allow: 'GET, HEAD'});
		}

		if (request.headers.authorization !== undefined && url.searchParams.has('X-Amz-Signature')) {
			// What S3 says when a presigned URL also carries an Authorization header.
			throw new StorageError(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.');
		}

		const check = signer.check(url.pathname, url.searchParams);
		if (check === 'expired') {
			stats.storage.expiredRefused++;
			throw new StorageError(403, 'AccessDenied', 'Request has expired');
		}

		if (check === 'bad-signature') {
			stats.storage.badSignatureRefused++;
			throw new StorageError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
		}

		if (check === 'missing') {
			stats.storage.badSignatureRefused++;
			throw new StorageError(403, 'AccessDenied', 'Access Denied');
		}

		const served = lookup(url.pathname);
		let fault = method === 'HEAD' ? undefined : faults.decide(url.pathname, true);
		if (method !== 'HEAD' && faults.isBroken(url.pathname)) {
			fault = {kind: 'truncate', cutAt: 0.5};
		}

		if (fault?.kind === 'slow') {
			await delay(faults.spec.slowMs, undefined, {ref: false});
			fault = undefined;
		} else if (fault && (fault.kind === '429' || fault.kind === '503' || fault.kind === '500')) {
			const retryAfter = {'retry-after': String(faults.spec.retryAfter)};
			throw fault.kind === '500'
				? new StorageError(500, 'InternalError', 'We encountered an internal error. Please try again.')
				: fault.kind === '503'
					? new StorageError(503, 'SlowDown', 'Please reduce your request rate.', retryAfter)
					: new StorageError(429, 'TooManyRequests', 'Too many requests; retry later.', retryAfter);
		}

		await sendBytes(request, response, served, fault);
	}

	async function sendBytes(request: IncomingMessage, response: ServerResponse, served: Served, fault: FaultDecision | undefined): Promise<void> {
		const ifRange = request.headers['if-range'];
		// RFC 9110 §13.1.5: a Range is honoured only if If-Range still names this representation.
		const rangeAllowed = request.method === 'GET'
			&& (ifRange === undefined || ifRange === served.etag || ifRange === served.lastModified.toUTCString());
		const range = rangeAllowed ? parseRange(request.headers.range, served.size) : {kind: 'full' as const};
		if (range.kind === 'unsatisfiable') {
			throw new StorageError(416, 'InvalidRange', 'The requested range is not satisfiable', {'content-range': `bytes */${served.size}`});
		}

		const headers: Record<string, string | number> = {
			'content-type': served.contentType,
			etag: served.etag,
			'last-modified': served.lastModified.toUTCString(),
			'accept-ranges': 'bytes',
			'x-amz-request-id': randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
		};
		if (range.kind === 'partial') {
			stats.storage.partialResponses++;
		}

		const span = writeRangeHead(request, response, headers, range, served.size);
		if (!span) {
			return;
		}

		const {start, end, length} = span;
		stats.storage.mediaRequests++;
		await streamBody(response, served.chunks(start, end), {
			length, fault, onBytes: bytes => {
				if (served.kind === 'media') {
					stats.storage.mediaBytes += bytes;
				} else {
					stats.storage.transcriptBytes += bytes;
				}
			},
		});
	}

	// --- The two servers -----------------------------------------------------------------------------------------------

	const api: Server = createServer({keepAlive: true, requestTimeout: 0}, (request, response) => {
		stats.requests++;
		const trackingId = trackingIdOf(request);
		void (async () => {
			try {
				if (latencyMs > 0) {
					await delay(latencyMs, undefined, {ref: false});
				}

				await route(request, response, trackingId);
			} catch (error) {
				const failure = error instanceof WebexApiError ? error : new WebexApiError(500, 'An unexpected error occurred.');
				if (!(error instanceof WebexApiError)) {
					console.error(error);
				}

				if (response.headersSent) {
					response.destroy();
					return;
				}

				if (request.readableEnded === false) {
					request.resume();
				}

				sendJson(response, failure.status, apiErrorBody(failure, trackingId), {trackingid: trackingId, ...failure.headers});
			}
		})();
	});
	const storage: Server = createServer({keepAlive: true, requestTimeout: 0}, (request, response) => {
		stats.storage.requests++;
		void (async () => {
			const requestId = randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
			try {
				if (latencyMs > 0) {
					await delay(latencyMs, undefined, {ref: false});
				}

				await serveStorage(request, response);
			} catch (error) {
				const failure = error instanceof StorageError ? error : new StorageError(500, 'InternalError', 'We encountered an internal error. Please try again.');
				if (!(error instanceof StorageError)) {
					console.error(error);
				}

				if (response.headersSent) {
					response.destroy();
					return;
				}

				const body = storageErrorBody(failure, new URL(request.url ?? '/', 'http://storage.invalid').pathname, requestId);
				response.writeHead(failure.status, {'content-type': 'application/xml', 'content-length': body.length, 'x-amz-request-id': requestId, ...failure.headers});
				response.end(request.method === 'HEAD' ? undefined : body);
			}
		})();
	});
	for (const server of [api, storage]) {
		server.keepAliveTimeout = 30_000;
	}

	const host = options.host ?? '127.0.0.1';
	api.listen(options.port ?? 0, host);
	await once(api, 'listening');
	// The storage origin is another port of the same interface: another origin, so a client's token must not follow.
	storage.listen(0, host);
	await once(storage, 'listening');
	const origin = (server: Server) => {
		const address = server.address() as AddressInfo;
		return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
	};

	const url = origin(api);
	storageOrigin = origin(storage);
	const first = dataset.size > 0 ? new Date(dataset.createdTime(0)).toISOString() : '-';
	const last = dataset.size > 0 ? new Date(dataset.createdTime(dataset.size - 1)).toISOString() : '-';
	return {
		url,
		credentials: {user: dataset.orgId, password: initial.access_token},
		describe: () => [
			`platform: webex-cc  org: ${dataset.orgId}  tasks: ${dataset.size} (${first} … ${last})  token-ttl: ${tokens.tokenTtlSeconds} s`,
			`storage: ${storageOrigin} (presigned capture URLs${options.urlTtl === undefined ? '' : `, valid ${options.urlTtl} s`})`,
			`oauth: token_url=${url}/v1/access_token client_id=${tokens.clientId} client_secret=${tokens.clientSecret} refresh_token=${initial.refresh_token}`,
			`stats: ${url}/_test/stats  hooks: POST ${url}/_test/stats/reset, /_test/tokens/expire, /_test/urls/expire`,
		],
		async close() {
			for (const server of [api, storage]) {
				server.closeAllConnections();
			}

			await Promise.all([api, storage].map(async server => new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			})));
		},
	};
}
