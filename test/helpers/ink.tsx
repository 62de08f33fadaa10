/**
 * Screen-test helpers: render inside the app's providers, named key constants, and waiting for a frame to show
 * what is expected instead of sleeping (React 19 schedules renders asynchronously).
 */
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {I18nContext} from '../../source/hooks/use-i18n.js';
import {ThemeContext, themeFor} from '../../source/hooks/use-theme.js';
import {createTranslator, type Lang} from '../../source/lib/i18n/index.js';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	space: ' ',
	backspace: '\u007F',
	ctrlA: '\u0001',
	ctrlN: '\u000E',
	ctrlR: '\u0012',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	home: '\u001B[H',
	end: '\u001B[F',
} as const;

// eslint-disable-next-line no-control-regex
const ansi = /\u001B\[[\d;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
	return text.replace(ansi, '');
}

export type Rendered = ReturnType<typeof render> & {
	/** The last frame without colours. */
	frame(): string;
	/** Writes input, then waits until the frame satisfies `until` (a substring or a predicate). */
	press(input: string, until?: string | ((frame: string) => boolean)): Promise<string>;
	waitFor(until: string | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
};

/**
 * `env` is the terminal's environment for the theme (TERM, NO_COLOR, LANG); by default a UTF-8 colour terminal.
 */
export function renderScreen(element: ReactElement, options: {lang?: Lang; timeZone?: string; columns?: number; noColor?: boolean; env?: Record<string, string>} = {}): Rendered {
	const translator = createTranslator(options.lang ?? 'en', options.timeZone ?? 'UTC');
	const instance = render(
		<I18nContext.Provider value={translator}>
			<ThemeContext.Provider value={themeFor({LANG: 'C.UTF-8', ...options.noColor ? {NO_COLOR: '1'} : {}, ...options.env})}>
				{element}
			</ThemeContext.Provider>
		</I18nContext.Provider>,
	);
	if (options.columns) {
		Object.defineProperty(instance.stdout, 'columns', {value: options.columns, configurable: true});
	}

	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	const waitFor = async (until: string | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> => {
		const test = typeof until === 'string' ? (text: string) => text.includes(until) : until;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const current = frame();
			if (test(current)) {
				return current;
			}

			if (Date.now() > deadline) {
				throw new Error(`Timed out waiting for ${typeof until === 'string' ? JSON.stringify(until) : 'a frame'}; last frame:\n${current}`);
			}

			await new Promise(resolve => setTimeout(resolve, 10));
		}
	};

	return Object.assign(instance, {
		frame,
		waitFor,
		async press(input: string, until?: string | ((frame: string) => boolean)) {
			instance.stdin.write(input);
			if (until === undefined) {
				// Let React commit the update the key caused.
				await new Promise(resolve => setTimeout(resolve, 30));
				return frame();
			}

			return waitFor(until);
		},
	});
}
