import chalk from 'chalk';
import {afterAll, beforeAll, describe, expect, test, vi} from 'vitest';
import type {Lang} from '../../source/lib/i18n/index.js';
import {DownloadScreen} from '../../source/screens/download/download-screen.js';
import {downloadReducer} from '../../source/screens/download/download-state.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';
import {FakeRun, planOf, recording, recycled, screenshotsOf, syntheticPlan} from './fixtures/plan.js';

function resize(rendered: Rendered, columns: number, rows: number): void {
	Object.defineProperty(rendered.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(rendered.stdout, 'rows', {value: rows, configurable: true});
	rendered.stdout.emit('resize');
}

function fits(frame: string, columns: number, rows: number): boolean {
	const lines = frame.split('\n');
	return lines.length <= rows - 3 && lines.every(line => [...line].length <= columns);
}

async function until(predicate: () => boolean): Promise<void> {
	const deadline = Date.now() + 3000;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error('Timed out');
		}

		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

function sampleRun(): FakeRun {
	const video = recording(100_002, {channel: 'video'});
	const contacts = [recording(100_001), video, recycled(100_003), recording(100_004)];
	return new FakeRun(planOf(contacts, {extraFiles: screenshotsOf(video, 2)}));
}

/** Renders at 80×24 (or as asked) and waits until the frame fits it and the screen listens to the run. */
async function renderDownload(run: FakeRun, options: {lang?: Lang; noColor?: boolean; columns?: number; rows?: number; isActive?: boolean} = {}) {
	const callbacks = {onCancel: vi.fn(), onHelp: vi.fn()};
	const rendered = renderScreen(<DownloadScreen run={run.asRun()} {...callbacks} isActive={options.isActive ?? true}/>, options);
	const columns = options.columns ?? 80;
	const rows = options.rows ?? 24;
	resize(rendered, columns, rows);
	await rendered.waitFor(frame => /Row 1 of|1\. sor \//.test(frame) && fits(frame, columns, rows));
	// The progress (useRun) and the retry history listen.
	await until(() => run.listeners.size === 2);
	return {rendered, ...callbacks};
}

const line = (frame: string, text: string) => frame.split('\n').find(candidate => candidate.includes(text)) ?? '';

describe('downloadReducer', () => {
	test('asks, then goes on or cancels; cancelling is final', () => {
		expect(downloadReducer('running', {type: 'ask-cancel'})).toBe('confirming');
		expect(downloadReducer('confirming', {type: 'keep-going'})).toBe('running');
		expect(downloadReducer('confirming', {type: 'confirm-cancel'})).toBe('cancelling');
		expect(downloadReducer('running', {type: 'confirm-cancel'})).toBe('running');
		expect(downloadReducer('cancelling', {type: 'ask-cancel'})).toBe('cancelling');
	});
});

describe('DownloadScreen', () => {
	test('starts with the overall bar, the counts, the table with the progress columns beside the ID, and a status bar', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run);
		const frame = rendered.frame();
		expect(frame).toMatch(/\[░+\] 0% · 0 B of 3\.40 kB · 0 B\/s · ETA --:--:--/);
		expect(frame).toContain('0/5 files · 0 valid · 0 failed · 0 skipped · 0 running');
		expect(frame).toMatch(/ID +Downloaded +Validated/);
		expect(line(frame, '100001')).toMatch(/100001 +0%/);
		// Recycled contacts have nothing to download: they are on the list screen and in the manifest, not here.
		expect(frame).not.toContain('100003');
		expect(frame).toContain('Row 1 of 3');
		expect(frame).toContain('Downloading, 8 at a time · Esc/q cancel · ? keys');
		// The table's keys, whole at 80 columns.
		expect(frame).toContain('/ filter · f failed · Enter detail · s follow · j k g G · ←→ columns · ? keys');
		expect(frame).toContain('elapsed 00:00:');
		rendered.unmount();
	});

	test('follows the run\'s batches: per-contact %, valid, archive time, throughput and ETA', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run);
		run.rate = 1000;
		run.batch([
			{type: 'started', fileId: '100001:recording', resumedFrom: 0},
			{type: 'progress', fileId: '100001:recording', bytes: 250},
			{type: 'progress', fileId: '100001:recording', bytes: 500},
			{type: 'started', fileId: '100002:recording', resumedFrom: 0},
			{type: 'progress', fileId: '100002:recording', bytes: 700},
		]);
		let frame = await rendered.waitFor('2 running');
		// Files in flight carry a mark in the gutter; the first one is selected (the table follows them).
		expect(line(frame, '100001')).toMatch(/^›•100001 +50%/);
		// The video call's screenshots count in its share: 700 of 1,400 bytes.
		expect(line(frame, '100002')).toMatch(/100002 +50%/);
		// 1,200 of 3,400 bytes; 2,200 left at 1 kB/s.
		expect(frame).toMatch(/35% · 1\.20 kB of 3\.40 kB · 1\.00 kB\/s · ETA 00:00:02/);
		expect(frame).toContain('100001 · 2026-03-01_100001.mp3 · 500 B of 1.00 kB');
		run.batch([
			{type: 'validated', fileId: '100001:recording', path: '2026-03-01_100001.mp3', sha256: 'a'.repeat(64), size: 1000},
			{type: 'archived', contactId: '100001', archivedAt: '2026-03-05T09:15:00Z'},
		]);
		frame = await rendered.waitFor('1 valid');
		// The table follows the file in flight: 100002 is selected now.
		expect(line(frame, '100001')).toMatch(/100001 +100% +valid/);
		expect(frame).toMatch(/^›•100002/m);
		for (let step = 0; step < 13 && !frame.includes('Archived'); step++) {
			frame = await rendered.press(keys.right, text => text !== frame);
		}

		expect(line(frame, '100001')).toContain('05/03/2026, 09:15:00');
		rendered.unmount();
	});

	test('failures: the row says failed, the reason is listed under the table and in the detail line', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run);
		run.batch([
			{type: 'failed', fileId: '100004:recording', code: 'digest-mismatch', reason: 'The file\'s SHA-256 does not match the server\'s digest.'},
			{type: 'failed', fileId: '100002:screenshot:2', code: 'http-500', reason: 'Server error 500 after 5 attempts.'},
		]);
		let frame = await rendered.waitFor('Failed (2):');
		expect(frame).toContain('100004 2026-03-01_100004.mp3: The file\'s SHA-256 does not match');
		expect(frame).toContain('100002 2026-03-01_100002-screenshot-2.png: Server error 500 after 5 attempts.');
		expect(line(frame, '✗100004')).toMatch(/^ ✗100004 +0% +failed/);
		expect(frame).toContain('2/5 files · 0 valid · 2 failed');
		frame = await rendered.press(keys.end, '›✗100004');
		expect(frame).toContain('100004 · 2026-03-01_100004.mp3: The file\'s SHA-256');
		expect(fits(frame, 80, 24)).toBe(true);
		rendered.unmount();
	});

	test('Esc or q asks before cancelling: n and Esc go on, y cancels once', async () => {
		const run = sampleRun();
		const {rendered, onCancel} = await renderDownload(run);
		await rendered.press('q', 'Cancel the download? (y/n)');
		let frame = await rendered.press('n', 'Esc/q cancel');
		expect(frame).not.toContain('Cancel the download?');
		await rendered.press(keys.escape, 'Cancel the download? (y/n)');
		// While asking, the table does not move.
		frame = await rendered.press(keys.down);
		expect(frame).toContain('Row 1 of 3');
		frame = await rendered.press(keys.escape, 'Esc/q cancel');
		expect(onCancel).not.toHaveBeenCalled();
		await rendered.press(keys.escape, 'Cancel the download? (y/n)');
		frame = await rendered.press('y', 'Cancelling…');
		expect(onCancel).toHaveBeenCalledTimes(1);
		await rendered.press('q');
		await rendered.press('y');
		expect(onCancel).toHaveBeenCalledTimes(1);
		rendered.unmount();
	});

	test('? opens the help; an inactive screen takes no keys', async () => {
		const run = sampleRun();
		const active = await renderDownload(run);
		active.rendered.stdin.write('?');
		await until(() => active.onHelp.mock.calls.length === 1);
		active.rendered.unmount();
		const inactive = await renderDownload(sampleRun(), {isActive: false});
		await inactive.rendered.press('q');
		await inactive.rendered.press('?');
		expect(inactive.rendered.frame()).not.toContain('Cancel the download?');
		expect(inactive.onHelp).not.toHaveBeenCalled();
		inactive.rendered.unmount();
	});

	test('when the run finishes it says so and no longer offers to cancel', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run);
		run.batch([
			...[...run.live.keys()].map(fileId => ({type: 'validated' as const, fileId, path: fileId, sha256: 'a'.repeat(64), size: run.live.get(fileId)!.size ?? 0})),
			{type: 'finished', interrupted: false},
		]);
		const frame = await rendered.waitFor('Finished: preparing the summary…');
		expect(frame).toContain('✓ [');
		expect(frame).toContain('100%');
		await rendered.press('q');
		expect(rendered.frame()).not.toContain('Cancel the download?');
		rendered.unmount();
	});

	test('a retry run shows only the contacts it downloads again', async () => {
		const contacts = [recording(100_001), recording(100_002), recording(100_004)];
		const full = planOf(contacts);
		const retry = new FakeRun({...full, files: full.files.filter(file => file.contactId === '100002')});
		const {rendered} = await renderDownload(retry);
		const frame = await rendered.waitFor('Row 1 of 1');
		expect(frame).toContain('› 100002');
		expect(frame).not.toContain('100001');
		expect(frame).toContain('0/1 files');
		rendered.unmount();
	});

	test('unsubscribes from the run on unmount', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run);
		rendered.unmount();
		expect(run.listeners.size).toBe(0);
	});

	test('100,000 files: the first page at once, PageDown moves, a batch updates the rows in view', async () => {
		const run = new FakeRun(syntheticPlan(100_000));
		const {rendered} = await renderDownload(run);
		await rendered.waitFor('Row 1 of 100,000');
		// A page is 14 rows at 80×24 (the key line takes one).
		let frame = await rendered.press(keys.pageDown, text => text.includes('› 100014'));
		run.batch([{type: 'progress', fileId: '100016:recording', bytes: 420}]);
		frame = await rendered.waitFor(text => /100016 +42%/.test(text));
		expect(frame).toContain('Row 15 of 100,000');
		expect(fits(frame, 80, 24)).toBe(true);
		rendered.unmount();
	});

	test('in Hungarian', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run, {lang: 'hu'});
		let frame = await rendered.waitFor('Letöltés, egyszerre 8');
		expect(frame).toContain('0/5 fájl · 0 valid · 0 hibás · 0 kihagyva');
		expect(frame).toContain('Letöltve');
		frame = await rendered.press('q', 'Megszakítja a letöltést?');
		frame = await rendered.press('i', 'Megszakítás…');
		rendered.unmount();
	});

	test('follows a resize and keeps within the terminal', async () => {
		const run = sampleRun();
		const {rendered} = await renderDownload(run, {columns: 80, rows: 24});
		resize(rendered, 200, 40);
		let frame = await rendered.waitFor('File name');
		expect(fits(frame, 200, 40)).toBe(true);
		resize(rendered, 60, 14);
		frame = await rendered.waitFor(text => !text.includes('File name') && fits(text, 60, 14));
		expect(frame).toContain('100001');
		rendered.unmount();
	});

	describe('the table as a user drives it', () => {
		test('follows the files in flight on a long list, says where they are, and stops when the user moves (s follows again)', async () => {
			const run = new FakeRun(syntheticPlan(300));
			const {rendered} = await renderDownload(run);
			const fileOf = (index: number) => `${100_000 + index}:recording`;
			run.batch([40, 41, 42].map(index => ({type: 'started' as const, fileId: fileOf(index), resumedFrom: 0})));
			let frame = await rendered.waitFor('in flight: rows 41–43');
			// The first file in flight is selected, with two rows of context above; all three carry the mark.
			expect(frame).toMatch(/^›•100040 /m);
			expect(frame).toMatch(/^ •100042 /m);
			expect(frame).toMatch(/^ {2}100038 /m);
			expect(frame).toContain('Row 41 of 300');
			run.batch([{type: 'validated', fileId: fileOf(40), path: 'x', sha256: 'a'.repeat(64), size: 1000}, {type: 'started', fileId: fileOf(43), resumedFrom: 0}]);
			frame = await rendered.waitFor('in flight: rows 42–44');
			expect(frame).toMatch(/^›•100041 /m);
			// g: the first row; following stops, and the position line says the files are below and how to follow.
			frame = await rendered.press('g', 'Row 1 of 300');
			expect(frame).toContain('in flight: rows 42–44 ↓ (s follows them)');
			run.batch([{type: 'started', fileId: fileOf(44), resumedFrom: 0}]);
			frame = await rendered.waitFor('in flight: rows 42–45 ↓');
			expect(frame).toContain('Row 1 of 300');
			// j k G move as in less; G is the last row.
			frame = await rendered.press('j', 'Row 2 of 300');
			frame = await rendered.press('G', 'Row 300 of 300');
			expect(frame).toContain('in flight: rows 42–45 ↑ (s follows them)');
			frame = await rendered.press('k', 'Row 299 of 300');
			// s: follow again.
			frame = await rendered.press('s', 'Row 42 of 300');
			expect(frame).toMatch(/^›•100041 /m);
			expect(frame).not.toContain('s follows them');
			expect(fits(frame, 80, 24)).toBe(true);
			rendered.unmount();
		});

		test('/ filters the rows as typed; f shows only the failed ones; Esc clears the filter before it asks to cancel', async () => {
			const run = sampleRun();
			const {rendered, onCancel} = await renderDownload(run);
			let frame = await rendered.press('/', 'Filter: ▏');
			// Typed letters go to the filter, not to the screen's keys (q would ask to cancel, f filter the failed).
			frame = await rendered.press('0004', 'Row 1 of 1');
			frame = await rendered.press(keys.enter, text => text.includes('Filter: 0004 · 1 of 3 rows'));
			expect(frame).toMatch(/^› 100004 /m);
			expect(frame).not.toContain('100001');
			frame = await rendered.press(keys.escape, text => !text.includes('Filter:'));
			expect(frame).toContain('100001');
			expect(frame).not.toContain('Cancel the download?');
			run.batch([{type: 'failed', fileId: '100002:recording', code: 'http-500', reason: 'Server error 500 after 6 attempts.'}]);
			await rendered.waitFor('Failed (1):');
			frame = await rendered.press('f', 'Failed only (f shows all) · 1 of 3 rows');
			expect(frame).toMatch(/^›✗100002 +\S+ +failed/m);
			expect(frame).not.toContain('100004');
			// The filter and failed-only together: nothing failed matches 0001.
			frame = await rendered.press('/', 'Filter: ▏');
			frame = await rendered.press('0001', 'No row contains "0001"');
			frame = await rendered.press(keys.escape, '1 of 3 rows');
			frame = await rendered.press('f', text => !text.includes('Failed only'));
			expect(frame).toContain('100004');
			expect(onCancel).not.toHaveBeenCalled();
			rendered.unmount();
		});

		test('Enter opens a row\'s detail: every column, the full path, the whole reason and every retry; Esc, q or Enter go back', async () => {
			const run = sampleRun();
			// Tall enough for the whole detail at once (at 80×24 it scrolls: see the test below).
			const {rendered} = await renderDownload(run, {rows: 50});
			const reason = 'The connection was reset by the server while the body was being read, after 6 attempts; the partial bytes are kept for the next run.';
			run.batch([
				{type: 'started', fileId: '100004:recording', resumedFrom: 0},
				{type: 'retrying', fileId: '100004:recording', attempt: 1, reason: 'connection reset', delayMs: 1000},
				{type: 'retrying', fileId: '100004:recording', attempt: 2, reason: 'HTTP 503', delayMs: 2500},
			]);
			run.batch([{type: 'failed', fileId: '100004:recording', code: 'network', reason}]);
			await rendered.waitFor('Failed (1):');
			await rendered.press(keys.end, '›✗100004');
			let frame = await rendered.press(keys.enter, 'Contact 100004');
			for (const title of ['ID', 'Record ID', 'Campaign', 'Operator', 'Call start', 'File name', 'Downloaded', 'Archived', 'Validated']) {
				expect(frame).toMatch(new RegExp(`^${title}\\b`, 'm'));
			}

			expect(frame).toContain('/tmp/out/2026-03-01_100004.mp3');
			// The reason whole (wrapped, not cut) and the retries in order.
			expect(frame.replaceAll(/\s+/g, ' ')).toContain(`failed: ${reason}`);
			expect(frame).toMatch(/retry 1: connection reset \(waited 00:00:01\)[\s\S]*retry 2: HTTP 503 \(waited 00:00:0[23]\)/);
			expect(frame).toContain('Esc, q or Enter back to the table');
			frame = await rendered.press('q', 'Row 3 of 3');
			expect(frame).not.toContain('Cancel the download?');
			frame = await rendered.press(keys.up, '› 100002');
			frame = await rendered.press(keys.enter, 'Contact 100002');
			// A video call: its recording and each screenshot, none retried.
			expect(frame).toMatch(/^File 1 /m);
			expect(frame).toMatch(/^File 3 /m);
			expect(frame).toContain('no retries');
			expect(frame).toContain('waiting its turn');
			frame = await rendered.press(keys.escape, 'Row 2 of 3');
			rendered.unmount();
		});

		test('in Hungarian: the key line, the filter, the detail', async () => {
			const run = sampleRun();
			const {rendered} = await renderDownload(run, {lang: 'hu'});
			let frame = await rendered.waitFor('/ szűrő · f hibások · Enter részletek · s követ · j k g G · ←→ oszlopok · ? súgó');
			run.batch([{type: 'started', fileId: '100001:recording', resumedFrom: 0}]);
			frame = await rendered.waitFor('folyamatban: 1. sor');
			frame = await rendered.press('f', 'Csak a hibások (f: mind)');
			expect(frame).toContain('Eddig egy fájl sem hibás');
			frame = await rendered.press('f', text => !text.includes('Csak a hibások'));
			frame = await rendered.press(keys.enter, '100001 kontakt');
			expect(frame).toContain('letöltés: 0 B / 1,00 kB');
			expect(frame).toContain('nem kellett újrapróbálni');
			rendered.unmount();
		});
	});

	describe('colours', () => {
		const level = chalk.level;
		beforeAll(() => {
			chalk.level = 1;
		});
		afterAll(() => {
			chalk.level = level;
		});
		// eslint-disable-next-line no-control-regex
		const colourCode = /\u001B\[(?:3\d|4\d|9[0-7]|10[0-7])m/;

		test('no colour codes under NO_COLOR, even with failures', async () => {
			const coloured = await renderDownload(sampleRun());
			expect(coloured.rendered.lastFrame()).toMatch(colourCode);
			coloured.rendered.unmount();
			const run = sampleRun();
			const plain = await renderDownload(run, {noColor: true});
			run.batch([{type: 'failed', fileId: '100001:recording', code: 'x', reason: 'broken'}]);
			await plain.rendered.waitFor('Failed (1):');
			expect(plain.rendered.lastFrame()).not.toMatch(colourCode);
			plain.rendered.unmount();
		});
	});
});

describe('<DownloadScreen> row detail on a short terminal', () => {
	test('a video contact with 3 screenshots fits 80×24: the header shows first, the rest scrolls into view with ↓ PgDn End, back with Home', async () => {
		const video = recording(100_002, {channel: 'video'});
		const run = new FakeRun(planOf([recording(100_001), video], {extraFiles: screenshotsOf(video, 3)}));
		const {rendered} = await renderDownload(run);
		await rendered.press(keys.down, '› 100002');
		let frame = await rendered.press(keys.enter, 'Contact 100002');
		// Everything the row has, from its ID to the last file, can be read; no frame is taller than the screen.
		expect(fits(frame, 80, 24)).toBe(true);
		for (const title of ['ID', 'Record ID', 'Campaign', 'Operator', 'Downloaded']) {
			expect(frame).toMatch(new RegExp(`^${title}\\b`, 'm'));
		}

		expect(frame).toMatch(/^lines 1–\d+ of \d+ · ↑ ↓ PgUp PgDn Home End scroll$/m);
		expect(frame).not.toMatch(/^File 4 /m);
		frame = await rendered.press(keys.end, text => /^File 4 /m.test(text));
		expect(fits(frame, 80, 24)).toBe(true);
		expect(frame).toContain('Esc, q or Enter back to the table');
		frame = await rendered.press(keys.home, text => /^ID\b/m.test(text));
		frame = await rendered.press(keys.pageDown, text => !/^ID\b/m.test(text));
		frame = await rendered.press(keys.up, text => /^lines 2–/m.test(text) || /^lines \d+–/m.test(text));
		expect(fits(frame, 80, 24)).toBe(true);
		// Esc still goes back to the table, not a line up.
		await rendered.press(keys.escape, 'Row 2 of 2');
		rendered.unmount();
	});
});

describe('<DownloadScreen> at 80 columns: the position line keeps its end', () => {
	test('3,000 rows with the files in flight out of view: "(s follows them)" whole, the columns fact down to its arrows', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const run = new FakeRun(syntheticPlan(3000));
			const {rendered} = await renderDownload(run, {lang});
			run.batch([1040, 1041, 1042].map(index => ({type: 'started' as const, fileId: `${100_000 + index}:recording`, resumedFrom: 0})));
			await rendered.waitFor(lang === 'en' ? 'in flight: rows 1,041–1,043' : 'folyamatban: 1');
			const frame = await rendered.press('g', text => text.includes(lang === 'en' ? '↓ (s follows them)' : '↓ (az s követi őket)'));
			expect(fits(frame, 80, 24)).toBe(true);
			expect(frame).toContain(lang === 'en' ? 'Row 1 of 3,000' : '1. sor / 3');
			rendered.unmount();
		}
	});
});
