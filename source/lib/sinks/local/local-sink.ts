/**
 * The local folder as a sink. Downloads are staged as hidden partials beside their final names, so publishing is a
 * link (never clobbering a file that appeared meanwhile) or, when overwriting, a rename — atomic either way. A partial
 * has one writer (engine/partial.ts) and its bytes were hashed as they were written (resumed bytes read back from the
 * disk); publishing then proves the final name is that very file, of the validated length, so a second writer or
 * another program cannot slip a different file under a validated name. Files are owner-only (0600, folders 0700)
 * unless the run widens it.
 */
import {createHash} from 'node:crypto';
import {chmodSync, linkSync, readFileSync, renameSync, statSync, unlinkSync} from 'node:fs';
import {open, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {FilesystemError} from '../../errors.js';
import {ensureWritableFolder, freeSpace, hashFile, nearestExisting, statNow} from '../../engine/disk.js';
import {folderModeFor, type PublishOptions, type PublishResult, type Sink, type SinkEntry} from '../sink.js';

/** Files up to this size are hashed in one synchronous read (see `digest`). */
const readAtOnceBytes = 256 * 1024;

/** Why a file could not be published; the run treats it as a failure of that file, or of the destination. */
export class PublishError extends Error {
	readonly code: string;

	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'PublishError';
		this.code = code;
	}
}

export interface LocalSinkOptions {
	/** Mode of files written (folders get the matching execute bits). @default 0o600 */
	fileMode?: number;
}

export class LocalSink implements Sink {
	readonly kind = 'local';
	readonly location: string;
	readonly stagingDir: string;
	readonly fileMode: number;
	readonly folderMode: number;

	constructor(folder: string, options: LocalSinkOptions = {}) {
		this.location = path.resolve(folder);
		this.stagingDir = this.location;
		this.fileMode = options.fileMode ?? 0o600;
		this.folderMode = folderModeFor(this.fileMode);
	}

	#absolute(relativePath: string): string {
		const absolute = path.join(this.location, ...relativePath.split('/').filter(Boolean));
		if (absolute !== this.location && !absolute.startsWith(this.location + path.sep)) {
			throw new FilesystemError('unsafe-name', `Refusing a path that leaves ${this.location}: ${JSON.stringify(relativePath)}.`);
		}

		return absolute;
	}

	locate(relativePath: string): string {
		return this.#absolute(relativePath);
	}

	async prepare(options: {dryRun: boolean}): Promise<void> {
		if (!options.dryRun) {
			await ensureWritableFolder(this.location, this.folderMode);
		}
	}

	async freeSpace(): Promise<number | undefined> {
		try {
			return await freeSpace(await nearestExisting(this.location));
		} catch {
			return undefined;
		}
	}

	async list(relativeDir: string): Promise<SinkEntry[]> {
		let entries;
		try {
			entries = await readdir(this.#absolute(relativeDir), {withFileTypes: true});
		} catch {
			return [];
		}

		// Sizes are not needed to find names; the digest check stats what it compares.
		return entries.filter(entry => entry.isFile()).map(entry => ({name: entry.name, size: -1}));
	}

	async digest(relativePath: string): Promise<string | undefined> {
		const absolute = this.#absolute(relativePath);
		// A small file is read at once on this thread: its stat, open, read and close through the thread pool cost
		// the main thread ~100 µs, ten times the calls themselves, for every file a rerun finds already there
		// (6,428 of them: ~0.5 s). A larger one is read through the pool, so the event loop never waits on its bytes.
		const info = statNow(absolute);
		if (!info?.isFile()) {
			return undefined;
		}

		return info.size <= readAtOnceBytes ? createHash('sha256').update(readFileSync(absolute)).digest('hex') : hashFile(absolute);
	}

	async publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult> {
		const target = this.#absolute(relativePath);
		// The staged file is this run's own (one writer per partial) and was hashed as it was written: what must be
		// proved now is that the final name is that very file, whole — the same inode and length — not its bytes again.
		// These are metadata calls of a few microseconds each, made synchronously: through the thread pool each cost
		// the main thread more than the call itself, for every file of a run.
		const before = statSync(staged);
		if (before.size !== options.size) {
			throw new PublishError('changed-on-disk', `${relativePath} is ${before.size} bytes in staging, ${options.size} were validated; it will be fetched again`);
		}

		// Partials are made owner-only; only a wider mode needs a change.
		if ((before.mode & 0o777) !== this.fileMode) {
			chmodSync(staged, this.fileMode);
		}

		if (options.overwrite) {
			renameSync(staged, target);
		} else {
			try {
				// link() fails instead of replacing: a file that appeared under this name since planning is never clobbered.
				linkSync(staged, target);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
					throw new PublishError('name-taken', `${relativePath} appeared on disk during the run; run again to keep both`);
				}

				throw error;
			}

			unlinkSync(staged);
		}

		const after = statNow(target);

		if (!after || after.ino !== before.ino || after.dev !== before.dev || after.size !== options.size) {
			if (after?.ino === before.ino) {
				await rm(target, {force: true});
			}

			throw new PublishError('changed-on-disk', `${relativePath} is not the file that was validated (another program replaced or changed it); it will be fetched again`);
		}

		return {relativePath, location: target};
	}

	async readText(relativePath: string): Promise<string | undefined> {
		try {
			return await readFile(this.#absolute(relativePath), 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return undefined;
			}

			throw error;
		}
	}

	async readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined> {
		let handle;
		try {
			handle = await open(this.#absolute(relativePath), 'r');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return undefined;
			}

			throw error;
		}

		return handle.createReadStream({highWaterMark: 64 * 1024});
	}

	async writeText(relativePath: string, content: string | Iterable<string>): Promise<string> {
		const target = this.#absolute(relativePath);
		const temporary = `${target}.ccdl-tmp-${process.pid}`;
		try {
			// writeFile takes the manifest's chunks as they are made (an iterable), not one string of it all.
			await writeFile(temporary, content, {mode: this.fileMode});
			await rename(temporary, target);
		} catch (error) {
			await rm(temporary, {force: true});
			throw error;
		}

		return target;
	}

	async close(): Promise<void> {}
}
