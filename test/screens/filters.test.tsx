import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import type {FilterValues} from '../../source/flow.js';
import {FiltersScreen, type FiltersScreenProps} from '../../source/screens/filters/filters-screen.js';
import {
	activeRange, filterProblems, filtersPayload, filtersReducer, initialFiltersState, quickRange, shownProblems, type FiltersAction, type FiltersState,
} from '../../source/screens/filters/filters-state.js';
import {filters} from '../../source/lib/i18n/messages/filters.js';
import {completeFolder} from '../../source/lib/text/paths.js';
import type {FolderAccess} from '../../source/screens/filters/use-filters-keys.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const zone = 'Europe/Budapest';
const defaults: FilterValues = {from: '', to: '', channels: [], mode: 'full', includeArchived: false, overwrite: false, outDir: '/home/anna/Downloads', transcripts: 'none'};
/** 2026-10-16 01:30 in Budapest, still the 15th in UTC. */
const now = new Date('2026-10-15T23:30:00Z');

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

function run(state: FiltersState, ...actions: FiltersAction[]): FiltersState {
	return actions.reduce(filtersReducer, state);
}

const withValues = (values: Partial<FilterValues>) => initialFiltersState({...defaults, ...values}, zone);

describe('quick ranges', () => {
	it('are computed in the time zone, from now', () => {
		expect(quickRange('today', now, zone)).toEqual({from: '2026-10-16', to: '2026-10-16'});
		expect(quickRange('today', now, 'UTC')).toEqual({from: '2026-10-15', to: '2026-10-15'});
		expect(quickRange('yesterday', now, zone)).toEqual({from: '2026-10-15', to: '2026-10-15'});
		expect(quickRange('last7', now, zone)).toEqual({from: '2026-10-10', to: '2026-10-16'});
		expect(quickRange('month', now, zone)).toEqual({from: '2026-10-01', to: '2026-10-16'});
	});

	it('cross month and year ends', () => {
		const newYear = new Date('2025-12-31T23:30:00Z');
		expect(quickRange('yesterday', newYear, zone)).toEqual({from: '2025-12-31', to: '2025-12-31'});
		expect(quickRange('last7', newYear, zone)).toEqual({from: '2025-12-26', to: '2026-01-01'});
		expect(quickRange('month', newYear, zone)).toEqual({from: '2026-01-01', to: '2026-01-01'});
	});

	it('are recognised in typed dates', () => {
		expect(activeRange({...defaults, from: '2026-10-10', to: '2026-10-16 '}, now, zone)).toBe('last7');
		expect(activeRange({...defaults, from: '2026-10-10', to: '2026-10-15'}, now, zone)).toBeUndefined();
	});
});

describe('filter problems', () => {
	it('tells a malformed date from an impossible one', () => {
		expect(filterProblems({...defaults, from: '10/01/2026'}, zone).from).toEqual({key: 'filters.error.format'});
		expect(filterProblems({...defaults, from: '2026-02-30'}, zone).from).toEqual({key: 'filters.error.impossible', params: {text: '2026-02-30'}});
		expect(filterProblems({...defaults, to: '2026-10-01 24:00'}, zone).to).toEqual({key: 'filters.error.impossible', params: {text: '2026-10-01 24:00'}});
		expect(filterProblems({...defaults, from: '2026-10-01 08:30', to: '2026-10-07'}, zone)).toEqual({});
	});

	it('refuses a range that does not go forward; a date-only "to" is its whole day', () => {
		expect(filterProblems({...defaults, from: '2026-10-02', to: '2026-10-01'}, zone).to).toEqual({key: 'filters.error.order'});
		expect(filterProblems({...defaults, from: '2026-10-01 10:00', to: '2026-10-01 10:00'}, zone).to).toEqual({key: 'filters.error.order'});
		expect(filterProblems({...defaults, from: '2026-10-01', to: '2026-10-01'}, zone)).toEqual({});
	});

	it('needs a folder', () => {
		expect(filterProblems({...defaults, outDir: '  '}, zone)).toEqual({folder: {key: 'filters.error.folder'}});
	});

	it('shows a date problem at once when the date is typed to the end, otherwise once the field is left', () => {
		expect(shownProblems(withValues({from: '2026-1'}))).toEqual({});
		expect(shownProblems(run(withValues({from: '2026-1'}), {type: 'focus-next'})).from).toEqual({key: 'filters.error.format'});
		expect(shownProblems(withValues({from: '2026-13-01'})).from?.key).toBe('filters.error.impossible');
		expect(shownProblems(withValues({from: '2026-10-09', to: '2026-10-08'})).to?.key).toBe('filters.error.order');
	});
});

describe('filters reducer', () => {
	it('Enter stays on a field with a problem and moves on from a good one', () => {
		const bad = run(withValues({from: '2026-02-30'}), {type: 'enter'});
		expect(bad).toMatchObject({focus: 'from', submitted: false, touched: ['from']});
		expect(run(withValues({from: '2026-10-01'}), {type: 'enter'}).focus).toBe('to');
	});

	it('Enter on Continue submits only a valid form, else goes to the first problem', () => {
		const atContinue = (values: Partial<FilterValues>) => run(withValues(values), {type: 'focus', field: 'continue'}, {type: 'enter'});
		expect(atContinue({}).submitted).toBe(true);
		expect(atContinue({to: '2026-10-01', from: '2026-10-05'})).toMatchObject({submitted: false, focus: 'to'});
		expect(atContinue({outDir: ''})).toMatchObject({submitted: false, focus: 'folder', touched: ['from', 'to', 'folder']});
	});

	it('Shift-Tab from the first field reaches Continue', () => {
		expect(run(withValues({}), {type: 'focus-previous'}).focus).toBe('continue');
	});

	it('fills both dates from a quick range and keeps channels in their usual order', () => {
		const state = run(withValues({}), {type: 'quick', range: 'yesterday', now}, {type: 'set', values: {channels: ['email', 'voice']}});
		expect(state.values).toMatchObject({from: '2026-10-15', to: '2026-10-15', channels: ['voice', 'email']});
	});

	it('submits dates and folder trimmed', () => {
		expect(filtersPayload({...defaults, from: ' 2026-10-01 ', outDir: ' /tmp/x '})).toEqual({...defaults, from: '2026-10-01', outDir: '/tmp/x'});
	});

	it('submits ~ as the home folder: the app has no shell to expand it', () => {
		expect(filtersPayload({...defaults, outDir: '~/calls'}).outDir).toBe(path.join(os.homedir(), 'calls'));
		expect(filtersPayload({...defaults, outDir: '~'}).outDir).toBe(os.homedir());
	});

	it('judges the folder by the last check of the same value only', () => {
		const checked = run(withValues({outDir: '/etc/passwd'}), {type: 'folder-checked', value: '/etc/passwd', problem: {kind: 'not-folder', path: '/etc/passwd'}});
		expect(shownProblems(checked).folder).toEqual({key: 'filters.error.not-folder', params: {path: '/etc/passwd'}});
		expect(shownProblems(run(checked, {type: 'set', values: {outDir: '/tmp'}})).folder).toBeUndefined();
	});
});

/** A disk where every folder can be written and nothing completes, so the tests do not depend on this machine's. */
const anyFolder: FolderAccess = {check: async () => undefined, complete: folder => ({value: folder, candidates: []})};

function props(overrides: Partial<FiltersScreenProps> = {}): FiltersScreenProps {
	return {value: defaults, timeZone: zone, busy: false, onSubmit: vi.fn(), onBack: vi.fn(), onHelp: vi.fn(), isActive: true, now, folderAccess: anyFolder, ...overrides};
}

const focused = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';
/** What the folder field holds, as shown. */
const folderIs = (value: string) => (frame: string) => (frame.split('\n').find(line => /^[› ] Folder /.test(line)) ?? '').slice(15).trim() === value;

describe('<FiltersScreen>', () => {
	it('submits typed dates and every option exactly', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onSubmit})} />, {timeZone: zone});
		await screen.waitFor('› From');
		await screen.press('2026-10-01 08:30', '2026-10-01 08:30');
		await screen.press(keys.enter, '› To');
		await screen.press('2026-10-07', 'calls from 01/10/2026, 08:30:00 until 08/10/2026, 00:00:00');
		await screen.press(keys.tab, '› Quick range');
		await screen.press(keys.down, '› Channels');
		await screen.press(keys.right, '›[ ] video');
		await screen.press(keys.space, '›[x] video');
		await screen.press(keys.tab, '› Export');
		await screen.press(keys.right, '(•) transcripts only');
		await screen.press(keys.tab, '› Archived too');
		await screen.press(keys.space, '› Archived too [x] yes');
		await screen.press(keys.tab, '› Overwrite');
		await screen.press(keys.space, 'replace a file of the same name');
		await screen.press(keys.tab, '› Folder');
		await screen.press(keys.backspace.repeat(9) + 'ccdl', '/home/anna/ccdl');
		await screen.press(keys.tab, '› Transcripts');
		await screen.press(keys.left, '(•) XML');
		await screen.press(keys.tab, '› [ Continue ]');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith({
			from: '2026-10-01 08:30', to: '2026-10-07', channels: ['video'], mode: 'transcripts-only', includeArchived: true, overwrite: true, outDir: '/home/anna/ccdl', transcripts: 'xml',
		});
	});

	it('a quick range fills From and To, computed in the time zone', async () => {
		const screen = renderScreen(<FiltersScreen {...props()} />);
		await screen.waitFor('› From');
		await screen.press(keys.tab, '› To');
		await screen.press(keys.tab, '› Quick range');
		await screen.press(keys.right);
		await screen.press(keys.right, '› last 7 days');
		const frame = await screen.press(keys.enter, '[last 7 days]');
		expect(frame).toMatch(/From +2026-10-10/);
		expect(frame).toMatch(/To +2026-10-16/);
		expect(focused(frame)).toContain('Quick range');
		// The range is in; the next Enter goes on down the form, as everywhere else.
		const next = await screen.press(keys.enter, '› Channels');
		expect(next).toMatch(/From +2026-10-10/);
	});

	it('Enter on Quick range before a range is picked goes to the next field and keeps the typed dates', async () => {
		const screen = renderScreen(<FiltersScreen {...props()} />);
		await screen.waitFor('› From');
		await screen.press('2026-10-01', '2026-10-01');
		await screen.press(keys.enter, '› To');
		await screen.press('2026-10-07', '2026-10-07');
		await screen.press(keys.enter, '› Quick range');
		const frame = await screen.press(keys.enter, '› Channels');
		expect(frame).toMatch(/From +2026-10-01/);
		expect(frame).toMatch(/To +2026-10-07/);
	});

	it('Enter on Quick range with no dates typed fills in the range under the cursor, and the next Enter goes on', async () => {
		const screen = renderScreen(<FiltersScreen {...props()} />);
		await screen.waitFor('› From');
		await screen.press(keys.tab, '› To');
		await screen.press(keys.tab, '› Quick range');
		const frame = await screen.press(keys.enter, '[today]');
		expect(frame).toMatch(/From +2026-10-16/);
		expect(focused(frame)).toContain('Quick range');
		expect(await screen.press(keys.enter, '› Channels')).toMatch(/From +2026-10-16/);
	});

	it('Space on Quick range applies the range under the cursor without moving it first', async () => {
		const screen = renderScreen(<FiltersScreen {...props()} />);
		await screen.waitFor('› From');
		await screen.press(keys.tab, '› To');
		await screen.press(keys.tab, '› Quick range');
		const frame = await screen.press(' ', '[today]');
		expect(frame).toMatch(/From +2026-10-16/);
		expect(focused(frame)).toContain('Quick range');
	});

	it('refuses an impossible date on the spot and a backwards range as soon as it is typed', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onSubmit})} />);
		await screen.waitFor('› From');
		await screen.press('2026-02-30', '✗ 2026-02-30 is not a real date or time.');
		await screen.press(keys.enter);
		expect(focused(screen.frame())).toContain('From');
		await screen.press(keys.backspace.repeat(2) + '10', frame => !frame.includes('not a real date'));
		await screen.press(keys.tab, '› To');
		const frame = await screen.press('2026-02-09', '✗ "To" must be later than "From"');
		expect(frame.split('\n').findIndex(line => line.includes('must be later'))).toBe(frame.split('\n').findIndex(line => line.includes('› To')) + 1);
		await screen.press(keys.shiftTab + keys.shiftTab, '› [ Continue ]');
		await screen.press(keys.enter, '› To');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('judges a half-typed date when the field is left', async () => {
		const screen = renderScreen(<FiltersScreen {...props()} />);
		await screen.waitFor('› From');
		const typing = await screen.press('2026-1', '2026-1');
		expect(typing).not.toContain('✗');
		expect(await screen.press(keys.tab, '✗ Type a date like 2026-10-01')).toContain('› To');
	});

	it('checks the folder when it is left and says what is wrong in the screen\'s words', async () => {
		const check = vi.fn(async (folder: string) => (folder === '/etc/passwd' ? {kind: 'not-folder' as const, path: '/etc/passwd'} : undefined));
		const screen = renderScreen(<FiltersScreen {...props({folderAccess: {...anyFolder, check}})} />);
		await screen.waitFor('› From');
		await screen.press(keys.up + keys.up + keys.up, '› Folder');
		await screen.press('\u0015/etc/passwd', folderIs('/etc/passwd'));
		const frame = await screen.press(keys.tab, '✗ /etc/passwd is a file, not a folder: choose another Folder.');
		expect(frame).not.toContain('--out');
		expect(check).toHaveBeenCalledWith('/etc/passwd');
		// Back and fixed: the message goes as soon as the value changes.
		await screen.press(keys.shiftTab, '› Folder');
		// Alt-Backspace takes the last word, up to the slash.
		expect(await screen.press('\u001B\u007Ftmp', folderIs('/etc/tmp'))).not.toContain('✗');
	});

	it('starts on the field the app asks for, e.g. the folder after a later step refused it', async () => {
		const screen = renderScreen(<FiltersScreen {...props({initialFocus: 'folder'})} />);
		expect(focused(await screen.waitFor('Folder'))).toContain('Folder');
	});

	it('does not submit into a folder that cannot be written, and puts the focus on it', async () => {
		const onSubmit = vi.fn();
		const check = vi.fn(async () => ({kind: 'not-writable' as const, path: '/srv'}));
		const screen = renderScreen(<FiltersScreen {...props({onSubmit, folderAccess: {...anyFolder, check}})} />);
		await screen.waitFor('› From');
		await screen.press(keys.shiftTab, '› [ Continue ]');
		const frame = await screen.press(keys.enter, '✗ You cannot write to /srv: choose another Folder.');
		expect(focused(frame)).toContain('Folder');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('completes the folder with Tab as a shell does, lists several matches, and moves on when nothing is left to complete', async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'ccdl-filters-'));
		try {
			for (const folder of ['exports-2025', 'exports-2026', 'archive']) {
				await mkdir(path.join(root, folder));
			}

			const screen = renderScreen(<FiltersScreen {...props({value: {...defaults, outDir: `${root}/ar`}, folderAccess: {...anyFolder, complete: folder => completeFolder(folder)}})} />, {columns: 200});
			await screen.waitFor('› From');
			// Tab before typing anything moves on, as everywhere else.
			await screen.press(keys.up + keys.up + keys.up, '› Folder');
			await screen.press(keys.tab, '› Transcripts');
			await screen.press(keys.shiftTab, '› Folder');
			await screen.press(keys.backspace + 'r', folderIs(`${root}/ar`));
			await screen.press(keys.tab, folderIs(`${root}/archive/`));
			await screen.press('\u001B\u007Fex\t', folderIs(`${root}/exports-202`));
			let frame = await screen.press(keys.tab, 'exports-2025/  exports-2026/');
			expect(focused(frame)).toContain('Folder');
			frame = await screen.press('6\t', folderIs(`${root}/exports-2026/`));
			expect(frame).not.toContain('exports-2025/');
			// Nothing inside to complete: Tab goes on to the next field.
			await screen.press(keys.tab, '› Transcripts');
		} finally {
			await rm(root, {recursive: true, force: true});
		}
	});

	it('Esc goes back with the values as they are', async () => {
		const onBack = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onBack})} />);
		await screen.waitFor('› From');
		await screen.press('2026-10-01', '2026-10-01');
		await screen.press(keys.escape);
		await vi.waitFor(() => expect(onBack).toHaveBeenCalledWith({...defaults, from: '2026-10-01'}));
	});

	it('? is help, not text', async () => {
		const onHelp = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onHelp})} />);
		await screen.waitFor('› From');
		await screen.press('?');
		await vi.waitFor(() => expect(onHelp).toHaveBeenCalledTimes(1));
		expect(screen.frame()).toMatch(/From +YYYY-MM-DD/);
	});

	it('while busy shows what is going on and ignores keys; an error shows under the form', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onSubmit, busy: true, busyText: 'Listing recordings… 1200', error: 'The server answered 503.'})} />);
		const frame = await screen.waitFor('Listing recordings… 1200');
		expect(frame).toContain('✗ The server answered 503.');
		await screen.press('2026');
		await screen.press(keys.shiftTab);
		await screen.press(keys.enter);
		expect(screen.frame()).not.toContain('2026');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('speaks Hungarian, dates the Hungarian way', async () => {
		const screen = renderScreen(<FiltersScreen {...props({value: {...defaults, from: '2026-10-01', to: '2026-10-07'}})} />, {lang: 'hu', timeZone: zone});
		const frame = await screen.waitFor('› Ettől');
		expect(frame).toContain('Gyors időszak');
		expect(frame).toContain('hívások: 2026. 10. 01. 00:00:00 – 2026. 10. 08. 00:00:00');
		expect(frame).toContain('[ ] közösségi');
		expect(frame).toContain('[ Tovább ]');
		await screen.press(keys.backspace.repeat(10), frame => /› Ettől +ÉÉÉÉ-HH-NN/.test(frame));
		await screen.press('2026-10-09', 'Az „Eddig” legyen későbbi');
	});

	it('fits 80×24 in both languages', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FiltersScreen {...props({error: 'The download folder cannot be written: EACCES: permission denied, mkdir /srv/recordings/2026'})} />, {lang}), 80, 24);
			const frame = await screen.waitFor(text => text.includes('EACCES') && fits(80, 24)(text));
			expect(frame.split('\n').length).toBeLessThanOrEqual(20);
		}
	});
});

describe('<FiltersScreen>: export mode and archived per platform', () => {
	it('← → and Space choose the export mode; keys in one chunk land on it; it is submitted', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FiltersScreen {...props({onSubmit})} />);
		await screen.waitFor('› From');
		// Tab to To, Quick range, Channels, Export; two to the right (metadata only), back one (transcripts only).
		screen.stdin.write(`${keys.tab}${keys.tab}${keys.tab}${keys.tab}${keys.right}${keys.right}${keys.left}`);
		const frame = await screen.waitFor('(•) transcripts only');
		expect(focused(frame)).toMatch(/^› Export/);
		await screen.press(keys.space, '(•) metadata only');
		await screen.press(keys.space, '(•) everything');
		await screen.press(keys.space, '(•) transcripts only');
		await screen.press(keys.shiftTab.repeat(5), '› [ Continue ]');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({...defaults, mode: 'transcripts-only'}));
	});

	it('starts from the mode it is given (--mode)', async () => {
		const screen = renderScreen(<FiltersScreen {...props({value: {...defaults, mode: 'metadata-only'}})} />);
		expect(await screen.waitFor('› From')).toContain('(•) metadata only');
	});

	it('says what archived means where the platform keeps no mark (the journal)', async () => {
		const plain = renderScreen(<FiltersScreen {...props()} />);
		expect(await plain.waitFor('› From')).toContain('also list recordings already archived');
		const journal = sized(renderScreen(<FiltersScreen {...props({archivedByJournal: true})} />), 80, 24);
		const frame = await journal.waitFor(text => text.includes('archived = exported and verified by ccdl before (journal)') && fits(80, 24)(text));
		// Under the toggle, where it has the room to be read whole.
		expect(frame).toMatch(/Archived too .*\n {15,}archived = exported/);
		// At 40×20 it takes the toggle's hint instead of a line of its own.
		const small = sized(renderScreen(<FiltersScreen {...props({archivedByJournal: true})} />), 40, 20);
		await small.waitFor(text => /Archived too \[ \] no +archived =/.test(text) && fits(40, 17)(text));
	});

	it('speaks Hungarian', async () => {
		const screen = sized(renderScreen(<FiltersScreen {...props({archivedByJournal: true})} />, {lang: 'hu'}), 80, 24);
		const frame = await screen.waitFor('Exportálás');
		expect(frame).toContain('(•) minden');
		expect(frame).toContain('csak átiratok');
		expect(frame).toContain('csak metaadatok');
		expect(await screen.waitFor('archivált = a ccdl korábban letöltötte és ellenőrizte (napló)')).toBeTruthy();
	});
});

describe('<FiltersScreen> at 40×20', () => {
	it('fits with the app\'s frame around it, every field on screen as the focus goes round', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FiltersScreen {...props()} />, {lang}), 40, 20);
			// The app's title and key lines take three rows.
			let frame = await screen.waitFor(text => /^› /m.test(text) && fits(40, 17)(text));
			for (let field = 0; field < 10; field++) {
				const label = focused(frame).slice(2, 12).trim();
				expect(frame.split('\n').length).toBeLessThanOrEqual(17);
				// The focus mark is on screen: on a field's label, or on Continue.
				expect(frame).toMatch(/^› \S|› \[ /m);
				frame = await screen.press(keys.tab, text => focused(text).slice(2, 12).trim() !== label || /› \[ /.test(text));
			}
		}
	});
});

describe('filters messages', () => {
	it('have the same keys in English and Hungarian, including the help', () => {
		expect(Object.keys(filters.hu).sort()).toEqual(Object.keys(filters.en).sort());
		expect(filters.en['help.filters']).toBeTruthy();
	});
});

describe('<FiltersScreen> at 40×12 and 40×20', () => {
	/** The text is on screen, whatever lines it was wrapped into. */
	const says = (text: string) => (frame: string) => frame.replaceAll(/\s+/g, ' ').includes(text);
	it('40×12: the focused field and its whole error are on screen as the focus goes round, in both languages', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FiltersScreen {...props({value: {...defaults, from: '2026-10-05'}})} />, {lang}), 40, 12);
			let frame = await screen.waitFor(text => /^› /m.test(text));
			// From and To with a reversed range: To's error is a sentence that takes three lines at 40 columns.
			frame = await screen.press(keys.tab, text => focused(text).includes(lang === 'en' ? 'To' : 'Eddig'));
			frame = await screen.press('2026-10-01', says(lang === 'en' ? 'a date alone means the whole day).' : 'az egész napot jelenti).'));
			expect(fits(40, 9)(frame)).toBe(true);
			expect(focused(frame)).toContain('2026-10-01');
			// The rest of the form, and round to From again: each focused field on screen, the frame within 9 lines.
			// The focused line: a field's, or Continue's; each Tab waits for it to change. Nine Tabs from To: round to From.
			const focusLine = (text: string) => text.split('\n').find(line => line.startsWith('›') || /› \[ /.test(line)) ?? '';
			for (let field = 0; field < 9; field++) {
				const before = focusLine(frame);
				frame = await screen.press(keys.tab, text => focusLine(text) !== before && fits(40, 9)(text));
				expect(frame).toMatch(/^› \S|› \[ /m);
			}

			expect(focused(frame)).toContain('2026-10-05');
			frame = await screen.press(keys.backspace, text => focused(text).includes('2026-10-0') && !focused(text).includes('2026-10-05'));
			frame = await screen.press(keys.tab, says(lang === 'en' ? 'like 2026-10-01 08:30.' : 'pl. 2026-10-01 08:30.'));
			// Tab on a half-typed From says what is wrong: the field, still focused, and its whole error, four lines.
			expect(fits(40, 9)(frame)).toBe(true);
			expect(focused(frame)).toContain('2026-10-0');
			screen.unmount();
		}
	});

	it('40×20: a date error reads to its end instead of stopping mid-sentence', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FiltersScreen {...props()} />, {lang}), 40, 20);
			await screen.waitFor(text => /^› /m.test(text));
			const frame = await screen.press('2026-13-45', says(lang === 'en' ? 'real date or time.' : 'időpont.'));
			expect(fits(40, 17)(frame)).toBe(true);
			screen.unmount();
		}
	});
});

describe('<FiltersScreen> key line at 80 columns', () => {
	it('moves whole facts to a second line instead of cutting "Tovább" in Hungarian', async () => {
		const screen = sized(renderScreen(<FiltersScreen {...props()} />, {lang: 'hu'}), 80, 24);
		const frame = await screen.waitFor(text => /Enter következő mező vagy Tovább\s*$/m.test(text) && fits(80, 21)(text));
		expect(frame).not.toMatch(/To…$/m);
		screen.unmount();
	});
});
