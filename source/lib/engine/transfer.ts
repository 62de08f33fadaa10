/**
 * Moves one file from the server to its final name. Bytes go to a hidden partial file beside the target while the
 * SHA-256 is computed on the way; the partial becomes the final name only after length, digest and media type
 * check out. An interrupted transfer keeps its partial and a small sidecar (href, ETag, size, digest) so the next
 * run continues with Range/If-Range; a file changed on the server restarts cleanly.
 */
import {createHash, type Hash} from 'node:crypto';
import {createWriteStream} from 'node:fs';
import {readFile, rm, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {setTimeout as delay} from 'node:timers/promises';
import {ApiProblemError, AuthError, ServerError} from '../api/errors.js';
import {backoffDelay} from '../api/retry.js';
import {CcdlError, exitCodes, FilesystemError} from '../errors.js';
import type {PublishResult, Sink} from '../sinks/sink.js';
import type {Source} from '../sources/model.js';
import {fileSize, hashFile, hashInto, makeFolder} from './disk.js';
import type {PlannedFile} from './plan.js';
import {mediaTypeProblem} from './validate.js';

/** Why a file could not be downloaded, as a stable code and a phrase for the summary. */
export class TransferError extends CcdlError {
	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(code, message, exitCodes.someFailed, options);
		this.name = 'TransferError';
	}
}

export interface TransferHooks {
	onStart?: (resumedFrom: number) => void;
	/** Bytes of the file on disk so far (including resumed bytes). */
	onProgress?: (bytes: number, size: number | undefined) => void;
	onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface TransferResult {
	sha256: string;
	size: number;
	/** Where the file is now, relative to the destination. */
	relativePath: string;
	/** Where it was published (path or URL), and the stored digest when it differs (encryption). */
	published?: PublishResult;
	/** Bytes that came over the network in this run. */
	transferred: number;
	/** Set when the bytes turned out to be already on disk under this path; nothing new was written. */
	identicalTo?: string;
}

/** The first of `candidates` (relative paths at the destination) holding exactly these bytes. */
async function findTwin(sink: Sink, candidates: readonly string[], sha256: string): Promise<string | undefined> {
	for (const candidate of candidates) {
		if (await sink.digest(candidate).catch(() => undefined) === sha256) {
			return candidate;
		}
	}

	return undefined;
}

interface PartialMeta {
	href: string;
	etag?: string;
	size?: number;
	sha256?: string;
}

/** The hidden partial file for a final path: deterministic, so a later run finds it, and short, whatever the name. */
export function partialPaths(finalPath: string): {part: string; meta: string} {
	const id = createHash('sha256').update(path.basename(finalPath)).digest('hex').slice(0, 20);
	const part = path.join(path.dirname(finalPath), `.ccdl-${id}.part`);
	return {part, meta: `${part}.json`};
}

/** `sha-256=:base64:` from a Repr-Digest (or legacy Digest) header, as hex. */
export function parseReprDigest(header: string | string[] | undefined): string | undefined {
	const text = Array.isArray(header) ? header.join(',') : header ?? '';
	const match = /(?:^|,)\s*sha-256=:([A-Za-z\d+/=]+):/i.exec(text);
	if (!match) {
		return undefined;
	}

	const bytes = Buffer.from(match[1]!, 'base64');
	return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

async function readMeta(file: string): Promise<PartialMeta | undefined> {
	try {
		const value = JSON.parse(await readFile(file, 'utf8')) as PartialMeta;
		return typeof value.href === 'string' ? value : undefined;
	} catch {
		return undefined;
	}
}

function header(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** Errors of the local disk (staging or the destination folder): no retry of the download helps against these. */
const diskErrorCodes = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EIO', 'EISDIR', 'EFBIG']);

/** The error as a file-system failure that stops the run (exit 5), when it is one. */
export function destinationFailure(error: unknown, where: string): FilesystemError | undefined {
	if (error instanceof FilesystemError) {
		return error;
	}

	const {code, syscall} = (error ?? {}) as NodeJS.ErrnoException;
	if (!code || !diskErrorCodes.has(code) || syscall === 'connect' || syscall === 'getaddrinfo') {
		return undefined;
	}

	const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full'
		: code === 'EROFS' ? 'the file system turned read-only'
			: code === 'EACCES' || code === 'EPERM' ? 'permission denied'
				: code === 'ENOENT' || code === 'ENOTDIR' ? 'the folder disappeared'
					: code === 'EFBIG' ? 'the file is too big for the file system' : `an input/output error (${code})`;
	return new FilesystemError(code === 'ENOSPC' || code === 'EDQUOT' ? 'no-space' : 'not-writable', `Cannot write to ${where}: ${why}; finished files are kept — free the folder or choose another, then run the same command again.`, {cause: error});
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
	return signal.aborted || (error as Error)?.name === 'AbortError';
}

/** The most ccdl accepts for a file whose size nobody announced (a transcript streamed without Content-Length). */
const maxUnannouncedBytes = 1024 * 1024 * 1024;

/** Partials of files this big get their sidecar before the first byte, so even a crash (kill -9) can resume them. */
const sidecarUpfrontBytes = 8 * 1024 * 1024;

export async function transferFile(source: Source, sink: Sink, file: PlannedFile, options: {
	signal: AbortSignal;
	overwrite: boolean;
	hooks?: TransferHooks;
	/** Creates the file's folder; a run passes one that remembers folders already made. */
	ensureFolder?: (folder: string) => Promise<void>;
}): Promise<TransferResult> {
	const {signal, hooks = {}} = options;
	const policy = source.retry;
	const {part, meta: metaPath} = partialPaths(file.path);
	await (options.ensureFolder ?? makeFolder)(path.dirname(file.path));
	let failures = 0;
	let waits = 0;
	let transferred = 0;
	/** Whether a sidecar may exist on disk (written now or left by an earlier run). */
	let sidecarOnDisk = false;
	const retry = async (reason: string, seconds?: number) => {
		failures++;
		if (failures >= policy.attempts) {
			throw new TransferError('gave-up', `${reason} (gave up after ${failures} attempts)`);
		}

		const wait = seconds === undefined ? backoffDelay(failures, policy) : seconds * 1000;
		hooks.onRetry?.(failures, reason, wait);
		await delay(wait, undefined, {signal});
	};

	const discard = async () => {
		await rm(part, {force: true});
		if (sidecarOnDisk) {
			await rm(metaPath, {force: true});
			sidecarOnDisk = false;
		}
	};

	for (;;) {
		signal.throwIfAborted();
		const partSize = await fileSize(part);
		let offset = partSize ?? 0;
		// Most files have no partial: only then is the sidecar worth reading (or cleaning up).
		const meta = offset > 0 ? await readMeta(metaPath) : undefined;
		sidecarOnDisk ||= partSize !== undefined;
		// Cancelled while validating: every byte is already there, and a matching digest needs no request at all.
		if (offset > 0 && meta?.href === file.href && meta.size === offset && meta.sha256 && (file.etag === undefined || meta.etag === file.etag)
			&& await hashFile(part) === meta.sha256 && !(await mediaTypeProblem(part, file.contentType, offset))) {
			const published = await sink.publish(part, file.relativePath, {overwrite: options.overwrite, size: offset, sha256: meta.sha256, signal});
			await rm(metaPath, {force: true});
			return {sha256: meta.sha256, size: offset, relativePath: published.relativePath, published, transferred: 0};
		}

		const resumable = offset > 0 && meta?.href === file.href && meta.etag !== undefined
			&& (file.etag === undefined || meta.etag === file.etag) && (meta.size === undefined || offset < meta.size);
		if (!resumable) {
			offset = 0;
		}

		const hash = createHash('sha256');
		if (offset > 0) {
			await hashInto(part, hash);
		}

		let response;
		try {
			response = await source.openMedia(file.href, {offset, ...(offset > 0 && meta?.etag ? {ifRange: meta.etag} : {}), signal});
		} catch (error) {
			if (isAbort(error, signal) || error instanceof AuthError) {
				throw error;
			}

			if (error instanceof ApiProblemError) {
				if ((error.status === 429 || error.status === 503) && ++waits <= policy.maxWaits) {
					source.gate.pause(error.retryAfter ?? backoffDelay(waits, policy) / 1000);
					hooks.onRetry?.(failures, `server asked to slow down (${error.status})`, (error.retryAfter ?? 0) * 1000);
					continue;
				}

				if (error.status === 416) {
					await discard();
					await retry('the server refused the resume range');
					continue;
				}

				if (error.isTransient) {
					await retry(`server error ${error.status}`);
					continue;
				}

				throw new TransferError(error.problemCode ?? `http-${error.status}`, error.message.replace(/\.$/, ''));
			}

			if (error instanceof ServerError) {
				throw new TransferError(error.code, error.message.replace(/\.$/, ''));
			}

			await retry(`network error: ${(error as {code?: string}).code ?? (error as Error).message}`);
			continue;
		}

		const {status, headers, body} = response;
		const etag = header(headers.etag);
		let total: number | undefined;
		if (status === 206) {
			const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(headers['content-range']) ?? '');
			// A 206 is spliced onto the partial only when it is of the very representation the partial holds: the
			// validator asked for in If-Range must come back, else the halves may be of two different files.
			if (offset === 0 || etag === undefined || etag !== meta?.etag) {
				body.destroy();
				await discard();
				await retry('the server resumed a different version of the file');
				continue;
			}

			if (!range || Number(range[1]) !== offset) {
				body.destroy();
				await discard();
				await retry('the server answered a different range than asked');
				continue;
			}

			total = range[3] === '*' ? undefined : Number(range[3]);
		} else {
			// 200 to a ranged request: the file changed on the server (If-Range failed); start over.
			offset = 0;
			const length = header(headers['content-length']);
			total = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
		}

		const digestState = offset === 0 ? createHash('sha256') : hash;
		// What the listing promised wins over what this response says: a server (or a man in the middle) answering
		// with another recording's body and that body's own digest must not pass.
		if (file.size !== undefined && total !== undefined && total !== file.size) {
			body.destroy();
			await discard();
			await retry(`the server announced ${total} bytes, the listing ${file.size}`);
			continue;
		}

		const headerDigest = parseReprDigest(headers['repr-digest']) ?? parseReprDigest(headers.digest);
		if (file.sha256 && headerDigest && headerDigest !== file.sha256) {
			// Another version than the listing names (revised since, or a server answering with another file):
			// no retry brings the listed bytes back; a new run lists the recording again.
			body.destroy();
			await discard();
			throw new TransferError('changed-on-server', 'the server now sends another version of this file than it listed (the SHA-256 differs); run again to list it anew');
		}

		const expectedSize = file.size ?? total;
		const expectedDigest = file.sha256 ?? headerDigest;
		const sidecar = JSON.stringify({href: file.href, etag, size: expectedSize, sha256: expectedDigest} satisfies PartialMeta);
		if (expectedSize === undefined || expectedSize >= sidecarUpfrontBytes) {
			await writeFile(metaPath, sidecar);
			sidecarOnDisk = true;
		}

		hooks.onStart?.(offset);
		let received = offset;
		let lastReport = 0;
		const head: Buffer[] = [];
		let headBytes = 0;
		const meter = new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				digestState.update(chunk);
				received += chunk.length;
				transferred += chunk.length;
				if (offset === 0 && headBytes < 16) {
					head.push(chunk.subarray(0, 16 - headBytes));
					headBytes += Math.min(chunk.length, 16 - headBytes);
				}

				if (expectedSize !== undefined && received > expectedSize) {
					callback(new TransferError('too-long', 'the server sent more bytes than announced'));
					return;
				}

				// Neither the listing nor the response gave a size: a body that never ends must not fill the disk.
				if (expectedSize === undefined && received > maxUnannouncedBytes) {
					callback(new TransferError('too-big', `the server sent more than ${maxUnannouncedBytes} bytes without announcing a size`));
					return;
				}

				// Progress is coalesced downstream; still, no need to call out for every 16 kB chunk.
				if (received - lastReport >= 256 * 1024) {
					lastReport = received;
					hooks.onProgress?.(received, expectedSize);
				}

				callback(null, chunk);
			},
		});
		try {
			await pipeline(body, meter, createWriteStream(part, {flags: offset > 0 ? 'a' : 'w', mode: 0o600, highWaterMark: 256 * 1024}), {signal});
		} catch (error) {
			if (error instanceof TransferError && error.code === 'too-big') {
				await discard();
				throw error;
			}

			if (error instanceof TransferError && error.code === 'too-long') {
				await discard();
				await retry(error.message);
				continue;
			}

			const disk = destinationFailure(error, sink.location);
			if (disk) {
				throw disk;
			}

			// Reset, truncated or cancelled mid-body: the partial stays, with a sidecar so the next attempt (or run)
			// resumes from it.
			if (received > 0 && etag !== undefined && !sidecarOnDisk) {
				await writeFile(metaPath, sidecar).catch(() => undefined);
				sidecarOnDisk = true;
			}

			if (isAbort(error, signal)) {
				throw error;
			}

			await retry(`connection lost after ${received} bytes (${(error as {code?: string}).code ?? (error as Error).message})`);
			continue;
		}

		hooks.onProgress?.(received, expectedSize);
		if (expectedSize !== undefined && received < expectedSize) {
			if (!sidecarOnDisk && etag !== undefined && received > 0) {
				await writeFile(metaPath, sidecar);
				sidecarOnDisk = true;
			}

			await retry(`body cut short at ${received} of ${expectedSize} bytes`);
			continue;
		}

		if (!expectedDigest) {
			await discard();
			throw new TransferError('no-digest', 'the server sent no SHA-256 digest, so the file cannot be validated');
		}

		const digest = digestState.digest('hex');
		if (digest !== expectedDigest) {
			await discard();
			await retry('the SHA-256 digest does not match');
			continue;
		}

		const typeProblem = await mediaTypeProblem(part, file.contentType, received, offset === 0 ? Buffer.concat(head) : undefined);
		if (typeProblem) {
			await discard();
			throw new TransferError('wrong-media-type', `the bytes are ${typeProblem}, not ${file.contentType}`);
		}

		const twin = await findTwin(sink, file.compareWith, digest);
		let published: PublishResult | undefined;
		if (twin) {
			await unlink(part);
		} else {
			published = await sink.publish(part, file.relativePath, {overwrite: options.overwrite, size: received, sha256: digest, signal});
		}

		if (sidecarOnDisk) {
			await rm(metaPath, {force: true});
		}

		return {
			sha256: digest, size: received, relativePath: twin ?? published!.relativePath, transferred,
			...(published ? {published} : {}), ...(twin ? {identicalTo: twin} : {}),
		};
	}
}
