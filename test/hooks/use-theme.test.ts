import {describe, expect, it} from 'vitest';
import {asciiGlyphs, terminalFor, themeFor, toAscii} from '../../source/hooks/use-theme.js';

describe('the terminal from the environment', () => {
	it('has colour unless NO_COLOR, TERM=dumb or a -mono terminal says otherwise', () => {
		expect(terminalFor({TERM: 'xterm-256color', LANG: 'en_US.UTF-8'})).toEqual({hasColour: true, hasUnicode: true, isDumb: false});
		expect(terminalFor({TERM: 'xterm-256color', NO_COLOR: '1', LANG: 'C.UTF-8'}).hasColour).toBe(false);
		expect(terminalFor({TERM: 'xterm-256color', NO_COLOR: '', LANG: 'C.UTF-8'}).hasColour).toBe(true);
		expect(terminalFor({TERM: 'xterm-mono', LANG: 'C.UTF-8'}).hasColour).toBe(false);
		expect(terminalFor({TERM: 'dumb', LANG: 'C.UTF-8'})).toEqual({hasColour: false, hasUnicode: true, isDumb: true});
	});

	it('has Unicode only in a UTF-8 locale, LC_ALL first, then LC_CTYPE, then LANG', () => {
		expect(terminalFor({LANG: 'C'}).hasUnicode).toBe(false);
		expect(terminalFor({}).hasUnicode).toBe(false);
		expect(terminalFor({LANG: 'hu_HU.utf8'}).hasUnicode).toBe(true);
		expect(terminalFor({LANG: 'hu_HU.UTF-8', LC_ALL: 'C'}).hasUnicode).toBe(false);
		expect(terminalFor({LANG: 'C', LC_CTYPE: 'en_US.UTF-8'}).hasUnicode).toBe(true);
	});

	it('gives a theme without colours and with an ASCII focus mark where the terminal needs them', () => {
		const plain = themeFor({TERM: 'dumb', LANG: 'C'});
		expect([plain.accent, plain.good, plain.bad, plain.warn, plain.muted]).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect(plain.focusMark).toBe('>');
		expect(themeFor({TERM: 'xterm', LANG: 'C.UTF-8'}).focusMark).toBe('›');
	});
});

describe('toAscii', () => {
	it('turns the symbols into their one-column ASCII stand-ins and drops accents', () => {
		expect(toAscii('ccdl — media › Tab / ↑ ↓ field · ← → choose … █░ ✓ ✗')).toBe('ccdl - media > Tab / ^ v field | < > choose . #. + x');
		expect(toAscii('Adminisztrátor Ádám, Ügyfélszolgálat: Bejövő „Arany”')).toBe('Adminisztrator Adam, Ugyfelszolgalat: Bejovo "Arany"');
		expect(toAscii('\u001B[1mbold\u001B[22m')).toBe('\u001B[1mbold\u001B[22m');
		expect(toAscii('漢')).toBe('?');
	});

	it('keeps every line as wide as it was', () => {
		for (const [glyph, ascii] of Object.entries(asciiGlyphs)) {
			expect([...ascii].length, glyph).toBe(1);
		}
	});
});
