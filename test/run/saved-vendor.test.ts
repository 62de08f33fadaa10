/**
 * A saved search keeps everything a run needs, whatever the platform and the destination: the platform, the audio
 * format and how the destination is written (encryption) — so `ccdl run` from cron does what `ccdl download` did.
 */
import {execFile} from 'node:child_process';
import {chmod, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, runCcdl, tempDir} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

const run = promisify(execFile);
let twilio: VendorServer;

beforeAll(async () => {
	twilio = await startVendorServer('twilio', ['--calls', '12', '--days', '5', '--seed', '4']);
});

afterAll(async () => {
	await twilio?.stop();
	await cleanup();
});

describe('a saved search on another platform', () => {
	it('runs on Twilio, as WAV, encrypted to an age recipient, exactly as saved', async () => {
		const home = await tempDir('ccdl-saved-');
		const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: twilio.password};
		await run('age-keygen', ['-o', path.join(home, 'key.txt')]);
		const recipient = /public key: (age1\w+)/.exec(await readFile(path.join(home, 'key.txt'), 'utf8'))![1]!;
		const out = path.join(home, 'calls');
		const saved = await runCcdl(['search', 'save', 'twilio-nightly', '--platform', 'twilio', '--server', twilio.url, '--user', twilio.user,
			'--all-campaigns', '--date-rule', 'previous-30-days', '--timezone', 'UTC', '--out', out, '--audio-format', 'wav',
			'--transcripts', 'none', '--encrypt-to', recipient], {env});
		expect(saved.code, saved.stderr).toBe(0);
		const shown = await runCcdl(['search', 'show', 'twilio-nightly'], {env});
		expect(shown.stdout).toMatch(/platform:\s+twilio/);
		expect(shown.stdout).toMatch(/encrypted to 1 age recipient/);

		const result = await runCcdl(['run', 'twilio-nightly'], {env});
		expect(result.code, result.stderr).toBe(0);
		const files = (await readdir(out)).filter(name => !name.startsWith('manifest.'));
		expect(files.length).toBeGreaterThan(0);
		expect(files.every(name => name.endsWith('.wav.age')), files.join(', ')).toBe(true);
		const {stdout} = await run('age', ['-d', '-i', path.join(home, 'key.txt'), path.join(out, files[0]!)], {encoding: 'buffer', maxBuffer: 256 * 1024 * 1024});
		expect((stdout as unknown as Buffer).subarray(0, 4).toString()).toBe('RIFF');
	}, 60_000);

	it('refuses an age recipient that is not one when the search is saved', async () => {
		const home = await tempDir('ccdl-saved-');
		const result = await runCcdl(['search', 'save', 'bad', '--platform', 'twilio', '--user', 'AC00000000000000000000000000000000', '--all-campaigns',
			'--date-rule', 'yesterday', '--encrypt-to', 'not-a-key'], {env: {CCDL_CONFIG_DIR: path.join(home, 'config')}});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/not-a-key/);
	});

	it('runs a Webex search from cron with only the token-renewal secrets in its credentials file', async () => {
		const webex = await startVendorServer('webex-cc', ['--calls', '20', '--days', '5', '--seed', '6']);
		try {
			const line = await webex.waitForInfo(text => text.startsWith('oauth:'));
			const oauth = Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map(match => [match[1]!, match[2]!]));
			const home = await tempDir('ccdl-saved-');
			const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), CCDL_PASSWORD: undefined};
			const credentials = path.join(home, 'webex.credentials');
			await writeFile(credentials, [
				`CCDL_WEBEX_REFRESH_TOKEN=${oauth['refresh_token']}`, `CCDL_WEBEX_CLIENT_ID=${oauth['client_id']}`, `CCDL_WEBEX_CLIENT_SECRET=${oauth['client_secret']}`, '',
			].join('\n'));
			await chmod(credentials, 0o600);
			const out = path.join(home, 'tasks');
			const saved = await runCcdl(['search', 'save', 'webex-nightly', '--platform', 'webex-cc', '--server', webex.url, '--user', webex.user,
				'--all-campaigns', '--date-rule', 'previous-30-days', '--timezone', 'UTC', '--out', out], {env});
			expect(saved.code, saved.stderr).toBe(0);
			// A schedule takes the same file: it is checked as the run will read it (without a terminal nothing is installed).
			const scheduled = await runCcdl(['schedule', 'add', 'webex-nightly', '--weekly', 'mon', '--at', '02:00', '--credentials', credentials], {env});
			expect(scheduled.stderr).not.toMatch(/holds no password/);
			expect(scheduled.stdout).toMatch(/run webex-nightly --credentials/);
			const result = await runCcdl(['run', 'webex-nightly', '--credentials', credentials], {env});
			expect(result.code, result.stderr).toBe(0);
			expect((await readdir(out)).some(name => name.endsWith('.mp3'))).toBe(true);
		} finally {
			await webex.stop();
		}
	}, 60_000);
});
