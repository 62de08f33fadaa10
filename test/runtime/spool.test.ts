/**
 * The spools a download keeps its plan, its contacts' columns and its files' outcomes in instead of memory: records
 * come back by place and in order, across chunk boundaries, when the disk fills part-way, when the folder cannot be
 * used at all, and nothing is ever left in the folder. Real files; a real tmpfs that fills.
 */
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {OutcomeLog} from '../../source/lib/engine/outcomes.js';
import {filterList, RecordSpool} from '../../source/lib/runtime/spool.js';
import {canMount, tmpfs} from '../faults/harness.js';

let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'ccdl-spool-'));
});

afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

interface Row {
	id: string;
	name: string;
	/** Some records are far longer than a read chunk (256 kB). */
	padding?: string;
	n: number;
}

function rowFor(index: number): Row {
	return {
		id: `c${index}`, name: `Kovács "VIP"\n\u0000 ${'é'.repeat(index % 7)} #${index}`, n: index,
		...(index % 997 === 5 ? {padding: 'x'.repeat(300 * 1024)} : {}),
	};
}

describe('a record spool', () => {
	it('gives back every record by place, in any order, and all of them in order, any number of times', async () => {
		const folder = await mkdtemp(path.join(dir, 'spool-'));
		const spool = RecordSpool.open<Row>('test', folder);
		const refs = Array.from({length: 5000}, (_, index) => spool.put(rowFor(index)));
		// Nothing is visible in the folder, even while the spool is open (the file is unlinked once open).
		expect(await readdir(folder)).toEqual([]);
		for (const index of [4999, 0, 2500, 1, 4998, 1234, 5, 6]) {
			expect(spool.read(refs[index]!)).toEqual(rowFor(index));
		}

		const list = spool.list(row => row.n);
		expect(list.length).toBe(5000);
		const expected = Array.from({length: 5000}, (_, index) => index);
		expect([...list]).toEqual(expected);
		expect([...list]).toEqual(expected);
		// Read after more were put (the last ones may not have been written yet).
		const late = spool.put(rowFor(6000));
		expect(spool.read(late)).toEqual(rowFor(6000));
		expect(spool.read(refs[42]!)).toEqual(rowFor(42));
		expect([...spool.scan()].at(-1)).toEqual(rowFor(6000));
		spool.close();
		expect(() => [...spool.scan()]).toThrow(/closed/);
		expect(await readdir(folder)).toEqual([]);
	});

	it('keeps on in memory when the disk fills part-way through, and still gives back every record, in order', async ({skip}) => {
		if (!await canMount()) {
			skip();
		}

		// Room for the first write of the spool (256 kB) and not the second.
		const mount = await tmpfs('300k');
		try {
			const spool = RecordSpool.open<Row>('test', mount.folder);
			const refs = Array.from({length: 4000}, (_, index) => spool.put(rowFor(index)));
			for (const index of [0, 1, 700, 1500, 2999, 3999]) {
				expect(spool.read(refs[index]!)).toEqual(rowFor(index));
			}

			expect([...spool.list(row => row.n)]).toEqual(Array.from({length: 4000}, (_, index) => index));
			spool.close();
			expect(await readdir(mount.folder)).toEqual([]);
		} finally {
			await mount.unmount();
		}
	});

	it('keeps the records in memory when its folder cannot be used', () => {
		const spool = RecordSpool.open<Row>('test', path.join(dir, 'no', 'such', 'folder'));
		const refs = Array.from({length: 3000}, (_, index) => spool.put(rowFor(index)));
		expect(spool.read(refs[2999]!)).toEqual(rowFor(2999));
		expect(spool.read(refs[0]!)).toEqual(rowFor(0));
		expect([...spool.scan()].map(row => row.n)).toEqual(Array.from({length: 3000}, (_, index) => index));
		spool.close();
	});

	it('filters a list as it is read, and an array as an array', () => {
		const spool = RecordSpool.open<Row>('test', dir);
		for (let index = 0; index < 100; index++) {
			spool.put(rowFor(index));
		}

		const even = filterList(spool.list(), row => row.n % 2 === 0);
		expect(even.length).toBe(50);
		expect([...even].map(row => row.n)).toEqual(Array.from({length: 50}, (_, index) => index * 2));
		spool.close();
		const array = filterList([1, 2, 3, 4], value => value > 2);
		expect(Array.isArray(array)).toBe(true);
		expect(array).toEqual([3, 4]);
	});
});

describe('an outcome log', () => {
	it('holds each file\'s latest outcome by its place in the plan, and none for a file never settled', () => {
		const log = new OutcomeLog(10);
		log.set(3, {state: 'valid', sha256: 'a'.repeat(64), size: 10});
		log.set(0, {state: 'failed', code: 'http-503', reason: 'busy'});
		log.patch(3, {archivedAt: '2026-12-01T10:00:00Z'});
		// A file not settled has nothing to patch: it stays without an outcome.
		log.patch(5, {archivedAt: '2026-12-01T10:00:00Z'});
		expect(log.get(3)).toEqual({state: 'valid', sha256: 'a'.repeat(64), size: 10, archivedAt: '2026-12-01T10:00:00Z'});
		expect(log.get(0)).toEqual({state: 'failed', code: 'http-503', reason: 'busy'});
		expect(log.get(5)).toBeUndefined();
		expect(log.get(9)).toBeUndefined();
		log.close();
	});
});
