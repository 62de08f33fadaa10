/** Small HTTP helpers of the demo server: problem responses, JSON bodies, byte ranges. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Problem, ProblemCode} from '../api/wire.js';

const titles: Record<number, string> = {
	400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
	409: 'Conflict', 413: 'Content Too Large', 416: 'Range Not Satisfiable', 422: 'Unprocessable Content',
	429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export class HttpProblem extends Error {
	readonly status: number;
	readonly code: ProblemCode;
	readonly parameter: string | undefined;
	readonly headers: Record<string, string>;

	constructor(status: number, code: ProblemCode, detail: string, options: {parameter?: string; headers?: Record<string, string>} = {}) {
		super(detail);
		this.status = status;
		this.code = code;
		this.parameter = options.parameter;
		this.headers = options.headers ?? {};
	}
}

export function problemBody(problem: HttpProblem, instance: string): Problem {
	return {
		type: `https://ccdl.dev/problems/${problem.code}`,
		title: titles[problem.status] ?? 'Error',
		status: problem.status,
		code: problem.code,
		detail: problem.message,
		instance,
		...(problem.parameter === undefined ? {} : {parameter: problem.parameter}),
	};
}

/** Reads a JSON request body of at most `limit` bytes. */
export async function readJson(request: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
	const declared = Number(request.headers['content-length'] ?? 0);
	if (declared > limit) {
		request.resume();
		throw new HttpProblem(413, 'payload-too-large', `Request bodies are limited to ${limit} bytes.`);
	}

	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) {
			throw new HttpProblem(413, 'payload-too-large', `Request bodies are limited to ${limit} bytes.`);
		}

		parts.push(chunk);
	}

	const text = Buffer.concat(parts).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new HttpProblem(400, 'invalid-json', 'The request body is not valid JSON.');
	}
}

export type RangeRequest = {kind: 'full'} | {kind: 'partial'; start: number; end: number} | {kind: 'unsatisfiable'};

/**
 * Interprets a Range header for a representation of `size` bytes (RFC 9110 §14). Anything but one well-formed byte
 * range is ignored and answered with the whole representation, as the RFC allows.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
	const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
	if (!match || (match[1] === '' && match[2] === '')) {
		return {kind: 'full'};
	}

	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) {
			return {kind: 'unsatisfiable'};
		}

		return {kind: 'partial', start: Math.max(0, size - suffix), end: size - 1};
	}

	const start = Number(match[1]);
	const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (match[2] !== '' && Number(match[2]) < start) {
		return {kind: 'full'};
	}

	if (start >= size) {
		return {kind: 'unsatisfiable'};
	}

	return {kind: 'partial', start, end};
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
	const bytes = Buffer.from(JSON.stringify(body));
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length, ...headers});
	response.end(bytes);
	return bytes.length;
}

/**
 * Writes the head of a whole or ranged answer (206 with Content-Range, else 200) and returns the byte span to send;
 * undefined when no body follows (a HEAD request, or a client gone during a delay). `range` must be satisfiable:
 * each server answers an unsatisfiable one in its own error shape.
 */
export function writeRangeHead(request: IncomingMessage, response: ServerResponse, headers: Record<string, string | number>,
	range: Exclude<RangeRequest, {kind: 'unsatisfiable'}>, size: number): {start: number; end: number; length: number} | undefined {
	const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
	const length = end - start + 1;
	if (range.kind === 'partial') {
		headers['content-range'] = `bytes ${start}-${end}/${size}`;
	}

	headers['content-length'] = length;
	if (response.destroyed) {
		return undefined;
	}

	response.writeHead(range.kind === 'partial' ? 206 : 200, headers);
	if (request.method === 'HEAD') {
		response.end();
		return undefined;
	}

	return {start, end, length};
}
