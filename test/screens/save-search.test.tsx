/**
 * The "save this search" screen against the real store in a temporary CCDL_CONFIG_DIR: an incomplete draft is
 * refused naming what is missing (live and on Save, nothing written), a complete one lands in searches.json, and a
 * taken name is replaced only after a second Save.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {missingKeys} from '../../source/lib/i18n/index.js';
import {saveSearch as messages} from '../../source/lib/i18n/messages/save-search.js';
import {defaultTemplate} from '../../source/lib/naming/template.js';
import {SearchStore, searchesPath} from '../../source/lib/searches/store.js';
import {initialSaveState, ruleChoices, saveReducer, type SearchDraft} from '../../source/screens/save-search/save-search-state.js';
import {SaveSearchScreen} from '../../source/screens/save-search/save-search-screen.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

let folder: string;
const previousConfigDir = process.env['CCDL_CONFIG_DIR'];

beforeAll(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-save-search-screen-'));
	process.env['CCDL_CONFIG_DIR'] = folder;
});

afterAll(async () => {
	if (previousConfigDir === undefined) {
		delete process.env['CCDL_CONFIG_DIR'];
	} else {
		process.env['CCDL_CONFIG_DIR'] = previousConfigDir;
	}

	await rm(folder, {recursive: true, force: true});
});

const complete: SearchDraft = {
	server: 'http://127.0.0.1:9/api',
	user: 'admin',
	campaigns: ['Sales'],
	allCampaigns: false,
	channels: ['voice', 'chat'],
	dateRule: '2026-10-01..2026-10-31',
	timeZone: 'Europe/Budapest',
	includeArchived: false,
	overwrite: false,
	outDir: '/srv/exports',
	template: defaultTemplate,
	transcripts: 'json',
	mode: 'full',
	noArchive: false,
	csvBom: true,
};

async function stored(): Promise<Array<Record<string, unknown>>> {
	const data = JSON.parse(await readFile(searchesPath(), 'utf8')) as {version: number; searches: Array<Record<string, unknown>>};
	expect(data.version).toBe(1);
	return data.searches;
}

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

describe('save-search state', () => {
	it('offers the draft\'s fixed range first and chooses it', () => {
		expect(ruleChoices(complete)[0]).toBe('2026-10-01..2026-10-31');
		expect(ruleChoices({...complete, dateRule: 'yesterday'})).toHaveLength(6);
		expect(initialSaveState({...complete, dateRule: undefined}).dateRule).toBe('previous-7-days');
		const state = saveReducer({...initialSaveState(complete), focus: 'save'}, {type: 'enter'});
		expect(state.submitted).toBe(true);
	});

	it('has every message in both languages', () => {
		expect(Object.keys(messages.hu).sort()).toEqual(Object.keys(messages.en).sort());
		expect(missingKeys()).toEqual({en: [], hu: []});
	});
});

describe('SaveSearchScreen', () => {
	it('refuses an incomplete draft, naming the missing part, and writes nothing', async () => {
		const onSaved = vi.fn();
		const {user: _user, ...withoutUser} = complete;
		const draft: SearchDraft = {...withoutUser, campaigns: []};
		const screen = sized(renderScreen(<SaveSearchScreen draft={draft} onSaved={onSaved} onCancel={vi.fn()} onHelp={vi.fn()} isActive height={21} />), 80, 24);
		let frame = await screen.waitFor(text => text.includes('Missing before it can be saved (2):') && fits(80, 21)(text));
		expect(frame).toContain('no user (give --user NAME)');
		expect(frame).toContain('no campaigns');
		expect(frame).toContain('(•) fixed 2026-10-01..2026-10-31');

		await screen.press('weekly-calls', 'weekly-calls');
		frame = await screen.press(keys.tab + keys.tab + keys.enter, 'was not saved');
		expect(frame).toContain('The search "weekly-calls" is incomplete and was not saved: no user');
		expect(onSaved).not.toHaveBeenCalled();
		await expect(readFile(searchesPath(), 'utf8')).rejects.toThrow(/ENOENT/);
		screen.unmount();
	});

	it('names a bad name under the field and refuses it', async () => {
		const screen = renderScreen(<SaveSearchScreen draft={complete} onSaved={vi.fn()} onCancel={vi.fn()} onHelp={vi.fn()} isActive height={21} />);
		await screen.waitFor('Complete: it can be saved.');
		await screen.press('bad name!', 'bad name!');
		const frame = await screen.press(keys.tab, 'may hold only letters');
		expect(frame).toContain('"bad name!" does not');
		screen.unmount();
	});

	it('saves a complete one with the chosen rule, live missing parts cleared, into searches.json', async () => {
		const onSaved = vi.fn();
		const screen = sized(renderScreen(<SaveSearchScreen draft={complete} onSaved={onSaved} onCancel={vi.fn()} onHelp={vi.fn()} isActive height={21} />), 80, 24);
		let frame = await screen.waitFor(text => text.includes('Complete: it can be saved.') && fits(80, 21)(text));
		expect(frame).toContain('A run today takes 2026-10-01 to 2026-10-31.');
		await screen.press('weekly-calls', 'weekly-calls');
		// To the date rule, then → → : past "today" to "yesterday".
		await screen.press(keys.tab);
		frame = await screen.press(keys.right + keys.right, '(•) yesterday');
		await screen.press(keys.tab + keys.enter);
		await vi.waitFor(() => {
			expect(onSaved).toHaveBeenCalledWith('weekly-calls');
		});
		const searches = await stored();
		expect(searches).toHaveLength(1);
		expect(searches[0]).toMatchObject({
			name: 'weekly-calls', dateRule: 'yesterday', server: complete.server, user: 'admin', campaigns: ['Sales'], channels: ['voice', 'chat'],
			timeZone: 'Europe/Budapest', outDir: '/srv/exports', template: defaultTemplate, csvBom: true,
		});
		screen.unmount();
	});

	it('replaces a search of the same name only after a second Save', async () => {
		const store = await SearchStore.load();
		store.put({...complete, name: 'weekly-calls', dateRule: 'yesterday', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z'}, true);
		await store.save();
		const onSaved = vi.fn();
		const screen = renderScreen(
			<SaveSearchScreen draft={complete} initialName='Weekly-Calls' onSaved={onSaved} onCancel={vi.fn()} onHelp={vi.fn()} isActive height={21} />,
			{lang: 'hu'},
		);
		await screen.waitFor('Teljes: menthető.');
		await screen.press(keys.tab + keys.tab);
		await screen.press(keys.enter, 'Már van "weekly-calls" nevű mentett keresés');
		expect(onSaved).not.toHaveBeenCalled();
		await screen.press(keys.enter);
		await vi.waitFor(() => {
			expect(onSaved).toHaveBeenCalledWith('Weekly-Calls');
		});
		const searches = await stored();
		expect(searches).toHaveLength(1);
		expect(searches[0]).toMatchObject({name: 'Weekly-Calls', dateRule: '2026-10-01..2026-10-31'});
		screen.unmount();
	});

	it('Esc cancels', async () => {
		const onCancel = vi.fn();
		const screen = renderScreen(<SaveSearchScreen draft={complete} onSaved={vi.fn()} onCancel={onCancel} onHelp={vi.fn()} isActive />);
		await screen.waitFor('Save this search');
		await screen.press(keys.escape);
		expect(onCancel).toHaveBeenCalledOnce();
		screen.unmount();
	});
});
