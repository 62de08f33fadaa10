/**
 * Line editing as a pure function of the text, the cursor and one key. Text fields keep the latest result in a ref
 * and apply each key to it, so keys that arrive before React renders (a held Backspace comes as several bytes in one
 * chunk) are each applied, instead of all starting from the same stale value.
 */
import type {Key} from 'ink';
import {typedText} from './keys.js';

export interface EditState {
	readonly value: string;
	/** In code points, 0…length. */
	readonly cursor: number;
}

function characters(text: string): string[] {
	return [...text];
}

const wordCharacter = /[\p{L}\p{N}]/u;
const space = /\s/u;

/** Where a word left of `cursor` starts (Alt-B, Ctrl-←, Alt-Backspace): letters and digits, so `/` and `-` stop it. */
function wordStart(chars: readonly string[], cursor: number, isWord = (c: string) => wordCharacter.test(c)): number {
	let at = cursor;
	while (at > 0 && !isWord(chars[at - 1]!)) {
		at--;
	}

	while (at > 0 && isWord(chars[at - 1]!)) {
		at--;
	}

	return at;
}

/** Where a word right of `cursor` ends (Alt-F, Ctrl-→, Alt-D). */
function wordEnd(chars: readonly string[], cursor: number): number {
	let at = cursor;
	while (at < chars.length && !wordCharacter.test(chars[at]!)) {
		at++;
	}

	while (at < chars.length && wordCharacter.test(chars[at]!)) {
		at++;
	}

	return at;
}

function moveTo(state: EditState, cursor: number): EditState {
	return cursor === state.cursor ? state : {value: state.value, cursor};
}

function cut(chars: readonly string[], from: number, to: number, state: EditState): EditState {
	return from === to ? state : {value: [...chars.slice(0, from), ...chars.slice(to)].join(''), cursor: from};
}

/**
 * The state after one key; the same object when the key does not edit (so callers can tell). The keys are
 * readline's (bash, psql, ssh prompts): Ctrl-A/E start and end, Ctrl-B/F and ← → a character, Alt-B/F and
 * Ctrl-← → a word, Ctrl-U/K cut to the start or end, Ctrl-W the word before (up to a space), Alt-Backspace and Alt-D
 * the word before or after (up to a `/` too), Backspace / Ctrl-H the character before, Delete / Ctrl-D the one under.
 */
export function editText(state: EditState, input: string, key: Key): EditState {
	const chars = characters(state.value);
	const cursor = Math.max(0, Math.min(state.cursor, chars.length));
	const plain = !key.ctrl && !key.meta;
	const letter = input.toLowerCase();
	const ctrl = (name: string) => key.ctrl && !key.meta && letter === name;
	const alt = (name: string) => key.meta && !key.ctrl && letter === name;
	if ((key.leftArrow && (key.ctrl || key.meta)) || alt('b')) {
		return moveTo(state, wordStart(chars, cursor));
	}

	if ((key.rightArrow && (key.ctrl || key.meta)) || alt('f')) {
		return moveTo(state, wordEnd(chars, cursor));
	}

	if (key.leftArrow || ctrl('b')) {
		return moveTo(state, Math.max(0, cursor - 1));
	}

	if (key.rightArrow || ctrl('f')) {
		return moveTo(state, Math.min(chars.length, cursor + 1));
	}

	if (key.home || ctrl('a')) {
		return moveTo(state, 0);
	}

	if (key.end || ctrl('e')) {
		return moveTo(state, chars.length);
	}

	if (ctrl('u')) {
		return cut(chars, 0, cursor, state);
	}

	if (ctrl('k')) {
		return cut(chars, cursor, chars.length, state);
	}

	if (ctrl('w')) {
		return cut(chars, wordStart(chars, cursor, c => !space.test(c)), cursor, state);
	}

	if (key.backspace && key.meta) {
		return cut(chars, wordStart(chars, cursor), cursor, state);
	}

	if (alt('d')) {
		return cut(chars, cursor, wordEnd(chars, cursor), state);
	}

	if (key.backspace || ctrl('h')) {
		// Backspace removes the character before the cursor…
		return cut(chars, Math.max(0, cursor - 1), cursor, state);
	}

	if (key.delete || ctrl('d')) {
		// …Delete the one under it.
		return cut(chars, cursor, Math.min(chars.length, cursor + 1), state);
	}

	if (!plain || key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
		return state;
	}

	const text = typedText(input, key);
	if (text === '') {
		return state;
	}

	const inserted = characters(text);
	return {value: [...chars.slice(0, cursor), ...inserted, ...chars.slice(cursor)].join(''), cursor: cursor + inserted.length};
}

/**
 * What part of a line of `width` columns shows: the whole text when it fits, else a window that keeps the cursor in
 * view, with `…` where text is cut off.
 */
export function visibleWindow(chars: readonly string[], cursor: number, width: number): {start: number; text: string[]; isCutLeft: boolean; isCutRight: boolean} {
	const columns = Math.max(2, width);
	// One extra column for the cursor after the last character.
	const total = chars.length + 1;
	if (total <= columns) {
		return {start: 0, text: [...chars], isCutLeft: false, isCutRight: false};
	}

	const start = Math.max(0, Math.min(cursor - columns + 2, total - columns));
	return {start, text: chars.slice(start, start + columns), isCutLeft: start > 0, isCutRight: start + columns < chars.length};
}
