/**
 * The retries of each file of a run, in order (the engine's `retrying` events: attempt, reason, wait), for a row's
 * detail. The per-file snapshots of useRun keep only the latest state; this keeps the history beside them. It
 * re-renders nothing itself: the screen redraws on the same batches through useRun, after this has read them.
 */
import {useEffect, useRef} from 'react';
import type {RunEvents} from '../../lib/engine/run.js';

export interface RetryRecord {
	readonly attempt: number;
	readonly reason: string;
	readonly delayMs: number;
}

export type RetryHistory = ReadonlyMap<string, readonly RetryRecord[]>;

/** Retries by file ID, filled as the run's batches arrive; a different run starts an empty history. */
export function useRetryHistory(run: RunEvents): RetryHistory {
	const store = useRef<{run: RunEvents; retries: Map<string, RetryRecord[]>} | undefined>(undefined);
	if (store.current?.run !== run) {
		store.current = {run, retries: new Map()};
	}

	const {retries} = store.current;
	useEffect(() => run.subscribe(events => {
		for (const event of events) {
			if (event.type === 'retrying') {
				const list = retries.get(event.fileId);
				const record = {attempt: event.attempt, reason: event.reason, delayMs: event.delayMs};
				if (list) {
					list.push(record);
				} else {
					retries.set(event.fileId, [record]);
				}
			}
		}
	}), [run, retries]);
	return retries;
}
