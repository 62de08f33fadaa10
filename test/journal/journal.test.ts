/**
 * The journal in one process: where it lives, WAL mode and a private file, runs and items, claims between
 * connections, usage for the limits, and one clear sentence — never a crash — for a damaged journal, a database
 * that is not a journal, or one written by a newer ccdl.
 */
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {afterAll, describe, expect, it} from 'vitest';
import {CcdlError} from '../../source/lib/errors.js';
import {journalPath} from '../../source/lib/journal/paths.js';
import {dataDir} from '../../source/lib/settings/paths.js';
import {dayBounds, type Journal, JournalError, journalSchemaVersion, openJournal, serverKey} from '../../source/lib/journal/journal.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';

afterAll(async () => {
	await cleanup();
});

async function fresh(now?: () => number): Promise<{file: string; journal: Journal}> {
	const folder = await tempDir('ccdl-journal-');
	const file = path.join(folder, 'journal.db');
	return {file, journal: openJournal({file, ...now ? {now} : {}})};
}

function caught(action: () => unknown): CcdlError {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(CcdlError);
		return error as CcdlError;
	}

	throw new Error('expected an error');
}

const server = 'https://demo.example.com/';

describe('where the journal lives', () => {
	it('is CCDL_DATA_DIR/journal.db, else $XDG_DATA_HOME/ccdl, else ~/.local/share/ccdl', () => {
		expect(journalPath({CCDL_DATA_DIR: '/srv/ccdl-data'})).toBe('/srv/ccdl-data/journal.db');
		expect(dataDir({XDG_DATA_HOME: '/home/u/.data'})).toBe('/home/u/.data/ccdl');
		expect(dataDir({})).toBe(path.join(os.homedir(), '.local', 'share', 'ccdl'));
	});
});

describe('the journal', () => {
	it('is a private SQLite file in WAL mode with a schema version', async () => {
		const {file, journal} = await fresh();
		journal.startRun({server, user: 'admin', filter: {}, outDir: '/tmp/x'});
		journal.close();
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// Header bytes 18 and 19: read and write format version, 2 = write-ahead log.
		const header = readFileSync(file).subarray(0, 20);
		expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
		expect([header[18], header[19]]).toEqual([2, 2]);
		const raw = new DatabaseSync(file);
		expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{version: journalSchemaVersion}]);
		raw.close();
	});

	it('records runs and items and reads them back, newest first', async () => {
		let clock = Date.parse('2026-11-02T01:00:00Z');
		const {journal} = await fresh(() => clock);
		const first = journal.startRun({server, company: 'demo', user: 'admin', filter: {campaigns: ['101'], channels: []}, outDir: '/calls', search: 'weekly'});
		journal.recordItem(first, {recordingId: '100001', fileId: '100001:recording', path: '/calls/a.mp3', size: 1234, sha256: 'ab'.repeat(32), status: 'valid', attempts: 2, lastError: 'reset', archivedAt: '2026-11-02T01:00:05Z'});
		journal.recordItem(first, {recordingId: '100001', fileId: '100001:recording', path: '/calls/a.mp3', size: 1234, sha256: 'ab'.repeat(32), status: 'valid', attempts: 3});
		journal.recordItems(first, [{recordingId: '100002', fileId: '100002:contact', status: 'recycled'}]);
		clock += 60_000;
		journal.finishRun(first, {counts: {contacts: 2, files: 1, valid: 1}, bytes: 1234, durationMs: 60_000, outcome: 'ok', manifestPath: '/calls/manifest.csv'});
		clock += 60_000;
		const second = journal.startRun({server: 'https://other.example.com', user: 'supervisor', filter: {}, outDir: '/other'});
		const runs = journal.runs();
		expect(runs.map(run => run.id)).toEqual([second, first]);
		expect(runs[1]).toMatchObject({
			server: 'https://demo.example.com', company: 'demo', user: 'admin', search: 'weekly', filter: {campaigns: ['101'], channels: []},
			outDir: '/calls', manifestPath: '/calls/manifest.csv', startedAt: '2026-11-02T01:00:00.000Z', finishedAt: '2026-11-02T01:01:00.000Z',
			outcome: 'ok', counts: {contacts: 2, files: 1, valid: 1}, bytes: 1234, durationMs: 60_000, pid: process.pid,
		});
		expect(runs[0]!.outcome).toBe('running');
		expect(journal.runs({server: 'https://OTHER.example.com/'}).map(run => run.id)).toEqual([second]);
		expect(journal.items(first)).toEqual([
			{runId: first, server: 'https://demo.example.com', recordingId: '100001', fileId: '100001:recording', path: '/calls/a.mp3', size: 1234, sha256: 'ab'.repeat(32), status: 'valid', attempts: 3, lastError: null, archivedAt: null, recordedAt: '2026-11-02T01:00:00.000Z'},
			{runId: first, server: 'https://demo.example.com', recordingId: '100002', fileId: '100002:contact', path: null, size: null, sha256: null, status: 'recycled', attempts: 0, lastError: null, archivedAt: null, recordedAt: '2026-11-02T01:00:00.000Z'},
		]);
		expect(journal.latestItem(server, '100001:recording')?.attempts).toBe(3);
		journal.close();
	});

	it('keys servers by origin and path', () => {
		expect(serverKey('https://Demo.Example.com/')).toBe('https://demo.example.com');
		expect(serverKey('http://127.0.0.1:4000/api/')).toBe('http://127.0.0.1:4000/api');
	});

	it('shows a run whose process has gone as abandoned, and marks it so at the next start', async () => {
		const {file, journal} = await fresh();
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		const raw = new DatabaseSync(file);
		// A process ID that does not run (beyond the kernel's maximum).
		raw.prepare('UPDATE runs SET pid = 99999999 WHERE id = ?').run(run);
		raw.close();
		expect(journal.run(run)?.outcome).toBe('abandoned');
		journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		const check = new DatabaseSync(file);
		expect(check.prepare('SELECT outcome FROM runs WHERE id = ?').get(run)).toEqual({outcome: 'abandoned'});
		check.close();
		journal.close();
	});

	it('reports what an abandoned run journaled before its process ended: counts and bytes from its items', async () => {
		const {file, journal} = await fresh();
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(run, [
			...Array.from({length: 17}, (_, index) => ({recordingId: `v${index}`, fileId: `v${index}:recording`, size: 200_000, sha256: 'ab'.repeat(32), status: 'valid' as const, ...index < 3 ? {archivedAt: '2026-11-02T01:00:00.000Z'} : {}})),
			...Array.from({length: 54}, (_, index) => ({recordingId: `s${index}`, fileId: `s${index}:recording`, size: 999, status: 'skipped-identical' as const})),
			{recordingId: 'v0', fileId: 'v0:transcript', size: 100, status: 'failed'},
			{recordingId: 'v1', fileId: 'v1:deleted', status: 'deleted', archivedAt: '2026-11-02T01:00:01.000Z'},
		]);
		const raw = new DatabaseSync(file);
		raw.prepare('UPDATE runs SET pid = 99999999 WHERE id = ?').run(run);
		raw.close();
		const expected = {
			counts: {contacts: 71, files: 72, valid: 17, skipped: 54, skippedByProfile: 0, failed: 1, interrupted: 0, recycled: 0, archived: 3, limited: 0, deleted: 1},
			bytes: 3_400_000,
		};
		// Shown before any run swept it…
		expect(journal.run(run)).toMatchObject({outcome: 'abandoned', ...expected});
		// …and kept when the next run marks it abandoned.
		journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		const check = new DatabaseSync(file);
		const stored = check.prepare('SELECT outcome, counts, bytes FROM runs WHERE id = ?').get(run) as {outcome: string; counts: string; bytes: number};
		check.close();
		expect({outcome: stored.outcome, counts: JSON.parse(stored.counts) as unknown, bytes: Number(stored.bytes)}).toEqual({outcome: 'abandoned', ...expected});
		expect(journal.runs()[1]).toMatchObject({id: run, outcome: 'abandoned', ...expected});
		journal.close();
	});

	it('reads counts from the items of a run an older ccdl marked abandoned without them, and none for a run without items', async () => {
		const {file, journal} = await fresh();
		const older = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(older, {recordingId: '1', fileId: '1:recording', size: 5, status: 'valid'});
		const empty = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		const raw = new DatabaseSync(file);
		raw.prepare("UPDATE runs SET outcome = 'abandoned' WHERE id = ?").run(older);
		raw.prepare('UPDATE runs SET pid = 99999999 WHERE id = ?').run(empty);
		raw.close();
		expect(journal.run(older)).toMatchObject({outcome: 'abandoned', counts: {contacts: 1, files: 1, valid: 1}, bytes: 5});
		expect(journal.run(empty)).toMatchObject({outcome: 'abandoned', counts: {}, bytes: 0});
		journal.close();
	});

	it('reads counts from the items of a run that failed after journaling some, as it records none itself', async () => {
		const {journal} = await fresh();
		const failed = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(failed, {recordingId: '1', fileId: '1:recording', size: 7, status: 'valid'});
		journal.finishRun(failed, {counts: {}, bytes: 0, durationMs: 5, outcome: 'failed', error: 'the disk is full'});
		expect(journal.run(failed)).toMatchObject({outcome: 'failed', counts: {contacts: 1, files: 1, valid: 1}, bytes: 7, error: 'the disk is full'});
		journal.close();
	});

	it('stores the counts of a run that failed part-way, from its items, when it finishes without counts of its own', async () => {
		const {file, journal} = await fresh();
		const failed = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(failed, {recordingId: '1', fileId: '1:recording', size: 9, status: 'valid'});
		journal.recordItem(failed, {recordingId: '2', fileId: '2:recording', status: 'failed'});
		journal.finishRun(failed, {durationMs: 5, outcome: 'interrupted', error: 'stopped'});
		const raw = new DatabaseSync(file);
		const stored = raw.prepare('SELECT counts, bytes FROM runs WHERE id = ?').get(failed) as {counts: string; bytes: number};
		raw.close();
		expect({counts: JSON.parse(stored.counts) as unknown, bytes: Number(stored.bytes)}).toMatchObject({counts: {contacts: 2, files: 2, valid: 1, failed: 1}, bytes: 9});
		journal.close();
	});
});

describe('claims', () => {
	it('let only one connection download a recording into a folder; the other gets it once released', async () => {
		const {file, journal: first} = await fresh();
		const second = openJournal({file});
		expect(first.claim(server, '/calls', ['1', '2'])).toEqual({claimed: ['1', '2'], busy: []});
		expect(second.claim(server, '/calls/', ['2', '3'])).toEqual({claimed: ['3'], busy: [{recordingId: '2', pid: process.pid, runId: null}]});
		// Another folder, or another server, is another download.
		expect(second.claim(server, '/elsewhere', ['1', '2']).claimed).toEqual(['1', '2']);
		expect(second.claim('https://other.example.com', '/calls', ['1']).claimed).toEqual(['1']);
		// Claiming again what one holds is fine.
		expect(first.claim(server, '/calls', ['1']).claimed).toEqual(['1']);
		first.release(server, '/calls', ['2']);
		expect(second.claim(server, '/calls', ['2']).claimed).toEqual(['2']);
		// Closing releases the rest.
		first.close();
		expect(second.claim(server, '/calls', ['1']).claimed).toEqual(['1']);
		second.close();
	});

	it('are taken over from a process that has gone, and dropped when its run finishes', async () => {
		const {file, journal} = await fresh();
		const raw = new DatabaseSync(file);
		raw.prepare("INSERT INTO claims VALUES (?, '/calls', '7', 'gone:1:x', 99999999, ?, NULL, ?)").run(serverKey(server), os.hostname(), Date.now());
		raw.close();
		expect(journal.claim(server, '/calls', ['7']).claimed).toEqual(['7']);
		const other = openJournal({file});
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		expect(journal.claim(server, '/calls', ['8'], run).claimed).toEqual(['8']);
		expect(other.claim(server, '/calls', ['8']).busy.map(entry => entry.runId)).toEqual([run]);
		journal.finishRun(run, {counts: {}, bytes: 0, durationMs: 1, outcome: 'ok'});
		expect(other.claim(server, '/calls', ['8']).claimed).toEqual(['8']);
		other.close();
		journal.close();
	});
});

describe('usage for the limits', () => {
	it('counts distinct contacts downloaded today on that server, by every run, plus live reservations', async () => {
		const zone = 'Europe/Budapest';
		let clock = Date.parse('2026-11-03T22:30:00Z'); // 23:30 on 3 November in Budapest
		const {journal} = await fresh(() => clock);
		const yesterday = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(yesterday, {recordingId: '1', fileId: '1:recording', status: 'valid'});
		clock = Date.parse('2026-11-04T08:00:00Z');
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(run, [
			{recordingId: '2', fileId: '2:recording', status: 'valid'},
			{recordingId: '2', fileId: '2:screenshot:1', status: 'valid'},
			{recordingId: '3', fileId: '3:recording', status: 'skipped-identical'},
			{recordingId: '4', fileId: '4:recording', status: 'failed'},
			{recordingId: '5', fileId: '5:contact', status: 'recycled'},
			{recordingId: '6', fileId: '6:recording', status: 'valid'},
		]);
		const other = journal.startRun({server: 'https://other.example.com', user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItem(other, {recordingId: '9', fileId: '9:recording', status: 'valid'});
		const now = new Date(clock);
		expect(journal.exportedToday(server, now, zone)).toBe(2);
		expect(journal.exportedToday(server, new Date('2026-11-03T22:45:00Z'), zone)).toBe(1);
		// A live run's reservation counts for the others, less what it has exported already.
		journal.setReservation(run, 10);
		expect(journal.usage(server, now, zone)).toEqual({exportedToday: 2, reservedByOthers: 8});
		expect(journal.usage(server, now, zone, run)).toEqual({exportedToday: 2, reservedByOthers: 0});
		journal.finishRun(run, {counts: {}, bytes: 0, durationMs: 1, outcome: 'ok'});
		expect(journal.usage(server, now, zone)).toEqual({exportedToday: 2, reservedByOthers: 0});
		journal.close();
	});

	it('starts the day at local midnight', () => {
		expect(dayBounds(new Date('2026-11-04T08:00:00Z'), 'Europe/Budapest')).toEqual({start: new Date('2026-11-03T23:00:00Z'), end: new Date('2026-11-04T23:00:00Z')});
		expect(dayBounds(new Date('2026-03-29T08:00:00Z'), 'Europe/Budapest')).toEqual({start: new Date('2026-03-28T23:00:00Z'), end: new Date('2026-03-29T22:00:00Z')});
	});
});

describe('a journal that cannot be used', () => {
	it('is not a database: one sentence, exit code 5, and the file is left alone', async () => {
		const folder = await tempDir('ccdl-journal-');
		const file = path.join(folder, 'journal.db');
		const garbage = Buffer.from('this is not a database at all, just some text that happens to be here\n'.repeat(100));
		writeFileSync(file, garbage);
		const error = caught(() => openJournal({file}));
		expect(error).toBeInstanceOf(JournalError);
		expect(error.exitCode).toBe(5);
		expect(error.message).toBe(`The journal ${file} is damaged (file is not a database); move it away and ccdl starts a new one (the run history it held is then no longer shown).`);
		expect(readFileSync(file).equals(garbage)).toBe(true);
	});

	it('is damaged inside: the operation that meets the damage fails with the same sentence', async () => {
		const {file, journal} = await fresh();
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(run, Array.from({length: 3000}, (_, index) => ({recordingId: String(index), fileId: `${index}:recording`, path: `/calls/${'x'.repeat(100)}-${index}.mp3`, status: 'valid' as const})));
		journal.close();
		// Checkpoint the log into the file, then overwrite the pages after the first ones with garbage.
		const raw = new DatabaseSync(file);
		raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
		raw.close();
		const bytes = readFileSync(file);
		bytes.fill(0xA5, 4096 * 3, bytes.length - 4096);
		writeFileSync(file, bytes);
		let failure: unknown;
		try {
			const reopened = openJournal({file});
			try {
				reopened.items(run);
				reopened.exportedToday(server);
				reopened.runs();
			} finally {
				reopened.close();
			}
		} catch (error) {
			failure = error;
		}

		expect(failure).toBeInstanceOf(JournalError);
		expect((failure as Error).message).toMatch(new RegExp(`^The journal ${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.+\\); move it away and ccdl starts a new one`));
	});

	it('was written by a newer ccdl: says so, and is not touched', async () => {
		const {file, journal} = await fresh();
		journal.close();
		const raw = new DatabaseSync(file);
		raw.exec('UPDATE schema_version SET version = 7');
		raw.close();
		const error = caught(() => openJournal({file}));
		expect(error.code).toBe('journal-newer');
		expect(error.message).toBe(`The journal ${file} was written by a newer ccdl (schema 7; this one reads 1); update ccdl, or set CCDL_DATA_DIR to use another journal.`);
		const check = new DatabaseSync(file);
		expect(check.prepare('SELECT version FROM schema_version').get()).toEqual({version: 7});
		check.close();
	});

	it('is some other database: says so instead of adding tables to it', async () => {
		const folder = await tempDir('ccdl-journal-');
		const file = path.join(folder, 'journal.db');
		const raw = new DatabaseSync(file);
		raw.exec('CREATE TABLE invoices (id INTEGER)');
		raw.close();
		const error = caught(() => openJournal({file}));
		expect(error.message).toBe(`The file ${file} is a database but not a ccdl journal (it has the table "invoices"); move it away or set CCDL_DATA_DIR to another folder.`);
	});

	it('cannot be created: names the folder', async () => {
		const folder = await tempDir('ccdl-journal-');
		writeFileSync(path.join(folder, 'blocker'), '');
		const error = caught(() => openJournal({file: path.join(folder, 'blocker', 'journal.db')}));
		expect(error.message).toMatch(/^Cannot create the journal's folder .*blocker \((?:EEXIST|ENOTDIR)\); check its permissions or set CCDL_DATA_DIR\.$/);
	});
});
