/** What can go wrong talking to the API, as errors a user can act on. */
import type {ProblemCode} from './wire.js';
import {CcdlError, type CcdlErrorOptions, exitCodes, type Phrase} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {visible} from '../text/visible.js';

/** Wrong password, unknown company, a refresh that was refused: the user must log in again. */
export class AuthError extends CcdlError {
	constructor(code: string, message: string, options?: CcdlErrorOptions) {
		super(code, message, exitCodes.auth, options);
		this.name = 'AuthError';
	}
}

/** The server is unreachable, refused TLS, or answered something that is not this API. */
export class ServerError extends CcdlError {
	constructor(code: string, message: string, options?: CcdlErrorOptions) {
		super(code, message, exitCodes.server, options);
		this.name = 'ServerError';
	}
}

/** An answer of the API that is an error (problem+json or any non-2xx). */
export class ApiProblemError extends CcdlError {
	readonly status: number;
	readonly problemCode: ProblemCode | undefined;
	/** Seconds from Retry-After, when the server sent one. */
	readonly retryAfter: number | undefined;

	constructor(status: number, problemCode: ProblemCode | undefined, message: string, retryAfter?: number, options?: CcdlErrorOptions) {
		super(problemCode ?? `http-${status}`, message, status === 401 ? exitCodes.auth : exitCodes.server, options);
		this.name = 'ApiProblemError';
		this.status = status;
		this.problemCode = problemCode;
		this.retryAfter = retryAfter;
	}

	/** Worth another try: overload, rate limits and server errors; not 501 or 505, which say "never here". */
	get isTransient(): boolean {
		return this.status === 429 || (this.status >= 500 && this.status !== 501 && this.status !== 505);
	}
}

/** The `cli.part.why.*` clause of each network error code ccdl words itself. */
const networkCodes: Record<string, string> = {
	ECONNREFUSED: 'refused',
	ENOTFOUND: 'no-host',
	EAI_AGAIN: 'no-dns',
	ETIMEDOUT: 'timed-out',
	EHOSTUNREACH: 'host-unreachable',
	ENETUNREACH: 'network-unreachable',
	ECONNRESET: 'reset',
};

/** Turns a network-level failure into one sentence. */
export function describeNetworkError(error: unknown, baseUrl: string): ServerError {
	const code = (error as {code?: string})?.code ?? '';
	if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate|TLS/i.test(String((error as Error)?.message))) {
		const problem = code || {key: 'cli.part.problem.certificate'};
		return new ServerError('tls', ...phrased('cli.error.tls', {url: baseUrl, problem}, {cause: error}));
	}

	if (code === 'EHEADERSTIMEOUT' || code === 'EBODYTIMEOUT') {
		// A deadline of ccdl's own: the server is there but does not finish its answer.
		const which = code === 'EHEADERSTIMEOUT' ? 'headers-timeout' : 'body-timeout';
		return new ServerError(which, ...phrased(`cli.error.${which}`, {url: baseUrl, detail: (error as Error).message}, {cause: error}));
	}

	// Node's messages can quote what the server sent (a bad header); they are shown, never interpreted.
	const clause = Object.hasOwn(networkCodes, code) ? networkCodes[code] : undefined;
	const why: string | Phrase = clause ? {key: `cli.part.why.${clause}`} : visible((error as Error)?.message || 'unknown network error');
	return new ServerError('unreachable', ...phrased('cli.error.unreachable', {url: baseUrl, why}, {cause: error}));
}

/** Parses Retry-After (seconds or an HTTP date) into seconds, capped so a hostile server cannot stall a run forever. */
export function parseRetryAfter(value: string | undefined, now = Date.now(), capSeconds = 60): number | undefined {
	if (!value) {
		return undefined;
	}

	const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - now) / 1000;
	if (!Number.isFinite(seconds)) {
		return undefined;
	}

	return Math.min(capSeconds, Math.max(0, seconds));
}
