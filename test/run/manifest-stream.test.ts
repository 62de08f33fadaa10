/**
 * A download's manifest without holding the run's rows: it is merged with the folder's earlier one row by row (the
 * spools the rows are read from: test/runtime/spool.test.ts). Real files in a real folder.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parse} from 'csv-parse/sync';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type ContactColumns, manifestLines, type ManifestRow, writeManifest} from '../../source/lib/export/manifest.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';

let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'ccdl-manifest-stream-'));
});

afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

function columnsFor(index: number): ContactColumns {
	return {
		contactId: `c${index}`, recordId: `r${index}`, channel: 'voice', contactType: 'call', campaignId: '7', campaignName: 'Lakossági — ügyfél "VIP", 2.',
		agentId: 'a1', agentLastName: 'Kovács', agentFirstName: 'Árvíztűrő', groupName: 'g', teamName: 't', callingNumber: `+3612${index}`,
		calledNumber: '=HYPERLINK("x")', externalParty: '', subject: 'line\nbreak', direction: 'incoming', terminationId: '', terminationName: '',
		date: '01/12/2026', time: '09:00 AM', timeZone: 'Europe/Budapest', callStart: '2026-12-01T08:00:00Z', connectedAt: '', callEnd: '',
		callDuration: '00:01:00',
	};
}

function row(contactId: string, file: string, status: ManifestRow['status'], extra: Partial<ManifestRow> = {}): ManifestRow {
	return {
		...columnsFor(Number(contactId.slice(1))), contactId, file, fileKind: file ? 'recording' : '', fileType: file ? 'mp3' : '', size: file ? 10 : '',
		sha256: '', archivedAt: '', status, error: '', ...extra,
	};
}

describe('writing the manifest row by row', () => {
	it('merges with the folder\'s earlier manifest: replaced rows go, kept ones stay, and the CSV holds the same rows', async () => {
		const out = await mkdtemp(path.join(dir, 'out-'));
		const earlier = [
			row('c1', 'a/one.mp3', 'valid', {sha256: '1'.repeat(64)}),
			row('c2', 'a/two.mp3', 'valid'),
			row('c3', '', 'limited'),
			row('c4', 'a/four.mp3', 'failed'),
			row('c9', 'a/nine.mp3', 'valid'),
		];
		await writeFile(path.join(out, 'manifest.jsonl'), `${earlier.map(item => JSON.stringify(item)).join('\n')}\n{damaged\n`);
		const now = [
			// Only planned this time: the earlier valid row describes the file.
			row('c1', 'a/one.mp3', 'planned'),
			// Found identical: valid, with this run's columns.
			row('c2', 'a/two.mp3', 'skipped-identical', {sha256: '2'.repeat(64)}),
			// Limited before, exported now: its old 'limited' row goes.
			row('c3', 'a/three.mp3', 'valid'),
			row('c4', 'a/four.mp3', 'valid'),
			row('c5', 'a/five.mp3', 'valid'),
			row('c6', '', 'limited'),
		];
		let calls = 0;
		const sink = new LocalSink(out);
		const made = () => {
			calls++;
			return now.values();
		};
		await writeManifest(sink, {rows: made, keys: made});
		expect(calls).toBeGreaterThan(1);
		const written = [...manifestLines(await readFile(path.join(out, 'manifest.jsonl'), 'utf8'))];
		const byKey = new Map(written.map(item => [`${item.file || item.contactId}:${item.status}`, item]));
		expect(written.map(item => `${item.contactId} ${item.file} ${item.status}`)).toEqual([
			'c1 a/one.mp3 valid',
			'c9 a/nine.mp3 valid',
			'c2 a/two.mp3 valid',
			'c3 a/three.mp3 valid',
			'c4 a/four.mp3 valid',
			'c5 a/five.mp3 valid',
			'c6  limited',
		]);
		expect(byKey.get('a/one.mp3:valid')?.sha256).toBe('1'.repeat(64));
		expect(byKey.get('a/two.mp3:valid')?.sha256).toBe('2'.repeat(64));
		const csv = parse(await readFile(path.join(out, 'manifest.csv'), 'utf8'), {columns: true}) as Array<Record<string, string>>;
		expect(csv.map(item => `${item['Contact ID']} ${item['File']} ${item['Status']}`)).toEqual(written.map(item => `${item.contactId} ${item.file} ${item.status}`));
		// Server text a spreadsheet would run stays inert in the CSV, and exact in the JSON lines.
		expect(csv[0]!['Called Number']).toBe('\'=HYPERLINK("x")');
		expect(written[0]!.calledNumber).toBe('=HYPERLINK("x")');
		expect(await readdir(out)).toEqual(['manifest.csv', 'manifest.jsonl']);
	});

	it('server text with terminal controls is shown escaped in manifest.csv, raw-safe in manifest.jsonl, and the same value read back', async () => {
		const out = await mkdtemp(path.join(dir, 'out-'));
		const hostile = '\u001B[31mRed\u001B]0;pwned\u0007 \u009B2J \u202Egnp.exe';
		const now = [row('c1', 'a/one.mp3', 'valid', {campaignName: hostile})];
		await writeManifest(new LocalSink(out), {rows: () => now.values(), keys: () => now.values()});
		const csvText = await readFile(path.join(out, 'manifest.csv'), 'utf8');
		const jsonlText = await readFile(path.join(out, 'manifest.jsonl'), 'utf8');
		for (const text of [csvText, jsonlText]) {
			// eslint-disable-next-line no-control-regex
			expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E]/);
		}

		const csv = parse(csvText, {columns: true}) as Array<Record<string, string>>;
		expect(csv[0]!['Campaign Name']).toBe('\\x1b[31mRed\\x1b]0;pwned\\x07 \\x9b2J \\u{202e}gnp.exe');
		expect([...manifestLines(jsonlText)][0]!.campaignName).toBe(hostile);
	});

	it('reads the earlier manifest as it streams: CRLF line ends, blank lines, a damaged line, a row longer than a read', async () => {
		const out = await mkdtemp(path.join(dir, 'out-'));
		const long = row('c1', 'a/one.mp3', 'valid', {subject: 'ő'.repeat(200_000)});
		const lines = [JSON.stringify(long), '', JSON.stringify(row('c2', 'a/two.mp3', 'valid')), '{"cut short', JSON.stringify(row('c3', '', 'metadata'))];
		await writeFile(path.join(out, 'manifest.jsonl'), `${lines.join('\r\n')}\r\n`);
		const now = [row('c4', 'a/four.mp3', 'valid')];
		const result = await writeManifest(new LocalSink(out), {rows: () => now.values(), keys: () => now.values()});
		expect(result.damaged).toBe(1);
		const written = [...manifestLines(await readFile(path.join(out, 'manifest.jsonl'), 'utf8'))];
		expect(written.map(item => `${item.contactId} ${item.file} ${item.status}`)).toEqual(['c1 a/one.mp3 valid', 'c2 a/two.mp3 valid', 'c3  metadata', 'c4 a/four.mp3 valid']);
		expect(written[0]!.subject).toBe(long.subject);
	});
});
