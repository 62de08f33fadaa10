/**
 * The History screen over a real journal in a temporary CCDL_DATA_DIR: two runs recorded through the journal API,
 * read back with `runs()` (newest first) and shown with who, when, outcome, counts and manifest, in English and
 * Hungarian, within 80×24.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import type {RunFilter} from '../../source/lib/journal/download.js';
import {openJournal, type RunRecord} from '../../source/lib/journal/journal.js';
import {history as messages} from '../../source/lib/i18n/messages/history.js';
import {missingKeys} from '../../source/lib/i18n/index.js';
import {formatDuration} from '../../source/screens/history/history-rows.js';
import {HistoryScreen} from '../../source/screens/history/history-screen.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

let folder: string;
let runs: RunRecord[];
const previousDataDir = process.env['CCDL_DATA_DIR'];

const weekly: RunFilter = {
	search: 'weekly-calls', dateRule: 'previous-7-days', from: '2026-10-01T00:00:00.000Z', to: '2026-10-08T00:00:00.000Z', timeZone: 'UTC',
	campaigns: ['Sales'], channels: ['voice'], includeArchived: false, transcripts: 'json', mode: 'full',
};
const adhoc: RunFilter = {campaigns: [], channels: [], includeArchived: true, transcripts: 'none'};

beforeAll(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-history-screen-'));
	process.env['CCDL_DATA_DIR'] = folder;
	const journal = openJournal();
	try {
		const first = journal.startRun({server: 'http://127.0.0.1:9/api', user: 'admin', filter: weekly, outDir: '/srv/exports', search: 'weekly-calls'});
		journal.finishRun(first, {
			counts: {contacts: 3, files: 4, valid: 4, skipped: 0, failed: 0}, bytes: 2_500_000, durationMs: 4200, outcome: 'ok',
			manifestPath: '/srv/exports/manifest-1.csv',
		});
		const second = journal.startRun({server: 'http://127.0.0.1:9/api', user: 'supervisor', filter: adhoc, outDir: '/srv/adhoc'});
		journal.finishRun(second, {counts: {contacts: 2, files: 2, valid: 1, skipped: 0, failed: 1}, bytes: 1000, durationMs: 125_000, outcome: 'some-failed'});
		runs = journal.runs();
	} finally {
		journal.close();
	}
});

afterAll(async () => {
	if (previousDataDir === undefined) {
		delete process.env['CCDL_DATA_DIR'];
	} else {
		process.env['CCDL_DATA_DIR'] = previousDataDir;
	}

	await rm(folder, {recursive: true, force: true});
});

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

describe('HistoryScreen', () => {
	it('has every message in both languages', () => {
		expect(Object.keys(messages.hu).sort()).toEqual(Object.keys(messages.en).sort());
		expect(missingKeys()).toEqual({en: [], hu: []});
		expect(formatDuration(4200)).toBe('4.2 s');
		expect(formatDuration(125_000)).toBe('2 min 05 s');
	});

	it('shows the runs of the journal, newest first, and the selected one in full', async () => {
		expect(runs.map(run => run.user)).toEqual(['supervisor', 'admin']);
		const onClose = vi.fn();
		// 80×24 less the app's three lines of frame.
		const screen = sized(renderScreen(<HistoryScreen runs={runs} onClose={onClose} onHelp={vi.fn()} isActive height={21} />), 80, 24);
		let frame = await screen.waitFor(text => text.includes('Run 2: supervisor') && fits(80, 21)(text));
		expect(frame).toContain('Download runs recorded in the journal, newest first: 2');
		expect(frame).toMatch(/supervisor +\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d +some failed/);
		expect(frame).toMatch(/admin +\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d +ok/);
		expect(frame).toContain('2 contacts, 2 files: 1 valid, 0 already there, 1 failed');
		expect(frame).toContain('No manifest written; folder: /srv/adhoc');
		expect(fits(80, 21)(frame)).toBe(true);

		frame = await screen.press(keys.down, 'Run 1: admin');
		expect(frame).toContain('search weekly-calls');
		expect(frame).toContain('Filter: 2026-10-01 00:00 to 2026-10-08 00:00 (previous-7-days), campaigns Sales');
		expect(frame).toContain('channels voice, transcripts json');
		expect(frame).toContain('3 contacts, 4 files: 4 valid');
		expect(frame).toContain('2.50 MB · 4.2 s');
		expect(frame).toContain('search weekly-calls · ok');
		expect(frame).toContain('Manifest: /srv/exports/manifest-1.csv');
		expect(frame).toContain('Row 2 of 2');

		// The columns that do not fit scroll in from the right.
		frame = await screen.press(keys.right + keys.right + keys.right + keys.right + keys.right, 'columns 7–8 of 8 ←');
		expect(frame.split('\n').find(text => text.startsWith('› admin'))).toContain('/srv/exports/manifest-');
		expect(frame.split('\n').find(text => text.startsWith('  supervisor'))).toMatch(/\(none written\)$/);

		await screen.press(keys.escape);
		expect(onClose).toHaveBeenCalledOnce();
		screen.unmount();
	});

	it('speaks Hungarian with the locale\'s date and time', async () => {
		const screen = sized(renderScreen(<HistoryScreen runs={runs} onClose={vi.fn()} onHelp={vi.fn()} isActive height={21} />, {lang: 'hu'}), 80, 24);
		const frame = await screen.waitFor(text => text.includes('2. futás: supervisor') && fits(80, 21)(text));
		expect(frame).toContain('A naplóban rögzített letöltések');
		expect(frame).toMatch(/supervisor +\d{4}\. \d\d\. \d\d\. \d\d:\d\d:\d\d +néhány hibás/);
		expect(frame).toContain('rendben');
		// The filter, the counts and the duration are Hungarian too.
		expect(frame).toContain('2 kontakt, 2 fájl: 1 érvényes, 0 már megvolt, 1 sikertelen');
		expect(frame.replaceAll('\n', ' ')).toContain('Szűrő: minden dátum, minden kampány, minden csatorna, archiváltak is, átiratok: none');
		expect(frame).toContain('2 perc 05');
		expect(frame).not.toMatch(/contacts|files|valid|all campaigns/);
		expect(fits(80, 21)(frame)).toBe(true);
		const next = await screen.press('j', '1. futás: admin');
		expect(next.replaceAll('\n', ' ')).toContain('kampányok: Sales, csatornák: hang');
		expect(next).toContain('4,2 mp');
		screen.unmount();
	});

	it('shows the deletions on the platform (--delete-after) and what a dry run would delete, in both languages', async () => {
		const base = runs[0]!;
		const deleting: RunRecord = {...base, id: 7, counts: {contacts: 12, files: 12, valid: 12, skipped: 0, failed: 0, deleted: 12}};
		const dry: RunRecord = {...base, id: 8, counts: {contacts: 3, files: 3, valid: 0, skipped: 3, failed: 0, 'would-delete': 3}};
		for (const [lang, deleted, wouldDelete] of [
			['en', '12 valid, 0 already there, 0 failed, 12 deleted on the platform', '0 valid, 3 already there, 0 failed, would delete 3 on the platform'],
			['hu', '12 érvényes, 0 már megvolt, 0 sikertelen, 12 törölve a platformon', '0 érvényes, 3 már megvolt, 0 sikertelen, 3 törlődne a platformon'],
		] as const) {
			const screen = sized(renderScreen(<HistoryScreen runs={[dry, deleting]} onClose={vi.fn()} onHelp={vi.fn()} isActive height={21} />, {lang}), 80, 24);
			// The detail under the table gives the counts two lines: read without the line break.
			const shows = (text: string) => (frame: string) => fits(80, 21)(frame) && frame.replaceAll(/\s+/g, ' ').includes(text);
			await screen.waitFor(shows(wouldDelete));
			await screen.press(keys.down, shows(deleted));
			screen.unmount();
		}
	});

	it('/ filters the runs as you type; q closes, but not while the filter is typed', async () => {
		const onClose = vi.fn();
		const screen = sized(renderScreen(<HistoryScreen runs={runs} onClose={onClose} onHelp={vi.fn()} isActive height={21} />), 80, 24);
		await screen.waitFor('Row 1 of 2');
		await screen.press('/', 'Filter: ▏');
		let frame = await screen.press('admin', 'Row 1 of 1');
		expect(frame).toContain('Run 1: admin');
		frame = await screen.press('q', 'No row contains "adminq"');
		expect(onClose).not.toHaveBeenCalled();
		await screen.press(keys.escape, 'Row 1 of 2');
		await screen.press('q');
		await vi.waitFor(() => expect(onClose).toHaveBeenCalledOnce());
		screen.unmount();
	});

	it('says so when nothing was recorded, and ? asks for help', async () => {
		const onHelp = vi.fn();
		const screen = renderScreen(<HistoryScreen runs={[]} onClose={vi.fn()} onHelp={onHelp} isActive height={21} />);
		await screen.waitFor('No download runs recorded yet.');
		await screen.press('?');
		expect(onHelp).toHaveBeenCalledOnce();
		screen.unmount();
	});
});
