import {describe, expect, it, vi} from 'vitest';
import type {NamingValues} from '../../source/flow.js';
import type {Recording} from '../../source/lib/api/wire.js';
import {defaultDateFormat, defaultTemplate} from '../../source/lib/naming/index.js';
import {FileNameScreen, type FileNameScreenProps} from '../../source/screens/file-name/file-name-screen.js';
import {
	appendItem, fileNameReducer, initialFileNameState, namingProblems, replaceSeparator, separatorOf, type FileNameAction, type FileNameState,
} from '../../source/screens/file-name/file-name-state.js';
import {previewNames} from '../../source/screens/file-name/preview.js';
import {fileName} from '../../source/lib/i18n/messages/file-name.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const zone = 'Europe/Budapest';

function recording(id: string, overrides: Partial<Recording> = {}): Recording {
	return {
		id, recordId: `R${id}`, channel: 'voice', direction: 'incoming', campaignId: 'C-100', campaignName: 'Értékesítés: Bejövő', operatorId: 'O-7',
		operatorName: 'Kovács Éva', agentLastName: 'Kovács', agentFirstName: 'Éva', groupName: '', teamName: '', phoneNumber: '+36301234567', callingNumber: '',
		calledNumber: '', externalParty: '', subject: '', terminationId: 'T-1', terminationName: 'Sikeres megrendelés', callStart: '2026-10-01T06:30:15Z',
		connectedAt: '2026-10-01T06:30:20Z', callEnd: '2026-10-01T06:35:00Z', durationSeconds: 285, timeZone: zone, contactType: 'call', recycled: false,
		archived: false, archivedAt: null, media: {href: `/v1/recordings/${id}/media`, contentType: 'audio/mpeg', size: 1000, sha256: 'a'.repeat(64), etag: '"e"'},
		screenshots: [], transcript: null, ...overrides,
	};
}

const samples = [
	recording('100001'),
	recording('100002', {direction: 'outgoing', campaignName: 'Piros\u001B[31m kampány', phoneNumber: '+36209876543', callStart: '2026-10-02T22:15:00Z'}),
	recording('100003', {operatorName: 'Nagy Ádám'}),
	recording('100004'),
	recording('100005'),
	recording('100006'),
];

const defaults: NamingValues = {template: defaultTemplate, dateFormat: defaultDateFormat};

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

function run(state: FileNameState, ...actions: FileNameAction[]): FileNameState {
	return actions.reduce(fileNameReducer, state);
}

describe('file-name reducer', () => {
	it('finds the separator a template uses', () => {
		expect(separatorOf(defaultTemplate)).toBe('-');
		expect(separatorOf('{callId}_{phoneNumber}')).toBe('_');
		expect(separatorOf('{callId}')).toBe('-');
	});

	it('appends a field after the separator, or `/` for a sub-folder', () => {
		expect(appendItem('', 'callId', '-')).toBe('{callId}');
		expect(appendItem('{callId}', 'direction', ' ')).toBe('{callId} {direction}');
		expect(appendItem('{campaignName}/', 'callId', '_')).toBe('{campaignName}/{callId}');
		expect(appendItem('{campaignName}', 'folder', '_')).toBe('{campaignName}/');
	});

	it('changes the separators between fields with the separator choice, not those inside a date format', () => {
		expect(replaceSeparator('{callStart:YYYY-MM-DD}-{callId}-{direction}', '-', '_')).toBe('{callStart:YYYY-MM-DD}_{callId}_{direction}');
		const state = run(initialFileNameState(defaults), {type: 'set-separator', separator: '.'});
		expect(state.template).toBe('{callStart}.{campaignName}.{phoneNumber}.{terminationName}');
		expect(run(state, {type: 'insert', item: 'callId'}).template).toBe('{callStart}.{campaignName}.{phoneNumber}.{terminationName}.{callId}');
	});

	it('resets to the default template and date format', () => {
		const state = run(initialFileNameState({template: '{callId}_{direction}', dateFormat: 'YY'}), {type: 'reset'});
		expect(state).toMatchObject({template: defaultTemplate, dateFormat: defaultDateFormat, separator: '-'});
	});

	it('takes its problems from the naming library', () => {
		expect(namingProblems(defaults)).toEqual({});
		expect(namingProblems({template: '{foo}', dateFormat: defaultDateFormat}).template).toMatch(/^Unknown field \{foo\}/);
		expect(namingProblems({template: '{callId}/', dateFormat: defaultDateFormat}).template).toMatch(/empty folder name/);
		expect(namingProblems({template: '{callId}', dateFormat: 'YYYY-M'}).dateFormat).toMatch(/"M" at character 6/);
	});

	it('Enter on Continue submits a valid template only, else goes to the problem', () => {
		const atContinue = (values: NamingValues) => run(initialFileNameState(values), {type: 'focus', field: 'continue'}, {type: 'enter'});
		expect(atContinue(defaults).submitted).toBe(true);
		expect(atContinue({template: '{call', dateFormat: defaultDateFormat})).toMatchObject({submitted: false, focus: 'template'});
		expect(atContinue({template: '{callId}', dateFormat: 'Q'})).toMatchObject({submitted: false, focus: 'date-format'});
		// Enter elsewhere moves on; on the palette too, except the Enter that just added the item ← → picked (the row
		// adds it), which stays there.
		expect(run(initialFileNameState(defaults), {type: 'enter'}).focus).toBe('palette');
		const palette = run(initialFileNameState(defaults), {type: 'focus', field: 'palette'});
		expect(run(palette, {type: 'enter'}).focus).toBe('separator');
		const picked = run(palette, {type: 'insert', item: 'callId', byEnter: true}, {type: 'enter'});
		expect(picked.focus).toBe('palette');
		expect(run(picked, {type: 'enter'}).focus).toBe('separator');
	});
});

describe('previewNames', () => {
	it('names real recordings as a run would: local time, safe segments, sub-folders, the media extension', () => {
		expect(previewNames(defaultTemplate, defaultDateFormat, samples.slice(0, 2), zone)).toEqual([
			'2026-10-01_08-30-15-Értékesítés_ Bejövő-+36301234567-Sikeres megrendelés.mp3',
			'2026-10-03_00-15-00-Piros_[31m kampány-+36209876543-Sikeres megrendelés.mp3',
		]);
		expect(previewNames('{campaignId}/{callStart:YYYY-MM}/{callId}', defaultDateFormat, samples.slice(0, 1), zone)).toEqual(['C-100/2026-10/100001.mp3']);
		expect(previewNames('{callId}/', defaultDateFormat, samples, zone)).toBeUndefined();
	});
});

function props(overrides: Partial<FileNameScreenProps> = {}): FileNameScreenProps {
	return {value: defaults, samples, timeZone: zone, busy: false, onSubmit: vi.fn(), onBack: vi.fn(), onHelp: vi.fn(), isActive: true, ...overrides};
}

const focused = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';

describe('<FileNameScreen>', () => {
	it('previews the names of the first recordings', async () => {
		const screen = renderScreen(<FileNameScreen {...props()} />);
		const frame = await screen.waitFor('Preview (5 recordings of your filter):');
		expect(frame).toContain('2026-10-01_08-30-15-Értékesítés_ Bejövő-+36301234567-Sikeres megrendelés.mp3');
		expect(frame).toContain('Piros_[31m kampány');
		expect(frame).not.toContain('100006');
		expect(screen.lastFrame()).not.toContain('\u001B[31m kampány');
	});

	it('adds fields from the palette with the separator, and a sub-folder', async () => {
		const screen = renderScreen(<FileNameScreen {...props({value: {template: '{callId}', dateFormat: defaultDateFormat}})} />);
		await screen.waitFor('› Template');
		await screen.press(keys.tab, '› Add');
		await screen.press(keys.right);
		await screen.press(keys.right, '› Campaign ID');
		let frame = await screen.press(keys.enter, '{callId}-{campaignId}');
		expect(frame).toContain('100001-C-100.mp3');
		await screen.press(keys.left);
		await screen.press(keys.left);
		await screen.press(keys.left, '› Sub-folder /');
		frame = await screen.press(keys.space, '{callId}-{campaignId}/');
		expect(frame).toContain('✗ The file-name template has an empty folder name');
		expect(frame).toContain('Fix the template to see the names.');
		await screen.press(keys.right, '› Call ID');
		frame = await screen.press(keys.enter, '{callId}-{campaignId}/{callId}');
		expect(frame).toContain('100001-C-100/100001.mp3');
		expect(frame).not.toContain('✗');
	});

	it('Enter down the form passes the palette by without adding to the template', async () => {
		const screen = renderScreen(<FileNameScreen {...props({value: {template: '{callId}', dateFormat: defaultDateFormat}})} />);
		await screen.waitFor('› Template');
		await screen.press(keys.enter, '› Add');
		const frame = await screen.press(keys.enter, '› Separator');
		expect(frame).toMatch(/Template +\{callId\}\s/);
		expect(frame).toContain('100001.mp3');
	});

	it('switching the separator changes the template and the preview', async () => {
		const screen = renderScreen(<FileNameScreen {...props()} />);
		await screen.waitFor('› Template');
		await screen.press(keys.tab, '› Add');
		await screen.press(keys.tab, '› Separator');
		const frame = await screen.press(keys.right, '(•) _');
		expect(frame).toContain('{callStart}_{campaignName}_{phoneNumber}_{terminationName}');
		expect(frame).toContain('2026-10-01_08-30-15_Értékesítés_ Bejövő_+36301234567_Sikeres megrendelés.mp3');
	});

	it('refuses a malformed template on the spot and does not continue', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FileNameScreen {...props({onSubmit, value: {template: '{callId}', dateFormat: defaultDateFormat}})} />);
		await screen.waitFor('› Template');
		let frame = await screen.press('-{caller}', '✗ Unknown field {caller}');
		expect(frame).toContain('Fix the template to see the names.');
		await screen.press(keys.shiftTab, '› [ Continue ]');
		frame = await screen.press(keys.enter, frame => focused(frame).includes('Template'));
		expect(onSubmit).not.toHaveBeenCalled();
		frame = await screen.press(keys.backspace.repeat(9), frame => frame.includes('100001.mp3'));
		expect(frame).not.toContain('✗');
	});

	it('checks the date format as it is typed', async () => {
		const screen = renderScreen(<FileNameScreen {...props()} />);
		await screen.waitFor('› Template');
		await screen.press(keys.up, '› [ Continue ]');
		await screen.press(keys.up, '› Date format');
		await screen.press(keys.backspace.repeat(12), frame => /› Date format +YYYY-MM /.test(frame));
		expect(screen.frame()).toContain('2026-10-Értékesítés');
		const frame = await screen.press('-D', '✗ The date format "YYYY-MM-D" has "D" at character 9');
		expect(frame).toContain('Fix the template to see the names.');
	});

	it('Ctrl-R resets to the default without typing into the field', async () => {
		const screen = renderScreen(<FileNameScreen {...props({value: {template: '{callId}', dateFormat: 'YYYY'}})} />);
		await screen.waitFor('› Template');
		const frame = await screen.press(keys.ctrlR, defaultTemplate);
		expect(frame).toContain(`Date format ${defaultDateFormat}`);
		// The cursor is at the end of the new text: typing appends.
		expect(await screen.press('x', `${defaultTemplate}x`)).not.toContain('r{');
	});

	it('submits the template and date format exactly; Esc goes back with them', async () => {
		const onSubmit = vi.fn();
		const onBack = vi.fn();
		const screen = renderScreen(<FileNameScreen {...props({onSubmit, onBack, value: {template: '{callId}', dateFormat: 'YYYY'}})} />);
		await screen.waitFor('› Template');
		await screen.press('_{direction}', '{callId}_{direction}');
		await screen.press(keys.escape);
		await vi.waitFor(() => expect(onBack).toHaveBeenCalledWith({template: '{callId}_{direction}', dateFormat: 'YYYY'}));
		await screen.press(keys.shiftTab, '› [ Continue ]');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({template: '{callId}_{direction}', dateFormat: 'YYYY'}));
	});

	it('says so when there is nothing to preview', async () => {
		const screen = renderScreen(<FileNameScreen {...props({samples: []})} />);
		expect(await screen.waitFor('No recordings match the filters')).not.toContain('Preview (');
	});

	it('while busy shows what is going on and ignores keys', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<FileNameScreen {...props({onSubmit, busy: true, busyText: 'Checking names and disk…', error: 'Not enough free disk space: 2 GB needed, 1 GB free'})} />);
		const frame = await screen.waitFor('Checking names and disk…');
		expect(frame).toContain('✗ Not enough free disk space');
		await screen.press(keys.ctrlR);
		await screen.press('x');
		expect(screen.frame()).not.toContain('}x');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('speaks Hungarian: field names, messages', async () => {
		const screen = renderScreen(<FileNameScreen {...props()} />, {lang: 'hu'});
		const frame = await screen.waitFor('Hívás kezdete');
		expect(frame).toContain('Operátorhoz kapcsolva');
		expect(frame).toContain('Előnézet (a szűrő 5 felvételével):');
		expect(await screen.press('{', 'Hibás sablon:')).toContain('Javítsa a sablont');
	});

	it('fits 80×24 with a long template and an error, in both languages', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const long = '{campaignName}/{operatorName}/{callStart:YYYY-MM-DD}-{callId}-{recordId}-{phoneNumber}-{terminationName}-{direction}-{foo}';
			const screen = sized(renderScreen(<FileNameScreen {...props({value: {template: long, dateFormat: defaultDateFormat}, error: 'The plan failed.'})} />, {lang}), 80, 24);
			const frame = await screen.waitFor(text => text.includes('{foo}') && fits(80, 22)(text));
			expect(frame).toContain('✗');
		}
	});
});

describe('<FileNameScreen> at 40×20', () => {
	it('keeps the palette on one scrolling line, so every field stays on screen', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FileNameScreen {...props()} />, {lang}), 40, 20);
			let frame = await screen.waitFor(text => /^› /m.test(text) && fits(40, 17)(text));
			// Down to the palette: one line, with › where more fields follow.
			frame = await screen.press(keys.down, text => /^› \S+.*›\s*$/m.test(text));
			expect(fits(40, 17)(frame)).toBe(true);
			// → through every field of the palette: the one under the cursor is always on the line, ‹ marks those left behind.
			let sawLeftBehind = false;
			for (let step = 0; step < 14; step++) {
				frame = await screen.press(keys.right, text => text !== frame);
				expect(fits(40, 17)(frame)).toBe(true);
				// The cursor's item is on the palette line.
				expect(frame.split('\n')[1]).toMatch(/.› \p{L}/u);
				sawLeftBehind ||= frame.split('\n')[1]!.includes('‹ ');
			}

			expect(sawLeftBehind).toBe(true);
			for (const field of ['Separator', 'Date format']) {
				frame = await screen.press(keys.down, text => text !== frame);
				expect(fits(40, 17)(frame)).toBe(true);
			}

			expect(frame).toMatch(/› (Date format|Dátumformátum)/);
			screen.unmount();
		}
	});
});

describe('file-name messages', () => {
	it('have the same keys in English and Hungarian, including the help', () => {
		expect(Object.keys(fileName.hu).sort()).toEqual(Object.keys(fileName.en).sort());
		expect(fileName.en['help.file-name']).toBeTruthy();
	});
});

describe('<FileNameScreen> preview at 80 columns', () => {
	it('cuts a long name in the middle: the extension stays in view, in both languages', async () => {
		for (const lang of ['en', 'hu'] as const) {
			const screen = sized(renderScreen(<FileNameScreen {...props({value: {template: '{callStart}-{campaignName}-{operatorName}-{phoneNumber}-{terminationName}-{direction}', dateFormat: defaultDateFormat}})} />, {lang}), 80, 24);
			const frame = await screen.waitFor(text => /^ {2}2026-10-01_08-30-15.*\.mp3$/m.test(text) && text.split('\n').every(line => [...line].length <= 80));
			const names = frame.split('\n').filter(line => line.startsWith('  2026-'));
			expect(names.length).toBeGreaterThan(0);
			for (const name of names) {
				expect(name).toMatch(/…/);
				expect(name).toMatch(/\.mp3$/);
			}

			screen.unmount();
		}
	});
});
