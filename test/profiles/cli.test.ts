/**
 * `ccdl profile …` through the real binary: every rule broken on the command line ends with one sentence on
 * stderr and exit code 2; a damaged store is reported, not a crash; `--profile` is checked before any password.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, isOneSentenceError, runCcdl, tempDir} from '../helpers/ccdl.js';

afterAll(async () => {
	await cleanup();
});

/** Runs `ccdl profile ARGS` with its own config folder. */
async function profile(configDir: string, ...args: string[]) {
	return runCcdl(['profile', ...args], {env: {CCDL_CONFIG_DIR: configDir}});
}

function expectRefused(result: {code: number | null; stderr: string; stdout: string}, message: string | RegExp): void {
	expect(result.code, result.stderr).toBe(2);
	expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
	expect(result.stdout).toBe('');
	if (typeof message === 'string') {
		expect(result.stderr.trim()).toBe(`ccdl: ${message}`);
	} else {
		expect(result.stderr).toMatch(message);
	}
}

describe('ccdl profile', () => {
	it('manages profiles end to end, refusing every broken rule with its sentence', async () => {
		const config = await tempDir();
		const initial = await profile(config, 'list', '--json');
		expect(initial.code, initial.stderr).toBe(0);
		expect(JSON.parse(initial.stdout)).toMatchObject({
			profiles: [{name: 'Default_Voice_Profile', mode: 'blended', counts: {voice: 8, video: 0, chat: 0, email: 0, social: 0}, active: true, builtIn: true}],
			assignments: {global: null, companies: {}, campaigns: {}},
		});

		const created = await profile(config, 'create', 'Hang és chat', '--mode', 'blended-realtime', '--voice', '2', '--chat', '1', '--description', 'Éjszakai műszak (hétvége)');
		expect(created.code, created.stderr).toBe(0);
		expect(created.stdout).toContain('Created profile "Hang és chat"');

		// Default protected.
		expectRefused(await profile(config, 'edit', 'Default_Voice_Profile', '--voice', '2'),
			'Default_Voice_Profile is built in and cannot be edited; create your own profile with "ccdl profile create" instead.');
		expectRefused(await profile(config, 'delete', 'Default_Voice_Profile'), 'Default_Voice_Profile is built in and cannot be deleted.');
		expectRefused(await profile(config, 'deactivate', 'default_voice_profile'), 'Default_Voice_Profile is built in and always active; it cannot be deactivated.');
		// Names, duplicates, modes and ranges.
		expectRefused(await profile(config, 'create', 'Hang & chat', '--mode', 'blended', '--voice', '1'),
			'A profile name may hold only letters, digits, spaces, "-" and "_"; "Hang & chat" has "&".');
		expectRefused(await profile(config, 'create', 'HANG ÉS CHAT', '--mode', 'blended', '--voice', '1'),
			'A profile named "Hang és chat" already exists (names are compared ignoring case); choose another name.');
		expectRefused(await profile(config, 'create', 'RT', '--mode', 'blended-realtime', '--chat', '1'),
			'In blended-realtime mode voice must be from 1 to 16 (voice is always on; give --voice N), not 0.');
		expectRefused(await profile(config, 'create', 'B', '--mode', 'blended', '--voice', '17'), 'In blended mode voice must be from 0 to 16, not 17.');
		expectRefused(await profile(config, 'create', 'B', '--mode', 'blended'),
			'A blended profile needs at least one channel above 0 (--voice, --video, --chat, --email or --social).');
		expectRefused(await profile(config, 'create', 'B', '--mode', 'fast', '--voice', '1'), 'The mode must be blended, blended-realtime, exclusive, not "fast".');
		expectRefused(await profile(config, 'create', 'B', '--voice', '1'), 'A profile needs a mode: --mode blended, blended-realtime or exclusive.');
		expectRefused(await profile(config, 'create', 'B', '--mode', 'exclusive', '--video', 'two'), '--video needs a whole number from 0 to 16, not "two".');
		expectRefused(await profile(config, 'create', 'B', '--mode', 'exclusive', '--video', '1', '--description', 'a<b'),
			/description may hold only .* it has "<"\.$/m);
		// Delete only inactive; assign only active; deactivate only unassigned.
		expectRefused(await profile(config, 'delete', 'hang és chat'),
			'Profile "Hang és chat" is active; only an inactive profile can be deleted: run "ccdl profile deactivate \'Hang és chat\'" first.');
		expect((await profile(config, 'assign', 'Hang és chat', '--campaign', '101')).code).toBe(0);
		expectRefused(await profile(config, 'deactivate', 'Hang és chat'),
			'Profile "Hang és chat" is assigned to campaign 101; unassign it there first ("ccdl profile unassign --campaign 101"), then deactivate it.');
		expect((await profile(config, 'unassign', '--campaign', '101')).code).toBe(0);
		expect((await profile(config, 'deactivate', 'Hang és chat')).code).toBe(0);
		expectRefused(await profile(config, 'assign', 'Hang és chat', '--global'),
			'Profile "Hang és chat" is inactive; only an active profile can be assigned: run "ccdl profile activate \'Hang és chat\'" first.');
		expectRefused(await profile(config, 'assign', 'Hang és chat'), '"ccdl profile assign" needs exactly one of --global, --company NAME or --campaign ID.');
		const deleted = await profile(config, 'delete', 'Hang és chat');
		expect(deleted.code, deleted.stderr).toBe(0);
		expectRefused(await profile(config, 'show', 'Hang és chat'), 'There is no profile "Hang és chat"; "ccdl profile list" shows them.');
		expectRefused(await profile(config, 'frobnicate'), /has no command "frobnicate"/);
	});

	it('show and which tell the effective profile through the levels', async () => {
		const config = await tempDir();
		for (const args of [
			['create', 'Global', '--mode', 'blended', '--voice', '4', '--chat', '2'],
			['create', 'Company', '--mode', 'exclusive', '--voice', '1', '--video', '1'],
			['create', 'Campaign', '--mode', 'blended', '--email', '3'],
			['assign', 'Global', '--global'],
			['assign', 'Company', '--company', 'demo'],
			['assign', 'Campaign', '--campaign', '108'],
		]) {
			const result = await profile(config, ...args);
			expect(result.code, result.stderr).toBe(0);
		}

		expect((await profile(config, 'which', '--company', 'Demo', '--campaign', '108')).stdout).toMatch(/^"Campaign" \(assigned: campaign 108\)/);
		expect((await profile(config, 'which', '--company', 'demo', '--campaign', '101')).stdout).toMatch(/^"Company" \(assigned: company demo\)/);
		expect((await profile(config, 'which', '--company', 'acme', '--campaign', '101')).stdout).toMatch(/^"Global" \(assigned: global\)/);
		const shown = JSON.parse((await profile(config, 'show', 'company', '--json')).stdout) as Record<string, unknown>;
		expect(shown).toEqual({
			name: 'Company', description: null, mode: 'exclusive', counts: {voice: 1, video: 1, chat: 0, email: 0, social: 0}, active: true, builtIn: false,
			assigned: [{level: 'company', company: 'demo'}],
		});
		const stored = JSON.parse(await readFile(path.join(config, 'profiles.json'), 'utf8')) as {version: number; assignments: unknown};
		expect(stored.version).toBe(1);
		expect(stored.assignments).toEqual({global: 'Global', companies: {demo: 'Company'}, campaigns: {108: 'Campaign'}});
	});

	it('a damaged or newer store is one sentence, for profile commands and for download alike', async () => {
		const config = await tempDir();
		const file = path.join(config, 'profiles.json');
		await writeFile(file, '{"version": 1, "profiles": [');
		const listed = await profile(config, 'list');
		expect(listed.code).toBe(2);
		expect(isOneSentenceError(listed.stderr), listed.stderr).toBe(true);
		expect(listed.stderr).toContain(`The profiles file ${file} is damaged (not JSON`);
		// download refuses before it asks for a password or touches the network.
		const download = await runCcdl(['download', '--server', 'http://127.0.0.1:9', '--user', 'admin'], {env: {CCDL_CONFIG_DIR: config, CCDL_PASSWORD: undefined}});
		expect(download.code).toBe(2);
		expect(download.stderr).toContain('is damaged');
		await writeFile(file, '{"version": 7, "profiles": []}');
		const newer = await profile(config, 'create', 'X', '--mode', 'blended', '--voice', '1');
		expect(newer.code).toBe(2);
		expect(newer.stderr.trim()).toBe(`ccdl: The profiles file ${file} was written by a newer ccdl (format 7; this one reads 1); update ccdl to use it.`);
		expect(await readFile(file, 'utf8')).toBe('{"version": 7, "profiles": []}');
	});

	it('download --profile must name an active profile, checked before the password', async () => {
		const config = await tempDir();
		await profile(config, 'create', 'Resting', '--mode', 'blended', '--voice', '1');
		await profile(config, 'deactivate', 'Resting');
		const env = {CCDL_CONFIG_DIR: config, CCDL_PASSWORD: undefined};
		const unknown = await runCcdl(['download', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--profile', 'Nope'], {env});
		expectRefused(unknown, 'There is no profile "Nope"; "ccdl profile list" shows them.');
		const inactive = await runCcdl(['list', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--profile', 'resting'], {env});
		expectRefused(inactive, '--profile "Resting" is inactive; activate it first ("ccdl profile activate \'Resting\'") or choose another.');
	});

	it('is in the main help, and its own help documents modes, ranges and levels', async () => {
		const main = await runCcdl(['--help']);
		expect(main.stdout).toMatch(/^ {2}profile {10}download profiles/m);
		const help = await runCcdl(['profile', '--help']);
		expect(help.code).toBe(0);
		for (const text of ['blended-realtime', 'voice 1-16 (required)', 'exclusive', 'Default_Voice_Profile', '--campaign ID', 'inactive', 'CCDL_CONFIG_DIR']) {
			expect(help.stdout).toContain(text);
		}

		const download = await runCcdl(['download', '--help']);
		expect(download.stdout).toContain('--profile NAME');
	});
});
