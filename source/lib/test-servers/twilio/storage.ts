/**
 * The storage origin behind Twilio's media redirect: a second loopback server on its own port that serves a
 * recording's bytes only for a valid, unexpired signed URL, and never needs (nor wants) the account's credentials.
 * It answers like an object store: XML errors, ETag, Range and If-Range.
 */
import {once} from 'node:events';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {setTimeout as delay} from 'node:timers/promises';
import {parseRange, writeRangeHead} from '../../demo-server/http.js';
import type {FaultDecision, FaultInjector} from '../../demo-server/faults.js';
import {streamBody} from '../../demo-server/stream-body.js';
import type {TwilioDataset} from './dataset.js';
import {mediaBody, type AudioFormat, type MediaBody} from './media.js';
import type {UrlSigner} from './signing.js';
import type {TwilioStats} from './stats.js';

export interface StorageOptions {
	host: string;
	dataset: TwilioDataset;
	signer: UrlSigner;
	/** The server's clock in Unix seconds (tests may move it forward). */
	nowSeconds: () => number;
	faults: FaultInjector;
	stats: TwilioStats;
	latencyMs: number;
}

export interface StorageOrigin {
	url: string;
	close(): Promise<void>;
}

/** The path of a recording's media on the storage origin; the signature covers it. */
export function storagePath(accountSid: string, recordingSid: string, format: AudioFormat): string {
	return `/v1/${accountSid}/${recordingSid}.${format}`;
}

class StorageError extends Error {
	readonly code = 'storage-error';
	readonly status: number;
	readonly storageCode: string;
	readonly headers: Record<string, string>;

	constructor(status: number, storageCode: string, message: string, headers: Record<string, string> = {}) {
		super(message);
		this.status = status;
		this.storageCode = storageCode;
		this.headers = headers;
	}
}

function xmlEscape(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export async function startStorage(options: StorageOptions): Promise<StorageOrigin> {
	const {dataset, signer, faults, stats} = options;
	const accountSid = dataset.credentials.accountSid;

	async function send(request: IncomingMessage, response: ServerResponse, body: MediaBody, lastModified: Date,
		fault: FaultDecision | undefined): Promise<void> {
		const ifRange = request.headers['if-range'];
		// If-Range with another validator means the client holds other bytes: it gets the whole file again.
		const rangeHeader = ifRange === undefined || ifRange === body.etag || ifRange === lastModified.toUTCString()
			? request.headers.range : undefined;
		const range = parseRange(rangeHeader, body.size);
		const headers: Record<string, string | number> = {
			'content-type': body.contentType,
			etag: body.etag,
			'last-modified': lastModified.toUTCString(),
			'accept-ranges': 'bytes',
			'cache-control': 'private, max-age=600',
		};
		if (range.kind === 'unsatisfiable') {
			throw new StorageError(416, 'InvalidRange', 'The requested range is not satisfiable', {'content-range': `bytes */${body.size}`});
		}

		const span = writeRangeHead(request, response, headers, range, body.size);
		if (!span) {
			return;
		}

		const {start, end, length} = span;
		await streamBody(response, body.chunks(start, end), {
			length, fault, onBytes: bytes => {
				stats.mediaBytes += bytes;
			},
		});
	}

	async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://storage.invalid');
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			throw new StorageError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource', {allow: 'GET, HEAD'});
		}

		const match = /^\/v1\/(AC[\da-f]{32})\/(RE[\da-f]{32})\.(mp3|wav)$/.exec(url.pathname);
		if (!match || match[1] !== accountSid) {
			throw new StorageError(404, 'NoSuchKey', 'The specified key does not exist.');
		}

		const check = signer.check(url.pathname, url.searchParams, options.nowSeconds());
		if (check.result === 'bad-signature') {
			stats.badSignatures++;
			throw new StorageError(403, 'SignatureDoesNotMatch', 'The request signature does not match.');
		}

		if (check.result === 'expired') {
			stats.expiredUrls++;
			throw new StorageError(403, 'AccessDenied', 'Request has expired');
		}

		const recordingSid = match[2]!;
		const recording = dataset.recording(recordingSid);
		if (!recording || dataset.isDeleted(recordingSid) || (check.channels !== 1 && check.channels !== 2)) {
			throw new StorageError(404, 'NoSuchKey', 'The specified key does not exist.');
		}

		const format = match[3] as AudioFormat;
		const body = mediaBody(format, recording.sid, recording.duration, check.channels);
		let fault = request.method === 'HEAD' ? undefined : faults.decide(`storage ${recordingSid}.${format}/${check.channels}`, true);
		if (request.method !== 'HEAD' && faults.isBroken(recordingSid)) {
			fault = {kind: 'truncate', cutAt: 0.5};
		}

		if (fault?.kind === 'slow') {
			await delay(faults.spec.slowMs, undefined, {ref: false});
			fault = undefined;
		} else if (fault?.kind === '429' || fault?.kind === '503') {
			throw new StorageError(Number(fault.kind), 'SlowDown', 'Please reduce your request rate.', {'retry-after': String(faults.spec.retryAfter)});
		} else if (fault?.kind === '500') {
			throw new StorageError(500, 'InternalError', 'We encountered an internal error. Please try again.');
		}

		await send(request, response, body, recording.updated, fault);
	}

	const server: Server = createServer({keepAlive: true, requestTimeout: 0}, (request, response) => {
		stats.storageRequests++;
		if (request.headers.authorization !== undefined) {
			// Credentials must never follow a redirect to another origin; the tests assert this stays 0.
			stats.storageRequestsWithAuthorization++;
		}

		void (async () => {
			try {
				if (options.latencyMs > 0) {
					await delay(options.latencyMs, undefined, {ref: false});
				}

				await route(request, response);
			} catch (error) {
				const failure = error instanceof StorageError ? error : new StorageError(500, 'InternalError', 'Unexpected error.');
				if (!(error instanceof StorageError)) {
					console.error(error);
				}

				if (response.headersSent) {
					response.destroy();
					return;
				}

				if (failure.status === 429) {
					stats.tooManyRequests++;
				}

				const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.storageCode}</Code>`
					+ `<Message>${xmlEscape(failure.message)}</Message></Error>\n`);
				response.writeHead(failure.status, {'content-type': 'application/xml', 'content-length': body.length, ...failure.headers});
				response.end(request.method === 'HEAD' ? undefined : body);
			}
		})();
	});
	server.keepAliveTimeout = 30_000;
	server.listen(0, options.host);
	await once(server, 'listening');
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return {
		url: `http://${host}:${address.port}`,
		async close() {
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}
