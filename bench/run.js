#!/usr/bin/env node
/**
 * `npm run bench`: speed of the demo server against peer clients on loopback (issue 2, "Speed"), and of ccdl itself
 * against the same peers (issue 3, "Speed and memory"; issue 4, "Speed").
 *
 *   node bench/run.js [--only NAMES] [--rounds N] [--pause S] [--cpu-prof DIR] [--cli PATH] [--ccdl PATH]
 *                     [--server-node-args=ARGS] [--cli-node-args=ARGS] [--scale SIZES]
 *
 * Scenarios (--only takes a comma-separated list; "server" and "ccdl" name the two groups; default all):
 *   small, large, list       the demo server: curl / aria2c / fetch against it (issue 2)
 *   ccdl-small               ccdl download of 3,011 files (2,237 × 256 KiB recordings + screenshots) vs curl, aria2c
 *                            and wget2 writing the same files from the same URLs to the same disk
 *   ccdl-large               ccdl download of 9 × 64 MiB recordings vs the same peers
 *   ccdl-plan                ccdl list --json planning 100,000 recordings
 *   ccdl-scale               ccdl list --json planning 10,000 / 100,000 / 1,000,000 recordings (--scale SIZES)
 *   ccdl-live                the interactive app in tmux vs headless ccdl download, same ≈2,000 recordings
 *   ccdl-soak                ccdl download of every file of 5,000 and 20,000 contacts (2 kB media): a long run's memory
 *
 * Goals (issue 12), each printed with its verdict: small set ≤ 1.0× curl; large set ≤ 1.2× the fastest peer; ccdl
 * peak RSS < 150 MB on both; plan 100,000 < 3 s and < 200 MB; the live app ≤ 1.1× headless; planning 1,000,000
 * under 300 MB, memory flat and time linear from 100,000 to 1,000,000; a download of 20,000 contacts under 150 MB
 * (issue 16).
 *
 * Every line shows CPU seconds beside the wall time, and the 1-minute load average when the run started: on a shared
 * machine a slow figure with a high load is noise, a slow figure with a low load is ccdl. Download sets keep their
 * outputs until the set is done, then delete them, sync and pause (--pause S, default 5; see bench/ccdl-bench.js).
 * The download sets write under the system temporary folder (TMPDIR). Creating a file there can cost the kernel far more
 * than elsewhere on the same disk (measured: 0.7-1.1 ms per new file in /tmp crowded by test leftovers, 21 µs in /work),
 * which every tool pays per file and which swings a round by seconds; TMPDIR=/dev/shm measures the same runs without
 * the disk.
 * ccdl and the server run on the project's Node (node_modules/.bin/node), ccdl as `node dist/cli.js`, each ccdl run
 * with a temporary HOME, CCDL_CONFIG_DIR and CCDL_DATA_DIR.
 *
 * --cpu-prof DIR starts every server with `node --cpu-prof --cpu-prof-dir DIR` to see where it spends its time.
 * --server-node-args=ARGS passes Node options to the server processes (e.g. --server-node-args=--max-semi-space-size=32).
 * --cli-node-args=ARGS passes Node options to the ccdl processes, e.g. --cli-node-args="--cpu-prof --cpu-prof-dir /tmp/p".
 * --cli PATH runs another build's cli.js (e.g. a patched copy of dist/) as the server; --ccdl PATH as the ccdl client.
 * --rounds N repeats each measurement (defaults: 3 for the server scenarios, 2 for ccdl downloads and live, 1 for plan).
 * --scale SIZES the recordings of the scaling table, comma-separated (default 10000,100000,1000000); a size's run is
 *   killed after --scale-timeout S seconds (default 600) and reported as such.
 * The figures are informative: the bench exits 0 unless something crashed.
 */
import {cpus, loadavg} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {bytePeers, ccdlLarge, ccdlPlan, ccdlScaling, ccdlSmall, ccdlSoak, setPause, timeBinary} from './ccdl-bench.js';
import {ccdlLive} from './ccdl-live-bench.js';
import {hasCommand, largeFiles, listing, nodeBinary, smallFiles} from './demo-server-bench.js';

const {values} = parseArgs({
	options: {
		only: {type: 'string'},
		rounds: {type: 'string'},
		'cpu-prof': {type: 'string'},
		cli: {type: 'string'},
		ccdl: {type: 'string'},
		'server-node-args': {type: 'string'},
		'cli-node-args': {type: 'string'},
		pause: {type: 'string'},
		scale: {type: 'string'},
		'scale-timeout': {type: 'string'},
		help: {type: 'boolean', short: 'h'},
	},
});
const usage = 'Usage: node bench/run.js [--only small,large,list,ccdl-small,ccdl-large,ccdl-plan,ccdl-scale,ccdl-live,ccdl-soak|server|ccdl] [--rounds N] [--pause S] [--scale SIZES] [--scale-timeout S] [--cpu-prof DIR] [--cli PATH] [--ccdl PATH] [--server-node-args=ARGS] [--cli-node-args=ARGS]';
if (values.help) {
	console.log(usage);
	process.exit(0);
}

const groups = {server: ['small', 'large', 'list'], ccdl: ['ccdl-small', 'ccdl-large', 'ccdl-plan', 'ccdl-scale', 'ccdl-live', 'ccdl-soak']};
const known = [...groups.server, ...groups.ccdl];
const only = new Set((values.only ?? 'server,ccdl').split(',').map(name => name.trim()).filter(Boolean).flatMap(name => groups[name] ?? [name]));
for (const name of only) {
	if (!known.includes(name)) {
		console.error(`Unknown scenario "${name}".\n${usage}`);
		process.exit(2);
	}
}

const rounds = values.rounds ? Math.max(1, Math.trunc(Number(values.rounds)) || 1) : undefined;
setPause(values.pause === undefined ? 5 : Math.max(0, Number(values.pause) || 0));
const scaleSizes = (values.scale ?? '10000,100000,1000000').split(',').map(Number).filter(size => Number.isInteger(size) && size > 0);
const scaleTimeout = Math.max(10, Number(values['scale-timeout'] ?? 600) || 600);
const cli = values.cli ? path.resolve(values.cli) : undefined;
const ccdlCli = values.ccdl ? path.resolve(values.ccdl) : undefined;
const nodeArgs = [
	...values['server-node-args']?.split(/\s+/).filter(Boolean) ?? [],
	...values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])] : [],
];
const cliNodeArgs = values['cli-node-args']?.split(/\s+/).filter(Boolean) ?? [];
const MB = 1e6;
const GB = 1e9;

const fixed = (value, digits = 2) => Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const grouped = value => Number.isFinite(value) ? Math.round(value).toLocaleString('en') : 'n/a';

const cores = cpus().length;
const peers = ['curl', 'aria2c', 'wget2', 'tmux'].map(name => `${name} ${hasCommand(name) ? 'yes' : 'no'}`).join(', ');
const loadText = () => loadavg().map(value => value.toFixed(2)).join(' ');
console.log(`ccdl bench — bench on Node ${process.versions.node}; ccdl and server on ${nodeBinary()}; ${cores} cores (${cpus()[0]?.model.trim() ?? '?'}); tools: ${peers}`);
console.log(`Load average at start: ${loadText()} (1/5/15 min; other sessions' work slows every figure; each line shows the 1-min load when its run started)`);
if (cli || nodeArgs.length > 0) {
	console.log(`Server: ${[nodeBinary(), ...nodeArgs, cli ?? 'dist/cli.js'].join(' ')}`);
}

if (ccdlCli || cliNodeArgs.length > 0) {
	console.log(`ccdl: ${[nodeBinary(), ...cliNodeArgs, ccdlCli ?? 'dist/cli.js'].join(' ')}`);
}

if (cores <= 2) {
	console.log(`Note: only ${cores} cores; the server and the client share them, so figures are lower bounds for the server.`);
}

console.log('CPU s per run: server process, client (ccdl / curl / aria2c / wget2 / this Node for listing), rest = other processes and kernel work\n'
	+ '(including write-back of the files just written). Wall-clock figures are the best of the rounds.');
const benchStartedAt = performance.now();

if (!hasCommand('curl')) {
	for (const name of ['small', 'large', 'ccdl-small', 'ccdl-large']) {
		if (only.delete(name)) {
			console.log(`curl is not installed: "${name}" is skipped.`);
		}
	}
}

if (!hasCommand('tmux') && only.delete('ccdl-live')) {
	console.log('tmux is not installed: "ccdl-live" is skipped.');
}

if (!timeBinary && [...only].some(name => name.startsWith('ccdl'))) {
	console.log('/usr/bin/time is missing (apt-get install time): ccdl CPU and peak RSS are sampled from /proc every 50 ms instead.');
}

/** Rows: [figure, value, CPU s, load, goal, verdict]. */
const rows = [];
const notes = [];
let crashed = false;

/** A table row; `run` (optional) gives the CPU seconds (`cpu` key, default clientCpu) and the load at its start. */
function row(figure, value, goal, pass, run, cpuKey = 'clientCpu') {
	const cpu = run ? fixed(run[cpuKey]) : '';
	const load = run && Number.isFinite(run.load) ? fixed(run.load) : '';
	rows.push([figure, value, cpu, load, goal, pass === undefined ? '' : pass ? 'PASS' : 'MISS']);
}

async function scenario(name, run) {
	const startedAt = performance.now();
	console.log(`\n[${name}] load average ${loadText()}`);
	try {
		await run();
	} catch (error) {
		crashed = true;
		console.log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
		rows.push([name.split(':')[0], 'crashed', '', '', '', 'CRASH']);
	}

	console.log(`  (${fixed((performance.now() - startedAt) / 1000, 1)} s)`);
}

const cpuNote = run => `CPU s: server ${fixed(run.serverCpu)}, client ${fixed(run.clientCpu)}, rest ${fixed(run.otherCpu)}; load ${fixed(run.load)}`;
let busiest = 0;

/** Notes how much of the machine other processes took during a run (they make wall-clock figures pessimistic). */
function watch(run) {
	if (run.otherCpu > 0.25) {
		busiest = Math.max(busiest, run.otherCpu / run.seconds);
	}
}

if (only.has('small')) {
	await scenario('small files: 2,000 × 256 KiB, curl --parallel-max 8', async () => {
		const result = await smallFiles({rounds, nodeArgs, cli});
		console.log(`  server up in ${fixed(result.startupSeconds)} s`);
		for (const [index, run] of result.runs.entries()) {
			console.log(`  round ${index + 1}: ${run.count} in ${fixed(run.seconds, 3)} s = ${grouped(run.perSecond)} rec/s, ${fixed(run.bytesPerSecond / MB, 0)} MB/s; ${cpuNote(run)}`);
			watch(run);
		}

		const {best} = result;
		row('server: 256 KiB media, recordings/s (curl; CPU: server)', grouped(best.perSecond), '≥ 2,000', best.perSecond >= 2000, best, 'serverCpu');
		row('server: 256 KiB media, MB/s (curl, best round)', fixed(best.bytesPerSecond / MB, 0), '', undefined);
		row('server: peak RSS, small-files run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
	});
}

if (only.has('large')) {
	await scenario('large files: 8 × 64 MiB, curl --parallel-max 8', async () => {
		const result = await largeFiles({rounds, nodeArgs, cli});
		if (result.distinct < result.runs[0].count) {
			notes.push(`large files: the tenant has only ${result.distinct} media recordings; some URLs were fetched twice.`);
		}

		for (const [index, run] of result.runs.entries()) {
			console.log(`  round ${index + 1}: ${fixed(run.bytes / MB, 0)} MB in ${fixed(run.seconds, 3)} s = ${fixed(run.bytesPerSecond / GB)} GB/s; ${cpuNote(run)}`);
			watch(run);
		}

		if (result.aria2) {
			console.log(`  aria2c -j8 to tmpfs: ${fixed(result.aria2.bytesPerSecond / GB)} GB/s in ${fixed(result.aria2.seconds, 3)} s; ${cpuNote(result.aria2)}`);
		}

		row('server: 64 MiB media, GB/s (curl; CPU: server)', fixed(result.best.bytesPerSecond / GB), '≥ 1', result.best.bytesPerSecond >= GB, result.best, 'serverCpu');
		if (result.aria2) {
			row('server: 64 MiB media, GB/s (aria2c -j8 to tmpfs; CPU: server)', fixed(result.aria2.bytesPerSecond / GB), '(peer)', undefined, result.aria2, 'serverCpu');
		}

		row('server: peak RSS, large-files run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
	});
}

if (only.has('list')) {
	await scenario('listing: 100,000 recordings, limit 1000, fetch', async () => {
		const result = await listing({rounds, nodeArgs, cli});
		console.log(`  server up in ${fixed(result.startupSeconds)} s`);
		for (const [index, run] of result.runs.entries()) {
			console.log(`  round ${index + 1}: ${grouped(run.count)} in ${run.pages} pages, ${fixed(run.bytes / MB, 0)} MB JSON, ${fixed(run.seconds, 3)} s; ${cpuNote(run)}`);
			watch(run);
		}

		const {first} = result;
		row('server: list 100,000 recordings, s (fresh server; CPU: server)', fixed(first.seconds), '< 2', first.seconds < 2, first, 'serverCpu');
		row('  the same, CPU of the client (fetch + JSON.parse), s', fixed(first.clientCpu), '', undefined);
		if (result.runs.length > 1) {
			const again = result.runs.at(-1);
			row('server: list 100,000 again, same server, s', fixed(again.seconds), '', undefined, again, 'serverCpu');
		}

		row('server: peak RSS, listing run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
	});
}

const MBytes = bytes => `${fixed(bytes / MB, 0)} MB`;
const ratio = (a, b) => a / b;
const ccdlRunLine = run => `ccdl    ${fixed(run.seconds, 2).padStart(6)} s  (plan ${fixed(run.planAt)} s, then transfer + archive + manifest ${fixed(run.transferSeconds)} s)  `
	+ `${fixed(run.bytes / run.seconds / MB, 0)} MB/s; CPU s: ccdl ${fixed(run.clientCpu)} (after plan ${fixed(run.transferCpu)}), server ${fixed(run.serverCpu)}, rest ${fixed(run.otherCpu)}; peak RSS ${MBytes(run.peakBytes)}; load ${fixed(run.load)}`;
const peerRunLine = (tool, run) => `${tool.padEnd(7)} ${fixed(run.seconds, 2).padStart(6)} s  ${fixed(run.bytes / run.seconds / MB, 0)} MB/s; ${cpuNote(run)}`;

function downloadReport(label, result, goal) {
	const {expected} = result;
	console.log(`  ${grouped(expected.targets.length)} files (${grouped(expected.recordings)} recordings + ${grouped(expected.targets.length - expected.recordings)} screenshots), ${MBytes(expected.bytes)}; every tool writes files into its own folder of one set under the temporary folder (same file system), concurrency 8; outputs kept until the set is done`);
	for (const [index] of result.runs.ccdl.entries()) {
		console.log(`  round ${index + 1}:`);
		for (const tool of result.tools) {
			const run = result.runs[tool][index];
			console.log(`    ${tool === 'ccdl' ? ccdlRunLine(run) : peerRunLine(tool, run)}`);
			watch(run);
		}
	}

	const best = result.best.ccdl;
	const curl = result.best.curl;
	const {tool: fastestTool, run: fastest} = result.fastestPeer;
	row(`${label}: ccdl download, s (best round)`, fixed(best.seconds), '', undefined, best);
	for (const tool of result.tools.filter(tool => tool !== 'ccdl')) {
		row(`${label}: ${tool}, s (best round)`, fixed(result.best[tool].seconds), '(peer)', undefined, result.best[tool]);
	}

	const againstCurl = ratio(best.seconds, curl.seconds);
	const againstFastest = ratio(best.seconds, fastest.seconds);
	row(`${label}: ccdl / curl`, fixed(againstCurl), goal.against === 'curl' ? `≤ ${fixed(goal.ratio)}` : '', goal.against === 'curl' ? againstCurl <= goal.ratio : undefined);
	row(`${label}: ccdl / fastest peer (${fastestTool})`, fixed(againstFastest), goal.against === 'fastest' ? `≤ ${fixed(goal.ratio)}` : '', goal.against === 'fastest' ? againstFastest <= goal.ratio : undefined);
	row(`${label}: ccdl after planning / curl`, fixed(ratio(best.transferSeconds, curl.seconds)), '', undefined);
	row(`${label}: ccdl CPU / curl CPU (best rounds)`, fixed(ratio(best.clientCpu, curl.clientCpu)), '', undefined);
	row(`${label}: ccdl peak RSS (max of rounds)`, MBytes(result.ccdlPeakBytes), '< 150 MB', result.ccdlPeakBytes < 150 * MB);
}

const ccdlOptions = {cli: ccdlCli, serverCli: cli, serverNodeArgs: nodeArgs, cliNodeArgs};
const peerNames = bytePeers().join(', ');

if (only.has('ccdl-small')) {
	await scenario(`ccdl small: --calls 2800 --media-size 262144, voice + video, vs ${peerNames} (8 at a time)`, async () => {
		downloadReport('small set', await ccdlSmall({...ccdlOptions, rounds: rounds ?? 2}), {against: 'curl', ratio: 1});
	});
}

if (only.has('ccdl-large')) {
	await scenario(`ccdl large: --calls 14 --media-size 64 MiB, voice + video, vs ${peerNames} (8 at a time)`, async () => {
		downloadReport('large set', await ccdlLarge({...ccdlOptions, rounds: rounds ?? 2}), {against: 'fastest', ratio: 1.2});
	});
}

const planLine = run => `${fixed(run.seconds, 3)} s${run.failure ? ` (${run.failure})` : ''}; CPU s: ccdl ${fixed(run.clientCpu)}, server ${fixed(run.serverCpu)}, rest ${fixed(run.otherCpu)}; ccdl peak RSS ${MBytes(run.peakBytes)}, server peak RSS ${fixed(run.serverPeakMiB, 0)} MiB; load ${fixed(run.load)}`;

if (only.has('ccdl-plan')) {
	await scenario('ccdl plan: ccdl list --json --include-archived, 100,000 recordings, stdout to /dev/null', async () => {
		const result = await ccdlPlan({...ccdlOptions, rounds: rounds ?? 1});
		for (const [index, run] of result.runs.entries()) {
			console.log(`  round ${index + 1} (fresh server, up in ${fixed(run.startupSeconds)} s): ${planLine(run)}`);
			watch(run);
		}

		const {best} = result;
		row('plan 100,000: ccdl list --json, s (best round)', fixed(best.seconds), '< 3', best.seconds < 3, best);
		row('  server CPU for it, s', fixed(best.serverCpu), '', undefined);
		row('plan 100,000: ccdl peak RSS', MBytes(result.peakBytes), '< 200 MB', result.peakBytes < 200 * MB);
	});
}

if (only.has('ccdl-scale') && scaleSizes.length > 0) {
	await scenario(`ccdl scaling: ccdl list --json against demo-server --calls N, N = ${scaleSizes.map(grouped).join(' / ')} (each killed after ${scaleTimeout} s)`, async () => {
		const runs = await ccdlScaling({...ccdlOptions, sizes: scaleSizes, timeoutSeconds: scaleTimeout, onRun(run) {
			console.log(`  ${grouped(run.calls).padStart(9)}: ${planLine(run)}`);
			watch(run);
		}});
		const table = [['recordings', 'wall s', 's per 100k', 'ccdl CPU s', 'server CPU s', 'ccdl peak RSS', 'load', 'note']];
		for (const run of runs) {
			table.push([grouped(run.calls), fixed(run.seconds), fixed(run.seconds / run.calls * 100_000), fixed(run.clientCpu), fixed(run.serverCpu), MBytes(run.peakBytes), fixed(run.load), run.failure ?? '']);
			row(`scaling: plan ${grouped(run.calls)}, s${run.failure ? ` (${run.failure})` : ''}`, fixed(run.seconds), '', run.failure ? false : undefined, run);
			row(`scaling: plan ${grouped(run.calls)}, ccdl peak RSS`, MBytes(run.peakBytes), run.calls === 1_000_000 ? '< 300 MB' : '', run.calls === 1_000_000 ? !run.failure && run.peakBytes < 300 * MB : undefined);
		}

		const widths = table[0].map((_, column) => Math.max(...table.map(cells => cells[column].length)));
		console.log('\n  Scaling (planning time and memory by the number of recordings):');
		for (const cells of table) {
			console.log(`    ${cells.map((cell, column) => column === 0 || column === 7 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])).join('  ').trimEnd()}`);
		}

		// Flat memory and linear time, judged between the two largest sizes that finished.
		const finished = runs.filter(run => !run.failure).sort((a, b) => a.calls - b.calls);
		if (finished.length >= 2) {
			const [small, large] = finished.slice(-2);
			const growth = large.calls / small.calls;
			const time = (large.seconds / small.seconds) / growth;
			const memory = large.peakBytes / small.peakBytes;
			row(`scaling: time ${grouped(large.calls)} / (${fixed(growth, 0)} × time ${grouped(small.calls)}) (linear = 1)`, fixed(time), '≤ 1.25', time <= 1.25);
			row(`scaling: peak RSS ${grouped(large.calls)} / peak RSS ${grouped(small.calls)} (flat = 1)`, fixed(memory), '≤ 1.50', memory <= 1.5);
		} else if (runs.some(run => run.failure)) {
			row('scaling: linear time, flat memory', 'not measurable', '', false);
		}
	});
}

if (only.has('ccdl-soak')) {
	await scenario('ccdl soak: ccdl download of every file of demo-server --calls N --media-size 2048, N = 5,000 / 20,000, fresh server each', async () => {
		const runs = await ccdlSoak({...ccdlOptions, onRun(run) {
			console.log(`  ${grouped(run.calls).padStart(6)} contacts, ${grouped(run.files)} files${run.rerun ? ', again into the same folder' : ''}: ${fixed(run.seconds, 2)} s; CPU s: ccdl ${fixed(run.clientCpu)}, server ${fixed(run.serverCpu)}, rest ${fixed(run.otherCpu)}; peak RSS ${MBytes(run.peakBytes)}; load ${fixed(run.load)}`);
			watch(run);
		}});
		for (const run of runs) {
			if (run.rerun) {
				row(`soak: the same ${grouped(run.calls)} contacts again into that folder (all there; its manifest ${grouped(run.files)} rows), peak RSS`, MBytes(run.peakBytes), '', undefined, run);
			} else {
				row(`soak: download ${grouped(run.calls)} contacts (${grouped(run.files)} files), peak RSS`, MBytes(run.peakBytes), run.calls === 20_000 ? '< 150 MB' : '', run.calls === 20_000 ? run.peakBytes < 150 * MB : undefined, run);
			}
		}

		const first = runs.filter(run => !run.rerun);
		if (first.length >= 2) {
			const [small, large] = first;
			row(`soak: peak RSS ${grouped(large.calls)} / ${grouped(small.calls)} contacts (flat = 1)`, fixed(large.peakBytes / small.peakBytes), '', undefined);
			row(`soak: MB per 1,000 more contacts`, fixed((large.peakBytes - small.peakBytes) / MB / ((large.calls - small.calls) / 1000), 1), '', undefined);
		}
	});
}

if (only.has('ccdl-live')) {
	await scenario('ccdl live: the app in tmux 120×40 vs headless download, same ≈2,000 recordings, fresh server each', async () => {
		const result = await ccdlLive({...ccdlOptions, rounds: rounds ?? 2, onRun(mode, run) {
			if (mode === 'app') {
				console.log(`  app      d on the list → "Download finished." ${fixed(run.seconds, 2)} s; CPU s: ccdl ${fixed(run.clientCpu)}, server ${fixed(run.serverCpu)}, rest ${fixed(run.otherCpu)}; app peak RSS ${MBytes(run.peakBytes)}; load ${fixed(run.load)}`);
			} else {
				console.log(`  headless plan summary → exit ${fixed(run.transferSeconds, 2)} s (whole process ${fixed(run.seconds)} s); CPU s after plan: ccdl ${fixed(run.transferCpu)}; whole run: ccdl ${fixed(run.clientCpu)}, server ${fixed(run.serverCpu)}, rest ${fixed(run.otherCpu)}; peak RSS ${MBytes(run.peakBytes)}; load ${fixed(run.load)}`);
			}

			watch(run);
		}});
		const live = ratio(result.app.seconds, result.headless.transferSeconds);
		row('live screen: app download, s', fixed(result.app.seconds), '', undefined, result.app);
		row('live screen: headless download (after plan), s', fixed(result.headless.transferSeconds), '', undefined, result.headless, 'transferCpu');
		row('live screen: app / headless', fixed(live), '≤ 1.10', live <= 1.1);
		row('live screen: app CPU / headless CPU (after plan)', fixed(ratio(result.app.clientCpu, result.headless.transferCpu)), '', undefined);
		row('live screen: app peak RSS', MBytes(Math.max(...result.runs.app.map(run => run.peakBytes))), '', undefined);
	});
}

const header = ['figure', 'value', 'CPU s', 'load', 'goal', 'verdict'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map(cells => cells[column].length)));
const line = cells => cells.map((cell, column) => column >= 1 && column <= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])).join('  ').trimEnd();
console.log(`\n${line(header)}\n${widths.map(width => '-'.repeat(width)).join('  ')}`);
for (const cells of rows) {
	console.log(line(cells));
}

console.log('CPU s: user + system seconds of ccdl (or of the peer on its line; of the server where the figure says so); load: 1-min load average when that run started.');
if (busiest > 0.2) {
	notes.push(`other processes kept up to ${fixed(busiest, 1)} of the ${cores} cores busy during a measured run; wall-clock figures suffer.`);
}

for (const note of notes) {
	console.log(`Note: ${note}`);
}

console.log(`Bench took ${fixed((performance.now() - benchStartedAt) / 1000, 0)} s; load average now ${loadText()}.`);

if (values['cpu-prof']) {
	console.log(`CPU profiles of the server processes: ${path.resolve(values['cpu-prof'])}`);
}

if (cliNodeArgs.includes('--cpu-prof')) {
	console.log('CPU profiles of the ccdl processes: see --cpu-prof-dir in --cli-node-args (default: the project folder).');
}

process.exitCode = crashed ? 1 : 0;
