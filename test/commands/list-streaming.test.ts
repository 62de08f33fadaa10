/**
 * `ccdl list` plans page by page as the listing arrives (the server sends at most 1,000 recordings a page): with a
 * listing of several pages and a template under which nearly every file collides with files of other pages, the
 * JSON and the piped rows still give every file one name of its own, agree with each other and with the server, and
 * the download plans the very same names.
 */
import {execFile} from 'node:child_process';
import path from 'node:path';
import {promisify} from 'node:util';
import {readdir} from 'node:fs/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {ccdlPath, childEnvironment, cleanup, connection, listedFiles, nodePath, readManifestJsonl, runCcdl, serverListing, tempDir} from '../helpers/ccdl.js';

let server: DemoProcess;
let listing: Recording[];
// Every recording of a campaign and channel asks for the same name: collisions on every page and across pages.
const template = ['--template', '{campaignName}'];
const range = ['--from', '2026-09-01', '--to', '2026-10-31', '--timezone', 'UTC', '--include-archived'];

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '2600', '--seed', '11', '--media-size', '2000']);
	listing = await serverListing(server.url, {from: '2026-09-01T00:00:00Z', to: '2026-11-01T00:00:00Z'});
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

describe('a listing of several pages', () => {
	it('--json and piped rows plan every listed file once, under names unique across pages', async () => {
		expect(listing.length).toBeGreaterThan(2000);
		const out = await tempDir();
		const json = await runCcdl(['list', ...connection(server.url), ...range, ...template, '--out', out, '--json']);
		expect(json.code, json.stderr).toBe(0);
		// Nothing but the plan: no warning of the runtime either (a spool that leaked listeners once said one).
		expect(json.stderr).toBe('');
		const plan = JSON.parse(json.stdout) as {contacts: number; files: number; collisions: {inBatch: number}; items: Array<{fileId: string; file: string; sha256: string | null; kind: string}>};
		expect(plan.contacts).toBe(listing.length);
		expect(plan.files).toBe(plan.items.length);
		const media = listedFiles(listing);
		expect(plan.items.filter(item => item.kind !== 'transcript').map(item => item.sha256).sort()).toEqual(media.map(file => file.sha256).sort());
		const names = plan.items.map(item => item.file.normalize('NFC').toLowerCase());
		expect(new Set(names).size).toBe(names.length);
		expect(plan.collisions.inBatch).toBeGreaterThan(2000);

		const piped = await runCcdl(['list', ...connection(server.url), ...range, ...template, '--out', out]);
		expect(piped.code, piped.stderr).toBe(0);
		const [header, ...rows] = piped.stdout.trimEnd().split('\n');
		expect(header!.split('\t')).toContain('File name');
		const column = header!.split('\t').indexOf('File name');
		const pipedNames = rows.map(row => row.split('\t')[column]).filter(Boolean);
		expect(pipedNames).toEqual(plan.items.map(item => item.file));
		// One row per file, and one per contact without a file.
		expect(rows.length).toBe(plan.items.length + listing.filter(item => !item.media && item.screenshots.length === 0 && !item.transcript).length);
		expect(piped.stderr).toMatch(new RegExp(`^${listing.length} contacts, ${plan.items.length} files`, 'm'));
	});

	it('the download writes the files under the names the list planned', async () => {
		const out = await tempDir();
		const planned = await runCcdl(['list', ...connection(server.url), ...range, ...template, '--out', out, '--json', '--channel', 'voice']);
		expect(planned.code, planned.stderr).toBe(0);
		const plan = JSON.parse(planned.stdout) as {items: Array<{fileId: string; file: string}>};
		const result = await runCcdl(['download', ...connection(server.url), ...range, ...template, '--out', out, '--channel', 'voice']);
		expect(result.code, result.stderr).toBe(0);
		const rows = (await readManifestJsonl(out)).filter(row => row.file && row.fileKind !== 'transcript');
		const written = new Map(rows.map(row => [`${row.contactId}:${row.fileKind}`, row.file]));
		for (const item of plan.items.filter(item => !item.fileId.endsWith(':transcript'))) {
			expect(written.get(item.fileId), item.fileId).toBe(item.file);
			expect(path.isAbsolute(item.file)).toBe(false);
		}
	});

	it('a temporary folder that cannot hold the plan: exit 5 naming it and TMPDIR, nothing on stdout', async () => {
		const missing = path.join(await tempDir(), 'no-such-folder');
		const result = await runCcdl(['list', ...connection(server.url), ...range, '--out', await tempDir(), '--json'], {env: {TMPDIR: missing}});
		expect(result.code, result.stderr).toBe(5);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(missing);
		expect(result.stderr).toMatch(/TMPDIR/);
	});

	it('a reader that stops early (| head -1): exit 0, no error, no spool left behind', async () => {
		const spoolDir = await tempDir();
		const quote = (text: string) => `'${text.replaceAll("'", String.raw`'\''`)}'`;
		const command = [nodePath, ccdlPath, 'list', ...connection(server.url), ...range, '--out', await tempDir()].map(quote).join(' ');
		const {stdout, stderr} = await promisify(execFile)('bash', ['-c', `set -o pipefail; ${command} | head -1`], {
			env: childEnvironment({CCDL_PASSWORD: 'demo', TMPDIR: spoolDir}),
		});
		expect(stdout.split('\t')[0]).toBe('ID');
		expect(stderr).toBe('');
		expect(await readdir(spoolDir)).toEqual([]);
	});

	it('a reader of download --json that stops early: the run still finishes its files and manifest, exit 0, no crash', async () => {
		const out = await tempDir();
		const quote = (text: string) => `'${text.replaceAll("'", String.raw`'\''`)}'`;
		const command = [nodePath, ccdlPath, 'download', ...connection(server.url), ...range, '--channel', 'chat', '--no-archive', '--json', '--out', out]
			.map(quote).join(' ');
		const {stdout, stderr} = await promisify(execFile)('bash', ['-c', `set -o pipefail; ${command} | head -1`], {
			env: childEnvironment({CCDL_PASSWORD: 'demo', CCDL_DATA_DIR: await tempDir(), CCDL_CONFIG_DIR: await tempDir()}),
		});
		expect(JSON.parse(stdout)).toHaveProperty('type');
		expect(stderr).not.toMatch(/node:events|Unhandled|internal error/);
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every(row => row.status === 'valid')).toBe(true);
	});
});
