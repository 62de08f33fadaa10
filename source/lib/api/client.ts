/**
 * The one module that speaks HTTP to "Contact Center Media API v1". It logs in, refreshes the token once when the
 * server says it expired (and replays the request), waits out 429/503, retries transient failures with backoff,
 * and hands the rest of ccdl the wire model. A vendor adapter would implement the same surface.
 *
 * Everything a server sends is untrusted: answers are read with deadlines and size caps, JSON is checked for depth
 * before it is parsed, server text that can end up in a message is made visible, and credentials are never sent to
 * an origin other than the one the user named (see {@link isAllowedRedirect}).
 */
import type {IncomingMessage, OutgoingHttpHeaders} from 'node:http';
import {createHash} from 'node:crypto';
import {FingerprintSet} from '../text/fingerprint-set.js';
import type {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {type Phrase, UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {visible} from '../text/visible.js';
import {BodyLimitError, bodyLimitServerError, parseJsonBytes, readBody} from './body.js';
import {ApiProblemError, AuthError, describeNetworkError, parseRetryAfter, ServerError} from './errors.js';
import {backoffDelay, defaultRetryPolicy, RateGate, type RetryPolicy} from './retry.js';
import {keepAliveAgents, sendRequest, withBodyDeadline} from './transport.js';
import type {
	ArchiveResult, BatchArchiveResponse, Campaign, Channel, Problem, ProblemCode, Recording, RecordingPage, TokenResponse,
	UserInfo,
} from './wire.js';

/** What ccdl accepts from a server before it calls the answer broken; every run ends and memory stays bounded. */
export interface ClientLimits {
	/** Time from sending a request to the last header of its answer. @default 30_000 */
	headersTimeoutMs: number;
	/** Time to read a whole JSON answer once its headers are in (a trickled body must end too). @default 300_000 */
	bodyTimeoutMs: number;
	/** Largest decoded JSON answer, listing pages excepted. @default 4 MiB */
	maxJsonBytes: number;
	/** Largest decoded page of the recording listing. @default 16 MiB */
	maxPageBytes: number;
	/** Deepest JSON nesting accepted. @default 64 */
	maxJsonDepth: number;
	/** Most JSON objects and arrays in one answer. @default 1,000,000 */
	maxJsonContainers: number;
	/** Bytes of an error answer read for its message; the rest is dropped. @default 8 KiB */
	maxErrorBodyBytes: number;
	/** Pages of one listing, however many recordings they hold. @default 50,000 */
	maxPages: number;
	/** Recordings of one listing as the server sent them, repeats included. @default 5,000,000 */
	maxListedItems: number;
}

export const defaultClientLimits: ClientLimits = {
	headersTimeoutMs: 30_000,
	bodyTimeoutMs: 300_000,
	maxJsonBytes: 4 * 1024 * 1024,
	maxPageBytes: 16 * 1024 * 1024,
	maxJsonDepth: 64,
	maxJsonContainers: 1_000_000,
	maxErrorBodyBytes: 8 * 1024,
	maxPages: 50_000,
	maxListedItems: 5_000_000,
};

/**
 * The limits, with `CCDL_HEADERS_TIMEOUT` and `CCDL_BODY_TIMEOUT` (seconds) from the environment when set: the same
 * knobs as flags, for cron jobs and for tests that cannot wait that long.
 */
export function clientLimits(overrides: Partial<ClientLimits> = {}, env: NodeJS.ProcessEnv = process.env): ClientLimits {
	const fromEnv: Partial<ClientLimits> = {};
	const seconds = (name: string): number | undefined => {
		const value = Number(env[name]);
		return env[name] && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
	};

	const headers = seconds('CCDL_HEADERS_TIMEOUT');
	if (headers !== undefined) {
		fromEnv.headersTimeoutMs = headers;
	}

	const body = seconds('CCDL_BODY_TIMEOUT');
	if (body !== undefined) {
		fromEnv.bodyTimeoutMs = body;
	}

	return {...defaultClientLimits, ...fromEnv, ...overrides};
}

export interface LoginOptions {
	/** API base URL, e.g. `https://demo.comnica.cc` or `http://127.0.0.1:40123`. */
	server: string;
	/** Company (tenant) name; optional when the server URL already names the tenant. */
	company?: string;
	username: string;
	password: string;
	signal?: AbortSignal;
	retry?: RetryPolicy;
	/** Deadlines and caps; missing ones come from {@link clientLimits}. */
	limits?: Partial<ClientLimits>;
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

export interface OpenDownloadOptions {
	offset?: number;
	ifRange?: string;
	signal?: AbortSignal;
	/** Deadline for the answer's headers; the client's own by default. */
	headersTimeoutMs?: number;
}

const userAgent = 'ccdl/0.1 (+https://github.com/ccdl)';
/**
 * Recordings asked for a page. The server allows 1,000, but a page is held twice while the next is read ahead
 * (body, text, records): at 1,000 the pages set a download's peak memory, 20,000 contacts 155–178 MB against
 * 136–151 MB at 250, and `list --json` of 100,000 285–314 MB against 217–249 MB, in the same time on loopback. Over
 * a slow link the read-ahead hides one page's round trip, so 4× the pages cost little.
 */
const maxPageSize = 250;
const maxRedirects = 5;
const maxCursorLength = 8 * 1024;

/** Checks that a --server value is an http(s) URL and returns it without a trailing slash. */
export function normaliseServerUrl(server: string): string {
	let url: URL;
	try {
		url = new URL(server);
	} catch {
		throw new UsageError(...phrased('cli.error.not-a-url', {server: visible(server)}));
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UsageError(...phrased('cli.error.not-http', {server: visible(server)}));
	}

	if (url.username || url.password) {
		throw new UsageError('Do not put credentials in the server URL; use --user and a password prompt, CCDL_PASSWORD or --password-stdin.');
	}

	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Where a request that carries a password, a token or a refresh token may be redirected: the origin the user named,
 * or its https upgrade (same host name, http→https, on port 443 or the same port). Anything else would hand the
 * credentials to a server the user never named.
 */
export function isAllowedRedirect(base: URL, target: URL): boolean {
	if (target.origin === base.origin) {
		return true;
	}

	return base.protocol === 'http:' && target.protocol === 'https:' && target.hostname === base.hostname
		&& (target.port === '' || target.port === base.port);
}

const problemCodePattern = /^[a-z][a-z\d-]{0,40}$/;

/** The error of a non-2xx answer; its server text is made visible here, before anything can print it. */
function problemOf(status: number, headers: IncomingMessage['headers'], body: Buffer): ApiProblemError {
	let problem: Partial<Problem> = {};
	try {
		const parsed = JSON.parse(body.toString('utf8')) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			problem = parsed as Partial<Problem>;
		}
	} catch {}

	const code = typeof problem.code === 'string' && problemCodePattern.test(problem.code) ? problem.code as ProblemCode : undefined;
	const text = typeof problem.detail === 'string' && problem.detail.trim() !== '' ? problem.detail
		: typeof problem.title === 'string' && problem.title.trim() !== '' ? problem.title : `HTTP ${status}`;
	const detail = visible([...text].slice(0, 300).join(''));
	const retryAfter = parseRetryAfter(typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined);
	// The catalogue's {status} is three digits; any other status has always been said in English only.
	if (!/^\d{3}$/.test(String(status))) {
		return new ApiProblemError(status, code, `The server answered ${status}: ${detail}`, retryAfter);
	}

	const [message, options] = phrased('cli.error.server-answered', {status, detail});
	return new ApiProblemError(status, code, message, retryAfter, options);
}

/** `request answered status`, as an `answer` of cli.error.not-an-api: a clause of the catalogue when status has three digits. */
function answeredStatus(request: string, status: number): string | Phrase {
	return /^\d{3}$/.test(String(status)) ? {key: 'cli.part.answer.status', params: {request, status}} : `${request} answered ${status}`;
}

/** What `request` answered when its answer is not this API's login answer (see notThisApi), or undefined when it is a token answer. */
function tokenProblem(token: unknown, request: string): string | Phrase | undefined {
	if (!token || typeof token !== 'object' || Array.isArray(token)) {
		return {key: 'cli.part.answer.not-a-token', params: {request}};
	}

	const {accessToken, refreshToken, user} = token as Partial<Record<string, unknown>>;
	if (!isToken(accessToken) || !isToken(refreshToken, true)) {
		return {key: 'cli.part.answer.no-token', params: {request}};
	}

	const problem = userProblem(user);
	return problem && `${request} answered ${problem}`;
}

/**
 * A token ccdl can send back: printable ASCII without spaces (RFC 6750's b64token and then some), at most 8 KiB. Anything
 * else would break the Authorization header or smuggle another one into it.
 */
function isToken(value: unknown, mayBeEmpty = false): value is string {
	return typeof value === 'string' && value.length <= 8192 && (mayBeEmpty ? /^[\x21-\x7E]*$/ : /^[\x21-\x7E]+$/).test(value);
}

function userProblem(user: unknown): string | undefined {
	if (!user || typeof user !== 'object' || Array.isArray(user)) {
		return 'without the user';
	}

	const fields = user as Partial<Record<string, unknown>>;
	if (typeof fields['username'] !== 'string') {
		return 'without the user name';
	}

	for (const name of ['displayName', 'role', 'company']) {
		if (fields[name] !== undefined && fields[name] !== null && typeof fields[name] !== 'string') {
			return `with a user whose ${name} is not text`;
		}
	}

	return undefined;
}

/** The user of a checked answer; shown on screens, so its text is made visible. */
function userOf(user: unknown): UserInfo {
	const fields = user as Partial<Record<string, string>>;
	const text = (value: string | undefined) => visible(value ?? '');
	return {
		username: text(fields['username']),
		displayName: text(fields['displayName'] ?? fields['username']),
		role: fields['role'] === 'admin' ? 'admin' : 'supervisor',
		company: text(fields['company']),
	};
}

interface RequestOptions {
	searchParams?: URLSearchParams;
	json?: unknown;
	authenticated?: boolean;
	signal?: AbortSignal;
	/** Give up at once when nothing listens, the name does not resolve or no headers come (at login: not a blip). */
	failFast?: boolean;
	/** Decoded-size cap of the answer; the client's maxJsonBytes by default. */
	maxBytes?: number;
	/** One try only, no refresh and no waits: for the health probe. */
	once?: boolean;
}


export class ApiClient {
	readonly baseUrl: string;
	readonly gate = new RateGate();
	readonly retry: RetryPolicy;
	readonly limits: ClientLimits;
	user: UserInfo;
	#accessToken: string;
	#refreshToken: string;
	#refreshing: Promise<void> | undefined;
	/**
	 * What the user logged in with, kept in memory only: a server restarted with new tokens refuses the refresh
	 * token, and one fresh login lets a long unattended run finish instead of ending with "session expired".
	 */
	#credentials: {company: string; username: string; password: string} | undefined;
	readonly #agents = keepAliveAgents();

	private constructor(baseUrl: string, token: {accessToken: string; refreshToken: string; user: UserInfo}, retry: RetryPolicy, limits: ClientLimits) {
		this.baseUrl = baseUrl;
		this.retry = retry;
		this.limits = limits;
		this.user = token.user;
		this.#accessToken = token.accessToken;
		this.#refreshToken = token.refreshToken;
	}

	static async login(options: LoginOptions): Promise<ApiClient> {
		const baseUrl = normaliseServerUrl(options.server);
		const retry = options.retry ?? defaultRetryPolicy;
		const limits = clientLimits(options.limits);
		const bootstrap = new ApiClient(baseUrl, {accessToken: '', refreshToken: '', user: {username: options.username, displayName: options.username, role: 'supervisor', company: options.company ?? ''}}, retry, limits);
		let token: unknown;
		try {
			token = await bootstrap.#request<unknown>('POST', '/v1/auth/token', {
				json: {company: options.company ?? '', username: options.username, password: options.password},
				authenticated: false,
				signal: options.signal,
				failFast: true,
			});
		} catch (error) {
			if (error instanceof ApiProblemError) {
				if (error.problemCode === 'unknown-company') {
					throw new AuthError('unknown-company', ...phrased('cli.error.unknown-company', {company: visible(options.company ?? '')}));
				}

				if (error.problemCode === 'invalid-credentials') {
					throw wrongPassword();
				}

				// Only this API's own health answer makes a bare 401 or 404 mean "wrong password" or "unknown company".
				const notApi = await bootstrap.#notThisApi(options.signal);
				if (notApi) {
					throw notApi;
				}

				if (error.status === 401) {
					throw wrongPassword();
				}

				if (error.status === 404 && options.company) {
					throw new AuthError('unknown-company', ...phrased('cli.error.unknown-company', {company: visible(options.company)}));
				}

				if (error.status === 404) {
					throw notThisApi(baseUrl, answeredStatus('POST /v1/auth/token', 404));
				}
			} else if (error instanceof ServerError && (error.code === 'bad-response' || error.code.startsWith('body-'))) {
				throw await bootstrap.#notThisApi(options.signal) ?? error;
			}

			throw error;
		}

		const problem = tokenProblem(token, 'POST /v1/auth/token');
		if (problem) {
			throw notThisApi(baseUrl, problem);
		}

		const checked = token as {accessToken: string; refreshToken: string; user: unknown};
		const client = new ApiClient(baseUrl, {accessToken: checked.accessToken, refreshToken: checked.refreshToken, user: userOf(checked.user)}, retry, limits);
		client.#credentials = {company: options.company ?? '', username: options.username, password: options.password};
		return client;
	}

	/** A ServerError when GET /v1/health does not answer as this API does, else undefined. */
	async #notThisApi(signal?: AbortSignal): Promise<ServerError | undefined> {
		try {
			const health = await this.#request<unknown>('GET', '/v1/health', {authenticated: false, signal, failFast: true, once: true, maxBytes: 64 * 1024});
			if (health && typeof health === 'object' && typeof (health as {status?: unknown}).status === 'string') {
				return undefined;
			}

			return notThisApi(this.baseUrl, {key: 'cli.part.answer.no-status', params: {request: 'GET /v1/health'}});
		} catch (error) {
			if (signal?.aborted) {
				throw error;
			}

			if (error instanceof ApiProblemError) {
				// 503 is this API saying it is down for a moment; any other status is some other server.
				return error.status === 503 ? undefined : notThisApi(this.baseUrl, answeredStatus('GET /v1/health', error.status));
			}

			if (error instanceof ServerError && (error.code === 'bad-response' || error.code.startsWith('body-'))) {
				return notThisApi(this.baseUrl, {key: 'cli.part.answer.not-json', params: {request: 'GET /v1/health'}});
			}

			return error instanceof ServerError ? error : undefined;
		}
	}

	/** The absolute URL of an API path or an href from a listing; refuses other origins so the token never leaks. */
	resolve(href: string): URL {
		const base = new URL(this.baseUrl);
		let url: URL;
		try {
			url = href.startsWith('/') && !href.startsWith('//')
				? new URL(`${base.pathname.replace(/\/$/, '')}${href}`, base.origin)
				: new URL(href, `${this.baseUrl}/`);
		} catch (error) {
			throw new ServerError('bad-response', `The server sent a link that is not a URL (${visible(href.slice(0, 100))}).`, {cause: error});
		}

		if (url.origin !== base.origin) {
			throw new ServerError('foreign-url', `The server pointed to ${url.origin}, outside ${base.origin}; ccdl does not send your token there.`);
		}

		return url;
	}

	/** The target of a redirect from `from`, if ccdl may follow it with credentials (see isAllowedRedirect). */
	#redirectTarget(from: URL, location: string, what: string): URL {
		let target: URL;
		try {
			target = new URL(location, from);
		} catch (error) {
			throw new ServerError('bad-redirect', `${this.baseUrl} redirected ${what} to something that is not a URL; the server is misconfigured.`, {cause: error});
		}

		if (!isAllowedRedirect(new URL(this.baseUrl), target)) {
			const shown = target.protocol === 'http:' || target.protocol === 'https:' ? target.origin : target.protocol;
			throw new ServerError('foreign-redirect', ...phrased('cli.error.foreign-redirect', {url: this.baseUrl, request: what, target: shown}));
		}

		return target;
	}

	#authHeaders(): Record<string, string> {
		return {authorization: `Bearer ${this.#accessToken}`};
	}

	/** Refreshes the access token; concurrent callers share one refresh. */
	async refreshToken(signal?: AbortSignal): Promise<void> {
		this.#refreshing ??= (async () => {
			try {
				const token = await this.#request<unknown>('POST', '/v1/auth/refresh', {
					json: {refreshToken: this.#refreshToken}, authenticated: false, signal,
				});
				const {accessToken, refreshToken} = (token ?? {}) as Partial<Record<string, unknown>>;
				if (!isToken(accessToken) || !isToken(refreshToken, true)) {
					throw new ServerError('bad-response', `${this.baseUrl} answered the token refresh without a token; the server is not this API or is broken.`);
				}

				this.#accessToken = accessToken;
				this.#refreshToken = refreshToken;
			} catch (error) {
				if (error instanceof ApiProblemError && (error.status === 401 || error.status === 422)) {
					await this.#logInAgain(signal, error);
					return;
				}

				throw error;
			} finally {
				this.#refreshing = undefined;
			}
		})();
		return this.#refreshing;
	}

	/** One fresh login with the credentials held since login; AuthError('session-expired') when that fails too. */
	async #logInAgain(signal: AbortSignal | undefined, refused: unknown): Promise<void> {
		const expired = () => new AuthError('session-expired', ...phrased('cli.error.session-expired', undefined, {cause: refused}));
		if (!this.#credentials) {
			throw expired();
		}

		let token: unknown;
		try {
			token = await this.#request<unknown>('POST', '/v1/auth/token', {json: this.#credentials, authenticated: false, signal});
		} catch (error) {
			if (error instanceof ApiProblemError && (error.status === 401 || error.status === 422 || error.status === 404)) {
				throw expired();
			}

			throw error;
		}

		if (tokenProblem(token, 'POST /v1/auth/token')) {
			throw expired();
		}

		const checked = token as {accessToken: string; refreshToken: string};
		this.#accessToken = checked.accessToken;
		this.#refreshToken = checked.refreshToken;
	}

	async #request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
		const authenticated = options.authenticated ?? true;
		const maxBytes = options.maxBytes ?? this.limits.maxJsonBytes;
		const what = `${method} ${path}`;
		const body = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
		let refreshed = false;
		let failures = 0;
		let waits = 0;
		for (;;) {
			await this.gate.wait(options.signal);
			const tokenUsed = this.#accessToken;
			let status: number;
			let headers: IncomingMessage['headers'];
			let bytes: Buffer;
			try {
				let url = this.resolve(path);
				if (options.searchParams) {
					url.search = options.searchParams.toString();
				}

				let response: IncomingMessage;
				for (let redirects = 0; ; redirects++) {
					response = await this.#send(method, url, {
						accept: 'application/json',
						'accept-encoding': 'gzip, deflate, br',
						...(body ? {'content-type': 'application/json', 'content-length': String(body.length)} : {}),
						...(authenticated ? this.#authHeaders() : {}),
					}, body, options.signal, this.limits.headersTimeoutMs);
					const location = response.headers.location;
					const code = response.statusCode ?? 0;
					// 307/308 keep the method and body (a password, a refresh token); 301–303 of a POST would drop the body.
					const follows = code === 307 || code === 308 || (method === 'GET' && code >= 301 && code <= 303);
					if (!follows || !location) {
						break;
					}

					response.destroy();
					if (redirects >= maxRedirects) {
						throw new ServerError('too-many-redirects', `${this.baseUrl} redirected ${what} more than ${maxRedirects} times; the server is misconfigured.`);
					}

					url = this.#redirectTarget(url, location, what);
				}

				status = response.statusCode ?? 0;
				headers = response.headers;
				const ok = status >= 200 && status < 300;
				bytes = await withBodyDeadline(response, this.limits.bodyTimeoutMs, what, async () => ok
					? readBody(response, maxBytes)
					: readBody(response, this.limits.maxErrorBodyBytes, {truncate: true}));
			} catch (error) {
				if (error instanceof BodyLimitError) {
					throw bodyLimitServerError(error, what, this.baseUrl);
				}

				if (options.signal?.aborted || error instanceof ServerError) {
					throw error;
				}

				const code = (error as {code?: string}).code ?? '';
				// A body that took the whole deadline once would take it again: trying six times would make minutes an hour.
				if (options.once || code === 'EBODYTIMEOUT' || ++failures >= this.retry.attempts || (options.failFast && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHEADERSTIMEOUT'].includes(code))) {
					throw describeNetworkError(error, this.baseUrl);
				}

				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			if (status >= 200 && status < 300) {
				try {
					return parseJsonBytes(bytes, {maxDepth: this.limits.maxJsonDepth, maxContainers: this.limits.maxJsonContainers}) as T;
				} catch (error) {
					if (error instanceof BodyLimitError) {
						throw bodyLimitServerError(error, what, this.baseUrl);
					}

					throw new ServerError('bad-response', ...phrased('cli.error.not-json', {url: this.baseUrl, request: what}));
				}
			}

			const problem = problemOf(status, headers, bytes);
			if (options.once) {
				throw problem;
			}

			if (status === 401 && authenticated && !refreshed) {
				refreshed = true;
				if (this.#accessToken === tokenUsed) {
					await this.refreshToken(options.signal);
				}

				continue;
			}

			if ((status === 429 || status === 503) && ++waits <= this.retry.maxWaits) {
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
		const user = await this.#request<unknown>('GET', '/v1/me', {signal});
		const problem = userProblem(user);
		if (problem) {
			throw new ServerError('bad-response', `${this.baseUrl} answered GET /v1/me ${problem}; the server is not this API or is broken.`);
		}

		return userOf(user);
	}

	async campaigns(signal?: AbortSignal): Promise<Campaign[]> {
		const list = await this.#request<{items?: unknown}>('GET', '/v1/campaigns', {signal});
		if (!Array.isArray(list?.items)) {
			throw new ServerError('bad-response', 'The campaign list from the server is malformed.');
		}

		return list.items as Campaign[];
	}

	/**
	 * Every page of a query, following cursors until the last page. What the server sends is counted, pages and
	 * recordings with repeats, so a listing that never ends (or repeats itself with fresh cursors) stops.
	 */
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

		const pageSize = Math.min(maxPageSize, Math.max(1, query.limit ?? maxPageSize));
		parameters.set('includeArchived', String(query.includeArchived ?? false));
		parameters.set('limit', String(pageSize));
		// Digests, not the cursors: a hostile server's cursors could be large, and there may be many.
		const seen = new Set<string>();
		const seenIds = new FingerprintSet();
		let pages = 0;
		let items = 0;
		const fetchPage = async () => this.#request<RecordingPage>('GET', '/v1/recordings', {searchParams: new URLSearchParams(parameters), signal, maxBytes: this.limits.maxPageBytes});
		// Read-ahead: the next page is requested before this one is handed on, so the server builds and sends it while
		// the caller maps and plans this one (on loopback that hides most of the server's time). It is requested only
		// when the listing would go on anyway, after every check below; checks and errors come in the same order as
		// without it. A caller that stops early leaves at most that one request to finish on its own deadlines.
		let next: Promise<RecordingPage> = fetchPage();
		for (;;) {
			const page = await next;
			if (!page || typeof page !== 'object' || !Array.isArray(page.items)) {
				throw new ServerError('bad-response', 'A page of the recording list from the server is malformed.');
			}

			if (page.items.length > pageSize) {
				throw new ServerError('bad-response', `The server sent a page of ${page.items.length} recordings where at most ${pageSize} were asked for; the listing cannot be trusted.`);
			}

			pages++;
			items += page.items.length;
			let fresh = 0;
			for (const item of page.items as unknown[]) {
				const id = (item as {id?: unknown} | null)?.id;
				if ((typeof id === 'string' || typeof id === 'number') && seenIds.add(String(id))) {
					fresh++;
				}
			}

			// A page of nothing but recordings already listed is a server going round in circles, whatever its cursor.
			if (page.items.length > 0 && fresh === 0 && pages > 1) {
				throw new ServerError('listing-repeats', 'The server sent a page of recordings it had already listed; the listing would not end, so ccdl stopped.');
			}

			if (items > this.limits.maxListedItems) {
				throw new ServerError('listing-too-long', `The server listed more than ${this.limits.maxListedItems.toLocaleString('en')} recordings (repeats included); narrow the dates or campaigns.`);
			}

			if (typeof page.nextCursor !== 'string' || page.nextCursor === '' || page.items.length === 0) {
				yield page;
				return;
			}

			// Why the listing cannot go on past this page, if it cannot: thrown after the page is handed on, as ever.
			const stop = this.#cursorProblem(page.nextCursor, pages, seen);
			if (!stop) {
				parameters.set('cursor', page.nextCursor);
				next = fetchPage();
				// Awaited on the next turn; a caller that stops before then must not leave it unhandled.
				next.catch(() => {});
				// One turn of the event loop sends it: the socket write waits for ticks that would otherwise run
				// only after the caller's synchronous work on this page, which would leave nothing to overlap.
				await new Promise(resolve => {
					setImmediate(resolve);
				});
			}

			yield page;
			if (stop) {
				throw stop;
			}
		}
	}

	/** The error that stops a listing at a page with `cursor` (the `pages`-th), or undefined; records the cursor as seen. */
	#cursorProblem(cursor: string, pages: number, seen: Set<string>): ServerError | undefined {
		if (pages >= this.limits.maxPages) {
			return new ServerError('listing-too-long', `The server's listing went past ${this.limits.maxPages.toLocaleString('en')} pages without ending; narrow the dates or campaigns.`);
		}

		if (cursor.length > maxCursorLength) {
			return new ServerError('bad-response', 'The server sent a page cursor longer than 8 KiB; the listing cannot continue.');
		}

		// A server that hands out the same cursor twice would page forever.
		const digest = createHash('sha256').update(cursor).digest('base64');
		if (seen.has(digest)) {
			return new ServerError('bad-response', 'The server repeated a page cursor; the listing cannot finish.');
		}

		seen.add(digest);
		return undefined;
	}

	async archive(id: string, signal?: AbortSignal): Promise<ArchiveResult> {
		return this.#request<ArchiveResult>('POST', `/v1/recordings/${encodeURIComponent(id)}/archive`, {signal});
	}

	async archiveBatch(ids: readonly string[], signal?: AbortSignal): Promise<BatchArchiveResponse> {
		const response = await this.#request<BatchArchiveResponse>('POST', '/v1/recordings/archive', {json: {ids}, signal});
		if (response && typeof response === 'object' && Array.isArray(response.errors)) {
			// These details end up in reports and the manifest; make them visible once, here.
			response.errors = response.errors.map(entry => ({
				...entry,
				...(typeof entry?.detail === 'string' ? {detail: visible([...entry.detail].slice(0, 300).join(''))} : {}),
			}));
		}

		return response;
	}

	async recording(id: string, signal?: AbortSignal): Promise<Recording> {
		return this.#request<Recording>('GET', `/v1/recordings/${encodeURIComponent(id)}`, {signal});
	}

	/**
	 * Opens a download. Refreshes the token once on 401; any other non-2xx becomes an ApiProblemError (with
	 * Retry-After) for the caller's retry loop, which owns the file and the resume offset. Media go over plain
	 * node:http with a keep-alive agent rather than got: per file that is a fifth less CPU, which shows on thousands
	 * of small recordings. Redirects follow the same rule as JSON calls (same origin, or its https upgrade), so the
	 * token never leaves the server the user named. The caller owns the minimum speed of the body.
	 */
	async openDownload(href: string, options: OpenDownloadOptions = {}): Promise<DownloadResponse> {
		let url = this.resolve(href);
		let refreshed = false;
		const headersTimeoutMs = options.headersTimeoutMs ?? this.limits.headersTimeoutMs;
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

			const response = await this.#send('GET', url, headers, undefined, options.signal, headersTimeoutMs);
			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				return {status, headers: response.headers, body: response};
			}

			const location = response.headers.location;
			if (status >= 300 && status < 400 && location) {
				response.destroy();
				if (++redirects > maxRedirects) {
					throw new ServerError('too-many-redirects', `${this.baseUrl} redirected a download more than ${maxRedirects} times; the server is misconfigured.`);
				}

				url = this.#redirectTarget(url, location, 'a download');
				continue;
			}

			let text: Buffer;
			try {
				text = await withBodyDeadline(response, this.limits.bodyTimeoutMs, 'an error answer', async () => readBody(response, this.limits.maxErrorBodyBytes, {truncate: true}));
			} catch (error) {
				// The status says enough; a broken error body must not hide it.
				text = Buffer.alloc(0);
				if (!(error instanceof BodyLimitError)) {
					response.destroy();
				}
			}

			const problem = problemOf(status, response.headers, text);
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

	/** One request through the shared transport (keep-alive, header deadline, a minute without a byte fails it). */
	async #send(method: 'GET' | 'POST', url: URL, headers: OutgoingHttpHeaders, body: Buffer | undefined, signal: AbortSignal | undefined, headersTimeoutMs: number): Promise<IncomingMessage> {
		return sendRequest(url, {method, headers: {'user-agent': userAgent, ...headers}, body, signal, agents: this.#agents, headersTimeoutMs});
	}
}

function wrongPassword(): AuthError {
	return new AuthError('invalid-credentials', ...phrased('cli.error.wrong-password'));
}

/** `answer`: what the server answered, a `cli.part.answer.*` clause where the catalogue words it. */
function notThisApi(baseUrl: string, answer: string | Phrase): ServerError {
	return new ServerError('not-an-api', ...phrased('cli.error.not-an-api', {url: baseUrl, answer}));
}
