/**
 * The journal's side of a real download, wired the way `ccdl download` is to call it (DownloadJournal.start →
 * admit → attach → finish) against the demo server: every item recorded with its path, digest and archive time,
 * the daily limit cutting the plan and saying how many it can still take, and claims keeping a second run off the
 * recordings the first is downloading into the same folder.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DownloadJournal, type RunFilter} from '../../source/lib/journal/download.js';
import {openJournal} from '../../source/lib/journal/journal.js';
import {contactsToExport, narrowPlan} from '../../source/lib/limits/plan.js';
import {defaultDateFormat, defaultTemplate} from '../../source/lib/naming/index.js';
import {login, planForRun, startRun} from '../../source/lib/run/pipeline.js';
import type {RunRequest} from '../../source/lib/run/request.js';
import {cleanup, sha256File, tempDir} from '../helpers/ccdl.js';
import {type DemoProcess, startDemoProcess} from '../helpers/demo-server.js';

let demo: DemoProcess;

beforeAll(async () => {
	demo = await startDemoProcess(['--calls', '80', '--seed', '11', '--days', '10']);
});

afterAll(async () => {
	await demo.stop();
	await cleanup();
});

const filter: RunFilter = {campaigns: [], channels: [], includeArchived: false, transcripts: 'json', mode: 'full'};

function requestFor(outDir: string): RunRequest {
	return {
		platform: 'ccm', server: demo.url, username: 'admin', timeZone: 'UTC', campaigns: [], channels: [], includeArchived: false, overwrite: false,
		out: outDir, template: defaultTemplate, dateFormat: defaultDateFormat, transcripts: 'json', mode: 'full', concurrency: 8, archive: true, csvBom: false,
	};
}

async function planFor(outDir: string) {
	const request = requestFor(outDir);
	const client = await login(request, 'demo');
	const plan = await planForRun(client, request);
	return {client, plan, request};
}

describe('DownloadJournal in a download', () => {
	it('records every file, stops cleanly at the daily limit and tells how many it could take', async () => {
		const folder = await tempDir('ccdl-dl-');
		const outDir = path.join(folder, 'calls');
		const journal = openJournal({file: path.join(folder, 'journal.db')});
		const {client, plan, request} = await planFor(outDir);
		const exporting = contactsToExport(plan);
		expect(exporting.length).toBeGreaterThan(12);
		// Read now: the run closes the plan's spools when it ends.
		const recycledIds = [...plan.contacts].filter(contact => contact.recycled).map(contact => contact.id).sort();
		const limits = {preset: 'custom' as const, daily: 12};

		const started = await startRun(client, plan, {...request, company: 'demo'}, {journal, limits, eventIntervalMs: 20});
		const admitted = started.admission;
		expect(contactsToExport(admitted.plan)).toEqual(exporting.slice(0, 12));
		expect(admitted.limited).toEqual(exporting.slice(12));
		expect(admitted.lines).toEqual([`The daily limit of 12 contacts (custom: 12 contacts a day) leaves 12 of the ${exporting.length} contacts for today on ${demo.url} (0 exported or reserved today); the other ${exporting.length - 12} are left for tomorrow.`]);
		const result = await started.result;
		const {summary} = result;
		expect(summary.failed).toBe(0);
		expect(result).toMatchObject({outcome: 'limit', exitCode: 6});
		const csv = result.manifest!.csv;
		const recorder = {runId: result.runId};

		const record = journal.run(recorder.runId)!;
		expect(record).toMatchObject({outcome: 'limit', user: 'admin', company: 'demo', manifestPath: csv, outDir, reserved: 0, bytes: summary.bytesTransferred});
		const items = journal.items(recorder.runId);
		const valid = items.filter(item => item.status === 'valid');
		expect(valid).toHaveLength(summary.valid);
		for (const item of valid.slice(0, 5)) {
			expect(item.path!.startsWith(`${outDir}${path.sep}`)).toBe(true);
			expect(await sha256File(item.path!)).toBe(item.sha256);
			expect(item.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
			expect(item.attempts).toBeGreaterThanOrEqual(1);
		}

		expect(items.filter(item => item.status === 'limited').map(item => item.recordingId)).toEqual(exporting.slice(12));
		expect(items.filter(item => item.status === 'recycled').map(item => item.recordingId).sort()).toEqual(recycledIds);
		expect(journal.exportedToday(client.baseUrl)).toBe(12);

		// The same day again: nothing left under the limit, and the run says so.
		const again = DownloadJournal.start({server: client.baseUrl, user: 'admin', filter, outDir}, {journal, limits});
		const second = again.admit((await planFor(outDir)).plan);
		expect(contactsToExport(second.plan)).toEqual([]);
		expect(second.lines.at(-1)).toMatch(/^The daily limit of 12 contacts \(custom: 12 contacts a day\) is reached on .*: 12 exported or reserved today, so none of the \d+ contacts can be taken; run again tomorrow\.$/);
		again.fail(new Error('stopped for the test'));
		expect(journal.run(again.runId)).toMatchObject({outcome: 'failed', error: 'stopped for the test'});
		journal.close();
	});

	it('leaves recordings another run is downloading into the same folder to it', async () => {
		const folder = await tempDir('ccdl-dl-');
		const outDir = path.join(folder, 'calls');
		const file = path.join(folder, 'journal.db');
		const {client, plan} = await planFor(outDir);
		const limits = {preset: 'none' as const};
		const first = DownloadJournal.start({server: client.baseUrl, user: 'admin', filter, outDir}, {journal: openJournal({file}), limits});
		const firstAdmitted = first.admit(plan);
		expect(firstAdmitted.busy).toEqual([]);
		const other = openJournal({file});
		const second = DownloadJournal.start({server: client.baseUrl, user: 'admin', filter, outDir}, {journal: other, limits});
		const secondAdmitted = second.admit(plan);
		const exporting = contactsToExport(plan);
		expect(secondAdmitted.busy.sort()).toEqual([...exporting].sort());
		expect(contactsToExport(secondAdmitted.plan)).toEqual([]);
		expect(secondAdmitted.lines).toEqual([`${exporting.length} contacts are being downloaded into ${outDir} by another ccdl (process ${process.pid}); left to it.`]);
		// Another folder is another download.
		const elsewhere = DownloadJournal.start({server: client.baseUrl, user: 'admin', filter, outDir: `${outDir}-2`}, {journal: other, limits});
		expect(elsewhere.admit(plan).busy).toEqual([]);
		// Once the first run has finished, its recordings are free again.
		first.fail(new Error('done'), 'interrupted');
		const third = DownloadJournal.start({server: client.baseUrl, user: 'admin', filter, outDir}, {journal: other, limits});
		expect(third.admit(plan).busy).toEqual([]);
		first.journal.close();
		other.close();
	});
	it('a run of some of a contact\'s files (the app\'s retry of failed ones) marks the contact archived once they are valid', async () => {
		const folder = await tempDir('ccdl-dl-');
		const outDir = path.join(folder, 'calls');
		const journal = openJournal({file: path.join(folder, 'journal.db')});
		const {client, plan, request} = await planFor(outDir);
		const perContact = new Map<string, string[]>();
		for (const file of plan.files) {
			perContact.set(file.contactId, [...perContact.get(file.contactId) ?? [], file.fileId]);
		}

		const [contactId, fileIds] = [...perContact].find(([, ids]) => ids.length > 1)!;
		const narrowed = narrowPlan(plan, id => id === contactId, file => file.fileId === fileIds[0]);
		expect(narrowed.files.length).toBe(1);
		const started = await startRun(client, narrowed, {...request, company: 'demo'}, {journal, limits: {preset: 'none'}, eventIntervalMs: 5, keepFinished: false});
		const result = await started.result;
		expect(result.exitCode).toBe(0);
		expect(result.summary.valid).toBe(1);
		expect(result.summary.archived).toBe(1);
		expect(journal.items(result.runId).find(item => item.fileId === fileIds[0])?.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		journal.close();
	});

	// Last: it marks every contact of the demo server archived.
	it('a headless run forgets each finished file, and the journal and the manifest still have every one with its archive time', async () => {
		const folder = await tempDir('ccdl-dl-');
		const outDir = path.join(folder, 'calls');
		const journal = openJournal({file: path.join(folder, 'journal.db')});
		const {client, plan, request} = await planFor(outDir);
		const started = await startRun(client, plan, {...request, company: 'demo'}, {journal, limits: {preset: 'none'}, eventIntervalMs: 5, keepFinished: false});
		// What the run's state holds at any moment: the files in flight (and failed ones), never the whole plan.
		let most = 0;
		started.run.subscribe(() => {
			most = Math.max(most, started.run.state.files.size);
		});
		const result = await started.result;
		expect(result.exitCode).toBe(0);
		const {summary} = result;
		expect(summary.valid).toBeGreaterThan(40);
		expect(most).toBeGreaterThan(0);
		expect(most).toBeLessThan(summary.valid / 2);
		expect(started.run.state.files.size).toBe(0);
		const items = journal.items(result.runId).filter(item => item.status === 'valid');
		expect(items).toHaveLength(summary.valid);
		for (const item of items) {
			expect(item.archivedAt, item.fileId).toMatch(/^\d{4}-\d\d-\d\dT/);
		}

		const rows = (await readFile(path.join(outDir, 'manifest.jsonl'), 'utf8')).trim().split('\n').map(line => JSON.parse(line) as {status: string; archivedAt: string; sha256: string; file: string});
		const valid = rows.filter(row => row.status === 'valid');
		expect(valid).toHaveLength(summary.valid);
		expect(summary.archived).toBe(new Set(items.map(item => item.recordingId)).size);
		for (const row of valid) {
			expect(row.archivedAt, row.file).toMatch(/^\d{4}-\d\d-\d\dT/);
			expect(await sha256File(path.join(outDir, ...row.file.split('/')))).toBe(row.sha256);
		}

		journal.close();
	});
});
