/** What can go wrong talking to the API, as errors a user can act on. */
import type {ProblemCode} from './wire.js';
import {CcdlError, exitCodes} from '../errors.js';
import {visible} from '../text/visible.js';

/** Wrong password, unknown company, a refresh that was refused: the user must log in again. */
export class AuthError extends CcdlError {
	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(code, message, exitCodes.auth, options);
		this.name = 'AuthError';
	}
}

/** The server is unreachable, refused TLS, or answered something that is not this API. */
export class ServerError extends CcdlError {
	constructor(code: string, message: string, options?: {cause?: unknown}) {
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

	constructor(status: number, problemCode: ProblemCode | undefined, message: string, retryAfter?: number) {
		super(problemCode ?? `http-${status}`, message, status === 401 ? exitCodes.auth : exitCodes.server);
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

const networkCodes: Record<string, string> = {
	ECONNREFUSED: 'nothing is listening there',
	ENOTFOUND: 'the host name does not resolve',
	EAI_AGAIN: 'the host name does not resolve (DNS is not answering)',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ECONNRESET: 'the connection was reset',
};

/** Turns a network-level failure into one sentence. */
export function describeNetworkError(error: unknown, baseUrl: string): ServerError {
	const code = (error as {code?: string})?.code ?? '';
	if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate|TLS/i.test(String((error as Error)?.message))) {
		return new ServerError('tls', `Cannot make a trusted TLS connection to ${baseUrl} (${code || 'certificate problem'}); check the address, or the system's CA certificates.`, {cause: error});
	}

	if (code === 'EHEADERSTIMEOUT' || code === 'EBODYTIMEOUT') {
		// A deadline of ccdl's own: the server is there but does not finish its answer.
		const what = code === 'EHEADERSTIMEOUT' ? 'did not send the headers of its answer in time' : 'did not finish its answer in time';
		return new ServerError(code === 'EHEADERSTIMEOUT' ? 'headers-timeout' : 'body-timeout', `${baseUrl} ${what} (${(error as Error).message}); the server is overloaded or broken, try again later.`, {cause: error});
	}

	// Node's messages can quote what the server sent (a bad header); they are shown, never interpreted.
	const why = networkCodes[code] ?? visible((error as Error)?.message || 'unknown network error');
	return new ServerError('unreachable', `Cannot reach ${baseUrl}: ${why}; check --server/--company and your network.`, {cause: error});
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
