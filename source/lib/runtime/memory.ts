/**
 * How ccdl asks V8 to hold memory (issue 12): on runs that move many bytes the young generation kept at its first size
 * and collected as body chunks pass, on the other commands capped at 16 MB. These are settings of the process, not of
 * any one transfer, so they live here rather than in the engine or the command line's entry.
 */
import {PerformanceObserver} from 'node:perf_hooks';
import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';

/**
 * Keeps V8's young generation at its first size, on runs that download (and the app), unless the user set semi-space
 * flags: peak RSS of 3,011 downloaded files 216 → 140 MB, and less CPU. Planning alone keeps V8's default, where it
 * would save ~90 MB but cost ~20 % CPU. Must run before the heap has grown: at startup.
 */
export function holdYoungGeneration(): void {
	if (!/semi-space/.test(givenFlags())) {
		setFlagsFromString('--semi-space-growth-factor=1');
	}
}

/** The young generation's size (both semi-spaces) at which other commands stop it growing. */
const cappedYoungBytes = 16 * 1024 * 1024;

/**
 * Lets V8's young generation grow to cappedYoungBytes and no further, for commands that do not download (`list`,
 * `verify`, the demo server…), unless the user set semi-space flags. Left alone, V8 doubles it whenever enough
 * survives a collection, and a long listing takes it to 128 MB: planning 100,000 recordings peaked at 255-299 MB.
 * Capped at 16 MB: 155-185 MB, and ~8 % less CPU in an interleaved A/B (the young objects stay in cache); capped at
 * 8 or 32 MB it took more CPU or more memory, and held at its first 1 MB, as downloads hold it, planning cost ~30 %
 * more CPU. V8 reads the ceiling (--max-semi-space-size) only at startup, but the growth factor at each growth: so
 * it is set to 1 once the cap is reached, checked after collections (a collection is what grows it).
 */
export function capYoungGeneration(): void {
	if (/semi-space/.test(givenFlags())) {
		return;
	}

	const observer = new PerformanceObserver(() => {
		const young = getHeapSpaceStatistics().find(space => space.space_name === 'new_space');
		if (!young || young.space_size >= cappedYoungBytes) {
			setFlagsFromString('--semi-space-growth-factor=1');
			observer.disconnect();
		}
	});
	observer.observe({entryTypes: ['gc']});
}

/** Files in a run, and the most bytes a file on average, from which the old generation's growth is bounded. */
const manyFiles = 500;
const smallFileBytes = 64 * 1024;

/**
 * Bounds V8's old generation to 2× what the last full collection found live, on runs of many small files, unless the
 * user set it. There what the heap gathers between collections is per-file bookkeeping, which the bound collects
 * cheaply: 20,000 contacts of 2 kB files peaked at 141–153 MB bounded, 165–179 MB not, for the same CPU. Where files
 * are larger, the body chunks' churn made the bounded heap collect in full every few MB: 3,011 files of 256 KiB took
 * 20–35 % more CPU for ~15 MB less RSS, so those runs keep V8's own growth.
 */
export function boundHeapGrowth(files: number, bytes: number): void {
	if (!growthBounded && files >= manyFiles && bytes / files < smallFileBytes) {
		growthBounded = true;
		if (!/heap-growing-percent/.test(givenFlags())) {
			setFlagsFromString('--heap-growing-percent=100');
		}
	}
}

let growthBounded = false;

function givenFlags(): string {
	return `${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`;
}

/** Bytes received (by every transfer of the process) between two young-generation collections. */
const collectEveryBytes = 8 * 1024 * 1024;
let receivedSinceCollect = 0;
let collectYoung: ((options: {type: 'minor'}) => void) | null | undefined;

/**
 * Counts received bytes and, every collectEveryBytes, has V8 collect its young generation. Each body chunk is a
 * 64 KiB buffer outside the JS heap, freed only when its small JS wrapper is collected; left to itself V8 collected
 * after tens of MB of them, so the process kept fresh memory for them: on 9 × 64 MiB, peak RSS 158-175 → 111-113 MB
 * and CPU 1.7-1.8 → 1.25-1.35 s (the buffers are reused while still mapped and in cache), wall 1.3-1.8 → 1.1 s; every
 * 2 MiB cost more than it saved. A collection of the small young generation takes well under a millisecond.
 */
export function countReceived(bytes: number): void {
	receivedSinceCollect += bytes;
	if (receivedSinceCollect < collectEveryBytes) {
		return;
	}

	receivedSinceCollect = 0;
	if (collectYoung === undefined) {
		// Node exposes V8's collector only with --expose-gc; a context made after setting the flag carries it.
		try {
			const exposed = (globalThis as {gc?: unknown}).gc;
			if (typeof exposed !== 'function') {
				setFlagsFromString('--expose-gc');
			}

			const collect: unknown = typeof exposed === 'function' ? exposed : runInNewContext('gc');
			collectYoung = typeof collect === 'function' ? collect as (options: {type: 'minor'}) => void : null;
		} catch {
			collectYoung = null;
		}
	}

	collectYoung?.({type: 'minor'});
}
