/**
 * A run's state as everyone outside the engine sees it, derived from the run's events alone: the screen hook, the
 * journal recorder and the progress reporters all apply events with `applyEvent`, so they cannot disagree. A file's
 * view is never changed in place: applying an event gives a new view of that one file (the others are shared), so a
 * batch costs what it carries, not the number of files.
 *
 * A screen keeps every file's view (its table shows them all). A headless run does not (`keepFinished: false`): it
 * has views only of the files in flight and of those that failed, made as the engine takes each file up ('queued')
 * and dropped once every listener has heard the batch that finished it, so a long run's state does not grow with
 * it (issue 16, item 8).
 */
import type {EngineEvent, FileState, RunListener, SkipReason} from '../engine/events.js';
import type {Plan} from '../engine/plan.js';
import type {RunEvents} from '../engine/run.js';
import type {Channel} from '../sources/model.js';

export interface RetryView {
	attempt: number;
	reason: string;
	delayMs: number;
}

export interface FileView {
	readonly fileId: string;
	readonly contactId: string;
	readonly channel: Channel;
	/** Where the file is (or will be) at the destination; a validated file may have moved (already there, `.age`). */
	readonly relativePath: string;
	readonly state: FileState;
	/** Bytes of the file so far, resumed ones included. */
	readonly bytes: number;
	readonly size?: number;
	readonly sha256?: string;
	readonly storedSha256?: string;
	readonly skipReason?: SkipReason;
	/** Why it failed (or was skipped by a profile). */
	readonly reason?: string;
	readonly code?: string;
	/** Each retry, in order: the file's history for its detail view and the journal's attempt count. */
	readonly retries: readonly RetryView[];
	readonly archivedAt?: string;
	/** A validated file on its way to a remote destination: bytes sent of how many. */
	readonly upload?: {readonly bytes: number; readonly size: number};
}

export interface RunState {
	/**
	 * Every file by ID (without `keepFinished`: those in flight, and those that failed); entries are replaced, never
	 * mutated.
	 */
	readonly files: Map<string, FileView>;
	/** File IDs by contact, for archive events. */
	readonly byContact: ReadonlyMap<string, readonly string[]>;
	/** File IDs in the order they failed. */
	readonly failed: string[];
	readonly failedIds: Set<string>;
	readonly archivedAt: Map<string, string>;
	readonly archiveFailures: Map<string, string>;
	finished: boolean;
	interrupted: boolean;
	/** Whether views of finished files stay (a screen), or go once heard (headless): `watchRun`'s option. */
	readonly keepFinished: boolean;
}

/** Every file of the plan, queued; without `keepFinished`, none yet (views come as the engine takes files up). */
export function initialRunState(plan: Pick<Plan, 'files'>, keepFinished = true): RunState {
	const files = new Map<string, FileView>();
	const byContact = new Map<string, string[]>();
	for (const file of keepFinished ? plan.files : []) {
		files.set(file.fileId, {
			fileId: file.fileId, contactId: file.contactId, channel: file.channel, relativePath: file.relativePath, state: 'queued', bytes: 0,
			retries: [], ...(file.size === undefined ? {} : {size: file.size}),
		});
		const list = byContact.get(file.contactId);
		if (list) {
			list.push(file.fileId);
		} else {
			byContact.set(file.contactId, [file.fileId]);
		}
	}

	return {files, byContact, failed: [], failedIds: new Set(), archivedAt: new Map(), archiveFailures: new Map(), finished: false, interrupted: false, keepFinished};
}

/** One file's next view after `event` (an event about this file). Pure. */
export function applyFileEvent(file: FileView, event: EngineEvent): FileView {
	switch (event.type) {
		case 'started': {
			return {...file, state: 'running', bytes: event.resumedFrom};
		}

		case 'progress': {
			return {...file, state: 'running', bytes: event.bytes, ...(event.size === undefined ? {} : {size: event.size})};
		}

		case 'uploading': {
			return {...file, upload: {bytes: event.bytes, size: event.size}};
		}

		case 'retrying': {
			return {...file, retries: [...file.retries, {attempt: event.attempt, reason: event.reason, delayMs: event.delayMs}]};
		}

		case 'validated': {
			return {
				...file, state: 'valid', relativePath: event.path, bytes: event.size, size: event.size, sha256: event.sha256,
				...(event.storedSha256 ? {storedSha256: event.storedSha256} : {}),
			};
		}

		case 'skipped': {
			return {
				...file, state: 'skipped', skipReason: event.reason, ...(event.path ? {relativePath: event.path} : {}), ...(event.sha256 ? {sha256: event.sha256} : {}),
				...(file.size === undefined ? {} : {bytes: file.size}),
			};
		}

		case 'failed': {
			return {...file, state: 'failed', code: event.code, reason: event.reason};
		}

		case 'finished': {
			// A file in flight when the run was cancelled is back to waiting (its partial stays for the next run).
			return file.state === 'running' ? {...file, state: 'queued', bytes: 0} : file;
		}

		default: {
			return file;
		}
	}
}

/**
 * Applies `event` to `state` and returns the file views it replaced, as [before, after] pairs (empty for run-wide
 * events that change no file). The state's maps are updated; views themselves are never mutated.
 */
export function applyEvent(state: RunState, event: EngineEvent): Array<[FileView, FileView]> {
	const changed: Array<[FileView, FileView]> = [];
	const replace = (fileId: string, next: (file: FileView) => FileView) => {
		const before = state.files.get(fileId);
		if (!before) {
			return;
		}

		const after = next(before);
		if (after !== before) {
			state.files.set(fileId, after);
			changed.push([before, after]);
		}
	};

	switch (event.type) {
		case 'archived': {
			if (!state.keepFinished) {
				// Its files' views are gone; the journal and the outcome log have the time.
				break;
			}

			state.archivedAt.set(event.contactId, event.archivedAt);
			for (const fileId of state.byContact.get(event.contactId) ?? []) {
				replace(fileId, file => ({...file, archivedAt: event.archivedAt}));
			}

			break;
		}

		case 'archive-failed': {
			state.archiveFailures.set(event.contactId, event.reason);
			break;
		}

		case 'finished': {
			state.finished = true;
			state.interrupted = event.interrupted;
			for (const file of state.files.values()) {
				if (file.state === 'running') {
					replace(file.fileId, view => applyFileEvent(view, event));
				}
			}

			break;
		}

		case 'queued': {
			if (!state.files.has(event.fileId)) {
				state.files.set(event.fileId, {
					fileId: event.fileId, contactId: event.contactId, channel: event.channel, relativePath: event.path, state: 'queued', bytes: 0, retries: [],
					...(event.size === undefined ? {} : {size: event.size}),
				});
			}

			break;
		}

		default: {
			replace(event.fileId, file => applyFileEvent(file, event));
			if (event.type === 'failed' && !state.failedIds.has(event.fileId)) {
				state.failedIds.add(event.fileId);
				state.failed.push(event.fileId);
			}
		}
	}

	return changed;
}

/** A run as its watchers see it: the engine's events and snapshot, and the one state derived from those events. */
export interface RunHandle extends RunEvents {
	readonly state: RunState;
	/** Stops deriving the state (unsubscribes from the run). */
	close(): void;
}

/** The state of a run as its files are now (for a watcher that starts after the run did). */
function stateNow(run: RunEvents, keepFinished: boolean): RunState {
	const state = initialRunState(run.plan, keepFinished);
	for (const file of run.files()) {
		const known = state.files.get(file.fileId);
		const view: FileView = known ?? {
			fileId: file.fileId, contactId: file.contactId, channel: file.channel, relativePath: file.relativePath, state: 'queued', bytes: 0, retries: [],
		};
		if (!known || file.state !== view.state || file.bytes !== view.bytes) {
			state.files.set(file.fileId, {
				...view, state: file.state, bytes: file.bytes, relativePath: file.relativePath,
				...(file.size === undefined ? {} : {size: file.size}), ...(file.sha256 ? {sha256: file.sha256} : {}), ...(file.reason ? {reason: file.reason} : {}),
			});
			if (file.state === 'failed') {
				state.failedIds.add(file.fileId);
				state.failed.push(file.fileId);
			}
		}
	}

	return state;
}

/**
 * Wraps a run so its state is derived once, by the first subscriber, before any other listener hears a batch: a
 * screen that subscribes late still finds every file as it is. Without `keepFinished`, the views of files a batch
 * finished (valid or skipped) are dropped once every listener has heard it.
 */
export function watchRun(run: RunEvents, options: {keepFinished?: boolean} = {}): RunHandle {
	const keepFinished = options.keepFinished ?? true;
	const state = stateNow(run, keepFinished);
	const listeners = new Set<RunListener>();
	const unsubscribe = run.subscribe((events, snapshot) => {
		const done: string[] = [];
		for (const event of events) {
			for (const [, after] of applyEvent(state, event)) {
				if (!keepFinished && (after.state === 'valid' || after.state === 'skipped')) {
					done.push(after.fileId);
				}
			}
		}

		for (const listener of listeners) {
			listener(events, snapshot);
		}

		for (const fileId of done) {
			const view = state.files.get(fileId);
			if (view && (view.state === 'valid' || view.state === 'skipped')) {
				state.files.delete(fileId);
			}
		}
	});
	return {
		plan: run.plan,
		state,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		snapshot: () => run.snapshot(),
		files: () => run.files(),
		cancel() {
			run.cancel();
		},
		flushEvents() {
			run.flushEvents?.();
		},
		close() {
			unsubscribe();
			listeners.clear();
		},
	};
}
