/**
 * The one module that speaks HTTP to Twilio: the REST API 2010-04-01 (api.twilio.com), Voice Intelligence v2
 * (intelligence.twilio.com) and the storage origin media are redirected to. HTTP Basic credentials go only to the two
 * API origins fixed at login; a redirect to any other origin is followed without them (Twilio's media redirect points
 * at a signed, time-limited storage URL that needs none). Every answer is untrusted: read with deadlines and size
 * caps, JSON checked for depth before parsing, error text made visible before anyone can print it.
 */
import type {IncomingMessage, OutgoingHttpHeaders} from 'node:http';
import {setTimeout as delay} from 'node:timers/promises';
import {BodyLimitError, bodyLimitServerError, parseJsonBytes, readBody} from '../../api/body.js';
import {clientLimits, type ClientLimits} from '../../api/client.js';
import {ApiProblemError, AuthError, describeNetworkError, parseRetryAfter, ServerError} from '../../api/errors.js';
import {backoffDelay, RateGate, type RetryPolicy} from '../../api/retry.js';
import {keepAliveAgents, sendRequest, withBodyDeadline} from '../../api/transport.js';
import type {ProblemCode} from '../../api/wire.js';
import {phrased} from '../../i18n/index.js';
import {visible} from '../../text/visible.js';

const userAgent = 'ccdl/0.1 (+https://github.com/ccdl)';
const maxRedirects = 5;

/** Twilio's own error code of an answer, kept on the error so callers can tell 20404 from a proxy's 404. */
export class TwilioProblemError extends ApiProblemError {
	readonly twilioCode: number | undefined;
	constructor(status: number, problemCode: ProblemCode | undefined, message: string, retryAfter: number | undefined, twilioCode: number | undefined) {
		super(status, problemCode, message, retryAfter);
		this.name = 'TwilioProblemError';
		this.twilioCode = twilioCode;
	}
}

/** ccdl's stable problem codes for the statuses Twilio answers with. */
function problemCodeOf(status: number): ProblemCode | undefined {
	switch (status) {
		case 400: {
			return 'invalid-parameter';
		}

		case 401: {
			return 'unauthorized';
		}

		case 404: {
			return 'not-found';
		}

		case 405: {
			return 'method-not-allowed';
		}

		case 416: {
			return 'range-not-satisfiable';
		}

		case 429: {
			return 'rate-limited';
		}

		case 503: {
			return 'unavailable';
		}

		default: {
			return status >= 500 ? 'internal' : undefined;
		}
	}
}

/** The error of a non-2xx answer: Twilio's JSON error or a storage origin's XML one; server text made visible here. */
export function problemOf(status: number, headers: IncomingMessage['headers'], body: Buffer, where: string): TwilioProblemError {
	const text = body.toString('utf8');
	let twilioCode: number | undefined;
	let detail = '';
	try {
		const parsed = JSON.parse(text) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			const fields = parsed as Record<string, unknown>;
			twilioCode = typeof fields['code'] === 'number' && Number.isSafeInteger(fields['code']) ? fields['code'] : undefined;
			detail = typeof fields['message'] === 'string' ? fields['message'] : '';
		}
	} catch {
		// An object store answers in XML: <Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>.
		const code = /<Code>([^<]{1,60})<\/Code>/.exec(text)?.[1];
		const message = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
		detail = [code, message].filter(Boolean).join(': ');
	}

	const shown = visible([...(detail.trim() || `HTTP ${status}`)].slice(0, 300).join(''));
	const retryAfter = parseRetryAfter(typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined);
	return new TwilioProblemError(status, problemCodeOf(status), `${where} answered ${status}${twilioCode ? ` (Twilio error ${twilioCode})` : ''}: ${shown}`, retryAfter, twilioCode);
}

export interface JsonOptions {
	signal?: AbortSignal | undefined;
	/** Decoded-size cap; the limits' maxJsonBytes by default. */
	maxBytes?: number;
	/** Give up at once when nothing listens or the name does not resolve (at login: not a blip). */
	failFast?: boolean;
}

export interface TwilioHttpOptions {
	/** Origins that may receive the credentials: the REST API's and Voice Intelligence's. */
	apiOrigins: readonly string[];
	/** `Basic …` for those origins. */
	authorization: string;
	retry: RetryPolicy;
	limits?: Partial<ClientLimits>;
}

export class TwilioHttp {
	readonly gate = new RateGate();
	readonly retry: RetryPolicy;
	readonly limits: ClientLimits;
	readonly #apiOrigins: ReadonlySet<string>;
	readonly #authorization: string;
	readonly #agents = keepAliveAgents();

	constructor(options: TwilioHttpOptions) {
		this.#apiOrigins = new Set(options.apiOrigins);
		this.#authorization = options.authorization;
		this.retry = options.retry;
		this.limits = clientLimits(options.limits);
	}

	/** Whether `url` is one of the API origins, the only ones that get the credentials. */
	isApi(url: URL): boolean {
		return this.#apiOrigins.has(url.origin);
	}

	/** Headers of a request to `url`: the credentials only for an API origin. */
	#headers(url: URL, extra: OutgoingHttpHeaders): OutgoingHttpHeaders {
		return {'user-agent': userAgent, ...extra, ...(this.isApi(url) ? {authorization: this.#authorization} : {})};
	}

	/**
	 * A JSON call to an API origin, with the run's gate (429/503 with Retry-After slow every request down), backoff on
	 * network errors and 5xx, and no redirects followed (Twilio's JSON endpoints never redirect; following one could only
	 * move the credentials). Non-2xx answers throw TwilioProblemError; `okStatuses` beyond 2xx return undefined.
	 */
	async json(method: 'GET' | 'DELETE', url: URL, options: JsonOptions = {}): Promise<{status: number; body: unknown}> {
		if (!this.isApi(url)) {
			throw new ServerError('foreign-url', `Twilio pointed to ${url.origin}, which is not the API ccdl logged in to; ccdl does not send your credentials there.`);
		}

		const what = `${method} ${url.pathname}`;
		let failures = 0;
		let waits = 0;
		for (;;) {
			await this.gate.wait(options.signal);
			let response: IncomingMessage;
			let bytes: Buffer;
			try {
				response = await this.send(method, url, this.#headers(url, {accept: 'application/json', 'accept-encoding': 'gzip, deflate, br'}), options.signal);
				const status = response.statusCode ?? 0;
				const ok = status >= 200 && status < 300;
				bytes = await withBodyDeadline(response, this.limits.bodyTimeoutMs, what, async () => ok
					? readBody(response, options.maxBytes ?? this.limits.maxJsonBytes)
					: readBody(response, this.limits.maxErrorBodyBytes, {truncate: true}));
			} catch (error) {
				if (error instanceof BodyLimitError) {
					throw bodyLimitServerError(error, what, url.origin);
				}

				if (options.signal?.aborted) {
					throw error;
				}

				const code = (error as {code?: string}).code ?? '';
				if (code === 'EBODYTIMEOUT' || ++failures >= this.retry.attempts || (options.failFast && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHEADERSTIMEOUT'].includes(code))) {
					throw describeNetworkError(error, url.origin);
				}

				await delay(backoffDelay(failures, this.retry), undefined, {signal: options.signal});
				continue;
			}

			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				if (status === 204 || bytes.length === 0) {
					return {status, body: undefined};
				}

				try {
					return {status, body: parseJsonBytes(bytes, {maxDepth: this.limits.maxJsonDepth, maxContainers: this.limits.maxJsonContainers})};
				} catch (error) {
					if (error instanceof BodyLimitError) {
						throw bodyLimitServerError(error, what, url.origin);
					}

					throw new ServerError('bad-response', `${url.origin} answered ${what} with something that is not JSON; is --server a Twilio API?`);
				}
			}

			const problem = problemOf(status, response.headers, bytes, `Twilio (${what})`);
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

	/**
	 * One GET for media, following redirects by hand: to an API origin with the credentials, to anywhere else (the
	 * storage origin) without them. Returns the first answer that is not a redirect, whatever its status, and the URL it
	 * came from. No retries here: the transfer owns retries and the resume offset.
	 */
	async openFollowing(start: URL, extra: OutgoingHttpHeaders, signal?: AbortSignal): Promise<{response: IncomingMessage; url: URL; redirected: boolean}> {
		let url = start;
		let redirected = false;
		for (let redirects = 0; ; redirects++) {
			await this.gate.wait(signal);
			const response = await this.send('GET', url, this.#headers(url, {'accept-encoding': 'identity', ...extra}), signal);
			const status = response.statusCode ?? 0;
			const location = response.headers.location;
			if (![301, 302, 303, 307, 308].includes(status) || !location) {
				return {response, url, redirected};
			}

			response.destroy();
			if (redirects >= maxRedirects) {
				throw new ServerError('too-many-redirects', `Twilio redirected a download more than ${maxRedirects} times; the server is misconfigured.`);
			}

			let target: URL;
			try {
				target = new URL(location, url);
			} catch (error) {
				throw new ServerError('bad-redirect', 'Twilio redirected a download to something that is not a URL.', {cause: error});
			}

			if (target.protocol !== 'https:' && target.protocol !== 'http:') {
				throw new ServerError('bad-redirect', `Twilio redirected a download to a ${visible(target.protocol)} URL, which ccdl does not follow.`);
			}

			// Recordings are personal data: an https download never continues over plain http.
			if (url.protocol === 'https:' && target.protocol === 'http:') {
				throw new ServerError('bad-redirect', `Twilio redirected a download from https to plain http (${target.origin}); ccdl does not follow that.`);
			}

			// From the storage origin back to an API origin would be a storage server asking for the credentials.
			if (redirected && this.isApi(target) && !this.isApi(url)) {
				throw new ServerError('bad-redirect', 'The media storage redirected back to the Twilio API; ccdl does not send your credentials on such a redirect.');
			}

			redirected ||= !this.isApi(target);
			url = target;
		}
	}

	/** Reads a non-2xx media answer's body (a few KiB at most) into an error. */
	async problemOfResponse(response: IncomingMessage, where: string): Promise<TwilioProblemError> {
		let text: Buffer;
		try {
			text = await withBodyDeadline(response, this.limits.bodyTimeoutMs, 'an error answer', async () => readBody(response, this.limits.maxErrorBodyBytes, {truncate: true}));
		} catch {
			// The status says enough; a broken error body must not hide it.
			text = Buffer.alloc(0);
			response.destroy();
		}

		return problemOf(response.statusCode ?? 0, response.headers, text, where);
	}

	/** One request; resolves once the headers are in (within the headers deadline; a minute without a byte fails it). */
	async send(method: string, url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal | undefined): Promise<IncomingMessage> {
		return sendRequest(url, {method, headers, signal, agents: this.#agents, headersTimeoutMs: this.limits.headersTimeoutMs});
	}
}

/** An AuthError for answers that say the credentials are wrong. */
export function wrongCredentials(): AuthError {
	return new AuthError('invalid-credentials', ...phrased('cli.error.twilio-credentials'));
}
