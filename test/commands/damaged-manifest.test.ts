/**
 * A manifest.jsonl edited by hand or cut short: `ccdl verify` names the damage (exit 1) instead of crashing, the next
 * download leaves the damaged lines out and says so, and the folder verifies clean again. A destination that is not
 * a folder is one sentence and exit 5. A contact exported as metadata only, then with its files, is described by its
 * files alone.
 */
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, parseCsv, readManifestJsonl, runCcdl, tempDir} from '../helpers/ccdl.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '40', '--seed', '17', '--media-size', '2000']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

const download = (out: string, ...extra: string[]) => runCcdl(['download', ...connection(server.url), '--timezone', 'UTC', '--include-archived', '--out', out, ...extra]);

describe('a damaged manifest', () => {
	it('is named by verify, left out by the next download, and the folder verifies clean again', async () => {
		const out = await tempDir();
		const first = await download(out);
		expect(first.code, first.stderr).toBe(0);
		const good = await readManifestJsonl(out);
		const files = good.filter(row => row.file);
		expect(files.length).toBeGreaterThan(10);
		const [victim] = files;
		// A row whose file is a number, an object, an array, a line cut short, a row of no known status, an empty object.
		const text = await readFile(path.join(out, 'manifest.jsonl'), 'utf8');
		const damagedLines = [
			JSON.stringify({...victim, file: 12_345}),
			JSON.stringify({...victim, file: {a: 1}, storedSha256: 'x'}),
			JSON.stringify(['x']),
			JSON.stringify({...victim, status: 'whatever', file: 'ghost.mp3'}),
			'{}',
			'{"contactId": "1", "file": "cut-sho',
		];
		await writeFile(path.join(out, 'manifest.jsonl'), `${text}${damagedLines.join('\n')}\n`);

		const verified = await runCcdl(['verify', out]);
		expect(verified.stderr).not.toMatch(/internal error/);
		expect(verified.code, verified.stdout + verified.stderr).toBe(1);
		expect(verified.stdout).toContain(`damaged  ${damagedLines.length} lines of manifest.jsonl`);
		expect(verified.stdout).toContain(`${files.length} of ${files.length} files match`);

		const again = await download(out);
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toContain(`${damagedLines.length} damaged lines of the earlier manifest.jsonl were left out`);
		const rows = await readManifestJsonl(out);
		for (const row of rows) {
			expect(typeof row.file, JSON.stringify(row)).toBe('string');
			expect(row.contactId, JSON.stringify(row)).not.toBe('');
		}

		const described = rows.filter(row => row.file).map(row => row.file);
		expect(new Set(described).size).toBe(described.length);
		expect(described.sort()).toEqual(files.map(row => row.file).sort());
		const csv = parseCsv(await readFile(path.join(out, 'manifest.csv'), 'utf8'));
		expect(csv).toHaveLength(rows.length + 1);
		expect(csv.flat().some(cell => cell.includes('[object Object]'))).toBe(false);

		const clean = await runCcdl(['verify', out]);
		expect(clean.code, clean.stdout).toBe(0);
	});

	it('a destination that is a file, or whose manifest cannot be read, is one sentence and exit 5', async () => {
		const folder = await tempDir();
		const file = path.join(folder, 'a-file');
		await writeFile(file, 'not a folder');
		const result = await runCcdl(['verify', file]);
		expect(result.code, result.stderr).toBe(5);
		expect(result.stderr.trim()).toBe(`ccdl: Cannot read ${file}: part of the path is a file, not a folder.`);
		const hungarian = await runCcdl(['verify', '--lang', 'hu', file]);
		expect(hungarian.code).toBe(5);
		expect(hungarian.stderr.trim()).toBe(`ccdl: Nem olvasható: ${file} (az útvonal egy része fájl, nem mappa).`);
	});
});

describe('a manifest the destination could not take', () => {
	it('is written to a fallback folder, and the next run into the destination describes those files in full from it', async () => {
		// A server of its own: nothing archived yet by the tests above.
		const own = await startDemoProcess(['--calls', '30', '--seed', '23', '--media-size', '1500']);
		try {
			await fallbackThenRerun(own.url);
		} finally {
			await own.stop();
		}
	});
});

/** A download whose manifest went to the fallback folder, then a run into the same folder that lists none of its contacts. */
async function fallbackThenRerun(url: string) {
	const out = await tempDir();
	// A folder where manifest.jsonl should be: the destination takes the files but not the manifest.
	await mkdir(path.join(out, 'manifest.jsonl'));
	const first = await runCcdl(['download', ...connection(url), '--timezone', 'UTC', '--out', out, '--channel', 'voice']);
	expect(first.stderr).toContain('(the destination could not take it)');
	const fallback = /Manifest: (\S+manifest\.csv)/.exec(first.stderr)?.[1];
	expect(fallback, first.stderr).toBeDefined();
	expect(fallback!.startsWith(out)).toBe(false);
	const written = (await readFile(fallback!.replace(/\.csv$/, '.jsonl'), 'utf8')).trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
	const files = written.filter(row => row['file']);
	expect(files.length).toBeGreaterThan(3);

	await rm(path.join(out, 'manifest.jsonl'), {recursive: true});
	// Those contacts are archived now: this run lists none of them, and the journal knows their files.
	const again = await runCcdl(['download', ...connection(url), '--timezone', 'UTC', '--out', out, '--channel', 'voice']);
	expect(again.code, again.stderr).toBe(0);
	const rows = await readManifestJsonl(out);
	expect(rows.map(row => row.file).sort()).toEqual(files.map(row => row['file']).sort());
	for (const row of rows) {
		const before = files.find(item => item['file'] === row.file)!;
		expect(row, row.file).toEqual(expect.objectContaining({
			contactId: before['contactId'], agentLastName: before['agentLastName'], campaignName: before['campaignName'], callStart: before['callStart'],
			date: before['date'], sha256: before['sha256'], status: 'valid',
		}));
		expect(row.campaignName).not.toBe('');
	}

	const verified = await runCcdl(['verify', out]);
	expect(verified.code, verified.stdout).toBe(0);
}

describe('metadata only, then the files', () => {
	it('a contact described by its files loses its earlier metadata-only row', async () => {
		const out = await tempDir();
		const metadata = await download(out, '--mode', 'metadata-only', '--no-archive');
		expect(metadata.code, metadata.stderr).toBe(0);
		const before = await readManifestJsonl(out);
		expect(before.filter(row => row.status === 'metadata').length).toBeGreaterThan(10);
		const full = await download(out);
		expect(full.code, full.stderr).toBe(0);
		const rows = await readManifestJsonl(out);
		const withFiles = new Set(rows.filter(row => row.file).map(row => row.contactId));
		expect(withFiles.size).toBeGreaterThan(10);
		expect(rows.filter(row => row.status === 'metadata' && withFiles.has(row.contactId))).toEqual([]);
		// The folder's manifest still names every contact: those without files keep their metadata rows.
		const contacts = new Set(before.map(row => row.contactId));
		expect(contacts.size).toBeGreaterThan(0);
		for (const contact of contacts) {
			expect(rows.some(row => row.contactId === contact), contact).toBe(true);
		}

		const verified = await runCcdl(['verify', out]);
		expect(verified.code, verified.stdout).toBe(0);
	});
});
