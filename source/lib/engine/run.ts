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
import {CoalescingEmitter, type EngineEvent, type FileSnapshot, type RunListener, type RunSnapshot, type SkipReason} from './events.js';
import {OutageWatch, outageSecondsFromEnv} from './outage.js';
import {sweepPartials} from './partial.js';
import type {Profile} from '../profiles/model.js';
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

export interface FileOutcome {
	file: PlannedFile;
	state: 'valid' | 'skipped' | 'failed' | 'interrupted';
	/** Why a skipped file was not downloaded: already on disk ('identical') or its channel is 0 in its profile ('profile'). */
	skipReason?: SkipReason;
	sha256?: string;
	size?: number;
	/** Where the file is at the destination when it differs from the plan (already there under another name, `.age`). */
	relativePath?: string;
	/** SHA-256 and size of the stored bytes when they differ from the plaintext (encrypted). */
	storedSha256?: string;
	storedSize?: number;
	code?: string;
	reason?: string;
}

export interface RunSummary {
	outcomes: FileOutcome[];
	/** Archive time by contact ID, for contacts marked (or already) archived. */
	archivedAt: Map<string, string>;
	archiveFailures: Map<string, string>;
	valid: number;
	skipped: number;
	failed: number;
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
	files(): IterableIterator<FileSnapshot>;
	cancel(): void;
	/** Delivers pending events now (before a hard exit, so the journal hears every finished file). */
	flushEvents?(): void;
}

export class DownloadRun implements RunEvents {
	readonly plan: Plan;
	readonly #source: Source;
	readonly #sink: Sink;
	readonly #options: RunOptions;
	readonly #emitter: CoalescingEmitter;
	readonly #files = new Map<string, FileSnapshot>();
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
		this.#emitter = new CoalescingEmitter(() => this.snapshot(), options.eventIntervalMs ?? 100);
		options.signal?.addEventListener('abort', () => {
			this.cancel();
		}, {once: true});
		for (const file of plan.files) {
			this.#files.set(file.fileId, {
				fileId: file.fileId, contactId: file.contactId, channel: file.channel, relativePath: file.relativePath,
				state: 'queued', bytes: 0, ...(file.size === undefined ? {} : {size: file.size}),
			});
		}
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
		return this.#files.values();
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

	#setState(fileId: string, state: FileSnapshot['state'], patch: Partial<FileSnapshot> = {}): void {
		const file = this.#files.get(fileId)!;
		if (file.state !== state) {
			this.#counts[file.state]--;
			this.#counts[state]++;
		}

		Object.assign(file, patch, {state});
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

		const mark = this.#options.markArchived;
		const archiver = new Archiver(mark ?? (async () => ({archived: [], errors: []})), this.#source.retry, {
			signal,
			// The journal records files from the events: they must be in it before the server calls them archived.
			beforeSend: () => {
				this.#emitter.flush();
			},
			onArchived: (contactId, archivedAt) => {
				this.#counts.archived++;
				this.#emit({type: 'archived', contactId, archivedAt});
			},
			onFailed: (contactId, reason) => {
				this.#emit({type: 'archive-failed', contactId, reason});
			},
		});
		const outcomes = new Map<string, FileOutcome>();
		const remainingByContact = new Map<string, number>();
		const contactFailed = new Set<string>();
		for (const file of this.plan.files) {
			remainingByContact.set(file.contactId, (remainingByContact.get(file.contactId) ?? 0) + 1);
			this.#counts.queued++;
			this.#emit({type: 'queued', fileId: file.fileId, contactId: file.contactId, path: file.relativePath, ...(file.size === undefined ? {} : {size: file.size})});
		}

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
		const partialsRemoved = await sweepPartials(
			new Set(this.plan.files.map(file => path.dirname(file.path))),
			new Set(this.plan.files.filter(file => file.action === 'download').map(file => partialPaths(file.path).part)),
		).catch(() => 0);
		const waits = new Map<string, number>();
		const settleContact = (file: PlannedFile, ok: boolean) => {
			if (!ok) {
				contactFailed.add(file.contactId);
			}

			const left = remainingByContact.get(file.contactId)! - 1;
			remainingByContact.set(file.contactId, left);
			if (left === 0 && !contactFailed.has(file.contactId) && mark) {
				if (file.contact.archived && file.contact.archivedAt) {
					archiver.known(file.contactId, file.contact.archivedAt);
				} else {
					archiver.mark(file.contactId);
				}
			}
		};

		const runFile = async (file: PlannedFile): Promise<void | Deferral> => {
			if (signal.aborted) {
				outcomes.set(file.fileId, {file, state: 'interrupted'});
				return;
			}

			if (file.action === 'skip') {
				this.#setState(file.fileId, 'skipped', {bytes: file.size ?? 0, ...(file.sha256 ? {sha256: file.sha256} : {})});
				outcomes.set(file.fileId, {file, state: 'skipped', skipReason: 'identical', ...(file.sha256 ? {sha256: file.sha256} : {}), ...(file.size === undefined ? {} : {size: file.size})});
				this.#emit({type: 'skipped', fileId: file.fileId, reason: 'identical', path: file.relativePath});
				settleContact(file, true);
				return;
			}

			this.#setState(file.fileId, 'running');
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
							this.#files.get(file.fileId)!.bytes = resumedFrom;
							this.#emit({type: 'started', fileId: file.fileId, resumedFrom});
						},
						onProgress: (bytes, size) => {
							this.#addBytes(Math.max(0, bytes - Math.max(reported, base)));
							reported = bytes;
							this.#files.get(file.fileId)!.bytes = bytes;
							this.#emit({type: 'progress', fileId: file.fileId, bytes, ...(size === undefined ? {} : {size})});
						},
						onRetry: (attempt, reason, delayMs) => {
							this.#emit({type: 'retrying', fileId: file.fileId, attempt, reason, delayMs});
						},
						onUpload: (bytes, size) => {
							this.#emit({type: 'uploading', fileId: file.fileId, bytes, size});
						},
					},
				});
				if (result.identicalTo) {
					// The listing had no digest, so this was only found out after downloading: count it as already there.
					const relativePath = result.identicalTo;
					this.#setState(file.fileId, 'skipped', {bytes: result.size, sha256: result.sha256, size: result.size, relativePath});
					outcomes.set(file.fileId, {file, state: 'skipped', skipReason: 'identical', sha256: result.sha256, size: result.size, relativePath});
					this.#emit({type: 'skipped', fileId: file.fileId, reason: 'identical', path: relativePath});
				} else {
					const stored = result.published?.storedSha256 ? {storedSha256: result.published.storedSha256, storedSize: result.published.storedSize ?? 0} : {};
					this.#setState(file.fileId, 'valid', {bytes: result.size, sha256: result.sha256, size: result.size, relativePath: result.relativePath});
					outcomes.set(file.fileId, {file, state: 'valid', sha256: result.sha256, size: result.size, relativePath: result.relativePath, ...stored});
					this.#emit({type: 'validated', fileId: file.fileId, path: result.relativePath, sha256: result.sha256, size: result.size, ...stored});
				}

				settleContact(file, true);
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
						this.#setState(file.fileId, 'queued', {bytes: 0});
						this.#emit({type: 'retrying', fileId: file.fileId, attempt: count, reason: error.message, delayMs: error.retryAfterMs});
						// A little jitter, so the files told to wait the same second do not all come back at once.
						return {retryAt: Date.now() + error.retryAfterMs * (1 + Math.random() * 0.2)};
					}

					error = new TransferError('throttled', `the server kept asking to slow down (${error.status}, ${count} times)`);
				}

				waits.delete(file.fileId);
				if (signal.aborted) {
					this.#setState(file.fileId, 'queued', {bytes: 0});
					outcomes.set(file.fileId, {file, state: 'interrupted'});
					return;
				}

				const disk = destinationFailure(error, this.#sink.location);
				if (error instanceof AuthError || disk) {
					// No other file can succeed either: stop starting files, keep what is finished.
					fatal ??= disk ?? (error as Error);
					this.cancel();
					this.#setState(file.fileId, 'queued', {bytes: 0});
					outcomes.set(file.fileId, {file, state: 'interrupted'});
					return;
				}

				const code = error instanceof CcdlError || typeof (error as {code?: unknown})?.code === 'string' ? String((error as {code: string}).code) : 'error';
				const reason = error instanceof Error ? error.message : String(error);
				this.#setState(file.fileId, 'failed', {reason});
				outcomes.set(file.fileId, {file, state: 'failed', code, reason});
				this.#emit({type: 'failed', fileId: file.fileId, code, reason});
				settleContact(file, false);
			}
		};

		// A channel at 0 in the file's profile: not transferred, and its contact is not marked archived.
		const skipForProfile = (file: PlannedFile, profile: Profile) => {
			this.#setState(file.fileId, 'skipped', {reason: `profile ${profile.name}: ${file.channel} 0`});
			outcomes.set(file.fileId, {file, state: 'skipped', skipReason: 'profile'});
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
		const list = this.plan.files.map(file => outcomes.get(file.fileId) ?? {file, state: 'interrupted' as const});
		return {
			outcomes: list,
			archivedAt: archiver.archivedAt,
			archiveFailures: archiver.failures,
			valid: list.filter(outcome => outcome.state === 'valid').length,
			skipped: list.filter(outcome => outcome.state === 'skipped').length,
			failed: list.filter(outcome => outcome.state === 'failed').length,
			interrupted,
			bytesTransferred: this.#bytesDone,
			bytesResumed: this.#bytesResumed,
			durationMs: Date.now() - this.#startedAt,
			...(fatal ? {fatal} : {}),
			...(partialsRemoved > 0 ? {partialsRemoved} : {}),
		};
	}
}
