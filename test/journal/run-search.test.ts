/**
 * `ccdl run NAME` against the demo server, as a schedule runs it: the saved search becomes the equivalent
 * `ccdl download` (same files as typing the flags by hand), the password comes from a private credentials file
 * (a file others can read is refused before anything happens), and nothing runs without a password.
 */
import {chmod, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, readManifestJsonl, runCcdl, tempDir, walk} from '../helpers/ccdl.js';
import {type DemoProcess, startDemoProcess} from '../helpers/demo-server.js';
import {ccdl, expectOneSentence, folders} from './support.js';

let demo: DemoProcess;

beforeAll(async () => {
	demo = await startDemoProcess(['--calls', '120', '--seed', '21', '--days', '10']);
});

afterAll(async () => {
	await demo.stop();
	await cleanup();
});

describe('ccdl run NAME', () => {
	it('downloads what the saved search means, with the password from a private credentials file', async () => {
		const {env, config} = await folders();
		const out = await tempDir('ccdl-run-out-');
		const saved = await ccdl(['search', 'save', 'late-october', '--server', demo.url, '--user', 'admin', '--all-campaigns', '--channel', 'voice', '--channel', 'chat',
			'--from', '2026-10-26', '--to', '2026-10-28', '--timezone', 'Europe/Budapest', '--out', out, '--template', '{campaignName}/{callId}', '--no-archive'], env);
		expect(saved.code, saved.stderr).toBe(0);
		const credentials = path.join(config, 'cc.pass');
		await writeFile(credentials, 'CCDL_PASSWORD=demo\n', {mode: 0o600});

		const result = await ccdl(['run', 'late-october', '--credentials', credentials], env);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ccdl run late-october: 2026-10-26 to 2026-10-28, Europe\/Budapest$/);
		expect(result.stderr).toContain(`Manifest: ${path.join(out, 'manifest.csv')}`);

		// -q, as cron runs it: a run that went well says nothing at all (nothing to mail).
		const quiet = await ccdl(['-q', 'run', 'late-october', '--credentials', credentials], env);
		expect(quiet.code, quiet.stderr).toBe(0);
		expect(quiet.stderr).toBe('');

		// The same download typed by hand gives the same files.
		const byHand = await tempDir('ccdl-run-hand-');
		const direct = await runCcdl(['download', '--server', demo.url, '--user', 'admin', '--channel', 'voice', '--channel', 'chat', '--from', '2026-10-26', '--to', '2026-10-28',
			'--timezone', 'Europe/Budapest', '--out', byHand, '--template', '{campaignName}/{callId}', '--no-archive']);
		expect(direct.code, direct.stderr).toBe(0);
		const files = (await walk(out)).filter(name => !name.startsWith('manifest.'));
		expect(files.length).toBeGreaterThan(0);
		expect(files).toEqual((await walk(byHand)).filter(name => !name.startsWith('manifest.')));
		const rows = await readManifestJsonl(out);
		expect(rows.every(row => row.status === 'valid' || row.status === 'recycled')).toBe(true);
		expect(new Set(rows.map(row => row.channel))).toEqual(new Set(['voice', 'chat'].filter(channel => rows.some(row => row.channel === channel))));
	});

	it('refuses a credentials file others can read, a missing password and a wrong one — before downloading anything', async () => {
		const {env, config} = await folders();
		const out = await tempDir('ccdl-run-out-');
		expect((await ccdl(['search', 'save', 'nightly', '--server', demo.url, '--user', 'admin', '-c', '101', '--date-rule', 'yesterday', '--out', out], env)).code).toBe(0);
		const credentials = path.join(config, 'cc.pass');
		await writeFile(credentials, 'demo\n');
		await chmod(credentials, 0o644);
		const open = await ccdl(['run', 'nightly', '--credentials', credentials], env);
		expect(open.code).toBe(2);
		expect(expectOneSentence(open)).toBe(`The credentials file ${credentials} can be read or changed by others (mode 0644); make it private with "chmod 600 ${credentials}" and try again.`);

		const none = await ccdl(['run', 'nightly'], env);
		expect(none.code).toBe(2);
		expect(expectOneSentence(none)).toBe('No password for the saved search "nightly": give --credentials FILE (a file only you can read, chmod 600) or set CCDL_PASSWORD.');

		await chmod(credentials, 0o600);
		await writeFile(credentials, 'wrong\n');
		const wrong = await ccdl(['run', 'nightly', '--credentials', credentials], env);
		expect(wrong.code).toBe(3);
		expect(wrong.stderr).toContain('The user name or password is wrong');
		expect(await readdir(out)).toEqual([]);

		// Each of these failed runs is in the history (a schedule that fails every night must leave a trace): the file
		// others could read, no password at all, the wrong one.
		const history = await ccdl(['history', '--json'], env);
		expect(history.code, history.stderr).toBe(0);
		const runs = (JSON.parse(history.stdout) as {runs: Array<{outcome: string; error: string | null; search: string | null}>}).runs;
		expect(runs.filter(run => run.search === 'nightly').map(run => run.outcome)).toEqual(['failed', 'failed', 'failed']);
		expect(runs.map(run => run.error).join('\n')).toMatch(/user name or password is wrong/);

		const unknown = await ccdl(['run', 'weekly'], env);
		expect(expectOneSentence(unknown)).toBe('There is no saved search "weekly"; saved: nightly.');
		const noName = await ccdl(['run'], env);
		expect(expectOneSentence(noName)).toBe('"ccdl run" needs the name of a saved search, e.g. ccdl run weekly-calls ("ccdl search list" shows them).');
	});
});
