import {describe, expect, test} from 'vitest';
import {foldsIntoAscii, isReservedName, maxSegmentBytes, sanitizeSegment} from '../../source/lib/naming/index.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('sanitizeSegment', () => {
	test('keeps ordinary names, accents and emoji as they are', () => {
		expect(sanitizeSegment('Sikeres megrendelés')).toBe('Sikeres megrendelés');
		expect(sanitizeSegment('Kovács Éva', '.mp3')).toBe('Kovács Éva.mp3');
		expect(sanitizeSegment('👨‍👩‍👧 family')).toBe('👨‍👩‍👧 family');
		expect(sanitizeSegment('+3612345678')).toBe('+3612345678');
	});

	test('replaces the characters illegal on some file system with _', () => {
		expect(sanitizeSegment('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j');
		expect(sanitizeSegment('Sales/Q1: "Big" <deal>')).toBe('Sales_Q1_ _Big_ _deal_');
	});

	test('replaces C0 and C1 control characters and DEL, so no terminal escape survives', () => {
		expect(sanitizeSegment('\u001b[31mred\u001b[0m')).toBe('_[31mred_[0m');
		expect(sanitizeSegment('a\u0000b\u0007c\u007fd\u0085e\u009bf')).toBe('a_b_c_d_e_f');
		expect(sanitizeSegment('line\nbreak\ttab\rcr')).toBe('line_break_tab_cr');
	});

	test('replaces bidi and invisible format characters', () => {
		expect(sanitizeSegment('\u202Egpj.exe')).toBe('_gpj.exe');
		expect(sanitizeSegment('a\u200Bb\u200Fc\u202Ad\u2066e\u2069f\uFEFFg')).toBe('a_b_c_d_e_f_g');
		expect(sanitizeSegment('a\u061Cb\u2060c')).toBe('a_b_c');
	});

	test('replaces a zero-width joiner except inside an emoji sequence', () => {
		expect(sanitizeSegment('a\u200Db')).toBe('a_b');
		expect(sanitizeSegment('👨\u200D')).toBe('👨_');
		expect(sanitizeSegment('\u200D👩')).toBe('_👩');
		expect(sanitizeSegment('👨\u200D\u200D👩')).toBe('👨__👩');
		expect(sanitizeSegment('👨\u200D👩\u200D👧')).toBe('👨\u200D👩\u200D👧');
		expect(sanitizeSegment('🏳️\u200D🌈')).toBe('🏳️\u200D🌈');
		expect(sanitizeSegment('👍🏽\u200D👍')).toBe('👍🏽\u200D👍');
	});

	test('replaces lone surrogates, which cannot be written as UTF-8', () => {
		expect(sanitizeSegment('a\uD800b\uDFFFc')).toBe('a_b_c');
		expect(sanitizeSegment('😀')).toBe('😀');
	});

	test('collapses runs of whitespace to one space', () => {
		expect(sanitizeSegment('a   b\u00A0\u00A0c\u2003d\u3000e')).toBe('a b c d e');
	});

	test('trims leading and trailing spaces and trailing dots', () => {
		expect(sanitizeSegment('   name   ')).toBe('name');
		expect(sanitizeSegment('name...')).toBe('name');
		expect(sanitizeSegment('name . . ')).toBe('name');
		expect(sanitizeSegment('name. ', '.mp3')).toBe('name.mp3');
	});

	test('never gives a dot-file or dot-folder: leading dots become _', () => {
		expect(sanitizeSegment('.hidden')).toBe('_hidden');
		expect(sanitizeSegment('.bashrc', '.mp3')).toBe('_bashrc.mp3');
		expect(sanitizeSegment('.git')).toBe('_git');
		expect(sanitizeSegment('..ssh')).toBe('__ssh');
	});

	test('never names one of ccdl\'s own files: manifests, partials, sidecars, temporaries', () => {
		expect(sanitizeSegment('manifest', '.csv')).toBe('manifest_.csv');
		expect(sanitizeSegment('manifest.csv')).toBe('manifest.csv_');
		expect(sanitizeSegment('Manifest.JSONL')).toBe('Manifest.JSONL_');
		expect(sanitizeSegment('.ccdl-0123.part', '.json')).toBe('_ccdl-0123.part.json');
		expect(sanitizeSegment('manifest.csv.ccdl-tmp-7')).toBe('manifest.csv_ccdl-tmp-7');
	});

	test('turns empty, "." and ".." into _', () => {
		expect(sanitizeSegment('')).toBe('_');
		expect(sanitizeSegment('.')).toBe('_');
		expect(sanitizeSegment('..')).toBe('_');
		expect(sanitizeSegment('   ')).toBe('_');
		expect(sanitizeSegment(' . . ')).toBe('_');
		expect(sanitizeSegment('..', '.mp3')).toBe('_.mp3');
		expect(sanitizeSegment('', '.mp3')).toBe('_.mp3');
	});

	test.each([
		'CON', 'con', 'Prn', 'AUX', 'nul', 'COM1', 'com9', 'LPT1', 'lpt9', 'COM¹', 'COM²', 'LPT³', 'COM0', 'CONIN$',
		'conout$',
	])('prefixes the Windows device name %s with _', (name) => {
		expect(sanitizeSegment(name)).toBe(`_${name}`);
	});

	test('prefixes device names followed by an extension, given or in the text', () => {
		expect(sanitizeSegment('con', '.mp3')).toBe('_con.mp3');
		expect(sanitizeSegment('con.txt')).toBe('_con.txt');
		expect(sanitizeSegment('NUL.tar.gz')).toBe('_NUL.tar.gz');
		expect(sanitizeSegment('CON .txt')).toBe('_CON .txt');
		expect(sanitizeSegment('aux.', '.mp3')).toBe('_aux.mp3');
	});

	test('leaves names that only start like a device name alone', () => {
		expect(sanitizeSegment('CONSOLE')).toBe('CONSOLE');
		expect(sanitizeSegment('COM10')).toBe('COM10');
		expect(sanitizeSegment('nully', '.mp3')).toBe('nully.mp3');
		expect(sanitizeSegment('LPT')).toBe('LPT');
	});

	test('cuts to 255 UTF-8 bytes, keeping the extension whole', () => {
		const cut = sanitizeSegment('x'.repeat(300), '.mp3');
		expect(cut).toBe(`${'x'.repeat(maxSegmentBytes - 4)}.mp3`);
		expect(bytes(cut)).toBe(maxSegmentBytes);
		expect(sanitizeSegment('x'.repeat(300))).toBe('x'.repeat(maxSegmentBytes));
	});

	test('cuts on a grapheme boundary: no accent or emoji is split', () => {
		// "é" is 2 bytes: 127 of them (254 bytes) fit in 255, the 128th would not.
		expect(sanitizeSegment('é'.repeat(300))).toBe('é'.repeat(127));
		// A decomposed "e" + U+0301 is composed to "é" (NFC) before cutting.
		expect(sanitizeSegment('e\u0301'.repeat(300))).toBe('é'.repeat(127));
		// The family emoji is one grapheme of 18 bytes; only whole families are kept.
		const family = '👨‍👩‍👧';
		const cut = sanitizeSegment(family.repeat(40), '.png');
		expect(cut).toBe(`${family.repeat(Math.floor(251 / bytes(family)))}.png`);
		// Flags are pairs of regional indicators; never cut in half.
		const flags = sanitizeSegment('🇭🇺'.repeat(40));
		expect(flags).toBe('🇭🇺'.repeat(Math.floor(255 / 8)));
	});

	test('cuts inside a grapheme only when one grapheme alone is larger than the room left', () => {
		const zalgo = `x${'\u0301\u0302'.repeat(200)}`;
		const cut = sanitizeSegment(zalgo, '.mp3');
		expect(cut.startsWith('x\u0301')).toBe(true);
		expect(cut.endsWith('.mp3')).toBe(true);
		expect(bytes(cut)).toBeLessThanOrEqual(maxSegmentBytes);
	});

	test('trims again after the cut, so a cut never ends in a space or dot', () => {
		// Collapsed to 253 x, " . y": 257 bytes, cut to 253 x and " .", then trimmed.
		const text = `${'x'.repeat(253)} .  y`;
		expect(sanitizeSegment(text)).toBe('x'.repeat(253));
	});

	test('keeps a device-name prefix within the limit', () => {
		// Room for 3 bytes of base: "CONSOLE" is cut to "CON", reserved with the extension, so it becomes "_CO".
		const extension = `.${'e'.repeat(251)}`;
		const cut = sanitizeSegment('CONSOLE', extension);
		expect(cut).toBe(`_CO${extension}`);
		expect(bytes(cut)).toBe(maxSegmentBytes);
		expect(sanitizeSegment(cut.slice(0, 3), extension)).toBe(cut);
	});

	test('is idempotent and deterministic', () => {
		for (const text of ['CON', '..', `${'é'.repeat(300)}`, ' a\u0000b ', '\u202Eabc', 'name.']) {
			const once = sanitizeSegment(text, '.mp3');
			expect(sanitizeSegment(text, '.mp3')).toBe(once);
			expect(sanitizeSegment(once.slice(0, -4), '.mp3')).toBe(once);
		}
	});

	test('refuses an extension that is not already safe (a caller bug, not user input)', () => {
		for (const extension of ['.', '.mp3.', '. mp3', '/mp3', '.m:p3', '.\u0000', `.${'x'.repeat(254)}`, '.\uD800']) {
			expect(() => sanitizeSegment('name', extension)).toThrow(RangeError);
		}
		expect(sanitizeSegment('name', `.${'x'.repeat(253)}`)).toBe(`n.${'x'.repeat(253)}`);
		expect(sanitizeSegment('name', '_2.mp3')).toBe('name_2.mp3');
	});
});

describe('the reserved-name check\'s shortcut', () => {
	const fold = (text: string) => text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');

	test('every non-ASCII character that folds into an ASCII letter, dot or space is in foldsIntoAscii', () => {
		const missing: string[] = [];
		let folding = 0;
		for (let code = 0x80; code <= 0x10_FFFF; code++) {
			if (code >= 0xD8_00 && code <= 0xDF_FF) {
				continue;
			}

			const character = String.fromCodePoint(code);
			if (/[a-z. ]/.test(fold(character))) {
				folding++;
				if (!foldsIntoAscii.test(character)) {
					missing.push(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
				}
			}
		}

		expect(missing).toEqual([]);
		// ß, ſ, the Kelvin sign, the ligatures…: the walk does find them.
		expect(folding).toBeGreaterThan(10);
	});

	test('gives the same answer as folding in full', () => {
		const slow = (segment: string) => {
			const folded = fold(segment).toLowerCase().replace(/[ .]+$/u, '');
			return folded === 'manifest.csv' || folded === 'manifest.jsonl' || /\.ccdl/iu.test(folded);
		};

		for (const name of ['Gáz.ccdl-tmp-1', 'MANİFEST.csv', 'manifeſt.csv', 'x.\uFB02ccdl', 'x.cc\u212Adl', 'Árvíztűrő.mp3', 'manifest.csv\u0301', 'x.ccdl\u0327', 'ﬁle.ccdl', 'Ügyfél.CCDL.', 'manifest.jsonl. ']) {
			expect(isReservedName(name), name).toBe(slow(name));
		}
	});
});
