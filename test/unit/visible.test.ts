import {describe, expect, it} from 'vitest';
import {fit, visible} from '../../source/lib/text/visible.js';

describe('visible', () => {
	it('shows escape sequences and control characters instead of sending them', () => {
		expect(visible('Piros\u001B[31m kampány\u0007')).toBe('Piros\\x1b[31m kampány\\x07');
		expect(visible('a\u202Eb')).toBe('a\\u{202e}b');
		expect(visible('Ügyfélszolgálat: Bejövő')).toBe('Ügyfélszolgálat: Bejövő');
	});
});

describe('fit', () => {
	it('pads or cuts to the width with an ellipsis', () => {
		expect(fit('abc', 5)).toBe('abc  ');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(fit('őőőőő', 3)).toBe('őő…');
	});
});
