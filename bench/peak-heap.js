/**
 * Preload (`node --import ./bench/peak-heap.js …`) that keeps the V8 sampling heap profile taken when the JS heap was
 * at its largest, and writes it at exit to $TMPDIR/ccdl-peak-heap/peak-PID.heapprofile (read it with
 * bench/heap-top.js). `--heap-prof` writes what is live at exit, which for a run that frees its plan is nearly
 * nothing; this shows what filled the heap at its peak. Through the bench:
 *
 *   node bench/run.js --only ccdl-plan --cli-node-args="--import ./bench/peak-heap.js"
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import inspector from 'node:inspector';
import {tmpdir} from 'node:os';
import path from 'node:path';

const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.startSampling', {samplingInterval: 64 * 1024});
let largest = 0;
let profile;
const timer = setInterval(() => {
	const used = process.memoryUsage().heapUsed;
	if (used > largest * 1.05) {
		session.post('HeapProfiler.getSamplingProfile', (error, result) => {
			if (!error) {
				largest = used;
				profile = result.profile;
				if (process.env.CCDL_PEAK_HEAP_DEBUG) process.stderr.write(`peak-heap: ${Math.round(used / 1e6)} MB\n`);
			}
		});
	}
}, 100);
timer.unref();
process.on('exit', () => {
	if (profile) {
		const dir = path.join(tmpdir(), 'ccdl-peak-heap');
		mkdirSync(dir, {recursive: true});
		writeFileSync(path.join(dir, `peak-${process.pid}.heapprofile`), JSON.stringify(profile));
	}
});
