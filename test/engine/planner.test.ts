/**
 * The plan made page by page (`Planner`), as `ccdl list` and downloads make it while the listing arrives: names
 * given out on one page hold on the next, files at the destination are kept or avoided whichever page they belong
 * to, and the totals equal those of the same contacts planned at once.
 */
import {createHash} from 'node:crypto';
import {mkdir, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {type PlanOptions, Planner} from '../../source/lib/engine/plan.js';
import {parseTemplate} from '../../source/lib/naming/index.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import type {Contact} from '../../source/lib/sources/model.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {recording} from '../screens/fixtures/plan.js';

afterAll(async () => {
	await cleanup();
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A contact whose file name (by the template below) is `<name>.mp3`, with the digest of `bytes`. */
function contact(id: number, name: string, bytes = `audio ${id}`): Contact {
	return recording(id, {
		operatorName: name,
		media: {href: `/v1/recordings/${id}/media`, contentType: 'audio/mpeg', size: Buffer.byteLength(bytes), sha256: sha(bytes), etag: '"e"'},
	}) as Contact;
}

async function options(dir: string, overrides: Partial<PlanOptions> = {}): Promise<PlanOptions> {
	return {
		sink: new LocalSink(dir), template: parseTemplate('{operatorName}'), timeZone: 'UTC', overwrite: false, includeArchived: true, transcripts: 'none',
		...overrides,
	};
}

async function pagesOf(dir: string, pages: Contact[][], overrides: Partial<PlanOptions> = {}) {
	const planner = await Planner.open(await options(dir, overrides));
	const files = [];
	for (const page of pages) {
		files.push(...(await planner.add(page)).files);
	}

	return {files, totals: await planner.finish()};
}

describe('a plan made page by page', () => {
	it('gives a name taken on an earlier page a suffix on a later one, and never the same name twice', async () => {
		const dir = await tempDir();
		const {files, totals} = await pagesOf(dir, [[contact(1, 'anna'), contact(2, 'Anna')], [contact(3, 'ANNA'), contact(4, 'anna_2'), contact(5, 'bela')]]);
		const names = files.map(file => file.relativePath);
		expect(names.slice(0, 3)).toEqual(['anna.mp3', 'Anna_2.mp3', 'ANNA_3.mp3']);
		// Page 2 asks for "anna_2", which page 1 gave out: it gets a suffix of its own instead of sharing the file.
		expect(names[3]).not.toBe('anna_2.mp3');
		expect(new Set(names.map(name => name.toLowerCase())).size).toBe(names.length);
		expect(totals.collisions.inBatch).toBe(3);
	});

	it('keeps an identical file a later page owns and gives an earlier page\'s file another name', async () => {
		const dir = await tempDir();
		await writeFile(path.join(dir, 'anna.mp3'), 'audio 2');
		const {files, totals} = await pagesOf(dir, [[contact(1, 'anna')], [contact(2, 'anna')]]);
		expect(files.map(file => [file.relativePath, file.action])).toEqual([['anna_2.mp3', 'download'], ['anna.mp3', 'skip']]);
		expect(totals.identical).toBe(1);
		expect(totals.downloadBytes).toBe(Buffer.byteLength('audio 1'));
	});

	it('never keeps, as a later contact\'s copy, a file an earlier page will write over', async () => {
		const dir = await tempDir();
		await writeFile(path.join(dir, 'anna.mp3'), 'audio 2');
		const {files} = await pagesOf(dir, [[contact(1, 'anna')], [contact(2, 'anna')]], {overwrite: true});
		expect(files[0]).toMatchObject({relativePath: 'anna.mp3', action: 'download', replaces: true});
		expect(files[1]).toMatchObject({action: 'download'});
		expect(files[1]!.relativePath).not.toBe('anna.mp3');
	});

	it('plans the same files, names and totals as the whole listing at once when no page repeats a name', async () => {
		const dir = await tempDir();
		await mkdir(dir, {recursive: true});
		await writeFile(path.join(dir, 'c3.mp3'), 'audio 3');
		const contacts = Array.from({length: 30}, (_, index) => contact(index + 1, `c${index + 1}`));
		const paged = await pagesOf(dir, [contacts.slice(0, 10), contacts.slice(10, 20), contacts.slice(20)]);
		const whole = await pagesOf(dir, [contacts]);
		expect(paged.files.map(file => [file.relativePath, file.action])).toEqual(whole.files.map(file => [file.relativePath, file.action]));
		// Free space is the disk's at that moment, which tests running beside this one change.
		const {sink: _paged, freeBytes: _pagedFree, ...pagedTotals} = paged.totals;
		const {sink: _whole, freeBytes: _wholeFree, ...wholeTotals} = whole.totals;
		expect(pagedTotals).toEqual(wholeTotals);
		// Planning writes nothing.
		expect(await readdir(dir)).toEqual(['c3.mp3']);
	});

	it('hashes a page\'s files already at the destination several at a time, and still finds each one', async () => {
		const dir = await tempDir();
		const contacts = Array.from({length: 40}, (_, index) => contact(index + 1, `c${index + 1}`));
		for (const [index] of contacts.entries()) {
			await writeFile(path.join(dir, `c${index + 1}.mp3`), `audio ${index + 1}`);
		}

		// A sink that counts how many digests are under way at once, each taking a few milliseconds as a disk would.
		const sink = new LocalSink(dir);
		let running = 0;
		let most = 0;
		const digest = sink.digest.bind(sink);
		sink.digest = async (relativePath: string) => {
			running++;
			most = Math.max(most, running);
			await new Promise(resolve => setTimeout(resolve, 5));
			try {
				return await digest(relativePath);
			} finally {
				running--;
			}
		};

		const planner = await Planner.open(await options(dir, {sink}));
		const {files} = await planner.add(contacts);
		expect(files.map(file => file.action)).toEqual(contacts.map(() => 'skip'));
		expect(files.map(file => file.relativePath)).toEqual(contacts.map((_, index) => `c${index + 1}.mp3`));
		expect(most).toBeGreaterThan(1);
		expect(most).toBeLessThanOrEqual(8);
	});

	it('leaves out the kinds of file the export mode does not want, and counts only the rest', async () => {
		const dir = await tempDir();
		const withTranscript = recording(1, {transcript: {href: '/v1/recordings/1/transcript', formats: ['json']}}) as Contact;
		const {files, totals} = await pagesOf(dir, [[withTranscript]], {transcripts: 'json', wants: kind => kind === 'transcript'});
		expect(files.map(file => file.kind)).toEqual(['transcript']);
		expect(totals.bytes).toBe(0);
	});
});
