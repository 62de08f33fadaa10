/**
 * Reading what a server sends without trusting it: bodies are decoded (gzip, deflate, br) while the decoded bytes are
 * counted against a cap, so a small compressed bomb cannot fill memory; JSON is checked for nesting depth and
 * container count before it is parsed, because JSON.parse of a deeply nested or tiny-object document costs far more
 * memory than its size.
 */
import type {IncomingMessage} from 'node:http';
import {pipeline} from 'node:stream/promises';
import {Writable, type Readable} from 'node:stream';
import zlib from 'node:zlib';
import {ServerError} from './errors.js';

export interface JsonLimits {
	/** Largest decoded body accepted, in bytes. */
	maxBytes: number;
	/** Deepest nesting of objects and arrays accepted. */
	maxDepth: number;
	/** Most objects and arrays in one document. */
	maxContainers: number;
}

/** Why a body was refused; the caller turns it into a sentence naming the request. */
export class BodyLimitError extends Error {
	readonly code: 'too-large' | 'too-deep' | 'too-many-values' | 'bad-encoding';
	constructor(code: BodyLimitError['code'], message: string) {
		super(message);
		this.name = 'BodyLimitError';
		this.code = code;
	}
}

/** The stream of decoded bytes of a response, or a BodyLimitError for an encoding ccdl cannot decode. */
function decoded(response: IncomingMessage): Readable[] {
	const encoding = String(response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
	switch (encoding) {
		case 'identity':
		case '': {
			return [response];
		}

		case 'gzip':
		case 'x-gzip': {
			return [response, zlib.createGunzip()];
		}

		case 'deflate': {
			return [response, zlib.createInflate()];
		}

		case 'br': {
			return [response, zlib.createBrotliDecompress()];
		}

		default: {
			throw new BodyLimitError('bad-encoding', 'an unknown content encoding');
		}
	}
}

/**
 * Reads a whole body, decoded, up to `maxBytes`. With `truncate`, bytes past the cap are dropped and the response is
 * destroyed (for error bodies: a few KiB say enough, and an endless one must not hold the run); without it, a body over
 * the cap is a BodyLimitError.
 */
export async function readBody(response: IncomingMessage, maxBytes: number, options: {truncate?: boolean} = {}): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	let over = false;
	const stages = decoded(response);
	const sink = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			const room = maxBytes - size;
			if (chunk.length > room) {
				if (room > 0) {
					chunks.push(chunk.subarray(0, room));
				}

				size = maxBytes;
				over = true;
				// Stop reading at once: the rest may be endless or a decompression bomb.
				callback(new BodyLimitError('too-large', `more than ${formatMiB(maxBytes)}`));
				return;
			}

			chunks.push(chunk);
			size += chunk.length;
			callback();
		},
	});
	try {
		await pipeline([...stages, sink] as unknown as [Readable, Writable]);
	} catch (error) {
		response.destroy();
		if (over && options.truncate) {
			return Buffer.concat(chunks, size);
		}

		if (error instanceof BodyLimitError) {
			throw error;
		}

		if ((error as {code?: string}).code?.startsWith('Z_') || (error as {code?: string}).code === 'ERR__ERROR') {
			throw new BodyLimitError('bad-encoding', `a body that does not decode as ${String(response.headers['content-encoding'])}`);
		}

		throw error;
	}

	return Buffer.concat(chunks, size);
}

/**
 * Checks nesting depth and the number of objects and arrays of a JSON text without parsing it (one pass over the bytes,
 * strings skipped). Returns a BodyLimitError to throw, or undefined when the document is within the limits.
 */
export function jsonShapeProblem(bytes: Uint8Array, limits: Pick<JsonLimits, 'maxDepth' | 'maxContainers'>): BodyLimitError | undefined {
	let depth = 0;
	let containers = 0;
	const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	for (let index = 0; index < buffer.length; index++) {
		const byte = buffer[index]!;
		if (byte === 0x22) {
			// Most strings of a listing are short (keys, IDs, names, dates): scanned here, since a call into indexOf costs
			// more than their bytes. A longer one is left to indexOf (memchr) below, from its opening quote again.
			let at = index + 1;
			const end = Math.min(buffer.length, at + shortString);
			for (; at < end; at++) {
				const inner = buffer[at]!;
				if (inner === 0x22) {
					break;
				}

				if (inner === 0x5C) {
					at++;
				}
			}

			if (at < end) {
				index = at;
				continue;
			}

			// Jump to the closing quote with indexOf (memchr), not byte by byte. A quote preceded by an odd number of
			// backslashes is escaped and does not close the string.
			for (;;) {
				const close = buffer.indexOf(0x22, index + 1);
				if (close < 0) {
					return undefined;
				}

				let backslashes = 0;
				while (buffer[close - 1 - backslashes] === 0x5C) {
					backslashes++;
				}

				index = close;
				if (backslashes % 2 === 0) {
					break;
				}
			}
		} else if (byte === 0x7B || byte === 0x5B) {
			if (++depth > limits.maxDepth) {
				return new BodyLimitError('too-deep', `JSON nested deeper than ${limits.maxDepth} levels`);
			}

			if (++containers > limits.maxContainers) {
				return new BodyLimitError('too-many-values', `JSON with more than ${limits.maxContainers.toLocaleString('en')} objects and arrays`);
			}
		} else if (byte === 0x7D || byte === 0x5D) {
			depth--;
		}
	}

	return undefined;
}

/**
 * Bytes of a string the shape check scans itself before handing it to indexOf: beyond a digest (64), so that only
 * the rare long string pays for the call.
 */
const shortString = 96;

/** Parses JSON bytes after the shape check; throws BodyLimitError or SyntaxError. */
export function parseJsonBytes(bytes: Buffer, limits: Pick<JsonLimits, 'maxDepth' | 'maxContainers'>): unknown {
	const problem = jsonShapeProblem(bytes, limits);
	if (problem) {
		throw problem;
	}

	return JSON.parse(bytes.toString('utf8')) as unknown;
}

export function formatMiB(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** A ServerError for a refused body, naming the request. */
export function bodyLimitServerError(error: BodyLimitError, what: string, baseUrl: string): ServerError {
	return new ServerError(`body-${error.code}`, `${baseUrl} answered ${what} with ${error.message}, which ccdl refuses; the server is broken or hostile.`, {cause: error});
}
