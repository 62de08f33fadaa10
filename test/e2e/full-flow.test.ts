/**
 * The whole interactive flow in a real 80×24 terminal against a separate demo server process: log in, select all
 * campaigns, type the dates, set a template, list, download, summary, quit; then the files on disk are checked
 * against the server (names, digests) and the manifest.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, isPartial, parseCsv, readManifestJsonl, sha256File, tempDir, walk} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {displayWidth, killAllTmux} from '../helpers/tmux.js';
import {
	continueFromFilters, continueToList, expectedContacts, expectedFiles, logIn, selectAllCampaigns, startApp, typeDates, typeTemplate, type ExpectedFile,
} from './flow.js';

const from = '2026-10-28';
const to = '2026-10-30';
const template = '{callId}-{campaignName}';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '3']);
});

afterAll(async () => {
	await killAllTmux();
	await server?.stop();
	await cleanup();
});

describe('the interactive app at 80×24, end to end', () => {
	it('logs in, lists what the server lists, downloads every file named by the template with its digest, writes the manifest, exits 0', async () => {
		const contacts = await expectedContacts(server.url, from, to);
		const files: ExpectedFile[] = await expectedFiles(server.url, contacts);
		expect(contacts.length).toBeGreaterThan(10);
		// The data has all kinds: recordings, screenshots and transcripts.
		expect(new Set(files.map(file => file.kind))).toEqual(new Set(['recording', 'screenshot', 'transcript']));

		const out = await tempDir('ccdl-e2e-out-');
		const app = await startApp({server: server.url, out});
		try {
			await logIn(app);
			await selectAllCampaigns(app);
			await typeDates(app, from, to);
			await continueFromFilters(app);
			// Some other template first, then Ctrl-R brings the default back, then the one wanted.
			await typeTemplate(app, '{recordId}');
			await app.press('C-r', /^› Template\s+\{callStart\}-\{campaignName\}-\{phoneNumber\}-\{terminationName\}\s*$/m);
			await typeTemplate(app, template);
			// The live preview names real recordings by it: call ID, dash, campaign name.
			const preview = await app.waitFor(/^Preview \(\d+ recordings of your filter\):\n {2}\d+-\D/m);
			expect(preview).not.toMatch(/^ {2}2026-/m);
			const first = contacts.find(contact => !contact.recycled)!;
			const {screen: list, matched} = await continueToList(app);
			expect(matched, list).toBe(contacts.length);
			// The list's first row is the first contact, named by the template.
			expect(list).toContain(`${first.id} · ${first.id}-`);

			await app.press('d', /\[Download\]|\[Summary\]/, {resend: /\[List\]/});
			const summary = await app.waitFor(/\[Summary\][\s\S]*Download finished\./, {timeoutMs: 30_000});
			expect(summary).toContain(`${files.length} valid · 0 already on disk · 0 failed`);
			expect(summary).toContain('No failures.');
			expect(summary).toContain(`Manifest: ${path.join(out, 'manifest.csv')}`);
			for (const line of summary.split('\n')) {
				expect(displayWidth(line), line).toBeLessThanOrEqual(80);
			}

			await app.press('q', screen => !screen.includes('[Summary]'), {resend: /\[Summary\]/});
			expect(await app.exitCode()).toBe(0);
			// What was done stays on the terminal after the app's screen is gone.
			expect(await app.capture({join: true, history: true})).toContain(`ccdl: ${files.length} valid, 0 already there, 0 failed → ${out}`);
		} finally {
			await app.kill();
		}

		// On disk: exactly the files and the two manifests, nothing partial left.
		const onDisk = await walk(out);
		expect(onDisk.filter(isPartial)).toEqual([]);
		const downloaded = onDisk.filter(file => file !== 'manifest.csv' && file !== 'manifest.jsonl');
		expect(onDisk).toContain('manifest.csv');
		expect(onDisk).toContain('manifest.jsonl');
		expect(downloaded).toHaveLength(files.length);

		// Every file is named by the template: its call ID, a dash, then the campaign name with the characters a file
		// name cannot hold made `_` (screenshots add their number), and the file's own extension.
		const byId = new Map(contacts.map(contact => [contact.id, contact]));
		const actual: Array<{contactId: string; sha256: string}> = [];
		for (const file of downloaded) {
			const parts = /^(\d+)-(.+?)(-screenshot-\d+)?\.(mp3|wav|png|jpg|json)$/.exec(file);
			expect(parts, file).not.toBeNull();
			const contact = byId.get(parts![1]!);
			expect(contact, file).toBeDefined();
			expect(parts![2], file).toBe(contact!.campaignName.replaceAll(/[/\\:*?"<>|]/g, '_'));
			actual.push({contactId: contact!.id, sha256: await sha256File(path.join(out, file))});
		}

		// Each file's SHA-256 is the one the server gives (listing for media and screenshots, Repr-Digest for transcripts).
		const key = (file: {contactId: string; sha256: string}) => `${file.contactId}:${file.sha256}`;
		expect(actual.map(key).sort()).toEqual(files.map(key).sort());

		// The manifest: one row per file (recycled contacts add a row without a file), in both formats.
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.map(row => row.file).sort()).toEqual([...downloaded].sort());
		for (const row of rows) {
			expect(row.status, row.file).toBe('valid');
			expect(row.file.startsWith(`${row.contactId}-`), row.file).toBe(true);
			expect(await sha256File(path.join(out, row.file)), row.file).toBe(row.sha256);
		}

		const csv = parseCsv(await readFile(path.join(out, 'manifest.csv'), 'utf8'));
		const header = csv[0]!;
		const fileColumn = header.indexOf('File');
		const shaColumn = header.indexOf('SHA-256');
		expect(fileColumn).toBeGreaterThanOrEqual(0);
		const csvRows = csv.slice(1).filter(record => record[fileColumn]);
		expect(csvRows.map(record => record[fileColumn]).sort()).toEqual([...downloaded].sort());
		expect(csvRows.map(record => record[shaColumn]).sort()).toEqual(rows.map(row => row.sha256).sort());
	});

	it('Ctrl-C on the summary quits as q does: the run\'s exit code and its outcome line', async () => {
		const out = await tempDir('ccdl-e2e-out-');
		const app = await startApp({server: server.url, out});
		try {
			await logIn(app);
			await selectAllCampaigns(app);
			// Other days than the test above, whose contacts it marked archived.
			await typeDates(app, '2026-10-25', '2026-10-27');
			await continueFromFilters(app);
			await continueToList(app);
			await app.press('d', /\[Download\]|\[Summary\]/, {resend: /\[List\]/});
			await app.waitFor(/\[Summary\][\s\S]*Download finished\./, {timeoutMs: 30_000});
			await app.send('C-c');
			expect(await app.exitCode()).toBe(0);
			expect(await app.capture({join: true, history: true})).toMatch(/^ccdl: [\d,]+ valid, 0 already there, 0 failed → /m);
		} finally {
			await app.kill();
		}
	});
});

