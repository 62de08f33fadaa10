/**
 * `ccdl history`: the audit trail from the journal — who, when, the filter, counts, bytes, duration, outcome and
 * manifest — as text and as JSON, newest first; an empty journal, and a damaged one in one sentence.
 */
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {afterAll, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/lib/journal/journal.js';
import {cleanup} from '../helpers/ccdl.js';
import {ccdl, expectOneSentence, folders} from './support.js';

afterAll(async () => {
	await cleanup();
});

async function seeded() {
	const base = await folders();
	const file = path.join(base.data, 'journal.db');
	let clock = Date.parse('2026-11-02T01:00:00Z');
	const journal = openJournal({file, now: () => clock});
	const weekly = journal.startRun({
		server: 'https://demo.comnica.cc', company: 'demo', user: 'admin', outDir: '/srv/calls', search: 'weekly-calls',
		filter: {search: 'weekly-calls', dateRule: 'previous-calendar-week', from: '2026-10-25T23:00:00.000Z', to: '2026-11-01T23:00:00.000Z', timeZone: 'Europe/Budapest', campaigns: ['Sales', '101'], channels: ['voice'], includeArchived: false, transcripts: 'json', mode: 'full'},
	});
	journal.recordItem(weekly, {recordingId: '100001', fileId: '100001:recording', path: '/srv/calls/a.mp3', size: 12_400_000, sha256: 'a'.repeat(64), status: 'valid'});
	clock += 31_200;
	journal.finishRun(weekly, {counts: {contacts: 42, files: 45, valid: 40, skipped: 5, skippedByProfile: 0, failed: 0, recycled: 1, limited: 0}, bytes: 12_400_000, durationMs: 31_200, outcome: 'ok', manifestPath: '/srv/calls/manifest.csv'});
	clock = Date.parse('2026-11-03T09:30:00Z');
	const limited = journal.startRun({
		server: 'https://demo.comnica.cc', company: 'demo', user: 'supervisor', outDir: '/home/eva/Downloads',
		filter: {campaigns: [], channels: [], includeArchived: true, transcripts: 'xml', from: '2026-11-01T00:00:00.000Z', timeZone: 'UTC'},
	});
	clock += 2500;
	journal.finishRun(limited, {counts: {contacts: 1500, files: 1000, valid: 998, skipped: 0, failed: 2, limited: 500}, bytes: 2_000_000_000, durationMs: 2500, outcome: 'some-failed', manifestPath: '/home/eva/Downloads/manifest.csv'});
	clock = Date.parse('2026-11-04T10:00:00Z');
	const killed = journal.startRun({server: 'http://127.0.0.1:4000', user: 'admin', outDir: '/tmp/x', filter: {campaigns: ['102'], channels: ['chat', 'email'], transcripts: 'none', includeArchived: false}});
	// What the killed run journaled before it died: its history reports these, not "no files".
	journal.recordItems(killed, [
		{recordingId: '200001', fileId: '200001:recording', path: '/tmp/x/a.mp3', size: 1_700_000, sha256: 'b'.repeat(64), status: 'valid'},
		{recordingId: '200002', fileId: '200002:recording', path: '/tmp/x/b.mp3', size: 1_700_000, sha256: 'c'.repeat(64), status: 'valid'},
		{recordingId: '200003', fileId: '200003:recording', path: '/tmp/x/c.mp3', size: 900, status: 'skipped-identical'},
	]);
	journal.close();
	const raw = new DatabaseSync(file);
	raw.prepare('UPDATE runs SET pid = 99999999 WHERE id = ?').run(killed);
	raw.close();
	return {...base, file, ids: {weekly, limited, killed}};
}

describe('ccdl history', () => {
	it('lists every run, newest first, with who, when, the filter, counts, bytes, duration, outcome and manifest', async () => {
		const {env, ids} = await seeded();
		const result = await ccdl(['history', '--timezone', 'UTC', '--lang', 'en'], env);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toBe([
			`Run ${ids.killed}  2026-11-04 10:00  admin on http://127.0.0.1:4000  abandoned (the process ended without finishing)`,
			'  filter:   all dates, campaigns 102, channels chat, email, transcripts none',
			'  result:   3 contacts, 3 files: 2 valid, 1 already there, 0 failed; 3.40 MB',
			'  folder:   /tmp/x',
			'  manifest: (none written)',
			`Run ${ids.limited}  2026-11-03 09:30  supervisor on https://demo.comnica.cc  some failed`,
			'  filter:   2026-11-01 00:00 to now, all campaigns, all channels, archived too, transcripts xml',
			'  result:   1500 contacts, 1000 files: 998 valid, 0 already there, 2 failed, 500 left by a limit; 2.00 GB in 2.5 s',
			'  folder:   /home/eva/Downloads',
			'  manifest: /home/eva/Downloads/manifest.csv',
			`Run ${ids.weekly}  2026-11-02 01:00  admin on https://demo.comnica.cc  search weekly-calls  ok`,
			'  filter:   2026-10-26 00:00 to 2026-11-02 00:00 (previous-calendar-week), campaigns Sales, 101, channels voice, transcripts json',
			'  result:   42 contacts, 45 files: 40 valid, 5 already there, 0 failed, 1 recycled; 12.4 MB in 31.2 s',
			'  folder:   /srv/calls',
			'  manifest: /srv/calls/manifest.csv',
			'',
		].join('\n'));
	});

	it('gives JSON, a limit and one server', async () => {
		const {env, file, ids} = await seeded();
		const json = JSON.parse((await ccdl(['history', '--json'], env)).stdout) as {journal: string; runs: Array<Record<string, unknown>>};
		expect(json.journal).toBe(file);
		expect(json.runs.map(run => run['id'])).toEqual([ids.killed, ids.limited, ids.weekly]);
		expect(json.runs[2]).toEqual({
			id: ids.weekly, server: 'https://demo.comnica.cc', company: 'demo', user: 'admin', search: 'weekly-calls',
			filter: {search: 'weekly-calls', dateRule: 'previous-calendar-week', from: '2026-10-25T23:00:00.000Z', to: '2026-11-01T23:00:00.000Z', timeZone: 'Europe/Budapest', campaigns: ['Sales', '101'], channels: ['voice'], includeArchived: false, transcripts: 'json', mode: 'full'},
			outDir: '/srv/calls', manifestPath: '/srv/calls/manifest.csv', startedAt: '2026-11-02T01:00:00.000Z', finishedAt: '2026-11-02T01:00:31.200Z',
			pid: expect.any(Number) as number, host: expect.any(String) as string, outcome: 'ok',
			counts: {contacts: 42, files: 45, valid: 40, skipped: 5, skippedByProfile: 0, failed: 0, recycled: 1, limited: 0},
			bytes: 12_400_000, durationMs: 31_200, reserved: 0, error: null,
		});
		expect((JSON.parse((await ccdl(['history', '--json', '--limit', '1'], env)).stdout) as {runs: unknown[]}).runs).toHaveLength(1);
		const one = JSON.parse((await ccdl(['history', '--json', '--server', 'http://127.0.0.1:4000/'], env)).stdout) as {runs: Array<{id: number; outcome: string}>};
		expect(one.runs).toEqual([expect.objectContaining({
			id: ids.killed, outcome: 'abandoned', bytes: 3_400_000,
			counts: {contacts: 3, files: 3, valid: 2, skipped: 1, skippedByProfile: 0, failed: 0, interrupted: 0, recycled: 0, archived: 0, limited: 0},
		})]);
		const bad = await ccdl(['history', '--limit', '0'], env);
		expect(expectOneSentence(bad)).toBe('--limit needs a whole number from 1 to 100000, not "0".');
	});

	it('shows the deletions on the platform (--delete-after) and a dry run\'s, in English and Hungarian', async () => {
		const base = await folders();
		let clock = Date.parse('2026-11-05T08:00:00Z');
		const journal = openJournal({file: path.join(base.data, 'journal.db'), now: () => clock});
		const filter = {campaigns: [], channels: [], includeArchived: false, transcripts: 'none'};
		const deleting = journal.startRun({server: 'https://api.twilio.com', user: 'AC1', outDir: '/srv/twilio', filter});
		journal.finishRun(deleting, {counts: {contacts: 14, files: 14, valid: 14, skipped: 0, skippedByProfile: 0, failed: 0, deleted: 12, 'delete-failed': 1, kept: 1}, bytes: 1_000_000, durationMs: 5000, outcome: 'some-failed'});
		clock += 60_000;
		const dry = journal.startRun({server: 'https://api.twilio.com', user: 'AC1', outDir: '/srv/twilio', filter});
		journal.finishRun(dry, {counts: {contacts: 12, files: 12, valid: 0, skipped: 12, skippedByProfile: 0, failed: 0, 'would-delete': 12}, bytes: 0, durationMs: 1000, outcome: 'ok'});
		journal.close();
		const english = await ccdl(['history', '--timezone', 'UTC', '--lang', 'en'], base.env);
		expect(english.code, english.stderr).toBe(0);
		expect(english.stdout).toContain('  result:   12 contacts, 12 files: 0 valid, 12 already there, 0 failed, would delete 12 on the platform (dry run); 0 B in 1.0 s\n');
		expect(english.stdout).toContain('  result:   14 contacts, 14 files: 14 valid, 0 already there, 0 failed, 12 deleted on the platform, 1 not deleted on the platform (failed), 1 kept on the platform; 1.00 MB in 5.0 s\n');
		const hungarian = await ccdl(['history', '--timezone', 'UTC', '--lang', 'hu'], base.env);
		expect(hungarian.code, hungarian.stderr).toBe(0);
		expect(hungarian.stdout).toContain('12 kontakt, 12 fájl: 0 érvényes, 12 már megvolt, 0 sikertelen, 12 törlődne a platformon (próbafuttatás); 0 B');
		expect(hungarian.stdout).toContain('14 kontakt, 14 fájl: 14 érvényes, 0 már megvolt, 0 sikertelen, 12 törölve a platformon, 1 törlése a platformon sikertelen, 1 megtartva a platformon; 1,00 MB');
	});

	it('says when nothing is recorded, and reports a damaged journal in one sentence (exit code 5)', async () => {
		const {env, data} = await folders();
		const empty = await ccdl(['history'], env);
		expect(empty.stdout).toBe(`No runs recorded yet (${path.join(data, 'journal.db')}).\n`);
		const other = await folders();
		const file = path.join(other.data, 'journal.db');
		await writeFile(file, 'garbage '.repeat(1000));
		const damaged = await ccdl(['history'], other.env);
		expect(damaged.code).toBe(5);
		expect(expectOneSentence(damaged)).toBe(`The journal ${file} is damaged (file is not a database); move it away and ccdl starts a new one (the run history it held is then no longer shown).`);
	});
});
