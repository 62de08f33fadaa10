import {describe, expect, it, vi} from 'vitest';
import type {Campaign, UserInfo} from '../../source/lib/api/wire.js';
import {CampaignsScreen, type CampaignsScreenProps} from '../../source/screens/campaigns/campaigns-screen.js';
import {campaignsReducer, initialCampaignsState, scrollTop, searchKey, selectedIds, shownCampaigns, type CampaignsAction, type CampaignsState} from '../../source/screens/campaigns/campaigns-state.js';
import {campaigns as messages} from '../../source/lib/i18n/messages/campaigns.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const campaigns: Campaign[] = [
	{id: 'C-100', name: 'Értékesítés: Bejövő', channels: ['voice']},
	{id: 'C-200', name: 'Ügyfélszolgálat / Panasz', channels: ['voice', 'chat']},
	{id: 'C-300', name: 'Visszahívás', channels: ['voice']},
	{id: 'X-404', name: 'Piros\u001B[31m kampány', channels: ['video']},
];

const admin: UserInfo = {username: 'admin', displayName: 'Nagy Ádám', role: 'admin', company: 'demo'};
const supervisor: UserInfo = {username: 'sv', displayName: 'Kiss Éva', role: 'supervisor', company: 'demo'};

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

function run(state: CampaignsState, ...actions: CampaignsAction[]): CampaignsState {
	return actions.reduce(campaignsReducer, state);
}

const page = 3;

describe('campaigns reducer', () => {
	it('keeps only selections that still exist, in list order', () => {
		expect(initialCampaignsState(campaigns, ['C-300', 'gone', 'C-100']).selected).toEqual(['C-100', 'C-300']);
	});

	it('filters by name or ID, ignoring case and accents', () => {
		expect(searchKey('ÉrtékesÍtés Ő')).toBe('ertekesites o');
		const state = initialCampaignsState(campaigns, []);
		expect(shownCampaigns(run(state, {type: 'type', text: 'ERTEK'})).map(campaign => campaign.id)).toEqual(['C-100']);
		expect(shownCampaigns(run(state, {type: 'type', text: 'ugyfel'})).map(campaign => campaign.id)).toEqual(['C-200']);
		expect(shownCampaigns(run(state, {type: 'type', text: 'x-4'})).map(campaign => campaign.id)).toEqual(['X-404']);
		expect(shownCampaigns(run(state, {type: 'type', text: 'c-'})).map(campaign => campaign.id)).toEqual(['C-100', 'C-200', 'C-300']);
	});

	it('Backspace takes the last character of the filter off; clearing restarts at the top', () => {
		const state = run(initialCampaignsState(campaigns, []), {type: 'type', text: 'vő'}, {type: 'erase'});
		expect(state.filter).toBe('v');
		expect(run(state, {type: 'move', delta: 1, pageSize: page}, {type: 'clear-filter'})).toMatchObject({filter: '', cursor: 0, top: 0});
	});

	it('moves the cursor within the shown campaigns and scrolls the window with it', () => {
		const state = initialCampaignsState(campaigns, []);
		expect(run(state, {type: 'move', delta: -1, pageSize: page})).toMatchObject({cursor: 0, top: 0});
		expect(run(state, {type: 'move', delta: 3, pageSize: page})).toMatchObject({cursor: 3, top: 1});
		expect(run(state, {type: 'last', pageSize: page}, {type: 'move', delta: 5, pageSize: page})).toMatchObject({cursor: 3, top: 1});
		expect(run(state, {type: 'last', pageSize: page}, {type: 'first', pageSize: page})).toMatchObject({cursor: 0, top: 0});
	});

	it('scrollTop keeps the cursor in view and moves the window as little as it can', () => {
		expect(scrollTop(0, 5, 3, 10)).toBe(3);
		expect(scrollTop(3, 4, 3, 10)).toBe(3);
		expect(scrollTop(3, 1, 3, 10)).toBe(1);
		expect(scrollTop(8, 9, 3, 10)).toBe(7);
		expect(scrollTop(0, 0, 5, 2)).toBe(0);
	});

	it('toggles the campaign under the cursor', () => {
		const state = run(initialCampaignsState(campaigns, []), {type: 'move', delta: 2, pageSize: page}, {type: 'toggle'});
		expect(state.selected).toEqual(['C-300']);
		expect(run(state, {type: 'toggle'}).selected).toEqual([]);
	});

	it('selects and unselects all shown campaigns, leaving hidden choices alone', () => {
		const state = run(initialCampaignsState(campaigns, ['X-404']), {type: 'type', text: 'c-'}, {type: 'select-shown'});
		expect(selectedIds(state)).toEqual(['C-100', 'C-200', 'C-300', 'X-404']);
		expect(selectedIds(run(state, {type: 'unselect-shown'}))).toEqual(['X-404']);
		expect(selectedIds(run(state, {type: 'clear-filter'}, {type: 'unselect-shown'}))).toEqual([]);
	});

	it('Enter needs at least one campaign', () => {
		const none = run(initialCampaignsState(campaigns, []), {type: 'enter'});
		expect(none).toMatchObject({submitted: false, message: 'campaigns.error.none'});
		const some = run(none, {type: 'toggle'});
		expect(some.message).toBeUndefined();
		expect(run(some, {type: 'enter'}).submitted).toBe(true);
	});
});

function props(overrides: Partial<CampaignsScreenProps> = {}): CampaignsScreenProps {
	return {campaigns, selected: [], user: admin, onSubmit: vi.fn(), onBack: vi.fn(), onHelp: vi.fn(), isActive: true, ...overrides};
}

describe('<CampaignsScreen>', () => {
	it('shows the user, the count and server names made safe', async () => {
		const screen = renderScreen(<CampaignsScreen {...props({selected: ['C-200']})} />);
		const frame = await screen.waitFor('1 of 4 selected');
		expect(frame).toContain('Logged in as Nagy Ádám (admin)');
		expect(frame).toContain('Piros\\x1b[31m kampány');
		expect(screen.lastFrame()).not.toContain('\u001B[31m kampány');
		expect(frame).toMatch(/› \[ \] Értékesítés: Bejövő +C-100/);
		expect(frame).toMatch(/ {2}\[x\] Ügyfélszolgálat \/ Panasz +C-200/);
	});

	it('tells a supervisor that only assigned campaigns are listed', async () => {
		const screen = renderScreen(<CampaignsScreen {...props({user: supervisor})} />);
		expect(await screen.waitFor('Kiss Éva')).toContain('only campaigns assigned to you');
		const empty = renderScreen(<CampaignsScreen {...props({user: supervisor, campaigns: []})} />);
		expect(await empty.waitFor('No campaigns are assigned to you')).toContain('0 of 0 selected');
	});

	it('moves with ↑ ↓, toggles with Space and submits the selection in list order', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onSubmit})} />);
		await screen.waitFor('› [ ] Értékesítés');
		await screen.press(keys.down, '› [ ] Ügyfélszolgálat');
		await screen.press(keys.down, '› [ ] Visszahívás');
		await screen.press(keys.space, '› [x] Visszahívás');
		await screen.press(keys.up, '› [ ] Ügyfélszolgálat');
		await screen.press(keys.up, '› [ ] Értékesítés');
		await screen.press(keys.space, '2 of 4 selected');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith(['C-100', 'C-300']);
	});

	it('filters as letters are typed, accents and case aside; Backspace edits the filter', async () => {
		const screen = renderScreen(<CampaignsScreen {...props()} />);
		await screen.waitFor('Filter:');
		let frame = await screen.press('UGY', '1 shown');
		expect(frame).toContain('Ügyfélszolgálat');
		expect(frame).not.toContain('Értékesítés');
		frame = await screen.press(keys.backspace, frame => frame.includes('Filter: UG▏'));
		frame = await screen.press('zz', 'No campaign name or ID contains "UGzz"');
		// Held Backspace: several in one chunk, each one a key.
		frame = await screen.press(keys.backspace.repeat(4), 'Filter: type to filter');
		expect(frame).toContain('Visszahívás');
	});

	it('Ctrl-W and Alt-Backspace take a word off the filter, Ctrl-U all of it', async () => {
		const screen = renderScreen(<CampaignsScreen {...props()} />);
		await screen.waitFor('Filter:');
		await screen.press('ugy:szolg', 'Filter: ugy:szolg▏');
		await screen.press('\u0017', 'Filter: ugy:▏');
		await screen.press('xx\u001B\u007F', 'Filter: ugy:▏');
		const frame = await screen.press('\u0015', 'Filter: type to filter');
		expect(frame).toContain('0 of 4 selected');
	});

	it('Ctrl-A selects all shown, Ctrl-N unselects all shown', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onSubmit})} />);
		await screen.waitFor('0 of 4 selected');
		await screen.press('c-', '3 shown');
		await screen.press(keys.ctrlA, '3 of 4 selected');
		await screen.press(keys.escape, frame => !frame.includes('shown'));
		await screen.press(keys.ctrlA, '4 of 4 selected');
		await screen.press('x-', '1 shown');
		await screen.press(keys.ctrlN, '3 of 4 selected');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith(['C-100', 'C-200', 'C-300']));
	});

	it('refuses to continue with nothing selected', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onSubmit})} />);
		await screen.waitFor('0 of 4 selected');
		expect(await screen.press(keys.enter, 'Select at least one campaign')).toContain('✗');
		expect(onSubmit).not.toHaveBeenCalled();
		expect(await screen.press(keys.space, frame => !frame.includes('Select at least one'))).toContain('1 of 4 selected');
	});

	it('Esc clears the filter first, then goes back with the selection', async () => {
		const onBack = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onBack, selected: ['C-300']})} />);
		await screen.waitFor('1 of 4 selected');
		await screen.press('vissza', '1 shown');
		await screen.press(keys.escape, frame => !frame.includes('shown'));
		expect(onBack).not.toHaveBeenCalled();
		await screen.press(keys.escape);
		await vi.waitFor(() => expect(onBack).toHaveBeenCalledWith(['C-300']));
	});

	it('? opens the help instead of filtering', async () => {
		const onHelp = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onHelp})} />);
		await screen.waitFor('Filter:');
		await screen.press('?');
		await vi.waitFor(() => expect(onHelp).toHaveBeenCalledTimes(1));
		expect(screen.frame()).toContain('type to filter');
	});

	it('reads no keys when inactive', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({onSubmit, isActive: false, selected: ['C-100']})} />);
		await screen.waitFor('1 of 4 selected');
		await screen.press(keys.space);
		await screen.press(keys.enter);
		expect(screen.frame()).toContain('1 of 4 selected');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('scrolls a long list in a window that fits 80×24', async () => {
		const many: Campaign[] = Array.from({length: 60}, (_, index) => ({id: `K${String(index).padStart(3, '0')}`, name: `Kampány ${index} ${'hosszú név '.repeat(index === 5 ? 12 : 1)}`, channels: ['voice']}));
		const screen = sized(renderScreen(<CampaignsScreen {...props({campaigns: many})} />), 80, 24);
		let frame = await screen.waitFor(text => text.includes('rows 1–17 of 60') && fits(80, 24)(text));
		expect(frame).toContain('K016');
		expect(frame).not.toContain('K017');
		expect(frame).toMatch(/Kampány 5 hosszú név .*… K005/);
		for (let index = 0; index < 17; index++) {
			await screen.press(keys.down);
		}

		frame = await screen.waitFor(text => text.includes('› [ ] Kampány 17 '));
		expect(frame).toContain('rows 2–18 of 60');
		frame = await screen.press(keys.end, 'rows 44–60 of 60');
		expect(frame).toMatch(/› \[ \] Kampány 59/);
		// A page up moves the cursor a page; the window moves only when the cursor leaves it.
		frame = await screen.press(keys.pageUp, '› [ ] Kampány 43 ');
		expect(frame).toContain('rows 44–60 of 60');
		frame = await screen.press(keys.pageUp, 'rows 28–44 of 60');
		expect(frame).toMatch(/› \[ \] Kampány 27 /);
		expect(fits(80, 24)(frame)).toBe(true);
	});

	it('speaks Hungarian', async () => {
		const screen = renderScreen(<CampaignsScreen {...props({user: supervisor})} />, {lang: 'hu'});
		const frame = await screen.waitFor('0 / 4 kiválasztva');
		expect(frame).toContain('Bejelentkezve: Kiss Éva');
		expect(frame).toContain('csak az Önhöz rendelt kampányok');
		expect(await screen.press(keys.enter, 'Válasszon ki legalább egy kampányt')).toContain('Szóköz kijelöl');
	});
});

describe('<CampaignsScreen> on other platforms', () => {
	it('says queues where the platform groups by queue (Webex)', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({groups: 'queues', onSubmit})} />);
		let frame = await screen.waitFor('0 of 4 selected');
		expect(frame).toContain('all queues of the organisation');
		expect(frame).toContain('Space select queue');
		frame = await screen.press(keys.enter, 'Select at least one queue');
		expect(onSubmit).not.toHaveBeenCalled();
		frame = await screen.press('zzz', 'No queue name or ID contains "zzz"');
		await screen.press(keys.escape, 'type to filter queues');
		await screen.press(keys.ctrlA, '4 of 4 selected');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith(['C-100', 'C-200', 'C-300', 'X-404']));
	});

	it('says there is nothing to choose where the platform has no groups (Twilio); Enter goes on with none', async () => {
		const onSubmit = vi.fn();
		const onBack = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({campaigns: [], groups: 'none', onSubmit, onBack})} />);
		const frame = await screen.waitFor('nothing to choose');
		expect(frame).toContain('This platform has no campaigns or queues');
		expect(frame).toContain('Enter continue · Esc back');
		expect(frame).not.toContain('Select at least one');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith([]));
		await screen.press(keys.escape);
		await vi.waitFor(() => expect(onBack).toHaveBeenCalledWith([]));
	});

	it('Webex with no queue found: nothing to choose either, Enter goes on with every queue', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<CampaignsScreen {...props({campaigns: [], groups: 'queues', onSubmit})} />);
		const frame = await screen.waitFor('No queue was found');
		expect(frame).not.toContain('Select at least one');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith([]));
	});

	it('fits 80×24 and speaks Hungarian for queues and for none', async () => {
		const queues = sized(renderScreen(<CampaignsScreen {...props({groups: 'queues'})} />, {lang: 'hu'}), 80, 24);
		await queues.waitFor(text => text.includes('a szervezet összes várólistája') && fits(80, 24)(text));
		expect(await queues.press(keys.enter, 'Válasszon ki legalább egy várólistát')).toContain('Szóköz várólistát kijelöl');
		const none = sized(renderScreen(<CampaignsScreen {...props({campaigns: [], groups: 'none'})} />, {lang: 'hu'}), 80, 24);
		const text = await none.waitFor(frame => frame.includes('nincsenek kampányok') && fits(80, 24)(frame));
		expect(text).toContain('Enter tovább');
	});
});

describe('campaigns messages', () => {
	it('have the same keys in English and Hungarian, including the help', () => {
		expect(Object.keys(messages.hu).sort()).toEqual(Object.keys(messages.en).sort());
		expect(messages.en['help.campaigns']).toBeTruthy();
	});
});
