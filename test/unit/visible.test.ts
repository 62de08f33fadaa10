import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {fit, isVisible, packFacts, visible, wrapWords} from '../../source/lib/text/visible.js';

/** What a terminal acts on: C0 but tab and newline, DEL, C1. */
// eslint-disable-next-line no-control-regex
const terminalControls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

describe('visible', () => {
	it('shows escape sequences and control characters instead of sending them', () => {
		expect(visible('Piros\u001B[31m kampány\u0007')).toBe('Piros\\x1b[31m kampány\\x07');
		expect(visible('a\u202Eb')).toBe('a\\u{202e}b');
		expect(visible('Ügyfélszolgálat: Bejövő')).toBe('Ügyfélszolgálat: Bejövő');
	});

	it('defuses OSC 52, OSC 8, window titles and 8-bit CSI/OSC (C1)', () => {
		expect(visible('\u001B]52;c;ZWNobyBwd25lZA==\u0007')).toBe('\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
		expect(visible('\u001B]8;;https://evil.example\u001B\\click\u001B]8;;\u001B\\')).toBe('\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\');
		expect(visible('\u001B]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07');
		expect(visible('\u009B31m\u009D0;t\u009C\u0085')).toBe('\\x9b31m\\x9d0;t\\x9c\\x85');
	});

	it('escapes bidi controls, invisible format characters and line separators', () => {
		for (const character of ['\u061C', '\u200B', '\u200E', '\u200F', '\u2028', '\u2029', '\u202A', '\u2066', '\u2069', '\u2060', '\uFEFF']) {
			expect(visible(`x${character}y`)).toBe(`x\\u{${character.codePointAt(0)!.toString(16)}}y`);
		}
	});

	it('keeps tab and newline only when asked (ccdl\'s own multi-line output)', () => {
		expect(visible('a\tb\nc')).toBe('a\\x09b\\x0ac');
		expect(visible('a\tb\nc\u001B[2J', {keepLines: true})).toBe('a\tb\nc\\x1b[2J');
	});

	it('for any text: no terminal control survives, the result is idempotent, and plain text is untouched', () => {
		fc.assert(fc.property(fc.string({unit: 'binary'}), text => {
			const shown = visible(text);
			expect(shown).not.toMatch(terminalControls);
			expect(shown).not.toMatch(/[\n\t\u202A-\u202E\u2066-\u2069]/);
			expect(visible(shown)).toBe(shown);
			expect(isVisible(shown)).toBe(true);
			const lines = visible(text, {keepLines: true});
			expect(lines).not.toMatch(terminalControls);
			expect(visible(lines, {keepLines: true})).toBe(lines);
		}));
		fc.assert(fc.property(fc.string({unit: fc.constantFrom(...'abcÁéőű 0-9.,:;/\\[]'.split(''))}), text => {
			expect(visible(text)).toBe(text);
		}));
	});
});

describe('fit', () => {
	it('pads or cuts to the width with an ellipsis', () => {
		expect(fit('abc', 5)).toBe('abc  ');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(fit('őőőőő', 3)).toBe('őő…');
	});
});

describe('wrapWords', () => {
	it('breaks a long line at spaces, never inside a word, and keeps a word longer than the width whole', () => {
		const text = 'ccdl: interrupted: 12 files valid; run the same again to finish (bytes already downloaded into /srv/exports/a-very-long-folder-name-of-the-exports-of-this-week are kept).';
		const lines = wrapWords(text, 40).split('\n');
		expect(lines.join(' ')).toBe(text);
		for (const line of lines) {
			expect([...line].length <= 40 || !line.includes(' '), line).toBe(true);
		}

		expect(lines).toContain('/srv/exports/a-very-long-folder-name-of-the-exports-of-this-week');
		expect(wrapWords('short line', 40)).toBe('short line');
		expect(wrapWords('Árvíztűrő tükörfúrógép árvíztűrő tükörfúrógép', 24).split('\n')).toEqual(['Árvíztűrő tükörfúrógép', 'árvíztűrő tükörfúrógép']);
	});
});

describe('packFacts', () => {
	it('moves whole facts to the next line, and cuts only the last line allowed', () => {
		const text = '120 matched · 145 files, 56.4 MB · to download 56.4 MB · free 79.1 GB · 20 files of unknown size';
		expect(packFacts(text, 200, 2)).toEqual([text]);
		expect(packFacts(text, 80, 2)).toEqual(['120 matched · 145 files, 56.4 MB · to download 56.4 MB · free 79.1 GB', '20 files of unknown size']);
		expect(packFacts(text, 80, 1)).toEqual([text]);
		const three = packFacts(text, 30, 2);
		expect(three).toHaveLength(2);
		expect(three[0]).toBe('120 matched');
		expect([...three[1]!].length).toBeLessThanOrEqual(30);
		expect(three[1]!.endsWith('…')).toBe(true);
	});
});
