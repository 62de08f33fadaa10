/**
 * Typed progress events of a run, delivered in batches at most ~10 times a second whatever the byte rate:
 * discrete events (started, validated, failed, …) are all kept, progress events are merged per file, and every
 * batch comes with a fresh snapshot of the whole run. Screens and log writers subscribe; the engine never waits.
 */
import type {Channel} from '../sources/model.js';

/** Why a file was not downloaded: already on disk, archived, recycled, or its channel is 0 in its download profile. */
export type SkipReason = 'identical' | 'archived' | 'recycled' | 'profile';

export type EngineEvent =
	/** The run takes the file up (it is about to be transferred, or settled as already there). */
	| {type: 'queued'; fileId: string; contactId: string; channel: Channel; path: string; size?: number}
	| {type: 'started'; fileId: string; resumedFrom: number}
	| {type: 'progress'; fileId: string; bytes: number; size?: number}
	/** A validated file on its way to a remote destination. */
	| {type: 'uploading'; fileId: string; bytes: number; size: number}
	| {type: 'retrying'; fileId: string; attempt: number; reason: string; delayMs: number}
	| {type: 'validated'; fileId: string; path: string; sha256: string; size: number; storedSha256?: string; storedSize?: number}
	| {type: 'archived'; contactId: string; archivedAt: string}
	| {type: 'archive-failed'; contactId: string; reason: string}
	/** `sha256`: of the file already there, when known. */
	| {type: 'skipped'; fileId: string; reason: SkipReason; path?: string; sha256?: string}
	| {type: 'failed'; fileId: string; code: string; reason: string}
	| {type: 'finished'; interrupted: boolean};

export type FileState = 'queued' | 'running' | 'valid' | 'skipped' | 'failed';

export interface FileSnapshot {
	fileId: string;
	contactId: string;
	channel: Channel;
	relativePath: string;
	state: FileState;
	bytes: number;
	size?: number;
	sha256?: string;
	reason?: string;
}

export interface RunSnapshot {
	startedAt: number;
	files: number;
	queued: number;
	running: number;
	valid: number;
	skipped: number;
	failed: number;
	archived: number;
	bytesDone: number;
	bytesTotal: number;
	/** Bytes per second over the last few seconds. */
	rate: number;
	/** Seconds left at the current rate, when it can be told. */
	etaSeconds?: number;
	concurrency: number;
	finished: boolean;
	interrupted: boolean;
}

export type RunListener = (events: readonly EngineEvent[], snapshot: RunSnapshot) => void;

/** Buffers events and hands them to listeners in batches, at most once per `intervalMs`. */
export class CoalescingEmitter {
	readonly #listeners = new Set<RunListener>();
	readonly #intervalMs: number;
	readonly #snapshot: () => RunSnapshot;
	#pending: EngineEvent[] = [];
	/** Index of the last progress event per file in `#pending`, to merge them. */
	#progressAt = new Map<string, number>();
	#timer: NodeJS.Timeout | undefined;
	#lastFlush = 0;

	constructor(snapshot: () => RunSnapshot, intervalMs = 100) {
		this.#snapshot = snapshot;
		this.#intervalMs = intervalMs;
	}

	subscribe(listener: RunListener): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	emit(event: EngineEvent): void {
		if (event.type === 'progress' || event.type === 'uploading') {
			// One progress of each kind per file and batch: the latest says it all.
			const key = `${event.type}:${event.fileId}`;
			const at = this.#progressAt.get(key);
			if (at !== undefined) {
				this.#pending[at] = event;
			} else {
				this.#progressAt.set(key, this.#pending.length);
				this.#pending.push(event);
			}
		} else {
			this.#pending.push(event);
		}

		if (event.type === 'finished') {
			this.flush();
			return;
		}

		if (!this.#timer) {
			const wait = Math.max(0, this.#lastFlush + this.#intervalMs - Date.now());
			this.#timer = setTimeout(() => {
				this.flush();
			}, wait);
			this.#timer.unref();
		}
	}

	/** Delivers what is pending now. */
	flush(): void {
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}

		this.#lastFlush = Date.now();
		const events = this.#pending;
		this.#pending = [];
		this.#progressAt = new Map();
		if (events.length === 0) {
			return;
		}

		const snapshot = this.#snapshot();
		for (const listener of this.#listeners) {
			listener(events, snapshot);
		}
	}
}
