/**
 * The run pipeline's guarantees hold wherever a run starts: `ccdl download` and `ccdl run` (the real binary, as
 * separate processes) are journaled and shown by `ccdl history`, trimmed by limits with exit 6 and 'limited'
 * manifest rows, kept apart by claims, and honour --mode.
 */
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, connection, readManifestJsonl, runCcdl, startCcdl, tempDir, walk} from '../helpers/ccdl.js';
import {type DemoProcess, startDemoProcess} from '../helpers/demo-server.js';

let demo: DemoProcess;

beforeAll(async () => {
	demo = await startDemoProcess(['--calls', '60', '--seed', '21', '--days', '5']);
});

afterAll(async () => {
	await demo.stop();
	await cleanup();
});

/** A journal, config folder and download folder of their own: limits and history of one test never leak. */
async function isolated() {
	const home = await tempDir('ccdl-run-');
	const env = {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data')};
	return {out: path.join(home, 'out'), env, home};
}

// Archived contacts too: every test sees the same contacts whatever an earlier one marked archived.
const voice = ['--channel', 'voice', '--timezone', 'UTC', '--include-archived'];

interface HistoryRun {
	id: number;
	user: string;
	search: string | null;
	outcome: string;
	counts: Record<string, number>;
	manifestPath: string | null;
}

async function history(env: Record<string, string>): Promise<HistoryRun[]> {
	const listed = await runCcdl(['history', '--json'], {env});
	expect(listed.code, listed.stderr).toBe(0);
	const parsed = JSON.parse(listed.stdout) as HistoryRun[] | {runs: HistoryRun[]};
	return Array.isArray(parsed) ? parsed : parsed.runs;
}

describe('one pipeline for every run', () => {
	it('a headless download is in the journal and in ccdl history', async () => {
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...connection(demo.url), ...voice, '--out', out], {env});
		expect(result.code, result.stderr).toBe(0);
		const runs = await history(env);
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({user: 'admin', outcome: 'ok', manifestPath: path.join(out, 'manifest.csv')});
		expect(runs[0]!.counts['valid']).toBeGreaterThan(0);
	});

	it('a per-run limit of N takes exactly N contacts, exits 6, says so, and gives the rest "limited" manifest rows', async () => {
		const {out, env} = await isolated();
		const set = await runCcdl(['limits', 'set', '--per-run', '3'], {env});
		expect(set.code, set.stderr).toBe(0);
		const result = await runCcdl(['download', ...connection(demo.url), ...voice, '--out', out], {env});
		expect(result.code, result.stderr).toBe(6);
		expect(result.stderr).toMatch(/per-run limit of 3 contacts/);
		const rows = await readManifestJsonl(out);
		const valid = new Set(rows.filter(row => row.status === 'valid').map(row => row.contactId));
		expect(valid.size).toBe(3);
		expect(rows.filter(row => row.status === 'limited').length).toBeGreaterThan(0);
		const media = (await walk(out)).filter(file => file.endsWith('.mp3'));
		expect(media).toHaveLength(3);
		const runs = await history(env);
		expect(runs[0]).toMatchObject({outcome: 'limit'});
	});

	it('a saved search run by ccdl run is recorded with its name, and its limit holds too (exit 6)', async () => {
		const {out, env} = await isolated();
		// A server of its own: nothing on it was marked archived by the tests before.
		const own = await startDemoProcess(['--calls', '40', '--seed', '22', '--days', '20', '--until', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)]);
		const saved = await runCcdl(['search', 'save', 'nightly', '--server', own.url, '--user', 'admin', '--all-campaigns', '--channel', 'voice',
			'--date-rule', 'previous-30-days', '--timezone', 'UTC', '--include-archived', '--out', out], {env});
		expect(saved.code, saved.stderr).toBe(0);
		expect((await runCcdl(['limits', 'set', '--per-run', '2'], {env})).code).toBe(0);
		const result = await runCcdl(['run', 'nightly'], {env});
		expect(result.code, `${result.stderr}`).toBe(6);
		const runs = await history(env);
		expect(runs[0]).toMatchObject({search: 'nightly', outcome: 'limit'});
		expect(new Set((await readManifestJsonl(out)).filter(row => row.status === 'valid').map(row => row.contactId)).size).toBe(2);
		await own.stop();
	});

	it('--mode metadata-only writes the manifest and no media; transcripts-only only transcripts', async () => {
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...connection(demo.url), '--timezone', 'UTC', '--out', out, '--mode', 'metadata-only'], {env});
		expect(result.code, result.stderr).toBe(0);
		expect((await readdir(out)).sort()).toEqual(['manifest.csv', 'manifest.jsonl']);
		const rows = await readManifestJsonl(out);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every(row => row.file === '')).toBe(true);

		const transcripts = path.join(out, '..', 'transcripts');
		const only = await runCcdl(['download', ...connection(demo.url), '--timezone', 'UTC', '--out', transcripts, '--mode', 'transcripts-only', '--include-archived'], {env});
		expect(only.code, only.stderr).toBe(0);
		const files = (await walk(transcripts)).filter(file => !file.startsWith('manifest.'));
		expect(files.length).toBeGreaterThan(0);
		expect(files.every(file => file.endsWith('.json'))).toBe(true);
	});

	it('a bad --mode is a usage error before any password is asked', async () => {
		const result = await runCcdl(['download', ...connection(demo.url), '--mode', 'everything'], {env: {CCDL_PASSWORD: undefined}});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--mode must be full, metadata-only, transcripts-only/);
	});

	it('two downloads started together into one folder fetch each recording once', async () => {
		const {out, env} = await isolated();
		const reset = await fetch(`${demo.url}/_demo/stats/reset`, {method: 'POST'});
		expect(reset.ok).toBe(true);
		const args = ['download', ...connection(demo.url), ...voice, '--out', out, '--no-archive', '--concurrency', '2'];
		const [first, second] = await Promise.all([startCcdl(args, {env}).done, startCcdl(args, {env}).done]);
		expect(first.code, first.stderr).toBe(0);
		expect(second.code, second.stderr).toBe(0);
		const stats = await (await fetch(`${demo.url}/_demo/stats`)).json() as {mediaRequests: number};
		const media = (await walk(out)).filter(file => file.endsWith('.mp3'));
		// Each recording's bytes were requested by one of the two processes only.
		expect(stats.mediaRequests).toBe(media.length);
		const rows = await readManifestJsonl(out);
		expect(rows.filter(row => row.status === 'failed')).toEqual([]);
		expect(new Set(rows.filter(row => row.file.endsWith('.mp3')).map(row => row.file)).size).toBe(media.length);
	});

	it('dates in file names and the manifest are in the zone the user chose, and the manifest says which', async () => {
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...connection(demo.url), '--channel', 'voice', '--include-archived', '--no-archive', '--timezone', 'Asia/Tokyo', '--out', out], {env});
		expect(result.code, result.stderr).toBe(0);
		const rows = (await readManifestJsonl(out)).filter(row => row.status === 'valid');
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			const record = row as unknown as {timeZone: string; date: string; time: string; callStart: string; file: string};
			expect(record.timeZone).toBe('Asia/Tokyo');
			const tokyo = new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Tokyo', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'})
				.formatToParts(new Date(record.callStart));
			const part = (type: string) => tokyo.find(item => item.type === type)!.value;
			expect(record.date).toBe(`${part('day')}/${part('month')}/${part('year')}`);
			// The default template starts with the call start, as YYYY-MM-DD_HH-mm-ss in the chosen zone.
			expect(record.file.startsWith(`${part('year')}-${part('month')}-${part('day')}_${part('hour')}-${part('minute')}-${part('second')}-`), record.file).toBe(true);
		}
	});

	it('speaks Hungarian with --lang hu (or a Hungarian locale), and refuses a language it does not have', async () => {
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...connection(demo.url), ...voice, '--no-archive', '--out', out, '--lang', 'hu'], {env});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toMatch(/^\d+ kapcsolat, \d+ fájl/m);
		expect(result.stderr).toMatch(/^Kész: \d+ érvényes, \d+ már megvolt, 0 hibás/m);
		const byLocale = await runCcdl(['list', ...connection(demo.url), ...voice, '--out', out], {env: {...env, LC_ALL: 'hu_HU.UTF-8'}});
		expect(byLocale.stderr + byLocale.stdout).toMatch(/csatornánként: voice \d+/);
		const refused = await runCcdl(['download', ...connection(demo.url), '--lang', 'de'], {env});
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/--lang must be en or hu/);
	});
});
