#!/usr/bin/env node
/**
 * `npm run bench`: speed of the demo server against peer clients on loopback (issue 2, "Speed").
 *
 *   node bench/run.js [--only small,large,list] [--rounds N] [--cpu-prof DIR] [--cli PATH] [--server-node-args=ARGS]
 *
 * --cpu-prof DIR starts every server with `node --cpu-prof --cpu-prof-dir DIR` to see where it spends its time.
 * --server-node-args=ARGS passes Node options to the server processes (e.g. --server-node-args=--max-semi-space-size=32).
 * --cli PATH runs another build's cli.js (e.g. a patched copy of dist/) to compare with this one.
 * The figures are informative: the bench exits 0 unless something crashed.
 */
import {cpus} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {hasCommand, largeFiles, listing, nodeBinary, smallFiles} from './demo-server-bench.js';

const {values} = parseArgs({
	options: {
		only: {type: 'string'},
		rounds: {type: 'string'},
		'cpu-prof': {type: 'string'},
		cli: {type: 'string'},
		'server-node-args': {type: 'string'},
		help: {type: 'boolean', short: 'h'},
	},
});
if (values.help) {
	console.log('Usage: node bench/run.js [--only small,large,list] [--rounds N] [--cpu-prof DIR] [--cli PATH] [--server-node-args=ARGS]');
	process.exit(0);
}

const only = new Set((values.only ?? 'small,large,list').split(',').map(name => name.trim()));
const rounds = values.rounds ? Math.max(1, Math.trunc(Number(values.rounds)) || 1) : undefined;
const cli = values.cli ? path.resolve(values.cli) : undefined;
const nodeArgs = [
	...values['server-node-args']?.split(/\s+/).filter(Boolean) ?? [],
	...values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])] : [],
];
const MB = 1e6;
const GB = 1e9;

const fixed = (value, digits = 2) => Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const grouped = value => Number.isFinite(value) ? Math.round(value).toLocaleString('en') : 'n/a';

const cores = cpus().length;
const peers = ['curl', 'aria2c'].map(name => `${name} ${hasCommand(name) ? 'yes' : 'no'}`).join(', ');
console.log(`ccdl demo-server bench — Node ${process.versions.node} (${nodeBinary()}), ${cores} cores (${cpus()[0]?.model.trim() ?? '?'}), peers: ${peers}`);
if (cli || nodeArgs.length > 0) {
	console.log(`Server: ${[nodeBinary(), ...nodeArgs, cli ?? 'dist/cli.js'].join(' ')}`);
}

if (cores <= 2) {
	console.log(`Note: only ${cores} cores; the server and the client share them, so figures are lower bounds for the server.`);
}

console.log('CPU s per round: server process, client (curl / aria2c / this Node for listing), rest = other processes and kernel work.');

if (!hasCommand('curl') && (only.has('small') || only.has('large'))) {
	console.log('curl is not installed: the download figures are skipped.');
	only.delete('small');
	only.delete('large');
}

/** Rows: [figure, value, goal, verdict]. */
const rows = [];
const notes = [];
let crashed = false;

function row(figure, value, goal, pass) {
	rows.push([figure, value, goal, pass === undefined ? '' : pass ? 'PASS' : 'MISS']);
}

async function scenario(name, run) {
	const startedAt = performance.now();
	console.log(`\n[${name}]`);
	try {
		await run();
	} catch (error) {
		crashed = true;
		console.log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
		rows.push([name, 'crashed', '', 'CRASH']);
	}

	console.log(`  (${fixed((performance.now() - startedAt) / 1000, 1)} s)`);
}

const cpuNote = run => `CPU s: server ${fixed(run.serverCpu)}, client ${fixed(run.clientCpu)}, rest ${fixed(run.otherCpu)}`;
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
		row('256 KiB media, recordings/s (curl, best round)', grouped(best.perSecond), '≥ 2,000', best.perSecond >= 2000);
		row('256 KiB media, MB/s (curl, best round)', fixed(best.bytesPerSecond / MB, 0), '', undefined);
		row('server peak RSS, small-files run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
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

		row('64 MiB media, GB/s (curl, best round)', fixed(result.best.bytesPerSecond / GB), '≥ 1', result.best.bytesPerSecond >= GB);
		if (result.aria2) {
			row('64 MiB media, GB/s (aria2c -j8, to tmpfs)', fixed(result.aria2.bytesPerSecond / GB), '(peer)', undefined);
		}

		row('server peak RSS, large-files run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
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
		row('list 100,000 recordings, s (fresh server)', fixed(first.seconds), '< 2', first.seconds < 2);
		row('  server CPU for that listing, s', fixed(first.serverCpu), '', undefined);
		if (result.runs.length > 1) {
			const again = result.runs.at(-1);
			row('list 100,000 again, same server, s', fixed(again.seconds), '', undefined);
		}

		row('server peak RSS, listing run', `${fixed(result.peakRssMiB, 0)} MiB`, '', undefined);
	});
}

const header = ['figure', 'value', 'goal', 'verdict'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map(cells => cells[column].length)));
const line = cells => cells.map((cell, column) => column === 1 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])).join('  ').trimEnd();
console.log(`\n${line(header)}\n${widths.map(width => '-'.repeat(width)).join('  ')}`);
for (const cells of rows) {
	console.log(line(cells));
}

if (busiest > 0.2) {
	notes.push(`other processes kept up to ${fixed(busiest, 1)} of the ${cores} cores busy during a measured run; wall-clock figures suffer.`);
}

for (const note of notes) {
	console.log(`Note: ${note}`);
}

if (values['cpu-prof']) {
	console.log(`CPU profiles of the server processes: ${path.resolve(values['cpu-prof'])}`);
}

process.exitCode = crashed ? 1 : 0;
