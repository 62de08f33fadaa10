/**
 * A download run as React state. The run's state is derived from its events once (source/lib/run/state.ts), and
 * this hook re-renders at most every 250 ms (the run's batches come up to 10 a second), never per byte. File views are
 * replaced, not mutated, when an event touches them, so memoised rows re-render only when their file changed; `batch`
 * changes with every render. Unsubscribes on unmount or when the run changes.
 */
import {useEffect, useMemo, useState} from 'react';
import type {RunSnapshot} from '../lib/engine/events.js';
import type {RunEvents} from '../lib/engine/run.js';
import {type FileView, type RunHandle, watchRun} from '../lib/run/state.js';

export interface RunView {
	readonly run: RunEvents;
	readonly snapshot: RunSnapshot;
	/** The latest view of every file by file ID. */
	readonly files: ReadonlyMap<string, FileView>;
	/** Archive time by contact ID, for contacts marked archived during the run. */
	readonly archivedAt: ReadonlyMap<string, string>;
	/** File IDs in the order they failed. */
	readonly failed: readonly string[];
	/** Renders of the run's progress so far (batches drawn together count once); changes whenever anything above did. */
	readonly batch: number;
}

/** The least time between two renders of a run's progress. */
const renderEveryMs = 250;

function isHandle(run: RunEvents): run is RunHandle {
	return 'state' in run;
}

export function useRun(run: RunEvents): RunView {
	// A run that did not come through the pipeline (tests, fakes) is watched here, from the state its files are in.
	const [watched, setWatched] = useState<{run: RunEvents; handle: RunHandle} | undefined>(undefined);
	const handle = isHandle(run) ? run : watched?.run === run ? watched.handle : undefined;
	const preview = useMemo(() => handle ? undefined : watchRun(run), [handle, run]);
	const [tick, setTick] = useState({run, batch: 0, snapshot: run.snapshot()});
	const current = tick.run === run ? tick : {run, batch: 0, snapshot: run.snapshot()};
	useEffect(() => {
		const own = isHandle(run) ? undefined : preview ?? watchRun(run);
		const active = own ?? (run as RunHandle);
		if (own) {
			setWatched({run, handle: own});
		}

		// At most one render per renderEveryMs: the run's batches come up to 10 a second, and redrawing the table
		// that often cost the app ~10-20 % more CPU than the same run headless. The last batch always shows.
		let latest: RunSnapshot | undefined;
		let timer: NodeJS.Timeout | undefined;
		let shownAt = 0;
		const show = () => {
			timer = undefined;
			shownAt = Date.now();
			const snapshot = latest!;
			latest = undefined;
			setTick(previous => ({run, batch: previous.run === run ? previous.batch + 1 : 1, snapshot}));
		};

		const unsubscribe = active.subscribe((_events, snapshot) => {
			latest = snapshot;
			if (timer === undefined) {
				const wait = shownAt + renderEveryMs - Date.now();
				if (wait <= 0) {
					show();
				} else {
					timer = setTimeout(show, wait);
				}
			}
		});
		// A batch may have gone out between the render and this subscription: the state has it; show it.
		const now = run.snapshot();
		const before = current.snapshot;
		if (now.valid !== before.valid || now.failed !== before.failed || now.skipped !== before.skipped || now.running !== before.running
			|| now.bytesDone !== before.bytesDone || now.finished !== before.finished) {
			setTick(previous => ({run, batch: previous.run === run ? previous.batch + 1 : 1, snapshot: now}));
		}

		return () => {
			clearTimeout(timer);
			unsubscribe();
			own?.close();
		};
		// `current` and `preview` are read once, at subscription time, on purpose.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [run]);

	const {state} = handle ?? preview!;
	return {run, snapshot: current.snapshot, files: state.files, archivedAt: state.archivedAt, failed: state.failed, batch: current.batch};
}
