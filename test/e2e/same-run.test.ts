/**
 * One pipeline, whoever starts the run: the same filter on the same demo data, once through the interactive app in
 * tmux and once with `ccdl download`, gives the same manifest rows and the same journal records. Two demo servers
 * with one seed serve the same data, so the app's archive marks do not change what the headless run lists.
 */
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, connection, readManifestJsonl, runCcdl, tempDir} from '../helpers/ccdl.js';
import {type DemoProcess, startDemoProcess} from '../helpers/demo-server.js';
import {killAllTmux} from '../helpers/tmux.js';
import {continueFromFilters, continueToList, logIn, selectAllCampaigns, startApp, typeDates, typeTemplate} from './flow.js';

const from = '2026-10-29';
const to = '2026-10-30';
const template = '{callId}-{campaignName}';
let first: DemoProcess;
let second: DemoProcess;

beforeAll(async () => {
	[first, second] = await Promise.all([startDemoProcess(['--calls', '200', '--seed', '8']), startDemoProcess(['--calls', '200', '--seed', '8'])]);
});

afterAll(async () => {
	await killAllTmux();
	await Promise.all([first?.stop(), second?.stop()]);
	await cleanup();
});

/** What must agree between two runs: every row but the times it was made. */
function comparable(rows: Awaited<ReturnType<typeof readManifestJsonl>>) {
	return rows.map(row => ({...row, archivedAt: row.archivedAt ? 'set' : ''})).sort((a, b) => `${a.contactId}:${a.file}`.localeCompare(`${b.contactId}:${b.file}`));
}

function journalItems(dataDir: string) {
	const database = new DatabaseSync(path.join(dataDir, 'journal.db'), {readOnly: true});
	try {
		const rows = database.prepare('SELECT recording_id, file_id, path, size, sha256, status, archived_at FROM items ORDER BY file_id').all() as Array<Record<string, unknown>>;
		return rows.map(row => ({...row, archived_at: row['archived_at'] ? 'set' : null}));
	} finally {
		database.close();
	}
}

describe('the app and ccdl download are one pipeline', () => {
	it('give the same manifest rows and the same journal records for the same filter', async () => {
		const appHome = await tempDir('ccdl-same-app-');
		const appOut = path.join(appHome, 'calls');
		const appData = path.join(appHome, 'data');
		const app = await startApp({server: first.url, out: appOut, env: {CCDL_DATA_DIR: appData}});
		try {
			await logIn(app);
			await selectAllCampaigns(app);
			await typeDates(app, from, to);
			await continueFromFilters(app);
			await typeTemplate(app, template);
			await continueToList(app);
			await app.press('d', /\[Download\]|\[Summary\]/, {resend: /\[List\]/});
			await app.waitFor(/\[Summary\][\s\S]*Download finished\./, {timeoutMs: 30_000});
			await app.press('q', screen => !screen.includes('[Summary]'), {resend: /\[Summary\]/});
			expect(await app.exitCode()).toBe(0);
		} finally {
			await app.kill();
		}

		const cliHome = await tempDir('ccdl-same-cli-');
		const cliOut = path.join(cliHome, 'calls');
		const cliData = path.join(cliHome, 'data');
		const result = await runCcdl(['download', ...connection(second.url), '--company', 'demo', '--from', from, '--to', to, '--timezone', 'UTC',
			'--template', template, '--out', cliOut], {env: {CCDL_DATA_DIR: cliData, CCDL_CONFIG_DIR: path.join(cliHome, 'config')}});
		expect(result.code, result.stderr).toBe(0);

		const appRows = comparable(await readManifestJsonl(appOut));
		expect(appRows.length).toBeGreaterThan(10);
		expect(comparable(await readManifestJsonl(cliOut))).toEqual(appRows);

		const relative = (items: ReturnType<typeof journalItems>, root: string) => items.map(item => ({...item, path: typeof item['path'] === 'string' ? path.relative(root, item['path']) : item['path']}));
		const appItems = relative(journalItems(appData), appOut);
		expect(appItems.length).toBeGreaterThan(10);
		expect(relative(journalItems(cliData), cliOut)).toEqual(appItems);
	}, 120_000);
});
