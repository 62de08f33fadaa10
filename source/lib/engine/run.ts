/**
 * A download run: the plan's files through the scheduler (one bounded queue without a download profile; per-channel
 * counts and modes with one), each transferred and validated, each contact marked archived on the server once all
 * its files are valid. The server's "slow down" (429/503) halves the concurrency for the whole run, which then creeps
 * back, and the file that was told to wait yields its slot until its Retry-After has passed. A server that gives no
 * answer for the outage limit stops the run (exit 4); a destination that fails stops it too (exit 5). Cancelling stops
 * new files, aborts those in flight (their partial bytes stay for the next run) and still delivers a complete summary.
 * Every file's outcome reaches the listeners (the journal) before its contact is marked archived, so a contact never
 * counts as archived on the server without a durable record of its files.
 */
import {AuthError} from '../api/errors.js';
import {CcdlError} from '../errors.js';
import type {Sink} from '../sinks/sink.js';
import type {Source} from '../sources/model.js';
import {Archiver, type MarkArchived} from './archiver.js';
import path from 'node:path';
import {makeFolder} from './disk.js';
import {CoalescingEmitter, type EngineEvent, type FileSnapshot, type RunListener, type RunSnapshot} from './events.js';
import {type Outcome, OutcomeLog} from './outcomes.js';
import {OutageWatch, outageSecondsFromEnv} from './outage.js';
import {sweepPartials} from './partial.js';
import type {Profile} from '../profiles/model.js';
import type {ItemList} from '../runtime/spool.js';
import {FingerprintSet} from '../text/fingerprint-set.js';
import type {Plan, PlannedFile} from './plan.js';
import {type Deferral, Scheduler} from './scheduler.js';
import {destinationFailure, type MinimumSpeed, partialPaths, ThrottledError, transferFile, TransferError} from './transfer.js';

export interface RunOptions {
	/** Files transferred at once when no download profile applies. @default 8 */
	concurrency?: number;
	/**
	 * The effective download profile of a file (undefined: none). Under a profile at most its count of each channel
	 * is in flight, exclusive mode runs the channels one after another, and channels at 0 are skipped ('profile').
	 */
	profileFor?: (file: PlannedFile) => Profile | undefined;
	overwrite: boolean;
	/**
	 * Marks validated contacts archived: the platform's own mark, or the journal's record where the platform has
	 * none. Absent: nothing is marked (--no-archive).
	 */
	markArchived?: MarkArchived;
	signal?: AbortSignal;
	/** Milliseconds between event batches. @default 100 */
	eventIntervalMs?: number;
	/**
	 * Seconds the server may give no answer at all before the run stops with exit 4.
	 * @default CCDL_OUTAGE_SECONDS, else 60
	 */
	outageSeconds?: number;
	/** The slowest a body may be, for how long, before it is cut and retried. @default 1 kB/s for 60 s */
	minimumSpeed?: MinimumSpeed;
}

/** A file's outcome, with the file. */
export type FileOutcome = Outcome & {file: PlannedFile};

export interface RunSummary {
	/**
	 * Every file's outcome, in the plan's order ('interrupted' for a file the run never finished), read back from the
	 * run's outcome log each time: readable until the pipeline closes the run (`DownloadRun.close`).
	 */
	outcomes: ItemList<FileOutcome>;
	/** The outcomes of the files that failed, in the order they failed (kept, for the screens and reports). */
	failures: FileOutcome[];
	/** Contacts marked archived by this run, or already archived on the server. */
	archived: number;
	archiveFailures: Map<string, string>;
	valid: number;
	skipped: number;
	/** Skipped files whose channel is 0 in their download profile (counted in `skipped` too). */
	skippedByProfile: number;
	failed: number;
	/** Files the run did not finish (it was interrupted, or stopped by a fatal error). */
	unfinished: number;
	interrupted: boolean;
	/** Bytes that came over the network in this run (resumed bytes not included). */
	bytesTransferred: number;
	/** Bytes already on disk from earlier runs that resumed transfers built on. */
	bytesResumed: number;
	durationMs: number;
	/** A fatal error that stopped the run (the session could not be renewed, the destination failed, the server is gone). */
	fatal?: Error;
	/** Partials of earlier runs removed because nobody would resume them (their file was finished, or no sidecar). */
	partialsRemoved?: number;
}

/** What screens and reporters need of a run: its plan, its events, a snapshot, and a way to stop it. */
export interface RunEvents {
	readonly plan: Plan;
	subscribe(listener: RunListener): () => void;
	snapshot(): RunSnapshot;
	/** The files in flight (or waiting to be retried): a file is no longer here once it is done. */
	files(): IterableIterator<FileSnapshot>;
	cancel(): void;
	/** Delivers pending events now (before a hard exit, so the journal hears every finished file). */
	flushEvents?(): void;
}

/**
 * How many files of its contact the plan holds, for each file: all of them must be valid before the contact is marked
 * archived. Counted from the plan the run is given, however it was narrowed (the app's retry of failed files keeps
 * only some of a contact's files). A planner's plan holds a contact's files next to each other, so this is the
 * length of each run of one contact, kept per plan place (4 bytes a file); a plan put together otherwise (a contact
 * met again after others, found by 64-bit fingerprints, where a false match only picks this slower way) is counted
 * whole, by contact.
 */
function contactFileCounts(files: ItemList<PlannedFile>): (file: PlannedFile, index: number) => number {
	const sizes = new Uint32Array(files.length);
	const seen = new FingerprintSet();
	let contiguous = true;
	let current: string | undefined;
	let start = 0;
	let index = 0;
	const close = () => {
		if (current !== undefined) {
			sizes.fill(index - start, start, index);
			contiguous &&= seen.add(current);
		}
	};

	for (const file of files) {
		if (file.contactId !== current) {
			close();
			current = file.contactId;
			start = index;
		}

		index++;
	}

	close();
	if (contiguous) {
		return (_file, place) => sizes[place]!;
	}

	const counts = new Map<string, number>();
	for (const file of files) {
		counts.set(file.contactId, (counts.get(file.contactId) ?? 0) + 1);
	}

	return file => counts.get(file.contactId)!;
}

/** A contact whose files are not all settled yet, or whose archive mark is on its way. */
interface OpenContact {
	left: number;
	failed: boolean;
	/** Plan places of its files: their outcomes get the contact's archive time. */
	indices: number[];
}

export class DownloadRun implements RunEvents {
	readonly plan: Plan;
	readonly #source: Source;
	readonly #sink: Sink;
	readonly #options: RunOptions;
	readonly #emitter: CoalescingEmitter;
	/**
	 * The files in flight or waiting to be retried. A finished file is forgotten: its outcome is in `#outcomes` and
	 * its events went to the listeners (the journal), so a long run holds what is in flight, not every file.
	 */
	readonly #active = new Map<string, FileSnapshot>();
	readonly #outcomes: OutcomeLog;
	readonly #controller = new AbortController();
	#startedAt = Date.now();
	#bytesDone = 0;
	#bytesResumed = 0;
	#rateSamples: Array<{at: number; bytes: number}> = [];
	#concurrency: number;
	#counts = {queued: 0, running: 0, valid: 0, skipped: 0, failed: 0, archived: 0};
	#finished = false;

	constructor(source: Source, plan: Plan, options: RunOptions) {
		this.#source = source;
		this.#sink = plan.sink;
		this.plan = plan;
		this.#options = options;
		this.#concurrency = options.concurrency ?? 8;
		this.#outcomes = new OutcomeLog(plan.files.length);
		this.#counts.queued = plan.files.length;
		this.#emitter = new CoalescingEmitter(() => this.snapshot(), options.eventIntervalMs ?? 100);
		options.signal?.addEventListener('abort', () => {
			this.cancel();
		}, {once: true});
	}

	get signal(): AbortSignal {
		return this.#controller.signal;
	}

	subscribe(listener: RunListener): () => void {
		return this.#emitter.subscribe(listener);
	}

	/** Stops starting files and aborts those in flight; `start()` then resolves with `interrupted: true`. */
	cancel(): void {
		this.#controller.abort();
	}

	/**
	 * Hands every pending event to the listeners now. For a process about to end without waiting for the run (a
	 * second Ctrl-C): the journal then holds every file finished so far.
	 */
	flushEvents(): void {
		this.#emitter.flush();
	}

	files(): IterableIterator<FileSnapshot> {
		return this.#active.values();
	}

	/** Lets go of the run's outcome log; the summary's `outcomes` can no longer be read. */
	close(): void {
		this.#outcomes.close();
	}

	snapshot(): RunSnapshot {
		const now = Date.now();
		const window = this.#rateSamples.filter(sample => now - sample.at <= 5000);
		const first = window[0];
		const rate = first && now - first.at > 200 ? (this.#bytesDone - first.bytes) / ((now - first.at) / 1000) : 0;
		const left = this.plan.downloadBytes - this.#bytesDone;
		return {
			startedAt: this.#startedAt,
			files: this.plan.files.length,
			...this.#counts,
			bytesDone: this.#bytesDone,
			bytesTotal: this.plan.downloadBytes,
			rate,
			...(rate > 0 && left > 0 ? {etaSeconds: left / rate} : {}),
			concurrency: this.#concurrency,
			finished: this.#finished,
			interrupted: this.#controller.signal.aborted,
		};
	}

	#emit(event: EngineEvent): void {
		this.#emitter.emit(event);
	}

	/** A file the run takes up: in flight from now on, until `#setState` gives it a final state. */
	#take(file: PlannedFile): FileSnapshot {
		let snapshot = this.#active.get(file.fileId);
		if (!snapshot) {
			snapshot = {
				fileId: file.fileId, contactId: file.contactId, channel: file.channel, relativePath: file.relativePath,
				state: 'queued', bytes: 0, ...(file.size === undefined ? {} : {size: file.size}),
			};
			this.#active.set(file.fileId, snapshot);
			this.#emit({type: 'queued', fileId: file.fileId, contactId: file.contactId, channel: file.channel, path: file.relativePath, ...(file.size === undefined ? {} : {size: file.size})});
		}

		return snapshot;
	}

	#setState(file: PlannedFile, state: FileSnapshot['state'], patch: Partial<FileSnapshot> = {}): void {
		const snapshot = this.#take(file);
		if (snapshot.state !== state) {
			this.#counts[snapshot.state]--;
			this.#counts[state]++;
		}

		Object.assign(snapshot, patch, {state});
		if (state === 'valid' || state === 'skipped' || state === 'failed') {
			this.#active.delete(file.fileId);
		}
	}

	#addBytes(count: number): void {
		this.#bytesDone += count;
		const now = Date.now();
		const last = this.#rateSamples.at(-1);
		if (!last || now - last.at >= 250) {
			this.#rateSamples.push({at: now, bytes: this.#bytesDone});
			if (this.#rateSamples.length > 40) {
				this.#rateSamples.splice(0, this.#rateSamples.length - 40);
			}
		}
	}

	async start(): Promise<RunSummary> {
		this.#startedAt = Date.now();
		const signal = this.#controller.signal;
		const log = this.#outcomes;
		const scheduler = new Scheduler(this.plan.files, {
			concurrency: this.#concurrency,
			signal,
			...(this.#options.profileFor ? {profileFor: this.#options.profileFor} : {}),
			onConcurrency: concurrency => {
				this.#concurrency = concurrency;
			},
		});
		// Slow-downs closer together than a second are one: the answers to requests already in flight when the first
		// came. Halving for each of them took the run to one file at a time under 10 % throttling.
		let lastSlowDown = 0;
		this.#source.gate.onSlowDown = () => {
			const now = Date.now();
			if (now - lastSlowDown >= 1000) {
				lastSlowDown = now;
				scheduler.slowDown();
			}
		};

		// Contacts with files still open, or an archive mark on its way; forgotten once settled and marked.
		const open = new Map<string, OpenContact>();
		const archivedNow = (contactId: string, archivedAt: string) => {
			for (const index of open.get(contactId)?.indices ?? []) {
				log.patch(index, {archivedAt});
			}

			open.delete(contactId);
		};

		const mark = this.#options.markArchived;
		const archiver = new Archiver(mark ?? (async () => ({archived: [], errors: []})), this.#source.retry, {
			signal,
			// The journal records files from the events: they must be in it before the server calls them archived.
			beforeSend: () => {
				this.#emitter.flush();
			},
			onArchived: (contactId, archivedAt) => {
				archivedNow(contactId, archivedAt);
				this.#counts.archived++;
				this.#emit({type: 'archived', contactId, archivedAt});
			},
			onFailed: (contactId, reason) => {
				open.delete(contactId);
				this.#emit({type: 'archive-failed', contactId, reason});
			},
		});
		let skippedByProfile = 0;
		const failures: FileOutcome[] = [];
		const retries = new Map<string, number>();
		const settle = (file: PlannedFile, index: number, outcome: Outcome) => {
			const attempts = outcome.state === 'skipped' ? 0 : 1 + (retries.get(file.fileId) ?? 0);
			retries.delete(file.fileId);
			log.set(index, {...outcome, attempts});
			if (outcome.state === 'failed') {
				failures.push({file, ...outcome, attempts});
			}
		};

		// Each folder is made once per run, not once per file.
		const folders = new Map<string, Promise<void>>();
		const ensureFolder = async (folder: string) => {
			let made = folders.get(folder);
			if (!made) {
				made = makeFolder(folder);
				folders.set(folder, made);
				made.catch(() => folders.delete(folder));
			}

			return made;
		};

		let fatal: Error | undefined;
		const outage = new OutageWatch(this.#source.baseUrl, (this.#options.outageSeconds ?? outageSecondsFromEnv()) * 1000, error => {
			fatal ??= error;
			archiver.abandon(`not marked archived: ${error.message}`);
			this.cancel();
		});
		// Leftovers of earlier runs that nobody will resume; this run's own partials are resumed by their transfers.
		const partialsRemoved = await this.#sweep().catch(() => 0);
		const filesOf = contactFileCounts(this.plan.files);
		const waits = new Map<string, number>();
		const settleContact = (file: PlannedFile, index: number, ok: boolean) => {
			let contact = open.get(file.contactId);
			if (!contact) {
				contact = {left: filesOf(file, index), failed: false, indices: []};
				open.set(file.contactId, contact);
			}

			contact.failed ||= !ok;
			contact.indices.push(index);
			if (--contact.left > 0) {
				return;
			}

			if (contact.failed || !mark) {
				open.delete(file.contactId);
			} else if (file.contact.archived && file.contact.archivedAt) {
				archiver.known(file.contactId, file.contact.archivedAt);
			} else {
				archiver.mark(file.contactId);
			}
		};

		// A file found already there is described as the destination stores it: an encrypted one under `….age` with its
		// ciphertext's digest, as the run that published it described it (else the manifest got a second row, under
		// the plain name and without the stored digest, which `ccdl verify` then found missing).
		const storedAs = async (relativePath: string): Promise<{relativePath: string; storedSha256?: string; storedSize?: number}> =>
			await this.#sink.stored?.(relativePath).catch(() => undefined) ?? {relativePath};

		const runFile = async (file: PlannedFile, index: number): Promise<void | Deferral> => {
			if (signal.aborted) {
				return;
			}

			if (file.action === 'skip') {
				const digest = file.sha256 ? {sha256: file.sha256} : {};
				const stored = await storedAs(file.relativePath);
				this.#setState(file, 'skipped', {bytes: file.size ?? 0, ...digest, ...stored.relativePath === file.relativePath ? {} : {relativePath: stored.relativePath}});
				settle(file, index, {state: 'skipped', skipReason: 'identical', ...digest, ...(file.size === undefined ? {} : {size: file.size}), ...stored});
				this.#emit({type: 'skipped', fileId: file.fileId, reason: 'identical', path: stored.relativePath, ...digest});
				settleContact(file, index, true);
				return;
			}

			this.#setState(file, 'running');
			let reported = 0;
			let base = 0;
			try {
				const result = await transferFile(this.#source, this.#sink, file, {
					signal,
					overwrite: file.replaces || this.#options.overwrite,
					ensureFolder,
					outage,
					...(this.#options.minimumSpeed ? {minimumSpeed: this.#options.minimumSpeed} : {}),
					hooks: {
						onStart: resumedFrom => {
							// Bytes from an earlier run are not this run's traffic: counting them made the rate
							// (and, when a resume restarted, the total) wrong.
							this.#bytesResumed += resumedFrom;
							base = resumedFrom;
							reported = resumedFrom;
							this.#take(file).bytes = resumedFrom;
							this.#emit({type: 'started', fileId: file.fileId, resumedFrom});
						},
						onProgress: (bytes, size) => {
							this.#addBytes(Math.max(0, bytes - Math.max(reported, base)));
							reported = bytes;
							this.#take(file).bytes = bytes;
							this.#emit({type: 'progress', fileId: file.fileId, bytes, ...(size === undefined ? {} : {size})});
						},
						onRetry: (attempt, reason, delayMs) => {
							retries.set(file.fileId, (retries.get(file.fileId) ?? 0) + 1);
							this.#emit({type: 'retrying', fileId: file.fileId, attempt, reason, delayMs});
						},
						onUpload: (bytes, size) => {
							this.#emit({type: 'uploading', fileId: file.fileId, bytes, size});
						},
					},
				});
				if (result.identicalTo) {
					// The listing had no digest, so this was only found out after downloading: count it as already there.
					const stored = await storedAs(result.identicalTo);
					this.#setState(file, 'skipped', {bytes: result.size, sha256: result.sha256, size: result.size, relativePath: stored.relativePath});
					settle(file, index, {state: 'skipped', skipReason: 'identical', sha256: result.sha256, size: result.size, ...stored});
					this.#emit({type: 'skipped', fileId: file.fileId, reason: 'identical', path: stored.relativePath, sha256: result.sha256});
				} else {
					const stored = result.published?.storedSha256 ? {storedSha256: result.published.storedSha256, storedSize: result.published.storedSize ?? 0} : {};
					this.#setState(file, 'valid', {bytes: result.size, sha256: result.sha256, size: result.size, relativePath: result.relativePath});
					settle(file, index, {state: 'valid', sha256: result.sha256, size: result.size, relativePath: result.relativePath, ...stored});
					this.#emit({type: 'validated', fileId: file.fileId, path: result.relativePath, sha256: result.sha256, size: result.size, ...stored});
				}

				settleContact(file, index, true);
				scheduler.succeeded();
				waits.delete(file.fileId);
			} catch (caught) {
				this.#addBytes(-Math.max(0, reported - base));
				let error = caught;
				if (error instanceof ThrottledError && !signal.aborted) {
					const count = (waits.get(file.fileId) ?? 0) + 1;
					waits.set(file.fileId, count);
					this.#source.gate.throttle(error.retryAfterMs / 1000);
					if (count <= this.#source.retry.maxWaits) {
						this.#setState(file, 'queued', {bytes: 0});
						retries.set(file.fileId, (retries.get(file.fileId) ?? 0) + 1);
						this.#emit({type: 'retrying', fileId: file.fileId, attempt: count, reason: error.message, delayMs: error.retryAfterMs});
						// A little jitter, so the files told to wait the same second do not all come back at once.
						return {retryAt: Date.now() + error.retryAfterMs * (1 + Math.random() * 0.2)};
					}

					error = new TransferError('throttled', `the server kept asking to slow down (${error.status}, ${count} times)`);
				}

				waits.delete(file.fileId);
				if (signal.aborted) {
					this.#setState(file, 'queued', {bytes: 0});
					return;
				}

				const disk = destinationFailure(error, this.#sink.location);
				if (error instanceof AuthError || disk) {
					// No other file can succeed either: stop starting files, keep what is finished.
					fatal ??= disk ?? (error as Error);
					this.cancel();
					this.#setState(file, 'queued', {bytes: 0});
					return;
				}

				const code = error instanceof CcdlError || typeof (error as {code?: unknown})?.code === 'string' ? String((error as {code: string}).code) : 'error';
				const reason = error instanceof Error ? error.message : String(error);
				this.#setState(file, 'failed', {reason});
				settle(file, index, {state: 'failed', code, reason});
				this.#emit({type: 'failed', fileId: file.fileId, code, reason});
				settleContact(file, index, false);
			}
		};

		// A channel at 0 in the file's profile: not transferred, and its contact is not marked archived.
		const skipForProfile = (file: PlannedFile, profile: Profile, index: number) => {
			this.#setState(file, 'skipped', {reason: `profile ${profile.name}: ${file.channel} 0`});
			skippedByProfile++;
			settle(file, index, {state: 'skipped', skipReason: 'profile'});
			this.#emit({type: 'skipped', fileId: file.fileId, reason: 'profile', path: file.relativePath});
		};

		try {
			await scheduler.run({run: runFile, skip: skipForProfile});
		} finally {
			outage.stop();
		}

		await archiver.finish();
		this.#source.gate.onSlowDown = undefined;
		this.#finished = true;
		const interrupted = signal.aborted;
		this.#emit({type: 'finished', interrupted});
		const {files} = this.plan;
		return {
			outcomes: {
				length: files.length,
				* [Symbol.iterator]() {
					let index = 0;
					for (const file of files) {
						yield {file, ...log.get(index++) ?? {state: 'interrupted' as const}};
					}
				},
			},
			failures,
			archived: archiver.archived,
			archiveFailures: archiver.failures,
			valid: this.#counts.valid,
			skipped: this.#counts.skipped,
			skippedByProfile,
			failed: this.#counts.failed,
			unfinished: files.length - this.#counts.valid - this.#counts.skipped - this.#counts.failed,
			interrupted,
			bytesTransferred: this.#bytesDone,
			bytesResumed: this.#bytesResumed,
			durationMs: Date.now() - this.#startedAt,
			...(fatal ? {fatal} : {}),
			...(partialsRemoved > 0 ? {partialsRemoved} : {}),
		};
	}

	/**
	 * Removes the partials of earlier runs in the plan's folders that nobody will resume. This run's own partials
	 * (of the files it downloads) are kept, known by a 64-bit fingerprint of their paths: a false match only leaves an
	 * orphan for a later sweep.
	 */
	async #sweep(): Promise<number> {
		const folders = new Set<string>();
		const ours = new FingerprintSet();
		// Partials of files already at the destination: a remote sink's staging never holds the final name the sweep
		// looks for, so a partial left by a kill after its upload would otherwise wait out the abandonment age.
		const there = new FingerprintSet();
		for (const file of this.plan.files) {
			folders.add(path.dirname(file.path));
			(file.action === 'download' ? ours : there).add(partialPaths(file.path).part);
		}

		return sweepPartials(folders, ours, there);
	}
}
