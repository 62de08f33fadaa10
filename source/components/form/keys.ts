/**
 * What a key means to a form, in one place, so every screen reads keys the same way.
 */
import type {Key} from 'ink';

/** Tab or ↓: the next field. */
export function isNextKey(key: Key): boolean {
	return (key.tab && !key.shift) || key.downArrow;
}

/** Shift-Tab or ↑: the previous field. */
export function isPreviousKey(key: Key): boolean {
	return (key.tab && key.shift) || key.upArrow;
}

/** `?` opens the help (screens decide where `?` is text instead, e.g. in a password). */
export function isHelpKey(input: string, key: Key): boolean {
	return input === '?' && !key.ctrl && !key.meta;
}

/** A Ctrl-letter chord such as Ctrl-A (`letter` in lower case). */
export function isCtrl(input: string, key: Key, letter: string): boolean {
	return key.ctrl && !key.meta && input.toLowerCase() === letter;
}

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001F\u007F-\u009F]/g;

/** Printable text typed (or pasted) by the user, or '' for keys that are not text. */
export function typedText(input: string, key: Key): string {
	if (key.ctrl || key.meta || key.return || key.tab || key.escape || key.backspace || key.delete) {
		return '';
	}

	return input.replace(controlCharacters, '');
}
