/**
 * The one place that speaks HTTP to Webex: JSON calls to the Contact Center API (bearer token, renewed once on a
 * 401 and the call replayed; 429/503 wait out Retry-After on the run's shared gate; 5xx and network blips retried
 * with backoff), the token endpoint, and plain GETs of presigned capture URLs at the storage origin, which never
 * carry the Authorization header (the URL is the permission; the token must not leave the API's origin).
 *
 * Everything the servers send is untrusted: JSON is read with deadlines, size caps and a depth check; error bodies are
 * read only up to a few KiB and made visible before they can reach a message; redirects are not followed with the
 * token.
 */
import type {IncomingMessage, OutgoingHttpHeaders} from 'node:http';
import {setTimeout as delay} from 'node:timers/promises';
import {BodyLimitError, bodyLimitServerError, parseJsonBytes, readBody} from '../../api/body.js';
import {clientLimits, type ClientLimits} from '../../api/client.js';
import {ApiProblemError, AuthError, describeNetworkError, parseRetryAfter, ServerError} from '../../api/errors.js';
import {backoffDelay, type RateGate, type RetryPolicy} from '../../api/retry.js';
import {DeadlineError, keepAliveAgents, sendRequest} from '../../api/transport.js';
import {phrased} from '../../i18n/index.js';
import {visible} from '../../text/visible.js';
import {expiredWithoutRefresh, type TokenKeeper} from './oauth.js';

const userAgent = 'ccdl/0.1 (+https://github.com/ccdl)';
const maxStorageRedirects = 5;

/** The description in Webex's ApiErrorResponse (`error.message[].description`), or S3's XML `<Message>`. */
export function errorText(body: Buffer): string {
	const text = body.toString('utf8');
	try {
		const parsed = JSON.parse(text) as {error?: {message?: Array<{description?: unknown}>; reason?: unknown} | string; error_description?: unknown; message?: unknown};
		const error = parsed?.error;
		const description = typeof error === 'object' && Array.isArray(error?.message) ? error.message.find(item => typeof item?.description === 'string')?.description
			: typeof parsed?.error_description === 'string' ? parsed.error_description
				: typeof parsed?.message === 'string' ? parsed.message : undefined;
		if (typeof description === 'string' && description.trim() !== '') {
			return visible([...description].slice(0, 300).join(''));
		}
	} catch {}

	const message = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
	return message ? visible(message) : '';
}

/** S3's error code (`AccessDenied`, `SignatureDoesNotMatch`, …) from its XML error body. */
export function storageCode(body: Buffer): string {
	return /<Code>([A-Za-z]{1,64})<\/Code>/.exec(body.toString('utf8'))?.[1] ?? '';
}

export interface StorageResponse {
	status: number;
	headers: IncomingMessage['headers'];
	body: IncomingMessage;
}

export class WebexHttp {
	readonly baseUrl: string;
	readonly limits: ClientLimits;
	readonly retry: RetryPolicy;
	readonly gate: RateGate;
	readonly tokens: TokenKeeper;
	readonly #orgId: string;
	readonly #agents = keepAliveAgents();

	constructor(options: {baseUrl: string; orgId: string; retry: RetryPolicy; gate: RateGate; tokens: (http: WebexHttp) => TokenKeeper; limits?: Partial<ClientLimits>}) {
		this.baseUrl = options.baseUrl;
		this.#orgId = options.orgId;
		this.retry = options.retry;
		this.gate = options.gate;
		this.limits = clientLimits(options.limits);
		this.tokens = options.tokens(this);
	}

	/** One request; resolves once the answer's headers are in (within the headers deadline). */
	async send(method: 'GET' | 'POST', url: URL, headers: OutgoingHttpHeaders, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
		return sendRequest(url, {method, headers: {'user-agent': userAgent, ...headers}, body, signal, agents: this.#agents, headersTimeoutMs: this.limits.headersTimeoutMs});
	}

	/** Reads a whole body within the body deadline; a trickled one is cut off. */
	async read(response: IncomingMessage, maxBytes: number, truncate = false): Promise<Buffer> {
		const timer = setTimeout(() => {
			response.destroy(new DeadlineError('EBODYTIMEOUT', `took longer than ${Math.round(this.limits.bodyTimeoutMs / 1000)} s`));
		}, this.limits.bodyTimeoutMs);
		try {
			return await readBody(response, maxBytes, {truncate});
		} finally {
			clearTimeout(timer);
		}
	}

	/** An error answer's first few KiB (never the whole of a possibly endless body). */
	async errorBody(response: IncomingMessage): Promise<Buffer> {
		try {
			return await this.read(response, this.limits.maxErrorBodyBytes, true);
		} catch {
			response.destroy();
			return Buffer.alloc(0);
		}
	}

	/** Posts the token endpoint's form (same origin as the API, never a redirect). */
	async exchange(url: URL, form: URLSearchParams, signal?: AbortSignal): Promise<{status: number; body: unknown}> {
		const body = Buffer.from(form.toString());
		for (let failures = 0; ; ) {
			let response: IncomingMessage;
			let bytes: Buffer;
			try {
				response = await this.send('POST', url, {
					accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length),
				}, body, signal);
				bytes = await this.read(response, 64 * 1024, (response.statusCode ?? 0) >= 300);
			} catch (error) {
				if (signal?.aborted || error instanceof BodyLimitError || ++failures >= this.retry.attempts) {
					throw error instanceof BodyLimitError ? bodyLimitServerError(error, 'POST /v1/access_token', this.baseUrl) : describeNetworkError(error, this.baseUrl);
				}

				await delay(backoffDelay(failures, this.retry), undefined, {signal});
				continue;
			}

			const status = response.statusCode ?? 0;
			if ((status >= 500 || status === 429) && ++failures < this.retry.attempts) {
				await delay(backoffDelay(failures, this.retry), undefined, {signal});
				continue;
			}

			let parsed: unknown;
			try {
				parsed = parseJsonBytes(bytes, this.jsonLimits);
			} catch {
				parsed = undefined;
			}

			return {status, body: parsed};
		}
	}

	/**
	 * A JSON call to the API with the bearer token and the organisation. A 401 renews the token once (shared with
	 * concurrent callers) and replays; without a way to renew, an expired token is an AuthError saying what to do.
	 */
	async json<T>(method: 'GET' | 'POST', path: string, options: {search?: URLSearchParams; json?: unknown; signal?: AbortSignal; failFast?: boolean; maxBytes?: number} = {}): Promise<T> {
		const what = `${method} ${path}`;
		const body = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
		const url = new URL(`${this.baseUrl}${path}`);
		if (options.search) {
			url.search = options.search.toString();
		}

		let renewed = false;
		let failures = 0;
		let waits = 0;
		for (;;) {
			await this.gate.wait(options.signal);
			const tokenUsed = this.tokens.accessToken;
			let status: number;
			let headers: IncomingMessage['headers'];
			let bytes: Buffer;
			try {
				if (tokenUsed === '') {
					// Started from refresh credentials alone: get the first access token before the first call.
					await this.tokens.renew('', options.signal);
					continue;
				}

				const response = await this.send(method, url, {
					accept: 'application/json',
					'accept-encoding': 'gzip, deflate, br',
					authorization: `Bearer ${tokenUsed}`,
					...(body ? {'content-type': 'application/json', 'content-length': String(body.length)} : {}),
				}, body, options.signal);
				status = response.statusCode ?? 0;
				headers = response.headers;
				bytes = status >= 200 && status < 300
					? await this.read(response, options.maxBytes ?? this.limits.maxJsonBytes)
					: await this.errorBody(response);
			} catch (error) {
				if (error instanceof BodyLimitError) {
					throw bodyLimitServerError(error, what, this.baseUrl);
				}

				if (options.signal?.aborted || error instanceof ServerError || error instanceof AuthError || error instanceof ApiProblemError) {
					throw error;
				}

				const code = (error as {code?: string}).code ?? '';
				if (code === 'EBODYTIMEOUT' || ++failures >= this.retry.attempts
					|| (options.failFast && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHEADERSTIMEOUT'].includes(code))) {
					throw describeNetworkError(error, this.baseUrl);
				}

				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			if (status >= 200 && status < 300) {
				try {
					return parseJsonBytes(bytes, this.jsonLimits) as T;
				} catch (error) {
					if (error instanceof BodyLimitError) {
						throw bodyLimitServerError(error, what, this.baseUrl);
					}

					throw new ServerError('bad-response', ...phrased('cli.error.not-json', {url: this.baseUrl, request: what}));
				}
			}

			const detail = errorText(bytes);
			if (status === 401) {
				const expired = /expired/i.test(`${detail} ${String(headers['www-authenticate'] ?? '')}`);
				if (!renewed && this.tokens.canRenew) {
					renewed = true;
					await this.tokens.renew(tokenUsed, options.signal);
					continue;
				}

				if (expired && !this.tokens.canRenew) {
					throw expiredWithoutRefresh();
				}

				throw new AuthError(expired ? 'token-expired' : 'invalid-credentials', expired
					? 'The Webex access token expired again right after it was renewed; try again, or check the integration.'
					: `Webex did not accept the access token${detail ? ` (${detail})` : ''}; give a valid one (CCDL_PASSWORD, --password-stdin or the prompt).`);
			}

			const retryAfter = parseRetryAfter(typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined);
			const problem = new ApiProblemError(status, undefined, `Webex answered ${what} with ${status}${detail ? `: ${detail}` : ''}.`, retryAfter);
			if ((status === 429 || status === 503) && ++waits <= this.retry.maxWaits) {
				this.gate.pause(retryAfter ?? backoffDelay(waits, this.retry) / 1000);
				continue;
			}

			if (problem.isTransient && ++failures < this.retry.attempts) {
				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			throw problem;
		}
	}

	/** Depth and container caps of every JSON answer. */
	get jsonLimits(): {maxDepth: number; maxContainers: number} {
		return {maxDepth: this.limits.maxJsonDepth, maxContainers: this.limits.maxJsonContainers};
	}

	/** The organisation every call is made for (--user). */
	get orgId(): string {
		return this.#orgId;
	}

	/**
	 * GETs a presigned URL at the storage origin: no Authorization header, no cookies, ranges forwarded. Redirects
	 * (S3 sends 307 to a regional endpoint) are followed, http(s) only: there is no credential to leak but the URL.
	 * Non-2xx answers come back as they are (with their first few KiB read) for the caller to judge.
	 */
	async storageGet(target: string, options: {offset?: number; ifRange?: string; signal?: AbortSignal}): Promise<StorageResponse | {status: number; headers: IncomingMessage['headers']; error: Buffer}> {
		let url = storageUrl(target);
		for (let redirects = 0; ; redirects++) {
			await this.gate.wait(options.signal);
			const headers: Record<string, string> = {'accept-encoding': 'identity'};
			if (options.offset) {
				headers['range'] = `bytes=${options.offset}-`;
				if (options.ifRange) {
					headers['if-range'] = options.ifRange;
				}
			}

			const response = await this.send('GET', url, headers, undefined, options.signal);
			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				return {status, headers: response.headers, body: response};
			}

			const location = response.headers.location;
			if (status >= 300 && status < 400 && location && redirects < maxStorageRedirects) {
				response.destroy();
				url = storageUrl(new URL(location, url).href);
				continue;
			}

			return {status, headers: response.headers, error: await this.errorBody(response)};
		}
	}
}

/** A capture URL the API gave, checked: http(s), no credentials in it. The URL itself is never put in a message. */
export function storageUrl(text: string): URL {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new ServerError('bad-response', 'Webex gave a capture file path that is not a URL.');
	}

	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
		throw new ServerError('bad-response', `Webex gave a capture file path that ccdl does not fetch (${visible(url.protocol)}).`);
	}

	return url;
}
