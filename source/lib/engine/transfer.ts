/**
 * Moves one file from the server to its final name. Bytes go to a hidden partial file beside the target while the
 * SHA-256 is computed on the way; the partial becomes the final name only after length, digest and media type
 * check out. The sidecar (href, ETag, size, digest, owner) is created exclusively before the first byte, so one process
 * writes a partial and even a crash (kill -9) leaves what the next run needs to continue with Range/If-Range; a file
 * changed on the server restarts cleanly. A 429/503 hands the file back to the scheduler (ThrottledError) instead of
 * holding a slot or the whole run; a server that stops answering ends the run through the OutageWatch.
 */
import {createHash, type Hash} from 'node:crypto';
import {closeSync, openSync, unlinkSync, writev, writevSync} from 'node:fs';
import {rm, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import type {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {ApiProblemError, AuthError, ServerError} from '../api/errors.js';
import {backoffDelay} from '../api/retry.js';
import {CcdlError, exitCodes, FilesystemError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import type {PublishResult, Sink} from '../sinks/sink.js';
import type {Source} from '../sources/model.js';
import {countReceived} from '../runtime/memory.js';
import {fileSize, hashFile, hashInto, makeFolder, statNow} from './disk.js';
import type {OutageWatch} from './outage.js';
import {claimPartial, ownerIdentity, type PartialMeta} from './partial.js';
import type {PlannedFile} from './plan.js';
import {audioProblem, isCheckedAudio} from './audio-check.js';
import {mediaTypeProblem} from './validate.js';

/** Why a file could not be downloaded, as a stable code and a phrase for the summary. */
export class TransferError extends CcdlError {
	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(code, message, exitCodes.someFailed, options);
		this.name = 'TransferError';
	}
}

/**
 * The server asked this file to wait (429/503): the transfer let go of its slot and its partial; the run starts it
 * again after `retryAfterMs`, and meanwhile other files go on.
 */
export class ThrottledError extends CcdlError {
	readonly retryAfterMs: number;
	readonly status: number;

	constructor(status: number, retryAfterMs: number) {
		super('throttled', `the server asked to slow down (${status})`, exitCodes.someFailed);
		this.name = 'ThrottledError';
		this.status = status;
		this.retryAfterMs = retryAfterMs;
	}
}

export interface TransferHooks {
	/** An attempt is under way: from its request when it fetches from the first byte, from the answer when it resumes. */
	onStart?: (resumedFrom: number) => void;
	/** Bytes of the file on disk so far (including resumed bytes). */
	onProgress?: (bytes: number, size: number | undefined) => void;
	onRetry?: (attempt: number, reason: string, delayMs: number) => void;
	/** Bytes of the validated file sent on to a remote destination. */
	onUpload?: (bytes: number, size: number) => void;
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

function header(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * unlink without rm's extra lstat: a missing file is fine. Synchronous, like the other per-file metadata calls here
 * (a few microseconds each): through the thread pool each cost the main thread more than the call itself.
 */
function removeIfThere(file: string): void {
	try {
		unlinkSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}
}

/**
 * Bytes gathered from the body before they are written: one write for a file up to this size. Larger batches kept more
 * chunks alive for no measurable CPU gain (peak RSS of 9 × 64 MiB at 8 at a time: 1 MiB 186 MB, 256 KiB 164 MB).
 */
const writeBatchBytes = 256 * 1024;

const writevAsync = promisify(writev);

/**
 * A last batch at least this large is written through the thread pool too: copying 256 KiB into the page cache takes
 * the main thread ~100 µs, more than the round trip (3,011 × 256 KiB in tmpfs: 3.03–3.20 s against 3.17–3.34 s, the
 * main thread's system time 0.55–0.62 s against 0.79–0.92 s). Smaller ones are written here: for them the round trip
 * costs more than the write.
 */
const syncWriteBytes = 64 * 1024;

/** What of `chunks` is left after `written` bytes of them. */
function rest(chunks: Buffer[], written: number): Buffer[] {
	let index = 0;
	while (index < chunks.length && written >= chunks[index]!.length) {
		written -= chunks[index]!.length;
		index++;
	}

	const left = chunks.slice(index);
	if (written > 0) {
		left[0] = left[0]!.subarray(written);
	}

	return left;
}

/**
 * Writes a partial through one descriptor, in batches of up to writeBatchBytes with at most one write in flight
 * (reading goes on meanwhile). A small file that fits one batch costs three system calls on this thread: open, one
 * writev, close; each round trip through the thread pool cost the main thread more than the call itself. Larger
 * batches (syncWriteBytes and up) are written through the thread pool, so the event loop never copies them itself.
 */
class PartialWriter {
	readonly #fd: number;
	#batch: Buffer[] = [];
	#batchBytes = 0;
	#writing: Promise<void> | undefined;

	constructor(file: string, append: boolean) {
		this.#fd = openSync(file, append ? 'a' : 'w', 0o600);
	}

	/** Takes a chunk; returns a promise to wait for only when a full batch waits for the write before it. */
	add(chunk: Buffer): Promise<void> | undefined {
		this.#batch.push(chunk);
		this.#batchBytes += chunk.length;
		return this.#batchBytes >= writeBatchBytes ? this.#startWrite() : undefined;
	}

	async #startWrite(): Promise<void> {
		await this.#writing;
		const batch = this.#take();
		const fd = this.#fd;
		this.#writing = (async () => {
			for (let left = batch; left.length > 0;) {
				left = rest(left, (await writevAsync(fd, left)).bytesWritten);
			}
		})();
		this.#writing.catch(() => undefined);
	}

	#take(): Buffer[] {
		const batch = this.#batch;
		this.#batch = [];
		this.#batchBytes = 0;
		return batch;
	}

	/** Waits for the write in flight, writes what is left (unless `keep` is false) and closes the descriptor. */
	async close(keep: boolean): Promise<void> {
		try {
			await this.#writing;
			const bytes = this.#batchBytes;
			for (let left = keep ? this.#take() : []; left.length > 0;) {
				left = rest(left, bytes >= syncWriteBytes ? (await writevAsync(this.#fd, left)).bytesWritten : writevSync(this.#fd, left));
			}
		} finally {
			await this.#writing?.catch(() => undefined);
			closeSync(this.#fd);
		}
	}
}

/** The slowest a body may be for how long before it is cut (curl's --speed-limit and --speed-time). */
export interface MinimumSpeed {
	bytesPerSecond: number;
	seconds: number;
}

/** A server that trickles a body must not hold a cron job forever: under 1 kB/s for a minute is cut. */
export const defaultMinimumSpeed: MinimumSpeed = {bytesPerSecond: 1024, seconds: 60};

/**
 * Cuts `body` when fewer than `bytesPerSecond × seconds` bytes arrive in any `seconds`-long window. Returns the
 * function to call per chunk and one to stop watching.
 */
function watchSpeed(body: Readable, minimum: MinimumSpeed): {count: (bytes: number) => void; stop: () => void} {
	if (minimum.bytesPerSecond <= 0 || minimum.seconds <= 0) {
		return {count() {}, stop() {}};
	}

	let inWindow = 0;
	const timer = setInterval(() => {
		if (inWindow < minimum.bytesPerSecond * minimum.seconds) {
			body.destroy(new TransferError('too-slow', `the server sent ${inWindow} bytes in ${minimum.seconds} s, below the minimum of ${minimum.bytesPerSecond} bytes/s (--speed-limit, --speed-time)`));
		}

		inWindow = 0;
	}, minimum.seconds * 1000);
	timer.unref();
	return {
		count(bytes) {
			inWindow += bytes;
		},
		stop() {
			clearInterval(timer);
		},
	};
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

	const clause = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full'
		: code === 'EROFS' ? 'turned-read-only'
			: code === 'EACCES' || code === 'EPERM' ? 'permission'
				: code === 'ENOENT' || code === 'ENOTDIR' ? 'folder-gone'
					: code === 'EFBIG' ? 'too-big' : undefined;
	const why = clause ? {key: `cli.part.why.${clause}`} : {key: 'cli.part.why.io', params: {code}};
	return new FilesystemError(code === 'ENOSPC' || code === 'EDQUOT' ? 'no-space' : 'not-writable', ...phrased('cli.error.write-failed', {folder: where, why}, {cause: error}));
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
	return signal.aborted || (error as Error)?.name === 'AbortError';
}

/**
 * The most ccdl accepts for a file whose size the listing does not give (Twilio's and Webex's media, a transcript
 * streamed without Content-Length). The response's own Content-Length does not raise it: a server announcing a
 * terabyte and streaming without end would otherwise fill the disk.
 */
export const maxUnlistedBytes = 1024 * 1024 * 1024;

/** Network errors where the request got no answer at all: a sign the server may be down, not that this file is bad. */
const unansweredCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHEADERSTIMEOUT', 'EPIPE', 'ECONNABORTED']);

export async function transferFile(source: Source, sink: Sink, file: PlannedFile, options: {
	signal: AbortSignal;
	overwrite: boolean;
	hooks?: TransferHooks;
	/** Creates the file's folder; a run passes one that remembers folders already made. */
	ensureFolder?: (folder: string) => Promise<void>;
	/** The run's watch on the server: unanswered requests wait for it instead of using up the file's tries. */
	outage?: OutageWatch;
	/** Like curl's --speed-limit/--speed-time: a body slower than `bytesPerSecond` for `seconds` is cut and retried. */
	minimumSpeed?: MinimumSpeed;
}): Promise<TransferResult> {
	const {signal, hooks = {}, outage} = options;
	const minimumSpeed = options.minimumSpeed ?? defaultMinimumSpeed;
	const policy = source.retry;
	const {part, meta: metaPath} = partialPaths(file.path);
	await (options.ensureFolder ?? makeFolder)(path.dirname(file.path));
	// One writer per partial: the sidecar, created exclusively before anything is written, says who. A writer that
	// is gone (kill -9) is taken over, and what its sidecar says about the bytes it left is what a resume trusts.
	let sidecar: PartialMeta = {
		href: file.href, ...(file.etag === undefined ? {} : {etag: file.etag}), ...(file.size === undefined ? {} : {size: file.size}),
		...(file.sha256 ? {sha256: file.sha256} : {}), target: path.basename(file.path), ...ownerIdentity(),
	};
	const claim = (await claimPartial(metaPath, part, sidecar, {signal}))!;
	/** What the partial on disk holds, as far as a resume may trust it (undefined: nothing trustworthy). */
	let meta: PartialMeta | undefined = claim.leftover;
	let owned = true;
	let failures = 0;
	let transferred = 0;
	/** Signs of server life at this file's last unanswered request. */
	let livesAtFailure = -1;
	let unanswered = 0;
	const release = async () => {
		if (!owned) {
			return;
		}

		owned = false;
		// Bytes worth resuming keep a sidecar without an owner (any process may take them over at once); else both go.
		const size = await fileSize(part);
		if (size && meta) {
			const {pid: _pid, host: _host, start: _start, ...ownerless} = meta;
			await writeFile(metaPath, JSON.stringify(ownerless), {mode: 0o600});
		} else {
			await rm(part, {force: true});
			removeIfThere(metaPath);
		}
	};

	try {
		// Another process may have finished this very file since the plan (a second journal, or claims not shared):
		// then it is already there. Only a local final name is looked at (a stat); a remote sink's staging holds none.
		if (!file.replaces && file.sha256 && (claim.waited || statNow(file.path)?.isFile() === true)
			&& await sink.digest(file.relativePath).catch(() => undefined) === file.sha256) {
			owned = false;
			removeIfThere(metaPath);
			return {sha256: file.sha256, size: file.size ?? 0, relativePath: file.relativePath, transferred: 0, identicalTo: file.relativePath};
		}

		const result = await transferOwned();
		owned = false;
		return result;
	} finally {
		await release().catch(() => undefined);
	}

	async function retry(reason: string): Promise<void> {
		failures++;
		if (failures >= policy.attempts) {
			throw new TransferError('gave-up', `${reason} (gave up after ${failures} attempts)`);
		}

		const wait = backoffDelay(failures, policy);
		hooks.onRetry?.(failures, reason, wait);
		await delay(wait, undefined, {signal});
	}

	async function discard(): Promise<void> {
		await rm(part, {force: true});
		meta = undefined;
	}

	/** Rewrites the owned sidecar when what it says changed (the response's ETag or size differ from the listing's). */
	async function describe(next: PartialMeta): Promise<void> {
		if (next.etag !== sidecar.etag || next.size !== sidecar.size || next.sha256 !== sidecar.sha256 || next.href !== sidecar.href) {
			await writeFile(metaPath, JSON.stringify(next), {mode: 0o600});
			sidecar = next;
		}
	}

	async function transferOwned(): Promise<TransferResult> {
		const compareWith = claim.waited && !file.sha256 ? [...file.compareWith, file.relativePath] : file.compareWith;
		for (;;) {
			signal.throwIfAborted();
			// Without a sidecar to resume from, whatever is there is started over: no need to look at its size.
			const partSize = meta ? await fileSize(part) : undefined;
			let offset = meta ? partSize ?? 0 : 0;
			// Cancelled (or killed) while validating: every byte is already there, and a matching digest needs no request.
			if (offset > 0 && meta?.href === file.href && meta.size === offset && meta.sha256 && (file.etag === undefined || meta.etag === file.etag)
				&& (!file.sha256 || meta.sha256 === file.sha256) && await hashFile(part) === meta.sha256 && !(await mediaTypeProblem(part, file.contentType, offset))) {
				const published = await sink.publish(part, file.relativePath, {overwrite: options.overwrite, size: offset, sha256: meta.sha256, signal, ...(hooks.onUpload ? {onProgress: hooks.onUpload} : {})});
				removeIfThere(metaPath);
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

			// A file fetched from its first byte is under way from its request on (a slow server's wait is part of it, and
			// the app shows it in flight meanwhile); a resume is announced once the server agreed to it, with what it
			// resumes from.
			const startedEarly = offset === 0;
			if (startedEarly) {
				hooks.onStart?.(0);
			}

			let response;
			try {
				response = await source.openMedia(file.href, {offset, ...(offset > 0 && meta?.etag ? {ifRange: meta.etag} : {}), signal});
			} catch (error) {
				if (isAbort(error, signal) || error instanceof AuthError) {
					throw error;
				}

				if (error instanceof ApiProblemError) {
					if (error.status !== 502 && error.status !== 504) {
						outage?.alive();
					}

					if (error.status === 429 || error.status === 503) {
						// This file waits; the others go on. The run halves its concurrency and restarts this one later.
						throw new ThrottledError(error.status, (error.retryAfter ?? backoffDelay(1, policy) / 1000) * 1000);
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

				const code = (error as {code?: string}).code ?? (error as Error).message;
				if (outage && unansweredCodes.has(code)) {
					outage.unanswered(code);
					throwIfDown(outage);
					// No answer, and none from anyone since this file's last one: the server may be down, so this does not
					// count against the file; the outage watch ends the run if it stays down.
					if (outage.lives === livesAtFailure) {
						const wait = backoffDelay(++unanswered, policy);
						hooks.onRetry?.(failures, `no answer from the server (${code})`, wait);
						await delay(wait, undefined, {signal});
						throwIfDown(outage);
						continue;
					}

					livesAtFailure = outage.lives;
				}

				await retry(`network error: ${code}`);
				continue;
			}

			outage?.alive();
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

			if (file.size === undefined && total !== undefined && total > maxUnlistedBytes) {
				body.destroy();
				await discard();
				throw new TransferError('too-big', `the server announced ${total} bytes for a file the listing gave no size, more than the ${maxUnlistedBytes} bytes accepted without one`);
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
			// The sidecar must describe the bytes about to be written before the first of them is: a crash from here on
			// leaves a partial the next run can resume (or knows not to).
			const {etag: _listed, size: _size, sha256: _sha256, ...rest} = sidecar;
			await describe({
				...rest, ...(etag === undefined ? {} : {etag}), ...(expectedSize === undefined ? {} : {size: expectedSize}),
				...(expectedDigest ? {sha256: expectedDigest} : {}),
			});
			meta = sidecar;
			if (!startedEarly) {
				hooks.onStart?.(offset);
			}

			let received = offset;
			let lastReport = 0;
			let lastLife = 0;
			const head: Buffer[] = [];
			let headBytes = 0;
			const speed = watchSpeed(body, minimumSpeed);
			// A cancel stops the body at once; what was written stays for the next run.
			const onAbort = () => {
				body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
			};
			signal.addEventListener('abort', onAbort, {once: true});
			try {
				signal.throwIfAborted();
				// Straight from the socket into the partial: each chunk is hashed and counted as it arrives, and written in
				// batches (see PartialWriter).
				const writer = new PartialWriter(part, offset > 0);
				let keep = true;
				try {
					for await (const chunk of body as AsyncIterable<Buffer>) {
						speed.count(chunk.length);
						received += chunk.length;
						transferred += chunk.length;
						if (expectedSize !== undefined && received > expectedSize) {
							keep = false;
							throw new TransferError('too-long', 'the server sent more bytes than announced');
						}

						// The listing gave no size: a body that never ends must not fill the disk.
						if (file.size === undefined && received > maxUnlistedBytes) {
							keep = false;
							throw new TransferError('too-big', `the server sent more than ${maxUnlistedBytes} bytes for a file the listing gave no size`);
						}

						digestState.update(chunk);
						countReceived(chunk.length);
						if (offset === 0 && headBytes < 16) {
							head.push(chunk.subarray(0, 16 - headBytes));
							headBytes += Math.min(chunk.length, 16 - headBytes);
						}

						const full = writer.add(chunk);
						if (full) {
							await full;
						}

						// Progress is coalesced downstream; still, no need to call out for every chunk.
						if (received - lastReport >= 256 * 1024) {
							lastReport = received;
							hooks.onProgress?.(received, expectedSize);
							// A long body is the server alive too (checked at the pace of progress, not of chunks).
							if (received - lastLife >= 4 * 1024 * 1024) {
								lastLife = received;
								outage?.alive();
							}
						}
					}
				} catch (error) {
					// A cut body leaves the bytes it brought (the next attempt resumes after them); too many leave none.
					await writer.close(keep).catch(() => undefined);
					throw error;
				}

				await writer.close(true);
				speed.stop();
			} catch (error) {
				speed.stop();
				if (!body.readableEnded) {
					body.destroy();
				}

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

				if (isAbort(error, signal)) {
					throw error;
				}

				// Reset, truncated or cancelled mid-body: the partial stays, described by its sidecar, so the next
				// attempt (or run) resumes from it; without an ETag nothing can be resumed.
				if (etag === undefined) {
					await discard();
				}

				await retry(error instanceof TransferError && error.code === 'too-slow' ? error.message
					: `connection lost after ${received} bytes (${(error as {code?: string}).code ?? (error as Error).message})`);
				continue;
			} finally {
				signal.removeEventListener('abort', onAbort);
			}

			hooks.onProgress?.(received, expectedSize);
			if (expectedSize !== undefined && received < expectedSize) {
				if (etag === undefined) {
					await discard();
				}

				await retry(`body cut short at ${received} of ${expectedSize} bytes`);
				continue;
			}

			// A platform that gives no digest (capabilities.digestGiven false) is validated by its length and the
			// container check, and the SHA-256 computed here is the manifest's. Without a length (a body streamed without
			// Content-Length), the audio's duration against the listing's stands in for it; without that either, nothing
			// would check the bytes.
			if (!expectedDigest && source.capabilities.digestGiven) {
				await discard();
				throw new TransferError('no-digest', 'the server sent no SHA-256 digest, so the file cannot be validated');
			}

			if (!expectedDigest && expectedSize === undefined && !((file.durationSeconds ?? 0) > 0 && isCheckedAudio(file.contentType))) {
				await discard();
				throw new TransferError('no-digest', 'the server gave neither a size nor a SHA-256 digest for this file, and the listing no duration to check it by, so it cannot be validated');
			}

			const digest = digestState.digest('hex');
			if (expectedDigest && digest !== expectedDigest) {
				await discard();
				await retry('the SHA-256 digest does not match');
				continue;
			}

			// Without a digest, the container must also decode as the audio it claims and last as long as listed.
			const typeProblem = await mediaTypeProblem(part, file.contentType, received, offset === 0 ? Buffer.concat(head) : undefined)
				?? (expectedDigest ? undefined : await audioProblem(part, file.contentType, file.durationSeconds));
			if (typeProblem) {
				await discard();
				throw new TransferError('wrong-media-type', `the bytes are ${typeProblem}, not ${file.contentType}`);
			}

			const twin = await findTwin(sink, compareWith, digest);
			let published: PublishResult | undefined;
			if (twin) {
				await unlink(part);
			} else {
				try {
					published = await sink.publish(part, file.relativePath, {overwrite: options.overwrite, size: received, sha256: digest, signal, ...(hooks.onUpload ? {onProgress: hooks.onUpload} : {})});
				} catch (error) {
					// The name was taken meanwhile — by these very bytes (another process finished the same file): already there.
					if ((error as {code?: unknown}).code !== 'name-taken' || await sink.digest(file.relativePath).catch(() => undefined) !== digest) {
						throw error;
					}

					await rm(part, {force: true});
					removeIfThere(metaPath);
					return {sha256: digest, size: received, relativePath: file.relativePath, transferred, identicalTo: file.relativePath};
				}
			}

			// The sidecar goes last: a crash before this leaves a partial whose final name exists, which a sweep removes.
			removeIfThere(metaPath);
			return {
				sha256: digest, size: received, relativePath: twin ?? published!.relativePath, transferred,
				...(published ? {published} : {}), ...(twin ? {identicalTo: twin} : {}),
			};
		}
	}
}

function throwIfDown(outage: OutageWatch): void {
	if (outage.down) {
		throw outage.down;
	}
}
