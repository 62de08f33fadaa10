/**
 * The demo server writes listing pages straight from each contact's core (issue 12: listing 100,000 recordings in
 * under 2 s), not through JSON.stringify of the record objects that single-record answers and downloads use. Both
 * must say the same thing to the byte: the listing's digests and sizes are what clients validate downloads against.
 * Also: a page scans only from its cursor on and the total is counted once per data version, so archiving between
 * pages must still change the total of a query that leaves archived recordings out.
 */
import {describe, expect, it} from 'vitest';
import {ByteWriter} from '../../source/lib/demo-server/byte-writer.js';
import {Dataset, type DatasetOptions} from '../../source/lib/demo-server/dataset.js';

const until = new Date('2026-12-02T00:00:00Z');

const configurations: Array<[string, DatasetOptions]> = [
	['default media', {seed: 1, calls: 3000, until, days: 30}],
	['256 KiB media', {seed: 7, calls: 1500, until, days: 30, mediaSize: 262_144}],
	['hostile campaign names', {seed: 3, calls: 1500, until, days: 30, hostile: true}],
	['64 MiB media', {seed: 1, calls: 40, until, days: 30, mediaSize: 64 * 1024 * 1024}],
];

describe('listing text', () => {
	for (const [name, options] of configurations) {
		it(`is JSON.stringify of the record, byte for byte (${name}; revised, archived and recycled contacts too)`, () => {
			const dataset = new Dataset(options);
			dataset.revise(5);
			dataset.revise(5);
			dataset.archive(7, new Date('2026-11-20T10:00:00Z'));
			const channels = new Set<string>();
			let recycled = 0;
			for (let index = 0; index < dataset.size; index++) {
				const text = dataset.listingJson(index);
				// The listing first (nothing cached), then the record built the way downloads build it.
				const record = dataset.recording(index);
				expect(text, `contact ${record.id}`).toBe(JSON.stringify(record));
				channels.add(record.channel);
				recycled += record.recycled ? 1 : 0;
			}

			if (options.calls >= 1000) {
				expect([...channels].sort()).toEqual(['chat', 'email', 'social', 'video', 'voice']);
				expect(recycled).toBeGreaterThan(0);
			}
		});
	}

	it('a page written into one buffer is the JSON of its records, in order', () => {
		const dataset = new Dataset({seed: 2, calls: 500, until, days: 30});
		const out = new ByteWriter(16).text('[');
		for (let index = 0; index < dataset.size; index++) {
			if (index > 0) {
				out.text(',');
			}

			dataset.writeListing(index, out);
		}

		out.text(']');
		expect(out.view().toString('utf8')).toBe(JSON.stringify(Array.from({length: dataset.size}, (_, index) => dataset.recording(index))));
	});

	it('pages follow the cursor position, and the cached total follows archiving', () => {
		const dataset = new Dataset({seed: 4, calls: 2000, until, days: 30});
		const query = {includeArchived: false};
		const first = dataset.query(query, -1, 100, 'k');
		const unarchived = first.total;
		expect(first.indices).toHaveLength(100);
		const second = dataset.query(query, first.next!, 100, 'k');
		expect(second.indices[0]).toBeGreaterThan(first.indices.at(-1)!);
		expect(second.total).toBe(unarchived);
		dataset.archive(second.indices[0]!);
		const third = dataset.query(query, second.next!, 100, 'k');
		expect(third.total).toBe(unarchived - 1);
		// Every page of the query together: each matching contact once, and as many as the total says.
		const seen: number[] = [];
		for (let after = -1; ;) {
			const page = dataset.query(query, after, 333, 'k');
			seen.push(...page.indices);
			if (page.next === null) {
				break;
			}

			after = page.next;
		}

		expect(new Set(seen).size).toBe(seen.length);
		expect(seen).toHaveLength(unarchived - 1);
		expect(dataset.query(query, -1, 10).total).toBe(unarchived - 1);
	});
});
