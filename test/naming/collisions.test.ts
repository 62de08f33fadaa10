import {describe, expect, test} from 'vitest';
import {maxSegmentBytes, type NameRequest, resolveBatchNames, suffixedPath} from '../../source/lib/naming/index.js';

const request = (key: string, segments: string[], extension = '.mp3'): NameRequest => ({key, segments, extension});
const resolve = (...requests: NameRequest[]): Record<string, string> =>
	Object.fromEntries(resolveBatchNames(requests));

describe('resolveBatchNames', () => {
	test('keeps names that do not collide', () => {
		expect(resolve(request('1', ['a', 'x']), request('2', ['a', 'y']), request('3', ['b', 'x']))).toEqual({
			1: 'a/x.mp3',
			2: 'a/y.mp3',
			3: 'b/x.mp3',
		});
	});

	test('the first keeps its name, later ones get _2, _3 before the extension', () => {
		expect(resolve(request('1', ['x']), request('2', ['x']), request('3', ['x']))).toEqual({
			1: 'x.mp3',
			2: 'x_2.mp3',
			3: 'x_3.mp3',
		});
	});

	test('the same base with different extensions does not collide', () => {
		expect(resolve(request('1', ['x'], '.mp3'), request('2', ['x'], '.png'), request('3', ['x'], ''))).toEqual({
			1: 'x.mp3',
			2: 'x.png',
			3: 'x',
		});
	});

	test('compares names case-insensitively', () => {
		expect(resolve(request('1', ['Name']), request('2', ['NAME']), request('3', ['name']))).toEqual({
			1: 'Name.mp3',
			2: 'NAME_2.mp3',
			3: 'name_3.mp3',
		});
		// Full case folding: "ß" is "SS" on some systems.
		expect(resolve(request('1', ['straße']), request('2', ['STRASSE']))).toEqual({1: 'straße.mp3', 2: 'STRASSE_2.mp3'});
	});

	test('compares names NFC-normalised', () => {
		expect(resolve(request('1', ['Kovács']), request('2', ['Kova\u0301cs']))).toEqual({
			1: 'Kovács.mp3',
			2: 'Kovács_2.mp3',
		});
	});

	test('a suffixed name never takes a name another request asked for, even a later one', () => {
		expect(resolve(request('1', ['x']), request('2', ['x']), request('3', ['x_2']), request('4', ['X_3']))).toEqual({
			1: 'x.mp3',
			2: 'x_4.mp3',
			3: 'x_2.mp3',
			4: 'X_3.mp3',
		});
	});

	test('spells folders that differ only in case as the first request did', () => {
		expect(resolve(request('1', ['Sales', 'x']), request('2', ['SALES', 'y']), request('3', ['sales', 'x']))).toEqual({
			1: 'Sales/x.mp3',
			2: 'Sales/y.mp3',
			3: 'Sales/x_2.mp3',
		});
	});

	test('never gives a file a name another request needs as a folder', () => {
		expect(resolve(request('1', ['a'], ''), request('2', ['A', 'b'], ''))).toEqual({1: 'a_2', 2: 'A/b'});
	});

	test('re-cuts a long name so the suffix and extension fit in 255 bytes', () => {
		const long = 'é'.repeat(200);
		const result = resolve(request('1', [long]), request('2', [long]), request('3', [long]));
		expect(result['1']).toBe(`${'é'.repeat(125)}.mp3`);
		expect(result['2']).toBe(`${'é'.repeat(124)}_2.mp3`);
		expect(result['3']).toBe(`${'é'.repeat(124)}_3.mp3`);
		for (const path of Object.values(result)) {
			expect(Buffer.byteLength(path)).toBeLessThanOrEqual(maxSegmentBytes);
		}
	});

	test('keeps going when cut names meet', () => {
		// Both are cut to the same 251 x's; the second and third need suffixes that do not meet either.
		const a = `${'x'.repeat(251)}a`;
		const b = `${'x'.repeat(251)}b`;
		const result = resolve(request('1', [a]), request('2', [b]), request('3', [a]));
		expect(new Set(Object.values(result)).size).toBe(3);
		expect(result['1']).toBe(`${'x'.repeat(251)}.mp3`);
		expect(result['2']).toBe(`${'x'.repeat(249)}_2.mp3`);
		expect(result['3']).toBe(`${'x'.repeat(249)}_3.mp3`);
	});

	test('sanitises segments given by hand', () => {
		expect(resolve(request('1', ['..', 'a/b', 'CON']))).toEqual({1: '_/a_b/_CON.mp3'});
	});

	test('is linear for many same-named files', () => {
		const requests = Array.from({length: 20_000}, (_, index) => request(String(index), ['same']));
		const started = performance.now();
		const result = resolveBatchNames(requests);
		// Quadratic would be 200 million tries here; linear is a few hundred milliseconds even on a loaded machine.
		expect(performance.now() - started).toBeLessThan(5000);
		expect(result.get('19999')).toBe('same_20000.mp3');
		expect(new Set(result.values()).size).toBe(20_000);
	});

	test('refuses duplicate keys and empty segments', () => {
		expect(() => resolveBatchNames([request('1', ['a']), request('1', ['b'])])).toThrow(RangeError);
		expect(() => resolveBatchNames([request('1', [])])).toThrow(RangeError);
	});

	test('returns an empty map for an empty batch', () => {
		expect(resolveBatchNames([]).size).toBe(0);
	});
});

describe('suffixedPath', () => {
	test('puts the suffix before the extension', () => {
		expect(suffixedPath(['a', 'b', 'name'], '.mp3', 2)).toBe('a/b/name_2.mp3');
		expect(suffixedPath(['name'], '', 12)).toBe('name_12');
		expect(suffixedPath(['archive.tar'], '.gz', 3)).toBe('archive.tar_3.gz');
	});

	test('re-cuts the base to fit', () => {
		const path = suffixedPath(['x'.repeat(300)], '.mp3', 10);
		expect(path).toBe(`${'x'.repeat(248)}_10.mp3`);
	});

	test('gives the names resolveBatchNames gives', () => {
		const segments = ['Sales', 'ő'.repeat(200)];
		const result = resolveBatchNames([request('1', segments), request('2', segments), request('3', segments)]);
		expect(result.get('2')).toBe(suffixedPath(segments, '.mp3', 2));
		expect(result.get('3')).toBe(suffixedPath(segments, '.mp3', 3));
	});

	test('refuses n below 2 or not an integer', () => {
		for (const n of [1, 0, -1, 2.5, Number.NaN]) {
			expect(() => suffixedPath(['x'], '.mp3', n)).toThrow(RangeError);
		}
	});
});
