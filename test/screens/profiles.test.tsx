/**
 * The Profiles screen against a real store in a temporary folder: what the list shows, every change made with keys
 * and found in profiles.json afterwards, and each broken rule refused with the store's own sentence.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import type {Campaign} from '../../source/lib/api/wire.js';
import {profiles as messages} from '../../source/lib/i18n/messages/profiles.js';
import {missingKeys} from '../../source/lib/i18n/index.js';
import {defaultProfileName} from '../../source/lib/profiles/model.js';
import {ProfileStore} from '../../source/lib/profiles/store.js';
import {countText, formReducer, initialFormState} from '../../source/screens/profiles/profile-form-state.js';
import {ProfilesScreen, type ProfilesScreenProps} from '../../source/screens/profiles/profiles-screen.js';
import {initialProfilesState, profilesReducer, rowsOf} from '../../source/screens/profiles/profiles-state.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const folders: string[] = [];

afterAll(async () => {
	await Promise.all(folders.map(async folder => rm(folder, {recursive: true, force: true})));
});

/** A store in a fresh folder, with the given profiles created and saved. */
async function freshStore(setup: (store: ProfileStore) => void = () => undefined): Promise<ProfileStore> {
	const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-profiles-screen-'));
	folders.push(folder);
	const store = await ProfileStore.load(path.join(folder, 'profiles.json'));
	setup(store);
	await store.save();
	return store;
}

/** What profiles.json holds now, read back through the store. */
async function onDisk(store: ProfileStore): Promise<ProfileStore> {
	return ProfileStore.load(store.file);
}

const campaigns: Campaign[] = [
	{id: 'C-100', name: 'Értékesítés: Bejövő', channels: ['voice']},
	{id: 'C-200', name: 'Ügyfélszolgálat', channels: ['voice', 'chat']},
];

function props(store: ProfileStore, overrides: Partial<ProfilesScreenProps> = {}): ProfilesScreenProps {
	return {store, campaigns, company: 'demo', onClose: vi.fn(), onHelp: vi.fn(), isActive: true, ...overrides};
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

/** The row of the list that starts with a profile's name (after the cursor mark). */
function lineOf(frame: string, name: string): string {
	return frame.split('\n').find(line => /^[› ] /.test(line) && line.slice(2).startsWith(name)) ?? '';
}

/** Waits for a frame matching a pattern. */
function matching(pattern: RegExp) {
	return (frame: string) => pattern.test(frame);
}

const voiceAndChat = {name: 'Voice and chat', mode: 'blended' as const, counts: {voice: 4, chat: 2}};

describe('profiles reducers', () => {
	it('keeps counts as digits without leading zeros', () => {
		expect(countText('04')).toBe('4');
		expect(countText('1a7')).toBe('17');
		expect(countText('')).toBe('');
		expect(countText('12345')).toBe('345');
	});

	it('Enter in a field moves on, on Save submits and shows every problem', () => {
		let state = initialFormState(undefined);
		state = formReducer(state, {type: 'enter'});
		expect(state).toMatchObject({focus: 'description', touched: ['name'], submitted: false});
		state = formReducer(state, {type: 'focus', field: 'save'});
		expect(formReducer(state, {type: 'enter'})).toMatchObject({submitted: true, touched: ['name', 'description', 'counts']});
	});

	it('a refusal shows until a value changes', () => {
		let state = formReducer(initialFormState(undefined), {type: 'refuse', place: 'name', message: 'taken'});
		expect(state.refusal).toEqual({place: 'name', message: 'taken'});
		state = formReducer(state, {type: 'set-name', value: 'Other'});
		expect(state.refusal).toBeUndefined();
	});

	it('keeps the cursor on the saved profile', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const state = initialProfilesState(rowsOf(store), []);
		store.create({name: 'Aaa', mode: 'exclusive', counts: {video: 1}});
		const next = profilesReducer(state, {type: 'saved', rows: rowsOf(store), select: 'aaa', notice: {tone: 'good', key: 'x'}, pageSize: 5});
		expect(next.rows[next.cursor]!.profile.name).toBe('Aaa');
	});
});

describe('<ProfilesScreen>', () => {
	it('lists the built-in default as protected, and what the company\'s runs use', async () => {
		const store = await freshStore();
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		const frame = await screen.waitFor(defaultProfileName);
		expect(lineOf(frame, defaultProfileName)).toMatch(/› Default_Voice_Profile +blended +active +built in/);
		expect(frame).toContain('voice 8 · video 0 · chat 0 · e-mail 0 · social 0');
		expect(frame).toContain('Runs of company demo use no profile');
		expect(frame).toContain('Built in: voice recordings only, 8 at once');
		expect(await screen.press('e', 'is built in and cannot be edited')).toContain('✗');
		expect(await screen.press('d', 'is built in and cannot be deleted')).not.toContain('Delete profile');
		await screen.press('a', 'is built in and always active; it cannot be deactivated.');
		expect(lineOf(screen.frame(), defaultProfileName)).toContain('active');
	});

	it('creates a blended profile with keys, lists it and saves it to profiles.json', async () => {
		const store = await freshStore();
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor(defaultProfileName);
		let frame = await screen.press('n', 'New profile');
		expect(frame).toContain('(•) blended');
		// The documented ranges stand beside each count.
		expect(frame).toMatch(/Voice +0 +0–16 at once · not downloaded/);
		await screen.press('Voice and chat', matching(/› Name +Voice and chat/));
		await screen.press(keys.tab, '› Description');
		await screen.press('Agents on the phone and in chat', 'in chat');
		await screen.press(keys.tab, '› Mode');
		await screen.press(keys.tab, '› Voice');
		await screen.press('4', matching(/Voice +4 +0–16 at once$/m));
		await screen.press(keys.tab, '› Video');
		await screen.press(keys.tab, '› Chat');
		await screen.press('2', matching(/Chat +2 +0–16 at once$/m));
		for (let index = 0; index < 3; index++) {
			await screen.press(keys.tab);
		}

		await screen.waitFor('› [ Save ]');
		frame = await screen.press(keys.enter, 'Created profile "Voice and chat"');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/› Voice and chat +blended +active$/);
		expect(frame).toContain('voice 4 · video 0 · chat 2 · e-mail 0 · social 0');
		const saved = (await onDisk(store)).get('voice and chat');
		expect(saved).toMatchObject({name: 'Voice and chat', description: 'Agents on the phone and in chat', mode: 'blended', active: true, counts: {voice: 4, video: 0, chat: 2, email: 0, social: 0}});
	});

	it('refuses a count out of range on the spot and on Save, with the store\'s message', async () => {
		const store = await freshStore();
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor(defaultProfileName);
		await screen.press('n', 'New profile');
		await screen.press('Too many', 'Too many');
		await screen.press(keys.tab.repeat(3), '› Voice');
		let frame = await screen.press('17', 'In blended mode voice must be from 0 to 16, not 17.');
		expect(frame).toContain('✗');
		// Switching to real-time judges the counts against its ranges at once.
		await screen.press(keys.backspace.repeat(2), frame => !frame.includes('must be from'));
		await screen.press(keys.shiftTab, '› Mode');
		frame = await screen.press(keys.right, 'In blended-realtime mode voice must be from 1 to 16');
		expect(frame).toMatch(/Voice +0 +1–16 at once$/m);
		await screen.press(keys.tab, '› Voice');
		await screen.press('17', 'not 17.');
		await screen.press(keys.tab.repeat(5), '› [ Save ]');
		frame = await screen.press(keys.enter, frame => frame.includes('not 17.') && !frame.includes('Saving'));
		expect(frame).toContain('New profile');
		expect((await onDisk(store)).find('Too many')).toBeUndefined();
		// Esc cancels the form; nothing was created.
		frame = await screen.press(keys.escape, defaultProfileName);
		expect(frame).not.toContain('Too many');
	});

	it('refuses bad name characters and a duplicate name under the name field', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press('n', 'New profile');
		await screen.press('Bad!', 'A profile name may hold only letters, digits, spaces, "-" and "_"');
		await screen.press(keys.backspace.repeat(4), 'A profile needs a name');
		await screen.press('VOICE AND CHAT', 'A profile named "Voice and chat" already exists (names are compared ignoring case)');
	});

	it('deactivates and activates; an assigned profile is refused until unassigned', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		let frame = await screen.press('a', 'Profile "Voice and chat" is now inactive.');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/inactive$/);
		expect((await onDisk(store)).get('Voice and chat').active).toBe(false);
		frame = await screen.press('a', 'Profile "Voice and chat" is now active.');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/ active$/);
		expect((await onDisk(store)).get('Voice and chat').active).toBe(true);
		await screen.press('c', 'is now assigned to company demo');
		await screen.press('a', 'Profile "Voice and chat" is assigned to company "demo"; unassign it there first');
		expect(store.get('Voice and chat').active).toBe(true);
	});

	it('deletes only an inactive profile, after y', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		let frame = await screen.press('d', 'Profile "Voice and chat" is active; only an inactive profile can be deleted');
		expect(frame).not.toContain('Delete profile');
		await screen.press('a', 'is now inactive');
		await screen.press('d', 'Delete profile "Voice and chat"?');
		frame = await screen.press('n', 'Profile "Voice and chat" was kept.');
		expect(frame).toContain('› Voice and chat');
		await screen.press('d', 'Delete profile "Voice and chat"?');
		frame = await screen.press('y', 'Deleted profile "Voice and chat".');
		expect(frame).not.toContain('› Voice and chat');
		expect(frame).toContain(`› ${defaultProfileName}`);
		expect((await onDisk(store)).find('Voice and chat')).toBeUndefined();
	});

	it('assigns globally, to the company and to a campaign, shows what runs use, and unassigns', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		let frame = await screen.press('g', 'Profile "Voice and chat" is now assigned globally.');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/active +global$/);
		expect(frame).toContain('Runs of company demo use Voice and chat (global)');
		expect((await onDisk(store)).assignments.global).toBe('Voice and chat');

		await screen.press(keys.up, `› ${defaultProfileName}`);
		frame = await screen.press('c', `Profile "${defaultProfileName}" is now assigned to company demo.`);
		expect(frame).toContain(`Runs of company demo use ${defaultProfileName} (company demo)`);

		await screen.press(keys.down, '› Voice and chat');
		await screen.press('p', 'Assign "Voice and chat" to a campaign');
		await screen.press('ugyf', frame => frame.includes('Ügyfélszolgálat') && !frame.includes('Értékesítés'));
		frame = await screen.press(keys.enter, 'is now assigned to campaign C-200');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/global, campaign C-200$/);
		expect(frame).toContain('Assigned: global, campaign C-200 (Ügyfélszolgálat)');
		expect((await onDisk(store)).resolve('demo', 'C-200')?.profile.name).toBe('Voice and chat');

		frame = await screen.press('u', 'Unassign "Voice and chat" from:');
		expect(frame).toContain('› global');
		await screen.press(keys.down, '› campaign C-200 (Ügyfélszolgálat)');
		frame = await screen.press(keys.enter, 'is no longer assigned to campaign C-200');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/global$/);
		expect((await onDisk(store)).assignments.campaigns).toEqual({});
	});

	it('refuses to assign an inactive profile', async () => {
		const store = await freshStore(target => {
			target.create(voiceAndChat);
			target.setActive('Voice and chat', false);
		});
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		await screen.press('g', 'Profile "Voice and chat" is inactive; only an active profile can be assigned');
		await screen.press('p', 'only an active profile can be assigned');
		expect(screen.frame()).not.toContain('to a campaign');
		expect((await onDisk(store)).assignments.global).toBeUndefined();
	});

	it('edits a profile: the form starts with its values and a rename keeps its assignments', async () => {
		const store = await freshStore(target => {
			target.create(voiceAndChat);
			target.assign('Voice and chat', {level: 'global'});
		});
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		let frame = await screen.press('e', 'Edit profile "Voice and chat"');
		expect(frame).toMatch(/Chat +2 +0–16 at once/);
		await screen.press(' 2', 'Voice and chat 2');
		await screen.press(keys.shiftTab.repeat(2), '› [ Save ]');
		frame = await screen.press(keys.enter, 'Saved profile "Voice and chat 2".');
		expect(lineOf(frame, 'Voice and chat 2')).toMatch(/global$/);
		expect((await onDisk(store)).assignments.global).toBe('Voice and chat 2');
	});

	it('shows a save that fails and leaves the store as it was', async () => {
		// The store's folder is a file, so profiles.json cannot be written (even by root).
		const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-profiles-screen-'));
		folders.push(folder);
		await writeFile(path.join(folder, 'not-a-folder'), '');
		const store = new ProfileStore(path.join(folder, 'not-a-folder', 'profiles.json'));
		store.create(voiceAndChat);
		const screen = renderScreen(<ProfilesScreen {...props(store)} />);
		await screen.waitFor('Voice and chat');
		await screen.press(keys.down, '› Voice and chat');
		expect(await screen.press('a', 'Cannot save the profiles file')).toContain('✗');
		expect(store.get('Voice and chat').active).toBe(true);
		expect(lineOf(screen.frame(), 'Voice and chat ')).toMatch(/ active$/);
		// The form stays open with the error, so nothing typed is lost.
		await screen.press('n', 'New profile');
		await screen.press('Kept', 'Kept');
		await screen.press(keys.tab.repeat(3), '› Voice');
		await screen.press('1', matching(/Voice +1 /));
		await screen.press(keys.shiftTab.repeat(5), '› [ Save ]');
		const frame = await screen.press(keys.enter, 'Cannot save the profiles file');
		expect(frame).toContain('New profile');
		expect(store.find('Kept')).toBeUndefined();
	});

	it('j k move through the profiles and q closes, like Esc', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const onClose = vi.fn();
		const screen = renderScreen(<ProfilesScreen {...props(store, {onClose})} />);
		await screen.waitFor('Voice and chat');
		await screen.press('j', '› Voice and chat');
		await screen.press('k', `› ${defaultProfileName}`);
		await screen.press('q');
		await vi.waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
	});

	it('Esc closes, ? asks for help, and nothing is read while inactive', async () => {
		const store = await freshStore();
		const onClose = vi.fn();
		const onHelp = vi.fn();
		const screen = renderScreen(<ProfilesScreen {...props(store, {onClose, onHelp})} />);
		await screen.waitFor(defaultProfileName);
		await screen.press('?');
		await vi.waitFor(() => expect(onHelp).toHaveBeenCalledTimes(1));
		await screen.press(keys.escape);
		await vi.waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));

		const idle = renderScreen(<ProfilesScreen {...props(store, {isActive: false})} />);
		await idle.waitFor(defaultProfileName);
		await idle.press('n');
		expect(idle.frame()).not.toContain('New profile');
	});

	it('says when no company or campaigns are known yet', async () => {
		const store = await freshStore();
		const screen = renderScreen(<ProfilesScreen {...props(store, {company: undefined, campaigns: []})} />);
		expect(await screen.waitFor(defaultProfileName)).toContain('No global profile');
		await screen.press('c', 'No company is known yet');
		await screen.press('p', 'No campaigns are known yet');
		await screen.press('u', 'is not assigned anywhere; nothing to unassign');
	});

	it('speaks Hungarian', async () => {
		const store = await freshStore(target => target.create(voiceAndChat));
		const screen = renderScreen(<ProfilesScreen {...props(store)} />, {lang: 'hu'});
		let frame = await screen.waitFor('beépített');
		expect(lineOf(frame, defaultProfileName)).toMatch(/vegyes +aktív +beépített/);
		expect(frame).toContain('hang 8 · videó 0 · csevegés 0 · e-mail 0 · közösségi 0');
		expect(frame).toContain('demo cég letöltéseire nincs profil');
		expect(frame).toContain('n új · e szerkesztés');
		// The built-in profile's description is ccdl's text, so it is Hungarian too.
		expect(frame).toContain('"Beépített: csak hangfelvételek, egyszerre 8"');
		expect(frame).not.toContain('Built in');
		await screen.press(keys.down, '› Voice and chat');
		frame = await screen.press('g', 'A(z) „Voice and chat” profil hozzárendelve globálisan.');
		expect(lineOf(frame, 'Voice and chat ')).toMatch(/globális$/);
		frame = await screen.press('n', 'Új profil');
		expect(frame).toMatch(/Hang +0 +egyszerre 0–16/);
		expect(frame).toContain('(•) vegyes');
	});

	it('fits 80×24 with many profiles and long names, scrolling the list', async () => {
		const store = await freshStore(target => {
			for (let index = 0; index < 12; index++) {
				target.create({
					name: `Profile ${String(index).padStart(2, '0')} ${'with a long name '.repeat(index === 3 ? 3 : 0)}`.trim(),
					description: 'A description long enough to need cutting at the edge of an eighty column terminal, surely',
					mode: index % 2 === 0 ? 'blended-realtime' : 'exclusive',
					counts: {voice: 16, video: 16, chat: 16, email: 16, social: 16},
				});
			}

			target.assign('Profile 00', {level: 'global'});
			target.assign('Profile 00', {level: 'company', company: 'A company with a rather long name'});
			target.assign('Profile 00', {level: 'campaign', campaignId: 'C-100'});
		});
		// The app's frame takes three rows of the 24.
		const screen = sized(renderScreen(<ProfilesScreen {...props(store)} />), 80, 24);
		let frame = await screen.waitFor(text => text.includes('1 of 13') && fits(80, 21)(text));
		expect(frame).toContain('Profile 05');
		expect(frame).not.toContain('Profile 06');
		for (let index = 0; index < 9; index++) {
			await screen.press(keys.down);
		}

		frame = await screen.waitFor('10 of 13');
		expect(frame).toContain('› Profile 08');
		expect(fits(80, 21)(frame)).toBe(true);
		frame = await screen.press('n', 'New profile');
		await screen.press('x'.repeat(70), 'A profile name may be at most 64 characters');
		expect(fits(80, 21)(screen.frame())).toBe(true);
		await screen.press(keys.escape, '10 of 13');
		await screen.press('p', 'to a campaign');
		expect(fits(80, 21)(screen.frame())).toBe(true);
	});
});

describe('profiles messages', () => {
	it('have the same keys in English and Hungarian, including the help and the step title', () => {
		expect(Object.keys(messages.hu).sort()).toEqual(Object.keys(messages.en).sort());
		expect(messages.en['help.profiles']).toBeTruthy();
		expect(messages.hu['step.profiles']).toBe('Profilok');
		expect(missingKeys()).toEqual({en: [], hu: []});
	});
});
