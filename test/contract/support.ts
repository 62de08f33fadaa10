/** Shared helpers of the contract tests: a raw HTTP client, logins, listings, hashing, ffprobe. */
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import http, {type IncomingHttpHeaders} from 'node:http';
import {promisify} from 'node:util';
import type {Recording, RecordingPage, TokenResponse} from '../../source/lib/api/wire.js';
import {validateResponse, type ContractResponse} from '../helpers/openapi.js';

const agent = new http.Agent({keepAlive: true, maxSockets: 16});

export interface Reply extends ContractResponse {
	status: number;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** Set when the exchange failed: no response at all, or the body ended early. */
	error?: string;
	/** The body arrived in full (its end was reached without an error). */
	complete: boolean;
}

export interface SendOptions {
	method?: string;
	headers?: Record<string, string | number>;
	/** A string or Buffer is sent as is; anything else as JSON. */
	body?: unknown;
	token?: string;
	/** Send the body chunked (no Content-Length). */
	chunked?: boolean;
}

/** One request; never throws for HTTP or transport errors (they are in `status` 0 and `error`). */
export async function send(base: string, path: string, options: SendOptions = {}): Promise<Reply> {
	const headers: Record<string, string | number> = {...options.headers};
	let payload: Buffer | undefined;
	if (options.body !== undefined) {
		payload = Buffer.isBuffer(options.body) ? options.body
			: Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
		headers['content-type'] ??= 'application/json';
		if (!options.chunked) {
			headers['content-length'] = payload.length;
		}
	}

	if (options.token) {
		headers.authorization = `Bearer ${options.token}`;
	}

	return await new Promise<Reply>(resolve => {
		let settled = false;
		const request = http.request(`${base}${path}`, {method: options.method ?? 'GET', headers, agent}, response => {
			const parts: Buffer[] = [];
			const finish = (error?: string) => {
				if (settled) {
					return;
				}

				settled = true;
				resolve({
					status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts), error, complete: error === undefined,
				});
			};

			response.on('data', (chunk: Buffer) => parts.push(chunk));
			response.on('end', () => {
				finish(response.complete ? undefined : 'incomplete');
			});
			response.on('error', error => {
				finish((error as NodeJS.ErrnoException).code ?? error.message);
			});
			response.on('close', () => {
				finish(response.complete ? undefined : 'closed');
			});
		});
		request.on('error', error => {
			if (!settled) {
				settled = true;
				resolve({status: 0, headers: {}, body: Buffer.alloc(0), error: (error as NodeJS.ErrnoException).code ?? error.message, complete: false});
			}
		});
		if (payload && options.chunked) {
			// Several writes so that the body really goes out in chunks.
			for (let offset = 0; offset < payload.length; offset += 256 * 1024) {
				request.write(payload.subarray(offset, offset + 256 * 1024));
			}

			request.end();
		} else {
			request.end(payload);
		}
	});
}

/** Sends and validates the answer against the document; returns the reply and its parsed JSON body (if any). */
export async function call(base: string, method: string, template: string, path: string, options: SendOptions = {}):
Promise<{reply: Reply; json: any}> {
	const reply = await send(base, path, {...options, method});
	if (reply.error) {
		throw new Error(`${method} ${path}: transport error ${reply.error} (status ${reply.status})`);
	}

	return {reply, json: validateResponse(method, template, reply)};
}

export async function login(base: string, username = 'admin', password = 'demo'): Promise<TokenResponse> {
	const {reply, json} = await call(base, 'POST', '/v1/auth/token', '/v1/auth/token', {body: {company: 'demo', username, password}});
	if (reply.status !== 200) {
		throw new Error(`login failed: ${reply.status} ${reply.body.toString('utf8')}`);
	}

	return json as TokenResponse;
}

/** Every page of a listing (validated), concatenated. `query` without `cursor`/`limit`. */
export async function listAll(base: string, token: string, query = 'includeArchived=true', limit = 1000): Promise<Recording[]> {
	const items: Recording[] = [];
	let cursor: string | null = null;
	do {
		const path: string = `/v1/recordings?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const {reply, json} = await call(base, 'GET', '/v1/recordings', path, {token});
		if (reply.status !== 200) {
			throw new Error(`listing failed: ${reply.status} ${reply.body.toString('utf8')}`);
		}

		const page = json as RecordingPage;
		items.push(...page.items);
		cursor = page.nextCursor;
	} while (cursor);

	return items;
}

export function sha256(bytes: Buffer): Buffer {
	return createHash('sha256').update(bytes).digest();
}

export function reprDigest(bytes: Buffer): string {
	return `sha-256=:${sha256(bytes).toString('base64')}:`;
}

export const execFileAsync = promisify(execFile);

/** `ffprobe` on a file: the JSON of `-show_entries`. */
export async function ffprobe(file: string, entries: string): Promise<any> {
	const {stdout} = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'json', file]);
	return JSON.parse(stdout) as unknown;
}

/** Runs `work` over `items` with at most `concurrency` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results: R[] = [];
	let next = 0;
	const workers = Array.from({length: Math.min(concurrency, items.length)}, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!, index);
		}
	});
	await Promise.all(workers);
	return results;
}

/** The first item matching `predicate`, or a failure naming what was looked for. */
export function pick<T>(items: readonly T[], what: string, predicate: (item: T) => boolean): T {
	const found = items.find(predicate);
	if (found === undefined) {
		throw new Error(`the demo data has no ${what}`);
	}

	return found;
}
