/**
 * The naming module lets the usual name through on one cheap test instead of normalising, case-folding or matching
 * it against every rule. Each shortcut rests on a fact about Unicode (as this Node's ICU has it): these tests walk the
 * code points that fact is about, so an ICU that changes one fails here rather than giving two files one name.
 */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {foldsIntoAscii, formatDate, isReservedName, NameResolver, sanitizeSegment} from '../../source/lib/naming/index.js';

/** The folding of collisions.ts without its shortcut. */
const fullFold = (text: string): string => text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');

/** isReservedName without its shortcuts: fold, drop trailing dots and spaces, compare. */
function reservedByFolding(segment: string): boolean {
	const folded = fullFold(segment).replace(/[ .]+$/u, '');
	return folded === 'manifest.csv' || folded === 'manifest.jsonl' || /\.ccdl/iu.test(folded);
}

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Every code point from `from` to the last, surrogates left out (they are no characters on their own). */
function * characters(from: number): Generator<{code: number; character: string}> {
	for (let code = from; code <= 0x10_FFFF; code++) {
		if (code < 0xD8_00 || code > 0xDF_FF) {
			yield {code, character: String.fromCodePoint(code)};
		}
	}
}

/** Characters that matter to the rules: Latin letters, the special foldings, combining marks, a few beyond. */
const tricky = [
	...'aAbBcCdDlLmMnNiIfFeEsStTkK .-_/:',
	'é', 'É', 'ő', 'Ő', 'ű', 'ü', 'ÿ', 'µ', 'ß', 'ẞ', 'İ', 'ı', 'ŉ', 'ſ', 'ǰ', 'Ⱥ', 'ⱥ', 'Ⱦ', 'K', 'ﬁ', 'Σ', 'σ', 'ς',
	'\u0301', '\u0307', '\u030C', '\u0327', 'Å', 'Ω', 'ǅ', 'ǆ', '\u00A0', '\u200D', '\u0345', 'ΐ',
];
const trickyText = fc.array(fc.constantFrom(...tricky), {maxLength: 24}).map(characters => characters.join(''));

describe('the shortcut for names already normalised (sanitize.ts)', () => {
	test('every code point below U+0300 is NFC alone and next to any other of them', () => {
		const failures: string[] = [];
		for (let first = 0; first < 0x300; first++) {
			const a = String.fromCharCode(first);
			if (a.normalize('NFC') !== a) {
				failures.push(hex(first));
			}

			for (let second = 0; second < 0x300; second++) {
				const pair = a + String.fromCharCode(second);
				if (pair.normalize('NFC') !== pair) {
					failures.push(`${hex(first)} ${hex(second)}`);
				}
			}
		}

		expect(failures).toEqual([]);
	});

	test('a name that is not NFC is still normalised, and one in NFC comes back as it is', () => {
		expect(sanitizeSegment('Jo\u0301zsef')).toBe('József');
		expect(sanitizeSegment('Jo\u0301zsef', '.mp3')).toBe('József.mp3');
		expect(sanitizeSegment('Ω Å')).toBe('Ω Å');
		expect(sanitizeSegment('Kovács Éva – őrző', '.mp3')).toBe('Kovács Éva – őrző.mp3');
	});

	test('a Latin name to clean is cleaned without normalising; one with a combining mark or a joiner still is', () => {
		expect(sanitizeSegment('Ügyfélszolgálat: Bejövő')).toBe('Ügyfélszolgálat_ Bejövő');
		expect(sanitizeSegment('Telesales <VIP> "Arany"  |  Őrző\t\u00A0x ', '.mp3')).toBe('Telesales _VIP_ _Arany_ _ Őrző_ x.mp3');
		expect(sanitizeSegment('Jo\u0301zsef: x\u200Dy')).toBe('József_ x_y');
		expect(sanitizeSegment('a:\uD800b')).toBe('a__b');
		expect(sanitizeSegment('a: 👨\u200D👩')).toBe('a_ 👨\u200D👩');
	});

	test('sanitizing keeps NFC and stays idempotent on any mix of the characters that matter', () => {
		fc.assert(fc.property(trickyText, text => {
			const once = sanitizeSegment(text, '.mp3');
			expect(once.normalize('NFC')).toBe(once);
			expect(sanitizeSegment(once.slice(0, -4), '.mp3')).toBe(once);
		}), {numRuns: 3000});
	});
});

describe('the shortcut for Windows device names (sanitize.ts)', () => {
	test('only ASCII letters match the first letters of the device names case-insensitively', () => {
		const matching = [...characters(0)].filter(({character}) => /^[CPANL]$/iu.test(character)).map(({character}) => character);
		expect(matching.sort()).toEqual([...'ACLNPaclnp']);
	});

	test('device names are still found whatever their case, with and without extension', () => {
		expect(sanitizeSegment('con')).toBe('_con');
		expect(sanitizeSegment('Lpt1', '.mp3')).toBe('_Lpt1.mp3');
		expect(sanitizeSegment('nUl .txt')).toBe('_nUl .txt');
		expect(sanitizeSegment('aux')).toBe('_aux');
		expect(sanitizeSegment('PRN', '.json')).toBe('_PRN.json');
		expect(sanitizeSegment('control')).toBe('control');
	});
});

describe('the shortcut for reserved names (sanitize.ts)', () => {
	test('every non-ASCII character whose lower or upper case holds an ASCII letter is in foldsIntoAscii', () => {
		const missing = [...characters(0x80)]
			.filter(({character}) => /[a-z]/i.test(character.toLowerCase() + character.toUpperCase()) && !foldsIntoAscii.test(character))
			.map(({code}) => hex(code));
		expect(missing).toEqual([]);
	});

	test('agrees with folding every name, on any mix of the characters that matter', () => {
		const words = fc.constantFrom('manifest', 'MANIFEST', 'maniſest', 'ccdl', 'CCDL', '.ccdl', '.CCDL', '.csv', '.jsonl', 'Manifest.Csv');
		const name = fc.array(fc.oneof(fc.constantFrom(...tricky), words), {maxLength: 8}).map(parts => parts.join(''));
		fc.assert(fc.property(name, segment => {
			expect(isReservedName(segment)).toBe(reservedByFolding(segment));
		}), {numRuns: 5000});
		for (const segment of ['manifest.csv', 'MANIFEST.CSV. ', 'maniſest.csv', 'x.ccdl-tmp-1', 'ﬁle.ccdl', 'manifeſt.jsonl', 'manifest.csv']) {
			expect(isReservedName(segment), segment).toBe(reservedByFolding(segment));
		}
	});

	test('the characters of foldsIntoAscii do not make every name suspect (no case-insensitive class)', () => {
		expect(isReservedName('kiss sándor')).toBe(false);
		expect(isReservedName('Kelvin K and ſ')).toBe(false);
	});
});

describe('the shortcut for folding (collisions.ts)', () => {
	const shortcutExceptions = new Set([0xB5, 0xDF, 0x130, 0x131, 0x149, 0x17F, 0x1F0, 0x23A, 0x23E]);

	test('below U+0300, only µ ß İ ı ŉ ſ ǰ Ⱥ Ⱦ fold other than into their own lower case, one character below U+0300', () => {
		const differing: number[] = [];
		for (let code = 0; code < 0x300; code++) {
			const character = String.fromCharCode(code);
			const lower = character.toLowerCase();
			const singleBelow = lower.length === 1 && lower.charCodeAt(0) < 0x300 && character.toUpperCase().length === 1;
			if (!singleBelow || fullFold(character) !== lower || character.toUpperCase().toLowerCase() !== lower) {
				differing.push(code);
			}
		}

		expect(differing.map(hex)).toEqual([...shortcutExceptions].map(hex));
	});

	test('folding a path agrees with folding each segment in full, on any mix of the characters that matter', () => {
		fc.assert(fc.property(trickyText, path => {
			expect(new NameResolver().fold(path)).toBe(path.split('/').map(fullFold).join('/'));
		}), {numRuns: 5000});
		for (const path of ['Ügyfél/ŐRZŐ.MP3', 'STRASSE/straße', 'ǰ/J̌', 'Ⱥ/ⱥ', 'µ/Μ', 'ſ/S', 'İ/i̇']) {
			expect(new NameResolver().fold(path), path).toBe(path.split('/').map(fullFold).join('/'));
		}
	});

	test('names that differ only in case or in a folding the shortcut skips still collide', () => {
		const resolver = new NameResolver();
		const names = resolver.resolve([
			{key: 'a', segments: ['Ügyfél', 'Őrző'], extension: '.mp3'},
			{key: 'b', segments: ['ügyfél', 'őrző'], extension: '.MP3'},
			{key: 'c', segments: ['x', 'Straße'], extension: '.mp3'},
			{key: 'd', segments: ['x', 'STRASSE'], extension: '.mp3'},
		]);
		expect([...names.values()]).toEqual(['Ügyfél/Őrző.mp3', 'Ügyfél/őrző_2.MP3', 'x/Straße.mp3', 'x/STRASSE_2.mp3']);
		expect(resolver.isTaken('ÜGYFÉL/ŐRZŐ.mp3')).toBe(true);
	});
});

describe('the shortcut for instants in the shape of toISOString (template.ts)', () => {
	test('a three-digit fraction d is d milliseconds by the general rule too, for all 1,000 of them', () => {
		const differing: string[] = [];
		for (let value = 0; value < 1000; value++) {
			const digits = String(value).padStart(3, '0');
			if (Math.floor(Number(`0.${digits}`) * 1000) !== value) {
				differing.push(digits);
			}
		}

		expect(differing).toEqual([]);
	});

	test('formats an instant as it formats the same instant spelled with an offset', () => {
		const instant = fc.date({min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true});
		fc.assert(fc.property(instant, fc.constantFrom('UTC', 'Europe/Budapest', 'Asia/Kathmandu'), fc.boolean(), (date, zone, fraction) => {
			const iso = fraction ? date.toISOString() : `${date.toISOString().slice(0, 19)}Z`;
			const format = 'YYYY-MM-DD_HH-mm-ss';
			expect(formatDate(iso, format, zone)).toBe(formatDate(iso.replace('Z', '+00:00'), format, zone));
		}), {numRuns: 2000});
	});

	test('refuses the same impossible dates and times in that shape', () => {
		for (const text of ['2026-13-01T00:00:00Z', '2026-02-29T00:00:00.000Z', '2026-04-31T10:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00.000Z', '2026-01-01T00:00:60Z', '0999-01-01T00:00:00Z', '2026-01-01T00:00:00.00xZ', '2026-01-01T0a:00:00Z']) {
			expect(formatDate(text, 'YYYY', 'UTC'), text).toBe(text);
		}

		expect(formatDate('2024-02-29T23:59:59.999Z', 'YYYY-MM-DD HH-mm-ss', 'Europe/Budapest')).toBe('2024-03-01 00-59-59');
		expect(formatDate('2024-02-29t23:59:59.999z', 'YYYY-MM-DD HH-mm-ss', 'UTC')).toBe('2024-02-29 23-59-59');
	});
});
