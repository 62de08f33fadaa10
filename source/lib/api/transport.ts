/**
 * One HTTP request over node:http(s) with keep-alive agents and deadlines, shared by every source: headers must come
 * within a deadline (a server that trickles them would otherwise hold a cron job forever), a minute without a byte
 * fails the request, and a body can be given its own deadline. Redirects are never followed here: each source
 * decides which origin may get its credentials.
 */
import http, {type IncomingMessage, type OutgoingHttpHeaders} from 'node:http';
import https from 'node:https';

/** A deadline passed: `code` is EHEADERSTIMEOUT, ETIMEDOUT (no data) or EBODYTIMEOUT. */
export class DeadlineError extends Error {
	readonly code: string;

	constructor(code: string, message: string) {
		super(message);
		this.name = 'DeadlineError';
		this.code = code;
	}
}

export interface Agents {
	http: http.Agent;
	https: https.Agent;
}

export function keepAliveAgents(): Agents {
	return {http: new http.Agent({keepAlive: true}), https: new https.Agent({keepAlive: true})};
}

export interface SendOptions {
	method: string;
	headers?: OutgoingHttpHeaders;
	body?: Buffer | undefined;
	signal?: AbortSignal | undefined;
	agents: Agents;
	/** Milliseconds until the answer's headers must be in. */
	headersTimeoutMs: number;
}

/** Sends one request; resolves with the response once its headers are in. */
export async function sendRequest(url: URL, options: SendOptions): Promise<IncomingMessage> {
	const secure = url.protocol === 'https:';
	const {headersTimeoutMs, signal} = options;
	return new Promise<IncomingMessage>((resolve, reject) => {
		const request = (secure ? https : http).request(url, {
			method: options.method, headers: options.headers ?? {}, agent: secure ? options.agents.https : options.agents.http, timeout: 60_000,
			...(signal ? {signal} : {}),
		}, response => {
			clearTimeout(deadline);
			resolve(response);
		});
		const deadline = setTimeout(() => {
			request.destroy(new DeadlineError('EHEADERSTIMEOUT', `no answer within ${Math.round(headersTimeoutMs / 1000)} s`));
		}, headersTimeoutMs);
		request.once('timeout', () => {
			request.destroy(new DeadlineError('ETIMEDOUT', 'no data for 60 s'));
		});
		request.once('error', error => {
			clearTimeout(deadline);
			reject(error);
		});
		request.end(options.body);
	});
}

/** Runs `read` on a response's body, destroying the response when it takes longer than `timeoutMs`. */
export async function withBodyDeadline<T>(response: IncomingMessage, timeoutMs: number, what: string, read: () => Promise<T>): Promise<T> {
	const timer = setTimeout(() => {
		response.destroy(new DeadlineError('EBODYTIMEOUT', `${what} took longer than ${Math.round(timeoutMs / 1000)} s`));
	}, timeoutMs);
	try {
		return await read();
	} finally {
		clearTimeout(timer);
	}
}
