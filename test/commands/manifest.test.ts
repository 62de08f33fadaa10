/**
 * One download with `--json` into sub-folders: the JSON-lines progress on stdout, and the manifest beside the
 * files (manifest.csv as RFC 4180, manifest.jsonl matching the files on disk, recycled contacts as rows only).
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, type CcdlResult, listedFiles, type ManifestLine, parseCsv, readManifestJsonl, runCcdl, serverListing,
	sha256File, tempDir, walk,
} from '../helpers/ccdl.js';

let server: DemoProcess;
let out: string;
let listing: Recording[];
let expected: Recording[];
let result: CcdlResult;
let rows: ManifestLine[];
const template = '{campaignName}/{callStart:YYYY-MM-DD}/{callStart}-{phoneNumber}-{callId}';

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '3000']);
	listing = await serverListing(server.url, {from: '2026-10-02T00:00:00Z', to: '2026-10-08T00:00:00Z'});
	expected = listing.filter(item => !item.archived);
	out = await tempDir();
	result = await runCcdl(['download', ...connection(server.url), '--from', '2026-10-02', '--to', '2026-10-07', '--timezone', 'UTC',
		'--template', template, '--out', out, '--json']);
	rows = await readManifestJsonl(out);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

interface Line {
	type: string;
	at: string;
	[key: string]: unknown;
}

describe('--json progress', () => {
	it('stdout is JSON lines only, with queued, started, validated and archived events and a final summary; stderr stays empty', () => {
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout.endsWith('\n')).toBe(true);
		const lines = result.stdout.trimEnd().split('\n').map(line => JSON.parse(line) as Line);
		const files = rows.filter(row => row.file);
		const of = (type: string) => lines.filter(line => line.type === type);
		expect(of('queued')).toHaveLength(files.length);
		expect(of('started').length).toBeGreaterThanOrEqual(files.length);
		expect(of('validated')).toHaveLength(files.length);
		expect(of('failed')).toEqual([]);
		expect(of('archived')).toHaveLength(new Set(files.map(row => row.contactId)).size);
		expect(of('finished')).toEqual([expect.objectContaining({interrupted: false})]);
		for (const line of lines.filter(item => item.type !== 'summary')) {
			expect(Number.isNaN(Date.parse(line.at)), JSON.stringify(line)).toBe(false);
		}

		// Each validated event names a file of the manifest with its digest and size.
		const byFile = new Map(files.map(row => [row.file, row]));
		for (const event of of('validated') as Array<Line & {path: string; sha256: string; size: number}>) {
			expect(byFile.get(event.path)?.sha256, event.path).toBe(event.sha256);
			expect(byFile.get(event.path)?.size, event.path).toBe(event.size);
		}

		const summary = lines.at(-1)!;
		expect(summary).toMatchObject({
			type: 'summary', valid: files.length, skipped: 0, failed: 0, interrupted: false, archiveFailures: 0, outDir: out,
			manifest: path.join(out, 'manifest.csv'),
		});
		expect(lines.filter(line => line.type === 'summary')).toHaveLength(1);
		// Coalesced: events come in batches (one timestamp each), at most about ten a second.
		const batches = new Set(lines.filter(line => line.type !== 'summary').map(line => line.at)).size;
		expect(batches).toBeLessThanOrEqual(Math.ceil(Number(summary['durationMs']) / 100) + 3);
	});
});

describe('the manifest', () => {
	it('manifest.jsonl describes exactly the files on disk, with their SHA-256', async () => {
		const files = rows.filter(row => row.file);
		expect(files.every(row => row.status === 'valid')).toBe(true);
		const onDisk = (await walk(out)).filter(file => file !== 'manifest.csv' && file !== 'manifest.jsonl');
		expect(onDisk).toEqual(files.map(row => row.file).sort());
		for (const row of files) {
			expect(await sha256File(path.join(out, ...row.file.split('/'))), row.file).toBe(row.sha256);
			expect(row.file.split('/')).toHaveLength(3);
		}

		expect(files.filter(row => row.fileKind !== 'transcript').map(row => row.sha256).sort())
			.toEqual(listedFiles(expected).map(file => file.sha256).sort());
		expect(files.some(row => row.fileKind === 'screenshot')).toBe(true);
		expect(files.some(row => row.fileKind === 'transcript')).toBe(true);
		// Archived on the server by this run, and the manifest says when.
		expect(files.every(row => !Number.isNaN(Date.parse(row.archivedAt)))).toBe(true);
	});

	it('recycled contacts appear with ###### and status recycled, and no file', () => {
		const recycled = expected.filter(item => item.recycled);
		expect(recycled.length).toBeGreaterThan(0);
		const recycledRows = rows.filter(row => row.status === 'recycled');
		expect(recycledRows.map(row => row.contactId).sort()).toEqual(recycled.map(item => item.id).sort());
		for (const row of recycledRows) {
			expect(row).toMatchObject({file: '', sha256: '', size: '', campaignName: '######', callStart: '######', agentLastName: '######'});
		}

		expect(rows.filter(row => !row.file).every(row => row.status === 'recycled')).toBe(true);
	});

	it('manifest.csv is RFC 4180 and holds the same rows as manifest.jsonl', async () => {
		const text = await readFile(path.join(out, 'manifest.csv'), 'utf8');
		expect(text.startsWith('\uFEFF')).toBe(false);
		expect(text.endsWith('\r\n')).toBe(true);
		const records = parseCsv(text);
		const [header, ...body] = records;
		for (const column of ['Contact ID', 'Campaign Name', 'File', 'Size', 'SHA-256', 'Status', 'Error', 'Call Start']) {
			expect(header).toContain(column);
		}

		expect(body.every(record => record.length === header!.length)).toBe(true);
		expect(body).toHaveLength(rows.length);
		const column = (name: string) => header!.indexOf(name);
		for (const [index, record] of body.entries()) {
			const row = rows[index]!;
			expect(record[column('Contact ID')]).toBe(row.contactId);
			expect(record[column('Campaign Name')]).toBe(row.campaignName);
			expect(record[column('File')]).toBe(row.file);
			expect(record[column('Size')]).toBe(String(row.size));
			expect(record[column('SHA-256')]).toBe(row.sha256);
			expect(record[column('Status')]).toBe(row.status);
		}

		// Quotes and separators in the data are escaped, not lost.
		const quoted = rows.find(row => row.campaignName.includes('"'));
		expect(quoted).toBeDefined();
		expect(text).toContain(`"${quoted!.campaignName.replaceAll('"', '""')}"`);
	});

	it('a later run into the same folder keeps the earlier rows (and --csv-bom starts the CSV with a BOM)', async () => {
		const again = await runCcdl(['download', ...connection(server.url), '--from', '2026-10-02', '--to', '2026-10-07', '--timezone', 'UTC',
			'--template', template, '--out', out, '--csv-bom']);
		expect(again.code, again.stderr).toBe(0);
		// The earlier rows this run does not replace come first, then this run's: the same rows, in another order.
		const later = await readManifestJsonl(out);
		const order = (list: typeof rows) => list.map(item => JSON.stringify(item)).sort();
		expect(later).toHaveLength(rows.length);
		expect(order(later)).toEqual(order(rows));
		const text = await readFile(path.join(out, 'manifest.csv'), 'utf8');
		expect(text.startsWith('\uFEFF')).toBe(true);
		expect(parseCsv(text.slice(1))).toHaveLength(rows.length + 1);
		const verify = await runCcdl(['verify', out]);
		expect(verify.code, verify.stdout).toBe(0);
	});
});
