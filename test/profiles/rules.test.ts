/**
 * The rules of download profiles, in process: each broken rule is a ProfileError (exit code 2) with its own
 * sentence; inheritance resolves campaign → company → global; the store file survives a round trip, is written
 * atomically, and a damaged or newer file is reported, not overwritten.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {exitCodes} from '../../source/lib/errors.js';
import {
	checkCounts, checkDescription, checkName, defaultProfileName, type ProfileMode, ProfileError,
} from '../../source/lib/profiles/model.js';
import {resolveProfile} from '../../source/lib/profiles/resolve.js';
import {ProfileStore, profilesPath} from '../../source/lib/profiles/store.js';
import {configDir} from '../../source/lib/settings/paths.js';

const folders: string[] = [];

afterAll(async () => {
	await Promise.all(folders.map(async folder => rm(folder, {recursive: true, force: true})));
});

async function freshFile(): Promise<string> {
	const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-profiles-'));
	folders.push(folder);
	return path.join(folder, 'profiles.json');
}

/** Runs `action` and returns the ProfileError it throws (failing the test if it throws nothing or something else). */
function refusal(action: () => unknown): ProfileError {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(ProfileError);
		const profileError = error as ProfileError;
		expect(profileError.exitCode).toBe(exitCodes.usage);
		// One sentence: one line, ends with a full stop.
		expect(profileError.message).not.toContain('\n');
		expect(profileError.message).toMatch(/\.$/);
		return profileError;
	}

	throw new Error('expected a ProfileError, nothing was thrown');
}

const none = {voice: 0, video: 0, chat: 0, email: 0, social: 0};

describe('the built-in default profile', () => {
	const store = new ProfileStore('/nonexistent/profiles.json');

	it('exists, is voice only (blended, voice 8) and always active', () => {
		expect(store.list()[0]).toMatchObject({name: defaultProfileName, mode: 'blended', counts: {...none, voice: 8}, active: true, builtIn: true});
		expect(store.get('default_voice_profile').name).toBe(defaultProfileName);
	});

	it('cannot be edited', () => {
		expect(refusal(() => store.edit(defaultProfileName, {counts: {voice: 2}})).message)
			.toBe(`${defaultProfileName} is built in and cannot be edited; create your own profile with "ccdl profile create" instead.`);
		expect(refusal(() => store.edit('DEFAULT_voice_profile', {rename: 'Mine'})).code).toBe('profile-builtin');
	});

	it('cannot be deleted', () => {
		expect(refusal(() => store.delete(defaultProfileName)).message).toBe(`${defaultProfileName} is built in and cannot be deleted.`);
	});

	it('cannot be deactivated', () => {
		expect(refusal(() => store.setActive(defaultProfileName, false)).message)
			.toBe(`${defaultProfileName} is built in and always active; it cannot be deactivated.`);
		expect(store.setActive(defaultProfileName, true)).toBe(false);
	});

	it('cannot be shadowed by a profile of the same name in another case', () => {
		expect(refusal(() => store.create({name: 'default_VOICE_profile', mode: 'blended', counts: {voice: 1}})).code).toBe('profile-duplicate');
	});
});

describe('names and descriptions', () => {
	it('take letters (accented too), digits, space, "-" and "_", 1 to 64 characters', () => {
		for (const name of ['Hang', 'Árvíztűrő tükörfúrógép', 'voice-8_chat 2', 'Ügyfélszolgálat 2026', 'x'.repeat(64), 'Ωmega', '7']) {
			expect(checkName(name)).toBe(name);
		}

		// Decomposed accents are stored composed.
		expect(checkName('A\u0301rva')).toBe('Árva');
	});

	it('refuse any other character, naming it', () => {
		for (const [name, bad] of [['Voice!', '!'], ['a/b', '/'], ['a.b', '.'], ['tab\there', '\\t'], ['semi;colon', ';'], ['emoji 😀', '😀'], ['quote"', '\\"']]) {
			const error = refusal(() => checkName(name!));
			expect(error.code).toBe('profile-name');
			expect(error.message).toContain('may hold only letters, digits, spaces, "-" and "_"');
			expect(error.message).toContain(`"${bad}"`);
		}
	});

	it('refuse an empty name, a name over 64 characters and one with outer spaces', () => {
		expect(refusal(() => checkName('')).message).toContain('needs a name');
		expect(refusal(() => checkName('x'.repeat(65))).message).toContain('at most 64 characters');
		expect(refusal(() => checkName(' Voice')).message).toContain('may not start or end with a space');
	});

	it('are unique ignoring case', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Vegyes Hang', mode: 'blended', counts: {voice: 2}});
		const error = refusal(() => store.create({name: 'VEGYES hang', mode: 'exclusive', counts: {chat: 1}}));
		expect(error.code).toBe('profile-duplicate');
		expect(error.message).toBe('A profile named "Vegyes Hang" already exists (names are compared ignoring case); choose another name.');
		store.create({name: 'Other', mode: 'blended', counts: {chat: 1}});
		expect(refusal(() => store.edit('Other', {rename: 'vegyes hang'})).code).toBe('profile-duplicate');
		// Renaming to itself in another case is fine.
		expect(store.edit('Other', {rename: 'OTHER'}).name).toBe('OTHER');
	});

	it('descriptions allow light punctuation, up to 200 characters', () => {
		expect(checkDescription('Hang és csevegés (éjszaka): 2; e-mail, 1 - Anna\'s')).toBe('Hang és csevegés (éjszaka): 2; e-mail, 1 - Anna\'s');
		expect(checkDescription('   ')).toBeUndefined();
		expect(refusal(() => checkDescription('a'.repeat(201))).message).toContain('at most 200 characters');
		expect(refusal(() => checkDescription('50% off!')).message).toContain('"%"');
		expect(refusal(() => checkDescription('line\nbreak')).code).toBe('profile-description');
	});
});

describe('count ranges per mode', () => {
	const accept = (mode: ProfileMode, counts: Partial<typeof none>) => expect(checkCounts(mode, {...none, ...counts})).toEqual({...none, ...counts});
	const refuse = (mode: ProfileMode, counts: Partial<typeof none>) => refusal(() => checkCounts(mode, {...none, ...counts}));

	it('blended: each channel 0–16, at least one above 0', () => {
		accept('blended', {voice: 16, video: 16, chat: 16, email: 16, social: 16});
		accept('blended', {email: 1});
		expect(refuse('blended', {voice: 17}).message).toBe('In blended mode voice must be from 0 to 16, not 17.');
		expect(refuse('blended', {social: -1}).message).toBe('In blended mode social must be from 0 to 16, not -1.');
		expect(refuse('blended', {chat: 1.5}).code).toBe('profile-count');
		expect(refuse('blended', {}).message).toBe('A blended profile needs at least one channel above 0 (--voice, --video, --chat, --email or --social).');
	});

	it('blended-realtime: voice 1–16 (always on), chat 1–16, video, email and social 0–16', () => {
		accept('blended-realtime', {voice: 1, chat: 1});
		accept('blended-realtime', {voice: 16, chat: 16, video: 16, email: 0, social: 16});
		expect(refuse('blended-realtime', {chat: 2}).message).toBe('In blended-realtime mode voice must be from 1 to 16 (voice is always on; give --voice N), not 0.');
		expect(refuse('blended-realtime', {voice: 1}).message).toBe('In blended-realtime mode chat must be from 1 to 16 (give --chat N), not 0.');
		expect(refuse('blended-realtime', {voice: 17, chat: 1}).message).toContain('voice must be from 1 to 16');
		expect(refuse('blended-realtime', {voice: 1, chat: 1, email: 17}).message).toBe('In blended-realtime mode email must be from 0 to 16, not 17.');
	});

	it('exclusive: each channel 0–16, at least one above 0', () => {
		accept('exclusive', {video: 3});
		expect(refuse('exclusive', {}).message).toBe('An exclusive profile needs at least one channel above 0 (--voice, --video, --chat, --email or --social).');
		expect(refuse('exclusive', {video: 99}).message).toBe('In exclusive mode video must be from 0 to 16, not 99.');
	});

	it('are checked again when an edit changes the mode', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Chat', mode: 'blended', counts: {chat: 2}});
		expect(refusal(() => store.edit('Chat', {mode: 'blended-realtime'})).message).toContain('voice must be from 1 to 16');
		expect(store.edit('Chat', {mode: 'blended-realtime', counts: {voice: 1}})).toMatchObject({mode: 'blended-realtime', counts: {...none, voice: 1, chat: 2}});
	});

	it('the mode must be one of the three', async () => {
		const store = new ProfileStore(await freshFile());
		expect(refusal(() => store.create({name: 'X', mode: 'mixed' as ProfileMode, counts: {voice: 1}})).message)
			.toBe('The mode must be blended, blended-realtime, exclusive, not "mixed".');
	});
});

describe('activation, deletion and assignment', () => {
	it('only an inactive profile can be deleted', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Temp', mode: 'blended', counts: {voice: 1}});
		expect(refusal(() => store.delete('temp')).message)
			.toBe('Profile "Temp" is active; only an inactive profile can be deleted: run "ccdl profile deactivate \'Temp\'" first.');
		expect(store.setActive('Temp', false)).toBe(true);
		expect(store.delete('TEMP').name).toBe('Temp');
		expect(store.find('Temp')).toBeUndefined();
		expect(refusal(() => store.delete('Temp')).message).toBe('There is no profile "Temp"; "ccdl profile list" shows them.');
	});

	it('only an active profile can be assigned', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Sleepy', mode: 'blended', counts: {voice: 1}});
		store.setActive('Sleepy', false);
		for (const level of [{level: 'global'}, {level: 'company', company: 'demo'}, {level: 'campaign', campaignId: '101'}] as const) {
			expect(refusal(() => store.assign('Sleepy', level)).message)
				.toBe('Profile "Sleepy" is inactive; only an active profile can be assigned: run "ccdl profile activate \'Sleepy\'" first.');
		}
	});

	it('an assigned profile cannot be deactivated; the message says where it is assigned', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Busy', mode: 'blended', counts: {voice: 1}});
		store.assign('Busy', {level: 'company', company: 'Acme'});
		store.assign('busy', {level: 'campaign', campaignId: '101'});
		const error = refusal(() => store.setActive('Busy', false));
		expect(error.code).toBe('profile-assigned');
		expect(error.message).toBe('Profile "Busy" is assigned to company "acme", to campaign 101; unassign it there first ("ccdl profile unassign --company acme", …), then deactivate it.');
		store.unassign({level: 'company', company: 'ACME'});
		store.unassign({level: 'campaign', campaignId: '101'});
		expect(store.setActive('Busy', false)).toBe(true);
	});

	it('the default profile can be assigned like any other', async () => {
		const store = new ProfileStore(await freshFile());
		store.assign(defaultProfileName, {level: 'global'});
		expect(store.resolve('demo', '101')?.profile.name).toBe(defaultProfileName);
	});

	it('an unknown profile is named', async () => {
		const store = new ProfileStore(await freshFile());
		expect(refusal(() => store.assign('Nope', {level: 'global'})).message).toBe('There is no profile "Nope"; "ccdl profile list" shows them.');
	});
});

describe('inheritance: campaign → company → global', () => {
	it('resolves each level from the one above when it has no profile of its own', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Global', mode: 'blended', counts: {voice: 4}});
		store.create({name: 'Company', mode: 'blended', counts: {voice: 2, chat: 1}});
		store.create({name: 'Campaign', mode: 'exclusive', counts: {video: 1}});
		// Nothing assigned: no profile at all (ccdl behaves as before profiles).
		expect(store.resolve('demo', '101')).toBeUndefined();

		store.assign('Global', {level: 'global'});
		expect(store.resolve('demo', '101')).toMatchObject({profile: {name: 'Global'}, from: {level: 'global'}});
		expect(store.resolve(undefined, undefined)).toMatchObject({profile: {name: 'Global'}});

		store.assign('Company', {level: 'company', company: 'Demo'});
		expect(store.resolve('demo', '101')).toMatchObject({profile: {name: 'Company'}, from: {level: 'company', company: 'demo'}});
		expect(store.resolve('DEMO', '102')?.profile.name).toBe('Company');
		expect(store.resolve('other', '101')?.profile.name).toBe('Global');

		store.assign('Campaign', {level: 'campaign', campaignId: '101'});
		expect(store.resolve('demo', '101')).toMatchObject({profile: {name: 'Campaign'}, from: {level: 'campaign', campaignId: '101'}});
		expect(store.resolve('other', '101')?.profile.name).toBe('Campaign');
		expect(store.resolve('demo', '102')?.profile.name).toBe('Company');

		// Unassigning a level falls back to the one above.
		store.unassign({level: 'campaign', campaignId: '101'});
		expect(store.resolve('demo', '101')?.profile.name).toBe('Company');
		store.unassign({level: 'company', company: 'demo'});
		expect(store.resolve('demo', '101')?.profile.name).toBe('Global');
		store.unassign({level: 'global'});
		expect(store.resolve('demo', '101')).toBeUndefined();
	});

	it('a company without its own profile and a campaign without one both inherit the global one', () => {
		const lookup = (name: string) => ({name, mode: 'blended' as const, counts: {...none, voice: 1}, active: true});
		expect(resolveProfile({global: 'G', companies: {}, campaigns: {}}, lookup, 'x', '1')?.profile.name).toBe('G');
		expect(resolveProfile({companies: {x: 'C'}, campaigns: {}}, lookup, 'X', '1')?.profile.name).toBe('C');
		expect(resolveProfile({companies: {x: 'C'}, campaigns: {1: 'K'}}, lookup, 'y', '1')?.profile.name).toBe('K');
	});

	it('renaming a profile keeps its assignments', async () => {
		const store = new ProfileStore(await freshFile());
		store.create({name: 'Old', mode: 'blended', counts: {voice: 1}});
		store.assign('Old', {level: 'campaign', campaignId: '7'});
		store.edit('old', {rename: 'New'});
		expect(store.resolve(undefined, '7')?.profile.name).toBe('New');
	});
});

describe('the store file', () => {
	it('round-trips through profiles.json with a version, written atomically', async () => {
		const file = await freshFile();
		const store = await ProfileStore.load(file);
		expect(store.list().map(profile => profile.name)).toEqual([defaultProfileName]);
		store.create({name: 'Éjszakai', description: 'Csak hang (éjjel)', mode: 'blended-realtime', counts: {voice: 2, chat: 1}});
		store.assign('Éjszakai', {level: 'company', company: 'Demo'});
		await store.save();
		const saved = JSON.parse(await readFile(file, 'utf8')) as {version: number};
		expect(saved.version).toBe(1);
		// No temporary file is left beside it.
		expect(await readdir(path.dirname(file))).toEqual(['profiles.json']);
		const again = await ProfileStore.load(file);
		expect(again.get('éjszakai')).toEqual({name: 'Éjszakai', description: 'Csak hang (éjjel)', mode: 'blended-realtime', counts: {...none, voice: 2, chat: 1}, active: true});
		expect(again.resolve('demo', '1')?.profile.name).toBe('Éjszakai');
	});

	it('a damaged file is reported in one sentence naming the file', async () => {
		const file = await freshFile();
		for (const text of ['{not json', '[]', '{"profiles": []}', '{"version": 1, "profiles": {}}',
			'{"version": 1, "profiles": [{"name": "Bad!", "mode": "blended", "counts": {"voice": 1}, "active": true}]}',
			'{"version": 1, "profiles": [{"name": "A", "mode": "blended", "counts": {"voice": 99}, "active": true}]}',
			'{"version": 1, "profiles": [], "assignments": {"global": "Ghost"}}']) {
			await writeFile(file, text);
			const error = await ProfileStore.load(file).then(() => undefined, (error_: unknown) => error_);
			expect(error, text).toBeInstanceOf(ProfileError);
			expect((error as ProfileError).code).toBe('profiles-corrupt');
			expect((error as ProfileError).message).toContain(`The profiles file ${file} is damaged (`);
			expect((error as ProfileError).message).toContain('fix it, or move it away to start again');
			expect((error as ProfileError).message).not.toContain('\n');
		}
	});

	it('a file from a newer ccdl is refused, not overwritten', async () => {
		const file = await freshFile();
		const text = '{"version": 2, "profiles": [], "assignments": {}, "future": true}';
		await writeFile(file, text);
		const error = await ProfileStore.load(file).then(() => undefined, (error_: unknown) => error_);
		expect((error as ProfileError).message).toBe(`The profiles file ${file} was written by a newer ccdl (format 2; this one reads 1); update ccdl to use it.`);
		expect(await readFile(file, 'utf8')).toBe(text);
	});

	it('lives in CCDL_CONFIG_DIR when set, else in the folder conf uses', () => {
		expect(profilesPath({CCDL_CONFIG_DIR: '/tmp/x'})).toBe(path.resolve('/tmp/x/profiles.json'));
		if (process.platform === 'linux') {
			expect(configDir({XDG_CONFIG_HOME: '/home/u/.cfg'})).toBe('/home/u/.cfg/ccdl');
			expect(configDir({})).toBe(path.join(os.homedir(), '.config', 'ccdl'));
		}
	});
});
