/**
 * What the app remembers from the last login (config.json) fills the login screen, but the platform goes with the
 * server it was remembered with: --server naming another server starts on ccdl's own API.
 */
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {killAllTmux} from '../helpers/tmux.js';
import {startApp} from './flow.js';

afterAll(async () => {
	await killAllTmux();
	await cleanup();
});

describe('the remembered platform', () => {
	it('applies with its own server, not with --server naming another one', async () => {
		const config = await tempDir('ccdl-e2e-config-');
		await writeFile(path.join(config, 'config.json'), JSON.stringify({platform: 'twilio', server: 'https://api.twilio.example', username: 'AC0123'}));
		const other = await startApp({server: 'http://127.0.0.1:9', out: await tempDir('ccdl-e2e-out-'), env: {CCDL_CONFIG_DIR: config}});
		try {
			expect(await other.waitFor(/Platform/)).toMatch(/\(•\) ccdl's API/);
		} finally {
			await other.kill();
		}

		const same = await startApp({server: 'https://api.twilio.example', out: await tempDir('ccdl-e2e-out-'), env: {CCDL_CONFIG_DIR: config}});
		try {
			expect(await same.waitFor(/Platform/)).toMatch(/\(•\) Twilio/);
		} finally {
			await same.kill();
		}
	});
});
