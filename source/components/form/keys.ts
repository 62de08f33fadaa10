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

/** What a form does for each of the keys every form reads the same way. */
export interface FormKeyHandlers {
	/** Tab or ↓. */
	next: () => void;
	/** Shift-Tab or ↑. */
	previous: () => void;
	/** Enter: the next field, or submit on the last one. */
	enter: () => void;
	/** Esc: back or cancel, with what was typed. */
	escape?: () => void;
	/** `?` (only called when `helpAllowed` is not false). */
	help?: () => void;
	helpAllowed?: boolean;
}

/** Routes the common form keys; false for any other key, which the screen or the focused widget reads itself. */
export function handleFormKey(input: string, key: Key, on: FormKeyHandlers): boolean {
	if (isNextKey(key)) {
		on.next();
	} else if (isPreviousKey(key)) {
		on.previous();
	} else if (key.return) {
		on.enter();
	} else if (key.escape && on.escape) {
		on.escape();
	} else if (isHelpKey(input, key) && on.help && on.helpAllowed !== false) {
		on.help();
	} else {
		return false;
	}

	return true;
}
