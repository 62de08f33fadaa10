#!/usr/bin/env node
/**
 * The top allocation sites of a V8 sampling heap profile (`node --heap-prof`): bytes still live when the profile was
 * written (at exit), by function with file:line, self and with callees.
 *
 *   node bench/heap-top.js FILE.heapprofile [--top N]
 */
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';

const {values, positionals} = parseArgs({allowPositionals: true, options: {top: {type: 'string'}}});
const top = Number(values.top ?? 15);
const root = process.cwd();
for (const file of positionals) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const self = new Map();
	const total = new Map();
	const where = node => {
		const {functionName, url, lineNumber} = node.callFrame;
		const short = url ? url.replace('file://', '').replace(`${root}/`, '').replace(/^.*node_modules\//, 'node_modules/') : '';
		return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
	};

	let all = 0;
	const walk = (node, stack) => {
		const key = where(node);
		self.set(key, (self.get(key) ?? 0) + node.selfSize);
		all += node.selfSize;
		const seen = new Set(stack);
		const next = seen.has(key) ? stack : [...stack, key];
		for (const name of new Set(next)) {
			total.set(name, (total.get(name) ?? 0) + node.selfSize);
		}

		for (const child of node.children ?? []) {
			walk(child, next);
		}
	};

	walk(profile.head, []);
	const mb = bytes => `${(bytes / 1e6).toFixed(1).padStart(7)} MB`;
	console.log(`${file}: ${mb(all)} sampled live at the end`);
	console.log(' self:');
	for (const [key, bytes] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
		console.log(`  ${mb(bytes)}  ${key}`);
	}

	console.log(' total (self + callees), ccdl code only:');
	for (const [key, bytes] of [...total.entries()].filter(([key]) => key.includes('dist/')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
		console.log(`  ${mb(bytes)}  ${key}`);
	}
}
