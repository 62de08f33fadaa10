import {describe, expect, it} from 'vitest';
import {FingerprintSet} from '../../source/lib/text/fingerprint-set.js';

describe('FingerprintSet', () => {
	for (const wide of [false, true]) {
		describe(wide ? '96-bit' : '64-bit', () => {
			it('adds each string once and finds it again, through many growths', () => {
				const set = new FingerprintSet({wide});
				const count = 200_000;
				for (let index = 0; index < count; index++) {
					expect(set.add(`rec-${index}`)).toBe(true);
				}

				expect(set.size).toBe(count);
				let again = 0;
				let found = 0;
				for (let index = 0; index < count; index++) {
					if (set.add(`rec-${index}`)) {
						again++;
					}

					if (set.has(`rec-${index}`)) {
						found++;
					}
				}

				expect(again).toBe(0);
				expect(found).toBe(count);
				expect(set.size).toBe(count);
			});

			it('does not find strings it was never given', () => {
				const set = new FingerprintSet({wide});
				for (let index = 0; index < 50_000; index++) {
					set.add(String(index));
				}

				let present = 0;
				for (let index = 50_000; index < 150_000; index++) {
					if (set.has(String(index))) {
						present++;
					}
				}

				expect(present).toBe(0);
			});

			it('tells apart strings that differ only in case, order or length', () => {
				const set = new FingerprintSet({wide});
				expect(set.add('')).toBe(true);
				expect(set.add('ab')).toBe(true);
				expect(set.add('ba')).toBe(true);
				expect(set.add('AB')).toBe(true);
				expect(set.add('ab\u0000')).toBe(true);
				expect(set.add('ab')).toBe(false);
				expect(set.has('')).toBe(true);
				expect(set.has('a')).toBe(false);
				expect(set.size).toBe(5);
			});
		});
	}
});
