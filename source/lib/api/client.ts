/**
 * The one module that speaks HTTP to "Contact Center Media API v1". It logs in, refreshes the token once when the
 * server says it expired (and replays the request), waits out 429/503, retries transient failures with backoff,
 * and hands the rest of ccdl the wire model. A vendor adapter would implement the same surface.
 */
import http, {type IncomingMessage} from 'node:http';
import https from 'node:https';
import type {Readable} from 'node:stream';
import got, {type Got, type Response} from 'got';
import {UsageError} from '../errors.js';
import {ApiProblemError, AuthError, describeNetworkError, parseRetryAfter, ServerError} from './errors.js';
import {backoffDelay, defaultRetryPolicy, RateGate, type RetryPolicy} from './retry.js';
import type {
	ArchiveResult, BatchArchiveResponse, Campaign, Channel, Problem, ProblemCode, Recording, RecordingPage, TokenResponse,
	UserInfo,
} from './wire.js';
import {setTimeout as delay} from 'node:timers/promises';

export interface LoginOptions {
	/** API base URL, e.g. `https://demo.comnica.cc` or `http://127.0.0.1:40123`. */
	server: string;
	/** Company (tenant) name; optional when the server URL already names the tenant. */
	company?: string;
	username: string;
	password: string;
	signal?: AbortSignal;
	retry?: RetryPolicy;
}

export interface RecordingQuery {
	from?: string;
	to?: string;
	campaigns?: readonly string[];
	channels?: readonly Channel[];
	includeArchived?: boolean;
	/** Page size, 1–1000. */
	limit?: number;
}

export interface DownloadResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable;
}

const userAgent = 'ccdl/0.1 (+https://github.com/ccdl)';
const maxPageSize = 1000;

/** Checks that a --server value is an http(s) URL and returns it without a trailing slash. */
export function normaliseServerUrl(server: string): string {
	let url: URL;
	try {
		url = new URL(server);
	} catch {
		throw new UsageError(`"${server}" is not a URL; use e.g. https://demo.comnica.cc.`);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UsageError(`"${server}" is not an http(s) URL; use e.g. https://demo.comnica.cc.`);
	}

	if (url.username || url.password) {
		throw new UsageError('Do not put credentials in the server URL; use --user and a password prompt, CCDL_PASSWORD or --password-stdin.');
	}

	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function problemOf(response: Response<string>): ApiProblemError {
	let problem: Partial<Problem> = {};
	try {
		problem = JSON.parse(response.body) as Partial<Problem>;
	} catch {}

	const code = typeof problem.code === 'string' ? problem.code as ProblemCode : undefined;
	const detail = typeof problem.detail === 'string' ? problem.detail.slice(0, 300) : `HTTP ${response.statusCode}`;
	const retryAfter = parseRetryAfter(response.headers['retry-after']);
	return new ApiProblemError(response.statusCode, code, `The server answered ${response.statusCode}: ${detail}`, retryAfter);
}

export class ApiClient {
	readonly baseUrl: string;
	readonly gate = new RateGate();
	readonly retry: RetryPolicy;
	user: UserInfo;
	#accessToken: string;
	#refreshToken: string;
	#refreshing: Promise<void> | undefined;
	readonly #http: Got;

	private constructor(baseUrl: string, token: TokenResponse, retry: RetryPolicy) {
		this.baseUrl = baseUrl;
		this.retry = retry;
		this.user = token.user;
		this.#accessToken = token.accessToken;
		this.#refreshToken = token.refreshToken;
		this.#http = got.extend({
			retry: {limit: 0},
			throwHttpErrors: false,
			followRedirect: true,
			// got has no default timeouts; a stalled server must not hang a cron job forever.
			timeout: {lookup: 10_000, connect: 10_000, secureConnect: 10_000, socket: 60_000, send: 60_000},
			headers: {'user-agent': userAgent},
		});
	}

	static async login(options: LoginOptions): Promise<ApiClient> {
		const baseUrl = normaliseServerUrl(options.server);
		const retry = options.retry ?? defaultRetryPolicy;
		const bootstrap = new ApiClient(baseUrl, {accessToken: '', refreshToken: '', tokenType: 'Bearer', expiresIn: 0, user: {username: options.username, displayName: options.username, role: 'supervisor', company: options.company ?? ''}}, retry);
		let token: TokenResponse;
		try {
			token = await bootstrap.#request<TokenResponse>('POST', '/v1/auth/token', {
				json: {company: options.company ?? '', username: options.username, password: options.password},
				authenticated: false,
				signal: options.signal,
				failFast: true,
			});
		} catch (error) {
			if (error instanceof ApiProblemError) {
				if (error.problemCode === 'unknown-company' || (error.status === 404 && options.company)) {
					throw new AuthError('unknown-company', `The server does not know the company "${options.company ?? ''}"; check the company name.`);
				}

				if (error.status === 401 || error.problemCode === 'invalid-credentials') {
					throw new AuthError('invalid-credentials', 'The user name or password is wrong (both are case-sensitive).');
				}

				if (error.status === 404) {
					throw new ServerError('not-an-api', `${baseUrl} does not look like a Contact Center Media API (no /v1/auth/token); check --server.`);
				}
			}

			throw error;
		}

		if (typeof token?.accessToken !== 'string' || typeof token.refreshToken !== 'string') {
			throw new ServerError('bad-response', `${baseUrl} answered the login without a token; check --server.`);
		}

		return new ApiClient(baseUrl, token, retry);
	}

	/** The absolute URL of an API path or an href from a listing; refuses other origins so the token never leaks. */
	resolve(href: string): URL {
		const base = new URL(this.baseUrl);
		const url = href.startsWith('/') && !href.startsWith('//')
			? new URL(`${base.pathname.replace(/\/$/, '')}${href}`, base.origin)
			: new URL(href, `${this.baseUrl}/`);
		if (url.origin !== base.origin) {
			throw new ServerError('foreign-url', `The server pointed to ${url.origin}, outside ${base.origin}; ccdl does not send your token there.`);
		}

		return url;
	}

	#authHeaders(): Record<string, string> {
		return {authorization: `Bearer ${this.#accessToken}`};
	}

	/** Refreshes the access token; concurrent callers share one refresh. */
	async refreshToken(signal?: AbortSignal): Promise<void> {
		this.#refreshing ??= (async () => {
			try {
				const token = await this.#request<TokenResponse>('POST', '/v1/auth/refresh', {
					json: {refreshToken: this.#refreshToken}, authenticated: false, signal,
				});
				this.#accessToken = token.accessToken;
				this.#refreshToken = token.refreshToken;
			} catch (error) {
				if (error instanceof ApiProblemError && (error.status === 401 || error.status === 422)) {
					throw new AuthError('session-expired', 'The session expired and could not be renewed; log in again.', {cause: error});
				}

				throw error;
			} finally {
				this.#refreshing = undefined;
			}
		})();
		return this.#refreshing;
	}

	async #request<T>(method: 'GET' | 'POST', path: string, options: {
		searchParams?: URLSearchParams; json?: unknown; authenticated?: boolean; signal?: AbortSignal;
		/** Give up at once when nothing listens or the name does not resolve (at login: a typo, not a blip). */
		failFast?: boolean;
	} = {}): Promise<T> {
		const authenticated = options.authenticated ?? true;
		let refreshed = false;
		let failures = 0;
		let waits = 0;
		for (;;) {
			await this.gate.wait(options.signal);
			const tokenUsed = this.#accessToken;
			let response: Response<string>;
			try {
				const url = this.resolve(path);
				if (options.searchParams) {
					url.search = options.searchParams.toString();
				}

				response = await this.#http(url, {
					method,
					headers: {accept: 'application/json', ...(authenticated ? this.#authHeaders() : {})},
					...(options.json === undefined ? {} : {json: options.json}),
					signal: options.signal,
				}) as Response<string>;
			} catch (error) {
				if (options.signal?.aborted || error instanceof ServerError) {
					throw error;
				}

				const code = (error as {code?: string}).code ?? '';
				if (++failures >= this.retry.attempts || (options.failFast && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))) {
					throw describeNetworkError(error, this.baseUrl);
				}

				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			if (response.statusCode >= 200 && response.statusCode < 300) {
				try {
					return JSON.parse(response.body) as T;
				} catch {
					throw new ServerError('bad-response', `${this.baseUrl} answered ${path} with something that is not JSON; check --server.`);
				}
			}

			const problem = problemOf(response);
			if (response.statusCode === 401 && authenticated && !refreshed) {
				refreshed = true;
				if (this.#accessToken === tokenUsed) {
					await this.refreshToken(options.signal);
				}

				continue;
			}

			if ((response.statusCode === 429 || response.statusCode === 503) && ++waits <= this.retry.maxWaits) {
				this.gate.pause(problem.retryAfter ?? backoffDelay(waits, this.retry) / 1000);
				continue;
			}

			if (problem.isTransient && ++failures < this.retry.attempts) {
				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			throw problem;
		}
	}

	async me(signal?: AbortSignal): Promise<UserInfo> {
		return this.#request<UserInfo>('GET', '/v1/me', {signal});
	}

	async campaigns(signal?: AbortSignal): Promise<Campaign[]> {
		const list = await this.#request<{items?: unknown}>('GET', '/v1/campaigns', {signal});
		if (!Array.isArray(list.items)) {
			throw new ServerError('bad-response', 'The campaign list from the server is malformed.');
		}

		return list.items as Campaign[];
	}

	/** Every page of a query, following cursors until the last page. */
	async *recordingPages(query: RecordingQuery, signal?: AbortSignal): AsyncGenerator<RecordingPage> {
		const parameters = new URLSearchParams();
		if (query.from) {
			parameters.set('from', query.from);
		}

		if (query.to) {
			parameters.set('to', query.to);
		}

		for (const campaign of query.campaigns ?? []) {
			parameters.append('campaign', campaign);
		}

		for (const channel of query.channels ?? []) {
			parameters.append('channel', channel);
		}

		parameters.set('includeArchived', String(query.includeArchived ?? false));
		parameters.set('limit', String(query.limit ?? maxPageSize));
		const seen = new Set<string>();
		for (;;) {
			const page = await this.#request<RecordingPage>('GET', '/v1/recordings', {searchParams: parameters, signal});
			if (!Array.isArray(page?.items)) {
				throw new ServerError('bad-response', 'A page of the recording list from the server is malformed.');
			}

			yield page;
			if (typeof page.nextCursor !== 'string' || page.nextCursor === '' || page.items.length === 0) {
				return;
			}

			// A server that hands out the same cursor twice would page forever.
			if (seen.has(page.nextCursor)) {
				throw new ServerError('bad-response', 'The server repeated a page cursor; the listing cannot finish.');
			}

			seen.add(page.nextCursor);
			parameters.set('cursor', page.nextCursor);
		}
	}

	async archive(id: string, signal?: AbortSignal): Promise<ArchiveResult> {
		return this.#request<ArchiveResult>('POST', `/v1/recordings/${encodeURIComponent(id)}/archive`, {signal});
	}

	async archiveBatch(ids: readonly string[], signal?: AbortSignal): Promise<BatchArchiveResponse> {
		return this.#request<BatchArchiveResponse>('POST', '/v1/recordings/archive', {json: {ids}, signal});
	}

	async recording(id: string, signal?: AbortSignal): Promise<Recording> {
		return this.#request<Recording>('GET', `/v1/recordings/${encodeURIComponent(id)}`, {signal});
	}

	/**
	 * Opens a download. Refreshes the token once on 401; any other non-2xx becomes an ApiProblemError (with
	 * Retry-After) for the caller's retry loop, which owns the file and the resume offset. Media go over plain
	 * node:http with a keep-alive agent rather than got: per file that is a fifth less CPU, which shows on thousands
	 * of small recordings; redirects are followed only within the server's origin, so the token never leaves it.
	 */
	async openDownload(href: string, options: {offset?: number; ifRange?: string; signal?: AbortSignal} = {}): Promise<DownloadResponse> {
		let url = this.resolve(href);
		let refreshed = false;
		for (let redirects = 0; ; ) {
			await this.gate.wait(options.signal);
			const tokenUsed = this.#accessToken;
			const headers: Record<string, string> = {...this.#authHeaders(), 'accept-encoding': 'identity', 'user-agent': userAgent};
			if (options.offset) {
				headers['range'] = `bytes=${options.offset}-`;
				if (options.ifRange) {
					headers['if-range'] = options.ifRange;
				}
			}

			const response = await this.#get(url, headers, options.signal);
			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				return {status, headers: response.headers, body: response};
			}

			const location = response.headers.location;
			if (status >= 300 && status < 400 && location && ++redirects <= 5) {
				response.resume();
				url = this.resolve(new URL(location, url).href);
				continue;
			}

			let text = '';
			for await (const chunk of response as AsyncIterable<Buffer>) {
				if (text.length < 64 * 1024) {
					text += chunk.toString('utf8');
				}
			}

			const problem = problemOf({statusCode: status, headers: response.headers, body: text} as unknown as Response<string>);
			if (status === 401 && !refreshed) {
				refreshed = true;
				if (this.#accessToken === tokenUsed) {
					await this.refreshToken(options.signal);
				}

				continue;
			}

			throw problem;
		}
	}

	readonly #agents = {http: new http.Agent({keepAlive: true}), https: new https.Agent({keepAlive: true})};

	/** One GET; resolves with the response once its headers are in. A minute without a byte fails it. */
	async #get(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
		const secure = url.protocol === 'https:';
		return new Promise<IncomingMessage>((resolve, reject) => {
			const request = (secure ? https : http).request(url, {
				method: 'GET', headers, agent: secure ? this.#agents.https : this.#agents.http, timeout: 60_000, ...(signal ? {signal} : {}),
			}, resolve);
			request.once('timeout', () => {
				request.destroy(Object.assign(new Error('no data for 60 s'), {code: 'ETIMEDOUT'}));
			});
			request.once('error', reject);
			request.end();
		});
	}
}
