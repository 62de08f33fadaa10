import {describe, expect, it} from 'vitest';
import {HelpOverlay} from '../../source/components/help-overlay.js';
import type {Step} from '../../source/flow.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const steps: Step[] = ['login', 'campaigns', 'filters', 'file-name', 'list', 'download', 'summary', 'profiles', 'history', 'save-search'];

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

/** Within the lines the app leaves a screen (its title and key lines take three) and the terminal's columns. */
const fits = (columns: number, rows: number) => (frame: string) =>
	frame.split('\n').length <= rows - 3 && frame.split('\n').every(line => [...line].length <= columns);

describe('<HelpOverlay>', () => {
	for (const lang of ['en', 'hu'] as const) {
		for (const [columns, rows] of [[80, 24], [40, 12]] as const) {
			it(`fits ${columns}×${rows} in ${lang} on every screen, its title on top; what does not fit scrolls into view`, async () => {
				for (const step of steps) {
					const screen = sized(renderScreen(<HelpOverlay step={step}/>, {lang}), columns, rows);
					const title = lang === 'en' ? 'Keys — ' : 'Billentyűk — ';
					let frame = await screen.waitFor(text => text.includes(title) && fits(columns, rows)(text));
					const close = lang === 'en' ? 'Press ? or Esc' : 'A súgó bezárása';
					expect(frame, `${step}\n${frame}`).toContain(close);
					if (/^│ (lines|\d+–\d+\. sor) /m.test(frame)) {
						// The end of the help (the global keys' last words) comes into view with End, the top with Home.
						frame = await screen.press(keys.end, text => /Ctrl-C/.test(text) && fits(columns, rows)(text));
						expect(frame).toContain(title);
						frame = await screen.press(keys.home, text => text.includes(title) && fits(columns, rows)(text));
					} else {
						expect(frame).toMatch(/Ctrl-C/);
					}

					screen.unmount();
				}
			});
		}
	}

	it('scrolls the Hungarian filters help at 80×24: the title and the Tab, date and quick-range lines show first', async () => {
		const screen = sized(renderScreen(<HelpOverlay step='filters'/>, {lang: 'hu'}), 80, 24);
		let frame = await screen.waitFor(text => text.includes('Billentyűk — Szűrők') && fits(80, 24)(text));
		expect(frame).toContain('Tab vagy ↓ következő mező');
		expect(frame).toContain('Ettől / Eddig:');
		expect(frame).toContain('Gyors időszak:');
		expect(frame).toMatch(/1–\d+\. sor \/ \d+ · ↑ ↓ PgUp PgDn Home End görget/);
		frame = await screen.press(keys.pageDown, text => !text.includes('Tab vagy ↓ következő mező'));
		expect(fits(80, 24)(frame)).toBe(true);
		frame = await screen.press(keys.up, text => text.includes('sor /') && !text.includes('│ 1–'));
		screen.unmount();
	});
});
