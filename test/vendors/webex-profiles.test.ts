/**
 * `ccdl profile import --platform webex-cc`: the tenant's multimedia profiles (read from the Webex test server, a
 * separate process) become download profiles with the same names, modes, counts and status; the two that break
 * ccdl's ranges ("Tul sok hang": 20 voice; "Ures profil": every count 0) are reported with the rule, not imported.
 * Until `ccdl profile` dispatches `import`, the subcommand runs through its exported function in a child process.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {importWebexProfiles, validName} from '../../source/lib/profiles/import-webex.js';
import {ProfileStore} from '../../source/lib/profiles/store.js';
import {ccdlPath, childEnvironment, cleanup, nodePath, runCcdl, tempDir} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

const importModule = path.join(path.dirname(ccdlPath), 'commands', 'profile-import.js');
let server: VendorServer;

beforeAll(async () => {
	server = await startVendorServer('webex-cc', ['--seed', '4', '--calls', '10']);
});

afterAll(async () => {
	await server.stop();
	await cleanup();
});

/** `ccdl profile import ARGS` through runProfileImport, in a process of its own (stdout, exit code, environment). */
async function profileImport(args: string[], env: Record<string, string>): Promise<{code: number | null; stdout: string; stderr: string}> {
	const script = `const m = await import(${JSON.stringify(importModule)}); const e = await import(${JSON.stringify(path.join(path.dirname(ccdlPath), 'lib', 'errors.js'))});
try { process.exitCode = await m.runProfileImport(process.argv.slice(1)); } catch (error) { process.stderr.write('ccdl: ' + error.message + '\\n'); process.exitCode = error instanceof e.CcdlError ? error.exitCode : 70; }`;
	const child = spawn(nodePath, ['--input-type=module', '-e', script, '--', ...args], {env: childEnvironment(env), stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const code = await new Promise<number | null>(resolve => {
		child.once('close', resolve);
	});
	return {code, stdout, stderr};
}

async function isolated(): Promise<Record<string, string>> {
	const home = await tempDir('ccdl-webex-profiles-');
	return {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: server.password};
}

function connection(): string[] {
	return ['--platform', 'webex-cc', '--server', server.url, '--user', server.user];
}

interface Listed {
	name: string;
	mode: string;
	counts: Record<string, number>;
	active: boolean;
	builtIn: boolean;
}

async function listed(env: Record<string, string>): Promise<Listed[]> {
	const result = await runCcdl(['profile', 'list', '--json'], {env});
	expect(result.code, result.stderr).toBe(0);
	return (JSON.parse(result.stdout) as {profiles: Listed[]}).profiles;
}

describe('ccdl profile import --platform webex-cc', () => {
	it('reproduces the tenant\'s profiles; the two breaking ccdl\'s ranges are reported with the rule and not imported (exit 1)', async () => {
		const env = await isolated();
		const tenant = await (await fetch(`${server.url}/organization/${server.user}/multimedia-profile`, {headers: {authorization: `Bearer ${server.password}`}})).json() as Array<Record<string, any>>;
		const result = await profileImport(connection(), env);
		expect(result.code, result.stderr).toBe(1);
		expect(result.stdout).toMatch(/^skipped {3}"Tul sok hang": not imported: In blended mode voice must be from 0 to 16, not 20\.$/m);
		expect(result.stdout).toMatch(/^skipped {3}"Ures profil": not imported: A blended profile needs at least one channel above 0/m);
		expect(result.stdout).toMatch(/5 imported, 0 updated, 2 skipped/);
		const profiles = await listed(env);
		const mode = {BLENDED: 'blended', BLENDED_REALTIME: 'blended-realtime', EXCLUSIVE: 'exclusive'} as Record<string, string>;
		const expected = tenant.filter(profile => !['Tul sok hang', 'Ures profil'].includes(profile['name']));
		expect(expected).toHaveLength(5);
		for (const profile of expected) {
			const mine = profiles.find(candidate => candidate.name === profile['name']);
			expect(mine, profile['name']).toBeDefined();
			expect(mine).toMatchObject({
				mode: mode[profile['blendingMode']],
				counts: {voice: profile['telephony'], video: 0, chat: profile['chat'], email: profile['email'], social: profile['social']},
				active: profile['active'],
				builtIn: false,
			});
		}

		expect(profiles.map(profile => profile.name)).not.toContain('Tul sok hang');
		expect(profiles.map(profile => profile.name)).not.toContain('Ures profil');
		// The built-in default is untouched.
		expect(profiles.find(profile => profile.builtIn)).toMatchObject({name: 'Default_Voice_Profile', counts: {voice: 8}});
	}, 60_000);

	it('leaves existing profiles alone without --replace and updates them with it; --json says what happened to each', async () => {
		const env = await isolated();
		expect((await profileImport(connection(), env)).code).toBe(1);
		const edited = await runCcdl(['profile', 'edit', 'Hang es chat', '--voice', '7'], {env});
		expect(edited.code, edited.stderr).toBe(0);
		const again = await profileImport([...connection(), '--json'], env);
		expect(again.code, again.stderr).toBe(1);
		const report = JSON.parse(again.stdout) as {profiles: Array<{action: string; name: string | null; webexName: string; reason: string | null}>};
		const hang = report.profiles.find(profile => profile.webexName === 'Hang es chat')!;
		expect(hang).toMatchObject({action: 'skipped'});
		expect(hang.reason).toMatch(/already exists; --replace updates it/);
		expect((await listed(env)).find(profile => profile.name === 'Hang es chat')!.counts.voice).toBe(7);
		const replaced = await profileImport([...connection(), '--replace', '--json'], env);
		const updated = (JSON.parse(replaced.stdout) as {profiles: Array<{action: string; webexName: string}>}).profiles;
		expect(updated.filter(profile => profile.action === 'updated').map(profile => profile.webexName).sort())
			.toEqual(['Default_Telephony_Profile', 'Digitalis csatornak', 'Egyszerre egy', 'Hang es chat', 'Valos ideju vegyes']);
		expect((await listed(env)).find(profile => profile.name === 'Hang es chat')!.counts.voice).toBe(1);
	}, 60_000);

	it('needs --platform webex-cc, and a token that reads the organisation', async () => {
		const env = await isolated();
		const wrong = await profileImport(['--server', server.url, '--user', server.user], env);
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toMatch(/--platform webex-cc/);
		const badToken = await profileImport(connection(), {...env, CCDL_PASSWORD: 'not-a-token-this-server-issued'});
		expect(badToken.code).toBe(3);
	}, 60_000);
});

describe('mapping rules (no server)', () => {
	const base = {organizationId: 'o', version: 0, active: true, blendingModeEnabled: true, blendingMode: 'BLENDED', systemDefault: false, chat: 0, email: 0, social: 0};

	it('makes a Webex name ccdl does not allow valid and says so; never touches the built-in default; reports duplicates', async () => {
		const home = await tempDir('ccdl-webex-map-');
		const store = await ProfileStore.load(path.join(home, 'profiles.json'));
		const outcomes = importWebexProfiles(store, [
			{...base, id: 'a', name: 'Night.shift v2', telephony: 2, description: 'Éjjel — csak hang!'},
			{...base, id: 'b', name: 'Default_Voice_Profile', telephony: 3},
			{...base, id: 'c', name: 'night_shift v2', telephony: 1},
			{...base, id: 'd', name: 'Night_shift v2', telephony: 1},
			{...base, id: 'e', name: 'Realtime', blendingMode: 'BLENDED_REALTIME', telephony: 1, chat: 0},
			{...base, id: 'f', name: 'Odd', blendingMode: 'SOMETHING', telephony: 1},
		], {replace: false});
		expect(outcomes[0]).toMatchObject({action: 'imported', name: 'Night_shift v2'});
		expect(outcomes[0]!.notes.join(' ')).toMatch(/renamed from "Night\.shift v2"/);
		expect(outcomes[0]!.profile!.description).toBe('Éjjel - csak hang');
		expect(outcomes[1]).toMatchObject({action: 'skipped', broken: true});
		expect(outcomes[1]!.reason).toMatch(/built-in/);
		// Names are unique ignoring case: both later ones collide with the renamed first one.
		for (const outcome of [outcomes[2]!, outcomes[3]!]) {
			expect(outcome).toMatchObject({action: 'skipped', broken: true});
			expect(outcome.reason).toMatch(/already took this name/);
		}

		expect(outcomes[4]!.reason).toMatch(/blended-realtime mode chat must be from 1 to 16\b.*, not 0\./);
		expect(outcomes[5]!.reason).toMatch(/not BLENDED, BLENDED_REALTIME or EXCLUSIVE/);
		expect(store.get('Default_Voice_Profile').counts.voice).toBe(8);
	});

	it('validName keeps a valid name as it is', () => {
		expect(validName('Hang es chat', 'x')).toEqual({name: 'Hang es chat'});
	});
});
