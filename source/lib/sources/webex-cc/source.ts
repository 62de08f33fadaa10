/**
 * Webex Contact Center as a source. Contacts are tasks (`GET /v1/tasks`, every page), their queue is the
 * "campaign"; recordings and transcripts come from `POST /v1/captures/query` (at most 10 task IDs a query) as
 * presigned URLs on a storage origin that expire. A file's href is an opaque `webex-capture:<taskId>:<kind>` that
 * openMedia resolves to the current URL, so a fresh URL (after a 403 "expired") never changes the file's identity and
 * a transfer resumes from its partial. The storage origin never sees the bearer token.
 *
 * Webex has no "archived" mark, gives no size or digest before the download, and deletes nothing here: the journal
 * stands in for archived, validation is length plus the container check, and the locally computed SHA-256 goes into
 * the manifest.
 */
import {createHash} from 'node:crypto';
import {Readable} from 'node:stream';
import {normaliseServerUrl} from '../../api/client.js';
import {ApiProblemError, AuthError, parseRetryAfter, ServerError} from '../../api/errors.js';
import {BodyLimitError, parseJsonBytes} from '../../api/body.js';
import {defaultRetryPolicy, RateGate, type RetryPolicy} from '../../api/retry.js';
import {UsageError} from '../../errors.js';
import {phrased} from '../../i18n/index.js';
import {FingerprintSet} from '../../text/fingerprint-set.js';
import {visible} from '../../text/visible.js';
import type {
	Campaign, Channel, ContactPage, ContactQuery, MediaResponse, OpenMediaOptions, Source, SourceCapabilities, SourceLogin, SourceUser,
} from '../model.js';
import {errorText, storageCode, WebexHttp} from './http.js';
import {attachCapture, type CaptureFiles, captureOf, channelTypeOf, epochMs, parseHref, type TaskInfo, taskKey, taskOf} from './map.js';
import {isToken, refreshCredentialsFromEnv, TokenKeeper, tokenUrlOf} from './oauth.js';
import {renderTranscript} from './transcript.js';

const capabilities: SourceCapabilities = {
	markArchived: false, delete: false, digestGiven: false, transcriptFormats: ['json', 'xml'], groups: 'queues',
};

/** The document's limits: at most 10 task IDs a capture query; presigned URLs live at most 60 minutes. */
export const captureBatchSize = 10;
export const urlExpirationMinutes = 60;
/** The largest page `GET /v1/tasks` gives. */
const taskPageSize = 1000;
/** Capture queries in flight at once while a page is listed. */
const captureConcurrency = 4;
/** A transcript file is text; more than this is not one. */
const maxTranscriptBytes = 16 * 1024 * 1024;
/** Without a queue list from the API, the campaign step shows the queues of the tasks of this many days. */
const queueScanDays = 30;
const queueScanPages = 20;
/**
 * Re-queries of a capture for one open: an expired URL, then (rarely) a fresh one that was revoked again before it
 * was used. A few are cheap; an endless loop against a storage that refuses every URL is not.
 */
const maxRequeries = 3;

/** An organisation ID goes into paths and queries: Webex's are UUIDs; anything path-safe is let through. */
const orgIdPattern = /^[A-Za-z\d][\w.-]{0,127}$/;

function record(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the results. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = Array.from({length: items.length});
	let next = 0;
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!);
		}
	}));
	return results;
}

export class WebexCcSource implements Source {
	readonly platform = 'webex-cc';
	readonly capabilities = capabilities;
	readonly baseUrl: string;
	readonly user: SourceUser;
	readonly gate: RateGate;
	readonly retry: RetryPolicy;
	readonly http: WebexHttp;
	/** The latest capture of each listed task: its presigned URLs, replaced when they expire. Keyed by taskKey, as are the next two. */
	readonly #captures = new Map<string, CaptureFiles>();
	readonly #requeries = new Map<string, Promise<CaptureFiles | undefined>>();
	readonly #channels = new Map<string, Channel>();
	readonly #queues = new Map<string, Campaign>();
	#queueEndpoint: 'unknown' | 'missing' = 'unknown';

	private constructor(http: WebexHttp, user: SourceUser) {
		this.http = http;
		this.baseUrl = http.baseUrl;
		this.gate = http.gate;
		this.retry = http.retry;
		this.user = user;
	}

	/**
	 * `--user` is the organisation ID; the secret an access token. With CCDL_WEBEX_REFRESH_TOKEN, _CLIENT_ID and
	 * _CLIENT_SECRET in the environment ccdl renews tokens itself. One cheap listing call checks both, and the
	 * organisation against the one the API says the token acts for.
	 */
	static async login(login: SourceLogin, env: NodeJS.ProcessEnv = process.env): Promise<WebexCcSource> {
		const baseUrl = normaliseServerUrl(login.server);
		const orgId = login.username.trim();
		if (!orgIdPattern.test(orgId)) {
			throw new UsageError(`For Webex Contact Center, --user is the organisation ID (a UUID such as 97cdbf45-ebe2-4687-8341-44d5c7abf101), not "${visible(login.username.slice(0, 80))}".`);
		}

		const refresh = refreshCredentialsFromEnv({...env, ...login.secrets});
		const secret = login.secret.trim();
		if (!isToken(secret) && !refresh) {
			throw new AuthError('invalid-credentials', ...phrased('cli.error.webex-not-a-token'));
		}

		const http = new WebexHttp({
			baseUrl, orgId, retry: login.retry ?? defaultRetryPolicy, gate: new RateGate(),
			// Without a usable access token but with refresh credentials, the first call fetches one.
			tokens: client => new TokenKeeper(isToken(secret) ? secret : '', refresh, baseUrl, async (form, signal) => client.exchange(tokenUrlOf(baseUrl), form, signal)),
		});
		const user: SourceUser = {username: orgId, displayName: `Webex organisation ${orgId}`, role: 'admin', company: login.company ?? ''};
		const source = new WebexCcSource(http, user);
		await source.#verify(login.signal);
		return source;
	}

	async #verify(signal?: AbortSignal): Promise<void> {
		const now = Date.now();
		let answer: unknown;
		try {
			answer = await this.http.json('GET', '/v1/tasks', {
				search: new URLSearchParams({from: String(now - 60_000), to: String(now), pageSize: '1', orgId: this.http.orgId}), signal, failFast: true,
			});
		} catch (error) {
			if (error instanceof ApiProblemError && error.status === 403) {
				throw new AuthError('wrong-organization', `The access token may not read organisation ${this.http.orgId}; check --user (the organisation ID) and the token's scopes (cjp:config_read).`);
			}

			if (error instanceof ApiProblemError && (error.status === 404 || error.status === 405)) {
				throw new ServerError('not-an-api', ...phrased('cli.error.not-webex', {url: this.baseUrl, answer: {key: 'cli.part.answer.status', params: {request: 'GET /v1/tasks', status: error.status}}}));
			}

			throw error;
		}

		const body = record(answer);
		if (!body || !Array.isArray(body['data'])) {
			throw new ServerError('not-an-api', ...phrased('cli.error.not-webex', {url: this.baseUrl, answer: {key: 'cli.part.answer.no-tasks', params: {request: 'GET /v1/tasks'}}}));
		}

		const metaOrg = record(body['meta'])?.['orgId'];
		if (typeof metaOrg === 'string' && metaOrg !== this.http.orgId) {
			throw new AuthError('wrong-organization', `The access token acts for organisation ${visible(metaOrg.slice(0, 80))}, not ${this.http.orgId}; check --user.`);
		}
	}

	/**
	 * The queues: from the documented queue list when the API answers it; otherwise (403 or 404: no such endpoint or
	 * no scope for it) the queues of the tasks listed so far, or of the last 30 days' tasks when none were listed.
	 */
	async campaigns(signal?: AbortSignal): Promise<Campaign[]> {
		if (this.#queueEndpoint === 'unknown') {
			const listed = await this.#queueList(signal);
			if (listed) {
				return listed;
			}

			this.#queueEndpoint = 'missing';
		}

		if (this.#queues.size === 0) {
			const now = Date.now();
			let pages = 0;
			for await (const page of this.#taskPages(now - queueScanDays * 86_400_000, now, [], signal)) {
				for (const raw of page.tasks) {
					const info = taskOf(raw);
					if (info) {
						this.#noteQueue(info);
					}
				}

				if (++pages >= queueScanPages) {
					break;
				}
			}
		}

		return [...this.#queues.values()].map(queue => ({...queue, channels: [...queue.channels]})).sort((a, b) => a.name.localeCompare(b.name));
	}

	async #queueList(signal?: AbortSignal): Promise<Campaign[] | undefined> {
		const queues: Campaign[] = [];
		for (let page = 0; page < 100; page++) {
			let answer: unknown;
			try {
				answer = await this.http.json('GET', `/organization/${encodeURIComponent(this.http.orgId)}/v2/contact-service-queue`, {
					search: new URLSearchParams({page: String(page), pageSize: '100'}), signal,
				});
			} catch (error) {
				if (error instanceof ApiProblemError && (error.status === 403 || error.status === 404)) {
					return undefined;
				}

				throw error;
			}

			const data = record(answer)?.['data'];
			if (!Array.isArray(data)) {
				return undefined;
			}

			for (const raw of data) {
				const item = record(raw);
				const id = typeof item?.['id'] === 'string' ? item['id'].slice(0, 128) : '';
				if (!id) {
					continue;
				}

				const type = typeof item!['channelType'] === 'string' ? item!['channelType'].toLowerCase() : '';
				const channel = (Object.entries(channelTypeOf) as Array<[Channel, string]>).find(([, webex]) => webex === type)?.[0];
				queues.push({id, name: typeof item!['name'] === 'string' ? item!['name'].slice(0, 256) : id, channels: channel ? [channel] : []});
			}

			if (data.length < 100) {
				break;
			}
		}

		return queues;
	}

	#noteQueue(info: TaskInfo): void {
		if (!info.queueId) {
			return;
		}

		const known = this.#queues.get(info.queueId);
		if (known) {
			if (!known.channels.includes(info.contact.channel)) {
				known.channels.push(info.contact.channel);
			}
		} else {
			this.#queues.set(info.queueId, {id: info.queueId, name: info.queueName || info.queueId, channels: [info.contact.channel]});
		}
	}

	/**
	 * Raw task pages of [from, to): the API sorts by createdTime and takes `from` as "created at or after", so the
	 * next page starts at the last task's createdTime + 1; a short page is the last. A page that does not move
	 * forward, a page of nothing but tasks already listed, or an endless listing stops with a sentence instead of
	 * looping. A task already listed (on this page or an earlier one) is left out here, before anything is asked
	 * about it: a capture query for the same task again costs a request and is refused if it repeats an ID.
	 */
	async *#taskPages(fromMs: number, toMs: number | undefined, channelTypes: readonly string[], signal?: AbortSignal): AsyncGenerator<{tasks: unknown[]; received: number}> {
		// Wide: a false match would drop a task (odds in text/fingerprint-set.ts).
		const seen = new FingerprintSet({wide: true});
		let from = Math.max(0, Math.floor(fromMs));
		for (let pages = 0; ; pages++) {
			if (toMs !== undefined && from >= toMs) {
				return;
			}

			if (pages >= this.http.limits.maxPages) {
				throw new ServerError('listing-too-long', `Webex's task listing went past ${this.http.limits.maxPages.toLocaleString('en')} pages without ending; narrow the dates.`);
			}

			const search = new URLSearchParams({from: String(from), pageSize: String(taskPageSize), orgId: this.http.orgId});
			if (toMs !== undefined) {
				search.set('to', String(Math.floor(toMs)));
			}

			// The document's prose says "separate values with commas", but the parameter is `type: array` with the
			// default style (form, explode), so validators expect channelTypes=telephony&channelTypes=chat.
			for (const channelType of channelTypes) {
				search.append('channelTypes', channelType);
			}

			const answer = await this.http.json<unknown>('GET', '/v1/tasks', {search, signal, maxBytes: this.http.limits.maxPageBytes});
			const data = record(answer)?.['data'];
			if (!Array.isArray(data)) {
				throw new ServerError('bad-response', 'A page of Webex\'s task list is malformed (no data array).');
			}

			if (data.length > taskPageSize) {
				throw new ServerError('bad-response', `Webex sent a page of ${data.length} tasks where at most ${taskPageSize} were asked for; the listing cannot be trusted.`);
			}

			const tasks = (data as unknown[]).filter(raw => {
				const id = record(raw)?.['id'];
				return typeof id === 'string' && seen.add(taskKey(id));
			});
			// Whatever its times say, a page that brings no task not listed before is a server going round in circles.
			if (pages > 0 && data.length > 0 && tasks.length === 0) {
				throw new ServerError('listing-repeats', 'Webex sent a page of tasks it had already listed; the server repeats itself, so ccdl stopped.');
			}

			yield {tasks, received: data.length};
			if (data.length < taskPageSize) {
				return;
			}

			const last = epochMs(record(record(data.at(-1))?.['attributes'])?.['createdTime']);
			if (last === undefined || last + 1 <= from) {
				throw new ServerError('listing-repeats', 'Webex\'s task list did not move forward from one page to the next; the listing would not end, so ccdl stopped.');
			}

			from = last + 1;
		}
	}

	async *contactPages(query: ContactQuery, signal?: AbortSignal): AsyncGenerator<ContactPage> {
		const fromMs = query.from ? Date.parse(query.from) : 0;
		const toMs = query.to ? Date.parse(query.to) : undefined;
		if (Number.isNaN(fromMs) || (toMs !== undefined && Number.isNaN(toMs))) {
			throw new UsageError('The listing needs valid from and to dates.');
		}

		const wanted = query.channels && query.channels.length > 0 ? query.channels : undefined;
		const channelTypes = wanted ? [...new Set(wanted.flatMap(channel => channelTypeOf[channel] ?? []))] : [];
		if (wanted && channelTypes.length === 0) {
			// Only video was asked for, and Webex has no video channel: nothing to list.
			return;
		}

		const queues = new Set(query.campaigns ?? []);
		for await (const page of this.#taskPages(fromMs, toMs, channelTypes, signal)) {
			const infos: TaskInfo[] = [];
			for (const raw of page.tasks) {
				const info = taskOf(raw);
				if (!info) {
					continue;
				}

				this.#noteQueue(info);
				if (queues.size > 0 && !queues.has(info.queueId)) {
					continue;
				}

				infos.push(info);
			}

			await this.#attachCaptures(infos, signal);
			yield {contacts: infos.map(info => info.contact), received: page.received};
		}
	}

	/** Asks for the captures of the tasks that may have one, ten at a time, and fills in their media and transcripts. */
	async #attachCaptures(infos: readonly TaskInfo[], signal?: AbortSignal): Promise<void> {
		const asked = infos.filter(info => info.captureRequested).map(info => info.contact.id);
		const batches: string[][] = [];
		for (let index = 0; index < asked.length; index += captureBatchSize) {
			batches.push(asked.slice(index, index + captureBatchSize));
		}

		const answers = await inPool(batches, captureConcurrency, async batch => this.#queryCaptures(batch, signal));
		for (const answer of answers) {
			for (const [taskId, files] of answer) {
				this.#captures.set(taskId, files);
			}
		}

		for (const info of infos) {
			const key = taskKey(info.contact.id);
			this.#channels.set(key, info.contact.channel);
			// An unmatched task or an empty capture leaves the contact listed, without media: "no recording".
			attachCapture(info.contact, this.#captures.get(key), true);
		}
	}

	/** One capture query (at most 10 task IDs); answers for IDs not asked for are ignored. The answer is keyed by taskKey. */
	async #queryCaptures(taskIds: readonly string[], signal?: AbortSignal): Promise<Map<string, CaptureFiles>> {
		const found = new Map<string, CaptureFiles>();
		if (taskIds.length === 0) {
			return found;
		}

		const answer = await this.http.json<unknown>('POST', '/v1/captures/query', {
			json: {query: {taskIds, urlExpiration: urlExpirationMinutes, orgId: this.http.orgId}}, signal,
		});
		const data = record(answer)?.['data'];
		if (!Array.isArray(data)) {
			throw new ServerError('bad-response', 'Webex answered a capture query without a data array.');
		}

		const asked = new Set(taskIds.map(id => taskKey(id)));
		for (const raw of data) {
			const capture = captureOf(raw);
			if (capture && asked.has(taskKey(capture.taskId))) {
				found.set(taskKey(capture.taskId), capture.files);
			}
		}

		return found;
	}

	/**
	 * The capture of one task asked for again (batch of 1), for a fresh URL. Callers that find the same stale URL at
	 * once share one query; one that comes after a fresh URL arrived uses it without asking again.
	 */
	async #requery(taskId: string, staleUrl: string | undefined, signal?: AbortSignal): Promise<CaptureFiles | undefined> {
		const key = taskKey(taskId);
		const pending = this.#requeries.get(key);
		if (pending) {
			return pending;
		}

		const current = this.#captures.get(key);
		if (current && staleUrl !== undefined && current.recording?.url !== staleUrl && current.transcript?.url !== staleUrl) {
			return current;
		}

		const query = (async () => {
			try {
				const files = (await this.#queryCaptures([taskId], signal)).get(key);
				if (files) {
					this.#captures.set(key, files);
				}

				return files;
			} finally {
				this.#requeries.delete(key);
			}
		})();
		this.#requeries.set(key, query);
		return query;
	}

	/** GETs the current URL of a task's file, asking for a fresh one when the storage says no (403: expired). */
	async #fetchCapture(taskId: string, kind: 'recording' | 'transcript', options: OpenMediaOptions): Promise<MediaResponse> {
		let files = this.#captures.get(taskKey(taskId)) ?? await this.#requery(taskId, undefined, options.signal);
		for (let requeries = 0; ; ) {
			const url = kind === 'recording' ? files?.recording?.url : files?.transcript?.url;
			if (!url) {
				throw new ApiProblemError(404, undefined, `Webex no longer has a ${kind} for task ${taskId}.`);
			}

			const answer = await this.http.storageGet(url, {
				...(options.offset ? {offset: options.offset} : {}), ...(options.ifRange ? {ifRange: options.ifRange} : {}), ...(options.signal ? {signal: options.signal} : {}),
			});
			if ('body' in answer) {
				return {status: answer.status, headers: answer.headers, body: answer.body};
			}

			if (answer.status === 403 && requeries++ < maxRequeries) {
				files = await this.#requery(taskId, url, options.signal);
				continue;
			}

			const code = storageCode(answer.error);
			const detail = errorText(answer.error);
			const retryAfter = parseRetryAfter(typeof answer.headers['retry-after'] === 'string' ? answer.headers['retry-after'] : undefined);
			throw new ApiProblemError(answer.status, undefined, `The capture storage answered ${answer.status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}.`, retryAfter);
		}
	}

	async openMedia(href: string, options: OpenMediaOptions = {}): Promise<MediaResponse> {
		const target = parseHref(href);
		if (!target) {
			throw new ServerError('bad-href', 'ccdl was asked for a Webex file it did not list.');
		}

		if (target.kind === 'recording') {
			return this.#fetchCapture(target.taskId, 'recording', options);
		}

		return this.#openTranscript(target.taskId, target.format, options);
	}

	/**
	 * A transcript: the JSON file from the storage, rendered here as JSON or XML. ccdl makes these bytes itself, so it
	 * knows their length, a validator and their SHA-256 (given as Repr-Digest: the engine then checks that what
	 * reaches the disk is what was rendered); a resume with that validator gets the rest as a 206.
	 */
	async #openTranscript(taskId: string, format: 'json' | 'xml', options: OpenMediaOptions): Promise<MediaResponse> {
		const response = await this.#fetchCapture(taskId, 'transcript', {...(options.signal ? {signal: options.signal} : {})});
		let document: unknown;
		try {
			const bytes = await this.http.read(response.body as never, maxTranscriptBytes);
			const announced = Number(response.headers['content-length']);
			if (Number.isSafeInteger(announced) && bytes.length !== announced) {
				// Cut short on the way: a network failure the engine retries, not a broken transcript.
				throw Object.assign(new Error(`transcript body cut short at ${bytes.length} of ${announced} bytes`), {code: 'ECONNRESET'});
			}

			document = parseJsonBytes(bytes, this.http.jsonLimits);
		} catch (error) {
			response.body.destroy();
			if (error instanceof BodyLimitError) {
				throw new ServerError('bad-transcript', `The transcript of task ${taskId} is ${error.message}; ccdl does not read it.`);
			}

			if (error instanceof SyntaxError) {
				throw new ServerError('bad-transcript', `The transcript of task ${taskId} is not JSON.`);
			}

			throw error;
		}

		const bytes = renderTranscript(document, taskId, this.#channels.get(taskKey(taskId)) ?? 'chat', format);
		const digest = createHash('sha256').update(bytes).digest();
		const etag = `"ccdl-${digest.subarray(0, 16).toString('hex')}"`;
		const headers: Record<string, string> = {
			'content-type': format === 'json' ? 'application/json' : 'application/xml',
			etag,
			'repr-digest': `sha-256=:${digest.toString('base64')}:`,
		};
		const offset = options.offset ?? 0;
		if (offset > 0 && offset < bytes.length && options.ifRange === etag) {
			headers['content-range'] = `bytes ${offset}-${bytes.length - 1}/${bytes.length}`;
			headers['content-length'] = String(bytes.length - offset);
			return {status: 206, headers, body: Readable.from([bytes.subarray(offset)])};
		}

		headers['content-length'] = String(bytes.length);
		return {status: 200, headers, body: Readable.from([bytes])};
	}
}

