/**
 * The journal shared by separate processes (as cron and a user at the terminal share it): two writers at once,
 * a writer killed with SIGKILL in the middle of its transactions, and two runs reserving against the daily
 * limit at the same moment.
 */
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {afterAll, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/lib/journal/journal.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {distUrl, startScript} from './support.js';

afterAll(async () => {
	await cleanup();
});

const server = 'https://demo.example.com';

/** A child that writes `count` items one statement at a time, with a batch every 50, starting at `startAt`. */
function writer(file: string, label: string, count: number, startAt: number) {
	return startScript(`
		import {openJournal} from ${JSON.stringify(distUrl('lib/journal/journal.js'))};
		while (Date.now() < ${startAt}) { await new Promise(resolve => setTimeout(resolve, 5)); }
		const journal = openJournal({file: ${JSON.stringify(file)}, timeoutMs: 30000});
		const run = journal.startRun({server: ${JSON.stringify(server)}, user: ${JSON.stringify(label)}, filter: {}, outDir: '/calls'});
		const batch = [];
		for (let index = 0; index < ${count}; index++) {
			const item = {recordingId: '${label}-' + index, fileId: '${label}-' + index + ':recording', path: '/calls/' + index + '.mp3', size: index, status: 'valid'};
			if (index % 50 === 0) {
				batch.push(item);
				journal.recordItems(run, batch.splice(0));
			} else {
				journal.recordItem(run, item);
			}

			// A pause now and then, as a download has between files: the other writer gets its turn there. Without
			// it, one process could take every lock while the other slept in SQLite's busy wait, and the test
			// depended on luck (it failed about once in 8 runs on a loaded machine).
			if (index % 50 === 49) {
				await new Promise(resolve => setTimeout(resolve, 5));
			}
		}
		journal.finishRun(run, {counts: {valid: ${count}}, bytes: 1, durationMs: 1, outcome: 'ok'});
		journal.close();
		console.log('done ' + run);
	`);
}

describe('the journal across processes', () => {
	it('takes two processes writing at once without losing or damaging anything', async () => {
		const folder = await tempDir('ccdl-journal-');
		const file = path.join(folder, 'journal.db');
		// Far enough ahead that both processes are up and waiting even on a loaded machine (one that started late once
		// found the other already done).
		const startAt = Date.now() + 4000;
		const [a, b] = [writer(file, 'a', 1500, startAt), writer(file, 'b', 1500, startAt)];
		const [resultA, resultB] = await Promise.all([a.done, b.done]);
		expect(resultA.code, resultA.stderr).toBe(0);
		expect(resultB.code, resultB.stderr).toBe(0);
		const journal = openJournal({file});
		expect(journal.integrityCheck()).toBe('ok');
		const runs = journal.runs();
		expect(runs.map(run => [run.user, run.outcome]).sort()).toEqual([['a', 'ok'], ['b', 'ok']]);
		for (const run of runs) {
			const items = journal.items(run.id);
			expect(items).toHaveLength(1500);
			expect(new Set(items.map(item => item.recordingId)).size).toBe(1500);
		}

		// The writes interleaved (neither process simply waited for the other to finish).
		const raw = new DatabaseSync(file);
		const order = (raw.prepare('SELECT run_id FROM items ORDER BY rowid').all() as Array<{run_id: number}>).map(row => row.run_id);
		raw.close();
		const switches = order.filter((run, index) => index > 0 && run !== order[index - 1]).length;
		expect(switches).toBeGreaterThan(2);
		expect(journal.exportedToday(server)).toBe(3000);
		journal.close();
	});

	it('survives kill -9 in the middle of writing: the next open works and holds only whole transactions', async () => {
		const folder = await tempDir('ccdl-journal-');
		const file = path.join(folder, 'journal.db');
		const batch = 2000;
		const child = startScript(`
			import {openJournal} from ${JSON.stringify(distUrl('lib/journal/journal.js'))};
			const journal = openJournal({file: ${JSON.stringify(file)}});
			const run = journal.startRun({server: ${JSON.stringify(server)}, user: 'admin', filter: {}, outDir: '/calls'});
			for (let round = 0; ; round++) {
				const items = [];
				for (let index = 0; index < ${batch}; index++) {
					items.push({recordingId: round + '-' + index, fileId: round + '-' + index + ':recording', path: '/calls/' + 'x'.repeat(200) + index, status: 'valid'});
				}
				journal.recordItems(run, items);
				console.log('committed ' + round);
			}
		`);
		await child.waitFor(stdout => /committed 4\b/.test(stdout));
		child.child.kill('SIGKILL');
		const result = await child.done;
		expect(result.signal).toBe('SIGKILL');
		const journal = openJournal({file});
		expect(journal.integrityCheck()).toBe('ok');
		const [run] = journal.runs();
		expect(run!.outcome).toBe('abandoned');
		const items = journal.items(run!.id);
		// Only whole batches: a transaction cut by the kill left nothing.
		expect(items.length % batch).toBe(0);
		expect(items.length).toBeGreaterThanOrEqual(5 * batch);
		// And the journal goes on.
		const next = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(next, {recordingId: 'after', fileId: 'after:recording', status: 'valid'});
		journal.finishRun(next, {counts: {valid: 1}, bytes: 1, durationMs: 1, outcome: 'ok'});
		expect(journal.run(next)?.outcome).toBe('ok');
		journal.close();
	});

	it('lets two runs started at the same moment reserve no more than the daily limit together', async () => {
		const folder = await tempDir('ccdl-journal-');
		const file = path.join(folder, 'journal.db');
		// Earlier today: 100 contacts exported.
		const journal = openJournal({file});
		const earlier = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(earlier, Array.from({length: 100}, (_, index) => ({recordingId: `e${index}`, fileId: `e${index}:recording`, status: 'valid' as const})));
		journal.finishRun(earlier, {counts: {}, bytes: 0, durationMs: 1, outcome: 'ok'});
		journal.close();
		// Far enough ahead that both processes are up and waiting even on a loaded machine (one that started late once
		// found the other already done).
		const startAt = Date.now() + 4000;
		const runner = (label: string) => startScript(`
			import {openJournal} from ${JSON.stringify(distUrl('lib/journal/journal.js'))};
			import {reserveWithinLimits} from ${JSON.stringify(distUrl('lib/limits/limits.js'))};
			const journal = openJournal({file: ${JSON.stringify(file)}});
			const run = journal.startRun({server: ${JSON.stringify(server)}, user: '${label}', filter: {}, outDir: '/calls-${label}'});
			while (Date.now() < ${startAt}) { await new Promise(resolve => setTimeout(resolve, 2)); }
			const check = reserveWithinLimits(journal, run, ${JSON.stringify(server)}, 700, new Date(), {settings: {preset: 'standard', daily: 1000}});
			console.log(JSON.stringify({allowed: check.allowed, reason: check.reason ?? null}));
			// The run takes its time exporting, as a download would.
			for (let index = 0; index < check.allowed; index++) {
				journal.recordItem(run, {recordingId: '${label}' + index, fileId: '${label}' + index + ':recording', status: 'valid'});
			}
			journal.finishRun(run, {counts: {valid: check.allowed}, bytes: 0, durationMs: 1, outcome: check.allowed < 700 ? 'limit' : 'ok'});
			journal.close();
		`);
		const results = await Promise.all([runner('a').done, runner('b').done]);
		const checks = results.map(result => {
			expect(result.code, result.stderr).toBe(0);
			return JSON.parse(result.stdout) as {allowed: number; reason: string | null};
		});
		expect(checks.map(check => check.allowed).sort((x, y) => x - y)).toEqual([200, 700]);
		const limited = checks.find(check => check.allowed === 200)!;
		expect(limited.reason).toBe('The daily limit of 1,000 contacts (standard: 1,000 contacts a day) leaves 200 of the 700 contacts for today on https://demo.example.com (800 exported or reserved today); the other 500 are left for tomorrow.');
		const after = openJournal({file});
		expect(after.exportedToday(server)).toBe(1000);
		after.close();
	});
});
