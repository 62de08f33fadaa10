/**
 * A download's manifest without holding the run's contacts or rows: the contacts' columns wait in a private spool on
 * disk, and the manifest is merged with the folder's earlier one row by row. Real files in a real folder.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parse} from 'csv-parse/sync';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ContactColumnsSpool} from '../../source/lib/export/contact-spool.js';
import {type ContactColumns, manifestLines, type ManifestRow, writeManifest} from '../../source/lib/export/manifest.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import {canMount, tmpfs} from '../faults/harness.js';

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

describe('the contact spool', () => {
	it('gives back every contact\'s columns, in any order, and leaves no file behind', async () => {
		const folder = await mkdtemp(path.join(dir, 'spool-'));
		const spool = ContactColumnsSpool.open(folder);
		const refs = Array.from({length: 5000}, (_, index) => spool.put(columnsFor(index)));
		// Nothing is visible in the folder, even while the spool is open (the file is unlinked once open).
		expect(await readdir(folder)).toEqual([]);
		for (const index of [4999, 0, 2500, 1, 4998, 1234]) {
			expect(spool.read(refs[index]!)).toEqual(columnsFor(index));
		}

		// Read after more were put (the last ones may not have been written yet).
		const late = spool.put(columnsFor(6000));
		expect(spool.read(late)).toEqual(columnsFor(6000));
		expect(spool.read(refs[42]!)).toEqual(columnsFor(42));
		spool.close();
		expect(await readdir(folder)).toEqual([]);
	});

	it('keeps on in memory when the disk fills part-way through, and still gives back every contact', async ({skip}) => {
		if (!await canMount()) {
			skip();
		}

		// Room for the first write of the spool (256 kB) and not the second.
		const mount = await tmpfs('300k');
		try {
			const spool = ContactColumnsSpool.open(mount.folder);
			const refs = Array.from({length: 4000}, (_, index) => spool.put(columnsFor(index)));
			for (const index of [0, 1, 700, 1500, 2999, 3999]) {
				expect(spool.read(refs[index]!)).toEqual(columnsFor(index));
			}

			spool.close();
			expect(await readdir(mount.folder)).toEqual([]);
		} finally {
			await mount.unmount();
		}
	});

	it('keeps the columns in memory when its folder cannot be used', () => {
		const spool = ContactColumnsSpool.open(path.join(dir, 'no', 'such', 'folder'));
		const refs = Array.from({length: 3000}, (_, index) => spool.put(columnsFor(index)));
		expect(spool.read(refs[2999]!)).toEqual(columnsFor(2999));
		expect(spool.read(refs[0]!)).toEqual(columnsFor(0));
		spool.close();
	});
});

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
});
