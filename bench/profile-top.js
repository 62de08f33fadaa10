#!/usr/bin/env node
/**
 * The top costs of a V8 CPU profile (`node --cpu-prof`), by self time and by total time (the function and all it
 * calls), with file:line, so a profile can be read and quoted without DevTools.
 *
 *   node bench/profile-top.js FILE.cpuprofile [--top N] [--filter TEXT]
 *
 * --filter keeps only functions whose file path contains TEXT (e.g. `dist/` for ccdl's own code).
 * Lines are 1-based lines of the profiled file (dist/…js for ccdl; the .ts line is near it, tsc keeps the layout).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

const {values, positionals} = parseArgs({
	allowPositionals: true,
	options: {top: {type: 'string'}, filter: {type: 'string'}},
});
if (positionals.length === 0) {
	console.error('Usage: node bench/profile-top.js FILE.cpuprofile [--top N] [--filter TEXT]');
	process.exit(2);
}

const top = Number(values.top ?? 15);
const root = process.cwd();

for (const file of positionals) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map(node => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) {
			parent.set(child, node.id);
		}
	}

	// Sample counts per node (self), then time per sample from the deltas.
	const selfSamples = new Map();
	for (const id of profile.samples) {
		selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
	}

	const totalUs = profile.endTime - profile.startTime;
	const usPerSample = totalUs / Math.max(1, profile.samples.length);
	const where = node => {
		const {functionName, url, lineNumber} = node.callFrame;
		const short = url ? url.replace('file://', '').replace(`${root}/`, '').replace(/^.*node_modules\//, 'node_modules/') : '';
		return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
	};

	const self = new Map();
	const total = new Map();
	for (const [id, count] of selfSamples) {
		const node = byId.get(id);
		const key = where(node);
		self.set(key, (self.get(key) ?? 0) + count);
		// Total: count each distinct function once per stack.
		const seen = new Set();
		for (let current = id; current !== undefined; current = parent.get(current)) {
			const name = where(byId.get(current));
			if (!seen.has(name)) {
				seen.add(name);
				total.set(name, (total.get(name) ?? 0) + count);
			}
		}
	}

	const idle = [...self.entries()].filter(([key]) => key === '(idle)').reduce((sum, [, count]) => sum + count, 0);
	const busyMs = (profile.samples.length - idle) * usPerSample / 1000;
	const keep = key => !values.filter || key.includes(values.filter);
	const ms = count => `${(count * usPerSample / 1000).toFixed(0).padStart(6)} ms`;
	const share = count => `${(100 * count / Math.max(1, profile.samples.length - idle)).toFixed(1).padStart(5)} %`;
	console.log(`${path.basename(file)}: ${(totalUs / 1e6).toFixed(2)} s profiled, ${(busyMs / 1000).toFixed(2)} s busy (shares are of busy time)`);
	console.log(' self:');
	for (const [key, count] of [...self.entries()].filter(([key]) => key !== '(idle)' && keep(key)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
		console.log(`  ${ms(count)} ${share(count)}  ${key}`);
	}

	console.log(' total (self + callees):');
	for (const [key, count] of [...total.entries()].filter(([key]) => !key.startsWith('(') && keep(key)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
		console.log(`  ${ms(count)} ${share(count)}  ${key}`);
	}
}
