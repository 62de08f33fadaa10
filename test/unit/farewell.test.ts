/** The line the app leaves on the terminal when it quits: in the app's language, numbers as the screens write them. */
import {describe, expect, it} from 'vitest';
import {farewellOf} from '../../source/app.js';
import {createTranslator} from '../../source/lib/i18n/index.js';
import type {RunResult} from '../../source/lib/run/pipeline.js';

const result = {
	summary: {valid: 1716, skipped: 3, failed: 0},
	plan: {outDir: '/srv/calls'},
	manifest: {csv: '/srv/calls/manifest.csv'},
} as unknown as Pick<RunResult, 'summary' | 'plan' | 'manifest'>;

describe('the farewell line', () => {
	it('speaks the app\'s language, with thousands separated', () => {
		expect(farewellOf(result, createTranslator('en', 'UTC'))).toBe('ccdl: 1,716 valid, 3 already there, 0 failed → /srv/calls; manifest /srv/calls/manifest.csv');
		const hungarian = createTranslator('hu', 'UTC');
		expect(farewellOf(result, hungarian)).toBe(`ccdl: ${hungarian.number(1716)} valid, 3 már megvolt, 0 hibás → /srv/calls; jegyzék: /srv/calls/manifest.csv`);
		expect(farewellOf(result, hungarian, true)).toBe(`ccdl: megszakítva: ${hungarian.number(1716)} fájl valid; futtassa újra ugyanezt a befejezéshez (a /srv/calls mappába már letöltött bájtok megmaradnak).`);
		expect(farewellOf({...result, manifest: undefined} as typeof result, createTranslator('en', 'UTC'), true)).toBe('ccdl: interrupted: 1,716 files valid; run the same again to finish (bytes already downloaded into /srv/calls are kept).');
	});
});
