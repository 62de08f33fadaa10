/**
 * How the two origins of the Webex test server say no. The API answers in the document's `ApiErrorResponse`
 * (`trackingId`, `error.key`, `error.message[].description`); the storage origin, which the document describes only
 * as presigned S3 URLs, answers as S3 does: an XML `<Error>` with a `Code` and a `Message`.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';

/** An API error, sent as the document's ApiErrorResponse. */
export class WebexApiError extends Error {
	readonly code = 'webex-api-error';
	readonly status: number;
	readonly headers: Record<string, string>;

	constructor(status: number, description: string, headers: Record<string, string> = {}) {
		super(description);
		this.name = 'WebexApiError';
		this.status = status;
		this.headers = headers;
	}
}

/** A storage error, sent as S3's XML error document; `s3Code` is S3's own (AccessDenied, NoSuchKey, …). */
export class StorageError extends Error {
	readonly code = 'webex-storage-error';
	readonly status: number;
	readonly s3Code: string;
	readonly headers: Record<string, string>;

	constructor(status: number, s3Code: string, message: string, headers: Record<string, string> = {}) {
		super(message);
		this.name = 'StorageError';
		this.status = status;
		this.s3Code = s3Code;
		this.headers = headers;
	}
}

export function apiErrorBody(error: WebexApiError, trackingId: string): unknown {
	return {trackingId, error: {key: String(error.status), message: [{description: error.message}]}};
}

function xmlEscape(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function storageErrorBody(error: StorageError, resource: string, requestId: string): Buffer {
	return Buffer.from([
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<Error><Code>${error.s3Code}</Code><Message>${xmlEscape(error.message)}</Message><Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`,
	].join('\n'), 'utf8');
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
	const bytes = Buffer.from(JSON.stringify(body));
	response.writeHead(status, {'content-type': 'application/json;charset=UTF-8', 'content-length': bytes.length, ...headers});
	response.end(bytes);
	return bytes.length;
}

/** Reads a request body of at most `limit` bytes; a larger one is refused without reading it all. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(request.headers['content-length'] ?? 0);
	if (declared > limit) {
		request.resume();
		throw new WebexApiError(413, `Request bodies are limited to ${limit} bytes.`);
	}

	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) {
			throw new WebexApiError(413, `Request bodies are limited to ${limit} bytes.`);
		}

		parts.push(chunk);
	}

	return Buffer.concat(parts);
}
