/**
 * What the terminal can show, decided once from the environment: colours (none under NO_COLOR, TERM=dumb or a
 * `-mono` terminal), Unicode glyphs (none in a locale that is not UTF-8, e.g. LANG=C) and cursor movement (none on
 * TERM=dumb). Every coloured element takes its colour from the theme, and the glyph table below is the one place
 * that says what each symbol becomes in ASCII.
 */
import {createContext, useContext} from 'react';

export interface Terminal {
	/** Colours may be used. */
	readonly hasColour: boolean;
	/** The locale is UTF-8, so `— › ↑↓ █░` and accented letters show as themselves. */
	readonly hasUnicode: boolean;
	/** The terminal cannot move the cursor or switch screens (TERM=dumb): frames are printed one after another. */
	readonly isDumb: boolean;
}

/** The locale the C library would use for characters: LC_ALL, else LC_CTYPE, else LANG. */
function characterLocale(env: NodeJS.ProcessEnv): string {
	return env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
}

export function terminalFor(env: NodeJS.ProcessEnv = process.env): Terminal {
	const term = (env['TERM'] ?? '').toLowerCase();
	const isDumb = term === 'dumb';
	const noColour = (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') || isDumb || term.endsWith('-mono') || term.endsWith('-m');
	return {hasColour: !noColour, hasUnicode: /utf-?8/i.test(characterLocale(env)), isDumb};
}

/**
 * Each symbol the screens use, and the one ASCII character that stands for it where the terminal has no Unicode.
 * One column for one column, so layouts computed for the symbol stay right.
 */
export const asciiGlyphs: Readonly<Record<string, string>> = {
	'—': '-', '–': '-', '›': '>', '‹': '<', '→': '>', '←': '<', '↑': '^', '↓': 'v', '⇥': '>',
	'█': '#', '▓': '#', '▒': ':', '░': '.', '·': '|', '•': '*', '…': '.', '✓': '+', '✗': 'x', '✔': '+', '✘': 'x',
	'„': '"', '”': '"', '“': '"', '’': '\'', '‘': '\'', '«': '"', '»': '"', '×': 'x', '−': '-', '±': '+',
	'▏': '|', '≤': '<', '≥': '>', '␠': '_', '\u00A0': ' ',
	// The dots of the spinner (ink-spinner's "dots"): a turning bar instead.
	'⠋': '|', '⠙': '/', '⠹': '-', '⠸': '\\', '⠼': '|', '⠴': '/', '⠦': '-', '⠧': '\\', '⠇': '|', '⠏': '/',
	// Box drawing, in case a border is drawn.
	'─': '-', '│': '|', '┌': '+', '┐': '+', '└': '+', '┘': '+', '├': '+', '┤': '+', '┬': '+', '┴': '+', '┼': '+',
	'╭': '+', '╮': '+', '╰': '+', '╯': '+',
};

// eslint-disable-next-line no-control-regex
const nonAscii = /[^\u0000-\u007F]/gu;

/**
 * `text` for a terminal without Unicode: symbols from the table, accented letters without their accents (ő → o),
 * anything else `?`. Escape sequences are ASCII and pass unchanged.
 */
export function toAscii(text: string): string {
	return text.replace(nonAscii, character => {
		const glyph = asciiGlyphs[character];
		if (glyph !== undefined) {
			return glyph;
		}

		const bare = character.normalize('NFD').replace(/\p{M}/gu, '');
		return /^[\u0020-\u007E]$/.test(bare) ? bare : '?';
	});
}

export interface Theme {
	readonly accent: string | undefined;
	readonly good: string | undefined;
	readonly bad: string | undefined;
	readonly warn: string | undefined;
	readonly muted: string | undefined;
	/** Focused or selected items are also marked by a symbol, so they stay visible without colour. */
	readonly focusMark: string;
	readonly terminal: Terminal;
}

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
	const terminal = terminalFor(env);
	const plain = !terminal.hasColour;
	return {
		accent: plain ? undefined : 'cyan',
		good: plain ? undefined : 'green',
		bad: plain ? undefined : 'red',
		warn: plain ? undefined : 'yellow',
		muted: plain ? undefined : 'gray',
		focusMark: terminal.hasUnicode ? '›' : '>',
		terminal,
	};
}

export const ThemeContext = createContext<Theme>(themeFor({LANG: 'C.UTF-8'}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
