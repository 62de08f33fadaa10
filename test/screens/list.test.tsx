import chalk from 'chalk';
import {afterAll, beforeAll, describe, expect, test, vi} from 'vitest';
import {createTranslator} from '../../source/lib/i18n/index.js';
import {download} from '../../source/lib/i18n/messages/download.js';
import {list} from '../../source/lib/i18n/messages/list.js';
import {summary} from '../../source/lib/i18n/messages/summary.js';
import {ListScreen} from '../../source/screens/list/list-screen.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';
import {fileOf, planOf, recording, recycled, screenshotsOf, syntheticPlan} from './fixtures/plan.js';
import type {Plan} from '../../source/lib/engine/plan.js';
import type {Lang} from '../../source/lib/i18n/index.js';

function resize(rendered: Rendered, columns: number, rows: number): void {
	Object.defineProperty(rendered.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(rendered.stdout, 'rows', {value: rows, configurable: true});
	rendered.stdout.emit('resize');
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

function samplePlan(): Plan {
	const video = recording(100_002, {channel: 'video', operatorName: 'Szabó Ödön', campaignName: 'Ügyfél/Szolgálat: 1', archived: true, archivedAt: '2026-02-01T12:00:00Z'});
	const onDisk = recording(100_004, {terminationName: 'Visszahívás'});
	const contacts = [recording(100_001), video, recycled(100_003), onDisk];
	const plan = planOf(contacts.filter(contact => contact !== onDisk), {extraFiles: [...screenshotsOf(video, 3), fileOf(onDisk, {action: 'skip', skipReason: 'identical'})]});
	return {...plan, contacts, collisions: {inBatch: 2, onDisk: 1}, identical: 1, archivedSkipped: 7, freeBytes: 12_300_000_000};
}

/**
 * Renders at the given terminal size and waits for a frame that fits it (wider than the test stdout's 100 columns,
 * the tests wait for content only a wide frame has).
 */
async function renderList(plan: Plan, options: {lang?: Lang; noColor?: boolean; columns?: number; rows?: number; isActive?: boolean} = {}) {
	const callbacks = {onDownload: vi.fn(), onBack: vi.fn(), onHelp: vi.fn()};
	const rendered = renderScreen(<ListScreen plan={plan} {...callbacks} isActive={options.isActive ?? true}/>, options);
	const columns = options.columns ?? 200;
	const rows = options.rows ?? 30;
	resize(rendered, columns, rows);
	await rendered.waitFor(frame => frame.length > 0 && fits(frame, columns, rows));
	return {rendered, ...callbacks};
}

/** Every line within the width, and the frame within the rows minus the app's own lines. */
function fits(frame: string, columns: number, rows: number): boolean {
	const lines = frame.split('\n');
	return lines.length <= rows - 3 && lines.every(line => [...line].length <= columns);
}

describe('messages of the list, download and summary screens', () => {
	test('every key exists in English and Hungarian, with the same parameters, and each screen has its help', () => {
		for (const set of [list, download, summary]) {
			expect(Object.keys(set.hu).sort()).toEqual(Object.keys(set.en).sort());
			for (const [key, text] of Object.entries(set.en)) {
				const parameters = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map(match => match[1]).sort();
				expect(parameters(set.hu[key]!), key).toEqual(parameters(text));
			}
		}

		for (const key of ['help.list', 'help.download', 'help.summary']) {
			expect(createTranslator('en', 'UTC').t(key)).not.toBe(key);
			expect(createTranslator('hu', 'UTC').t(key)).not.toBe(key);
		}
	});
});

describe('ListScreen', () => {
	test('shows the seed\'s columns and the plan\'s counts', async () => {
		const {rendered} = await renderList(samplePlan(), {columns: 260});
		const frame = await rendered.waitFor('Validated');
		for (const title of ['ID', 'Record ID', 'Campaign', 'Operator', 'Phone', 'Termination', 'Call start', 'Length', 'File name', 'Type', 'Screenshots', 'Downloaded', 'Archived', 'Validated']) {
			expect(frame).toContain(title);
		}

		expect(frame).toContain('4 matched');
		expect(frame).toContain('6 files, 3.60 kB');
		expect(frame).toContain('to download 2.60 kB');
		expect(frame).toContain('free 12.3 GB');
		expect(frame).toContain('Collisions: 2 in batch, 1 on disk');
		expect(frame).toContain('identical: 1');
		expect(frame).toContain('archived left out: 7');
		expect(frame).toContain('recycled: 1');
		rendered.unmount();
	});

	test('one row per contact: main file, screenshots counted, locale date, hh:mm:ss, archive time', async () => {
		const {rendered} = await renderList(samplePlan(), {columns: 260});
		const frame = await rendered.waitFor('Validated');
		const line = (id: string) => frame.split('\n').find(text => text.includes(id))!;
		expect(line('100001')).toContain('01/03/2026, 08:30:15');
		expect(line('100001')).toContain('00:02:05');
		expect(line('100001')).toContain('2026-03-01_100001.mp3');
		expect(line('100001')).toContain('.mp3');
		expect(line('100001')).toMatch(/\s0\s+0%/);
		expect(line('100002')).toContain('Szabó Ödön');
		expect(line('100002')).toContain('Ügyfél/Szolgálat: 1');
		expect(line('100002')).toMatch(/\s3\s+0%/);
		expect(line('100002')).toContain('01/02/2026, 12:00:00');
		expect(line('100004')).toContain('100%');
		expect(line('100004')).toContain('on disk');
		rendered.unmount();
	});

	test('recycled contacts show ###### and that there is nothing to download', async () => {
		const {rendered} = await renderList(samplePlan(), {columns: 260});
		const frame = await rendered.waitFor('Validated');
		const line = frame.split('\n').find(text => text.includes('100003'))!;
		expect(line).toMatch(/100003 +######/);
		expect(line).toContain('nothing to download (recycled)');
		expect(line).not.toContain('0%');
		rendered.unmount();
	});

	test('at 80 columns the columns that do not fit are reached with → and ←', async () => {
		const {rendered} = await renderList(samplePlan(), {columns: 80, rows: 24});
		let frame = await rendered.waitFor(text => text.includes('Campaign') && !text.includes('File name'));
		expect(frame).toMatch(/columns 1–\d+ of 14 →/);
		for (let step = 0; step < 13 && !frame.includes('Validated'); step++) {
			frame = await rendered.press(keys.right, text => text !== frame);
		}

		expect(frame).toContain('Validated');
		expect(frame).toContain('of 14 ←');
		// The ID column stays while scrolling.
		expect(frame).toMatch(/› 100001/);
		expect(frame).not.toContain('Campaign');
		for (let step = 0; step < 13 && !frame.includes('columns 1–'); step++) {
			frame = await rendered.press(keys.left, text => text !== frame);
		}

		expect(frame).toMatch(/columns 1–\d+ of 14 →/);
		expect(frame).toContain('Campaign');
		rendered.unmount();
	});

	test('↓ selects the next row and the detail line shows its whole file name', async () => {
		const {rendered} = await renderList(samplePlan(), {columns: 80, rows: 24});
		await rendered.waitFor('100001 · 2026-03-01_100001.mp3 · 1.00 kB');
		const frame = await rendered.press(keys.down, 'Row 2 of 4');
		expect(frame).toContain('› 100002');
		expect(frame).toContain('100002 · 2026-03-01_100002.mp3 · 1.60 kB · 4 files');
		await rendered.press(keys.down, '100003 · nothing to download (recycled)');
		rendered.unmount();
	});

	test('100,000 rows: the first frame shows the first page, PageDown and End move through them', async () => {
		const plan = syntheticPlan(100_000);
		const {rendered} = await renderList(plan, {columns: 80, rows: 24});
		let frame = await rendered.waitFor('Row 1 of 100,000');
		expect(frame).toContain('100,000 matched');
		const ids = (text: string) => text.split('\n').flatMap(line => /^[› ] (\d{6}) /.exec(line)?.[1] ?? []);
		// Only the window is rendered: 24 rows - 3 for the app's frame - 7 lines around the table (at 80 columns the
		// keys take two lines).
		expect(ids(frame)).toHaveLength(14);
		expect(ids(frame)[0]).toBe('100000');
		frame = await rendered.press(keys.pageDown, 'Row 15 of 100,000');
		expect(ids(frame)[0]).toBe('100014');
		expect(frame).toContain('› 100014');
		frame = await rendered.press(keys.end, 'Row 100,000 of 100,000');
		expect(ids(frame).at(-1)).toBe('199999');
		expect(frame).toContain('› 199999');
		frame = await rendered.press(keys.pageUp, 'Row 99,986 of 100,000');
		frame = await rendered.press(keys.home, 'Row 1 of 100,000');
		expect(ids(frame)[0]).toBe('100000');
		rendered.unmount();
	});

	test('d starts the download, Esc and q go back, ? opens the help', async () => {
		const {rendered, onDownload, onBack, onHelp} = await renderList(samplePlan());
		await rendered.waitFor('Row 1 of 4');
		rendered.stdin.write('d');
		await until(() => onDownload.mock.calls.length === 1);
		rendered.stdin.write('?');
		await until(() => onHelp.mock.calls.length === 1);
		rendered.stdin.write(keys.escape);
		await until(() => onBack.mock.calls.length === 1);
		rendered.stdin.write('q');
		await until(() => onBack.mock.calls.length === 2);
		expect(onDownload).toHaveBeenCalledTimes(1);
		rendered.unmount();
	});

	test('j k g G move like ↓ ↑ Home End', async () => {
		const {rendered} = await renderList(samplePlan());
		await rendered.waitFor('Row 1 of 4');
		await rendered.press('j', 'Row 2 of 4');
		await rendered.press('G', 'Row 4 of 4');
		await rendered.press('k', 'Row 3 of 4');
		expect(await rendered.press('g', 'Row 1 of 4')).toContain('Row 1 of 4');
		rendered.unmount();
	});

	test('Enter opens the selected row in full: every column and the full path; Esc, q or Enter close it', async () => {
		const {rendered, onBack, onDownload} = await renderList(samplePlan(), {columns: 80});
		await rendered.waitFor('Row 1 of 4');
		await rendered.press('j', 'Row 2 of 4');
		let frame = await rendered.press(keys.enter, 'Contact 100002');
		// Every column's title, also those the table had scrolled out of view at 80 columns.
		for (const title of ['Record ID', 'Campaign', 'Operator', 'Phone', 'Termination', 'Call start', 'Length', 'File name', 'Screenshots', 'Validated']) {
			expect(frame).toMatch(new RegExp(`^${title}\\s`, 'm'));
		}

		expect(frame).toContain('Szabó Ödön');
		expect(frame).toMatch(/^Full path\s+\/\S+/m);
		frame = await rendered.press('q', 'Row 2 of 4');
		expect(onBack).not.toHaveBeenCalled();
		await rendered.press(keys.enter, 'Contact 100002');
		await rendered.press(keys.escape, 'Row 2 of 4');
		await rendered.press(keys.enter, 'Contact 100002');
		await rendered.press(keys.enter, 'Row 2 of 4');
		expect(onBack).not.toHaveBeenCalled();
		expect(onDownload).not.toHaveBeenCalled();
		rendered.unmount();
	});

	test('/ filters the rows as you type, ignoring case and accents; Enter keeps it, Esc clears it, then Esc goes back', async () => {
		const {rendered, onBack, onDownload} = await renderList(samplePlan());
		await rendered.waitFor('Row 1 of 4');
		let frame = await rendered.press('/', 'Filter: ▏');
		// Letters that are keys elsewhere (d, q, j) are typed into the filter.
		frame = await rendered.press('szabo', 'Row 1 of 1');
		expect(frame).toContain('Szabó Ödön');
		expect(frame).not.toContain('100001');
		frame = await rendered.press(keys.enter, 'Filter: szabo · 1 of 4 rows');
		await rendered.press('/', 'Filter: szabo▏');
		frame = await rendered.press('dq', 'No row contains "szabodq"');
		expect(onDownload).not.toHaveBeenCalled();
		expect(onBack).not.toHaveBeenCalled();
		await rendered.press(keys.escape, 'Row 1 of 4');
		await rendered.press('/', 'Filter: ▏');
		await rendered.press('100004' + keys.enter, 'Filter: 100004 · 1 of 4 rows');
		// Esc first clears the filter, the next one goes back.
		await rendered.press(keys.escape, frame => !frame.includes('Filter:'));
		expect(onBack).not.toHaveBeenCalled();
		rendered.stdin.write(keys.escape);
		await until(() => onBack.mock.calls.length === 1);
		rendered.unmount();
	});

	test('an inactive screen takes no keys', async () => {
		const {rendered, onDownload} = await renderList(samplePlan(), {isActive: false});
		await rendered.waitFor('Row 1 of 4');
		await rendered.press(keys.enter);
		await rendered.press(keys.down);
		expect(onDownload).not.toHaveBeenCalled();
		expect(rendered.frame()).toContain('Row 1 of 4');
		rendered.unmount();
	});

	test('nothing matched: it says so and Enter does nothing', async () => {
		const {rendered, onDownload, onBack} = await renderList(planOf([]));
		await rendered.waitFor('Nothing matched the filters');
		rendered.stdin.write(keys.enter);
		rendered.stdin.write(keys.escape);
		await until(() => onBack.mock.calls.length === 1);
		expect(onDownload).not.toHaveBeenCalled();
		rendered.unmount();
	});

	test('in Hungarian: the seed\'s column titles, the locale\'s dates and numbers', async () => {
		const {rendered} = await renderList(samplePlan(), {lang: 'hu', columns: 260});
		const frame = await rendered.waitFor('Validálva');
		for (const title of ['Rekord azonosító', 'Kampány', 'Operátor', 'Telefonszám', 'Lezárás', 'Hívás kezdete', 'Hívás hossza', 'Fájlnév', 'Fájltípus', 'Képernyőképek', 'Letöltve', 'Archiválva']) {
			expect(frame).toContain(title);
		}

		expect(frame).toContain('4 találat');
		expect(frame).toContain('Névütközés: 2 a listán, 1 a lemezen');
		expect(frame).toContain(createTranslator('hu', 'UTC').dateTime('2026-03-01T08:30:15Z'));
		expect(frame).toContain('nincs mit letölteni');
		expect(frame).toContain('d letöltés · Enter sor részletei');
		rendered.unmount();
	});

	test('at 80×24 every line fits and the frame leaves room for the app\'s frame', async () => {
		const {rendered} = await renderList(syntheticPlan(500), {columns: 80, rows: 24});
		const frame = await rendered.waitFor('Row 1 of 500');
		expect(fits(frame, 80, 24)).toBe(true);
		expect(frame.split('\n')).toHaveLength(21);

		rendered.unmount();
	});

	test('follows a resize live: more rows and columns on a bigger terminal, fewer on a smaller one', async () => {
		const {rendered} = await renderList(syntheticPlan(500), {columns: 80, rows: 24});
		await rendered.waitFor(text => text.includes('Row 1 of 500') && !text.includes('File name'));
		resize(rendered, 200, 50);
		let frame = await rendered.waitFor('File name');
		expect(fits(frame, 200, 50)).toBe(true);
		expect(frame).toContain('100040');
		resize(rendered, 60, 12);
		frame = await rendered.waitFor(text => !text.includes('100040') && !text.includes('File name'));
		expect(fits(frame, 60, 12)).toBe(true);
		expect(frame).toContain('Row 1 of 500');

		rendered.unmount();
	});

	test('escape sequences in server text are shown, never sent to the terminal', async () => {
		const evil = recording(100_009, {campaignName: 'Red\u001B[31mAlert\u0007', operatorName: 'Bidi\u202Eevil'});
		const {rendered} = await renderList(planOf([evil]), {columns: 200});
		const frame = await rendered.waitFor('Validated');
		expect(frame).toContain('Red\\x1b[31mAlert\\x07');
		expect(rendered.lastFrame()).not.toContain('\u001B[31mAlert');
		// The operator column is narrow on any terminal; the row's detail shows the whole name, made visible too.
		const detail = await rendered.press(keys.enter, 'Contact 100009');
		expect(detail).toContain('Bidi\\u{202e}evil');
		expect(detail).toContain('Red\\x1b[31mAlert\\x07');
		expect(rendered.lastFrame()).not.toContain('\u001B[31mAlert');
		expect(rendered.lastFrame()).not.toContain('\u202E');
		rendered.unmount();
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

		test('coloured by default, and no colour codes at all under NO_COLOR', async () => {
			const coloured = await renderList(samplePlan(), {columns: 80, rows: 24});
			await coloured.rendered.waitFor('Row 1 of 4');
			expect(coloured.rendered.lastFrame()).toMatch(colourCode);
			coloured.rendered.unmount();
			const plain = await renderList(samplePlan(), {columns: 80, rows: 24, noColor: true});
			await plain.rendered.waitFor('Row 1 of 4');
			expect(plain.rendered.lastFrame()).not.toMatch(colourCode);
			// The selection stays visible without colour.
			expect(plain.rendered.frame()).toContain('› 100001');
			plain.rendered.unmount();
		});
	});
});
