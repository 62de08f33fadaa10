/**
 * The JSON shape check scans short strings itself and skips long ones with memchr (indexOf) from their opening quote;
 * both ways must count exactly what the plain byte-by-byte scan counts, escaped quotes, runs of backslashes and
 * whatever falls on the boundary between the two included.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {jsonShapeProblem} from '../../source/lib/api/body.js';

/** The reference: one byte at a time. */
function plainScan(bytes: Uint8Array, maxDepth: number, maxContainers: number): string | undefined {
	let depth = 0;
	let containers = 0;
	let inString = false;
	for (let index = 0; index < bytes.length; index++) {
		const byte = bytes[index]!;
		if (inString) {
			if (byte === 0x5C) {
				index++;
			} else if (byte === 0x22) {
				inString = false;
			}

			continue;
		}

		if (byte === 0x22) {
			inString = true;
		} else if (byte === 0x7B || byte === 0x5B) {
			if (++depth > maxDepth) {
				return 'too-deep';
			}

			if (++containers > maxContainers) {
				return 'too-many-values';
			}
		} else if (byte === 0x7D || byte === 0x5D) {
			depth--;
		}
	}

	return undefined;
}

describe('jsonShapeProblem', () => {
	it('agrees with a byte-by-byte scan on any mix of quotes, backslashes and brackets', () => {
		fc.assert(fc.property(
			fc.array(fc.constantFrom('"', '\\', '{', '}', '[', ']', 'a', ','), {maxLength: 60}),
			fc.integer({min: 1, max: 6}),
			fc.integer({min: 1, max: 10}),
			(characters, maxDepth, maxContainers) => {
				const bytes = Buffer.from(characters.join(''));
				expect(jsonShapeProblem(bytes, {maxDepth, maxContainers})?.code).toBe(plainScan(bytes, maxDepth, maxContainers));
			},
		), {numRuns: 5000});
	});

	it('does not count brackets inside strings, also after escaped quotes and backslashes', () => {
		const text = JSON.stringify({a: '[[[{{{', b: 'say \\"[[[\\" \\\\', c: [[1]]});
		expect(jsonShapeProblem(Buffer.from(text), {maxDepth: 3, maxContainers: 3})).toBeUndefined();
		expect(jsonShapeProblem(Buffer.from(text), {maxDepth: 2, maxContainers: 10})?.code).toBe('too-deep');
	});
});

describe('jsonShapeProblem on strings of every length', () => {
	it('agrees with a byte-by-byte scan when strings run past the short-string scan, escapes and brackets included', () => {
		const filler = fc.tuple(fc.constantFrom('a', '\\\\', '\\"', '{', '[', 'é'), fc.integer({min: 1, max: 140})).map(([text, count]) => text.repeat(count));
		const piece = fc.oneof(fc.constantFrom('"', '\\', '{', '}', '[', ']', ','), filler);
		fc.assert(fc.property(fc.array(piece, {maxLength: 12}), fc.integer({min: 1, max: 6}), fc.integer({min: 1, max: 10}), (pieces, maxDepth, maxContainers) => {
			const bytes = Buffer.from(pieces.join(''));
			expect(jsonShapeProblem(bytes, {maxDepth, maxContainers})?.code).toBe(plainScan(bytes, maxDepth, maxContainers));
		}), {numRuns: 5000});
	});

	it('finds the closing quote at every distance from the opening one, escaped or not', () => {
		for (let length = 0; length < 300; length++) {
			for (const tail of ['', '\\\\', '\\"', '\\']) {
				const text = `["${'x'.repeat(length)}${tail}", [[1]]]`;
				const bytes = Buffer.from(text);
				for (const maxDepth of [2, 3]) {
					expect(jsonShapeProblem(bytes, {maxDepth, maxContainers: 10})?.code, `${length} ${tail} ${maxDepth}`).toBe(plainScan(bytes, maxDepth, 10));
				}
			}
		}
	});
});
