/**
 * A download run as React state. Subscribes to the run's coalesced event batches (≤ ~10 a second whatever the byte
 * rate) and re-renders once per batch, never per byte. The per-file map is updated in place, only for the files the
 * batch touched, so a batch costs what it carries, not the number of files; `batch` changes with every batch, for
 * memoisation. Unsubscribes on unmount or when the run changes.
 */
import {useEffect, useState} from 'react';
import type {FileSnapshot, RunSnapshot} from '../lib/engine/events.js';
import type {RunEvents} from '../lib/engine/run.js';

export interface RunView {
	readonly run: RunEvents;
	readonly snapshot: RunSnapshot;
	/** The latest state of every file by file ID (copies: the engine's own objects keep changing). */
	readonly files: ReadonlyMap<string, FileSnapshot>;
	/** Archive time by contact ID, for contacts marked archived during the run. */
	readonly archivedAt: ReadonlyMap<string, string>;
	/** File IDs in the order they failed. */
	readonly failed: readonly string[];
	/** Batches received so far; changes whenever anything above did. */
	readonly batch: number;
}

interface Store {
	readonly live: Map<string, FileSnapshot>;
	readonly files: Map<string, FileSnapshot>;
	readonly archivedAt: Map<string, string>;
	readonly failed: string[];
	readonly failedIds: Set<string>;
	/** The run's snapshot when the store was made, to tell whether anything happened before subscribing. */
	readonly initial: RunSnapshot;
}

function createStore(run: RunEvents): Store {
	const live = new Map<string, FileSnapshot>();
	const files = new Map<string, FileSnapshot>();
	const failed: string[] = [];
	for (const file of run.files()) {
		live.set(file.fileId, file);
		files.set(file.fileId, {...file});
		if (file.state === 'failed') {
			failed.push(file.fileId);
		}
	}

	return {live, files, archivedAt: new Map(), failed, failedIds: new Set(failed), initial: run.snapshot()};
}

function addFailed(store: Store, fileId: string): void {
	if (!store.failedIds.has(fileId)) {
		store.failedIds.add(fileId);
		store.failed.push(fileId);
	}
}

function resync(store: Store): void {
	for (const [fileId, file] of store.live) {
		store.files.set(fileId, {...file});
		if (file.state === 'failed') {
			addFailed(store, fileId);
		}
	}
}

function initialView(run: RunEvents): {view: RunView; store: Store} {
	const store = createStore(run);
	return {store, view: {run, snapshot: store.initial, files: store.files, archivedAt: store.archivedAt, failed: store.failed, batch: 0}};
}

export function useRun(run: RunEvents): RunView {
	const [state, setState] = useState(() => initialView(run));
	// A different run: start over (state derived from the prop, without an extra effect round).
	let current = state;
	if (current.view.run !== run) {
		current = initialView(run);
		setState(current);
	}

	const {store} = current;
	useEffect(() => {
		const unsubscribe = run.subscribe((events, snapshot) => {
			let resyncAll = false;
			for (const event of events) {
				switch (event.type) {
					case 'archived': {
						store.archivedAt.set(event.contactId, event.archivedAt);
						break;
					}

					case 'finished': {
						// Files interrupted by a cancel go back to queued without an event of their own.
						resyncAll = true;
						break;
					}

					case 'archive-failed': {
						break;
					}

					default: {
						const live = store.live.get(event.fileId);
						if (live) {
							store.files.set(event.fileId, {...live});
						}

						if (event.type === 'failed') {
							addFailed(store, event.fileId);
						}
					}
				}
			}

			if (resyncAll) {
				resync(store);
			}

			setState(previous => previous.store === store ? {store, view: {...previous.view, snapshot, batch: previous.view.batch + 1}} : previous);
		});
		// A batch may have gone out between the first render and this subscription: catch up once.
		const now = run.snapshot();
		const before = store.initial;
		if (now.valid !== before.valid || now.failed !== before.failed || now.skipped !== before.skipped || now.running !== before.running
			|| now.bytesDone !== before.bytesDone || now.finished !== before.finished) {
			resync(store);
			setState(previous => previous.store === store ? {store, view: {...previous.view, snapshot: now, batch: previous.view.batch + 1}} : previous);
		}

		return unsubscribe;
	}, [run, store]);

	return current.view;
}
