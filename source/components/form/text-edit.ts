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

/** The state after one key; the same object when the key does not edit (so callers can tell). */
export function editText(state: EditState, input: string, key: Key): EditState {
	const chars = characters(state.value);
	const cursor = Math.max(0, Math.min(state.cursor, chars.length));
	if (key.leftArrow) {
		return cursor === 0 ? state : {value: state.value, cursor: cursor - 1};
	}

	if (key.rightArrow) {
		return cursor === chars.length ? state : {value: state.value, cursor: cursor + 1};
	}

	if (key.home) {
		return {value: state.value, cursor: 0};
	}

	if (key.end) {
		return {value: state.value, cursor: chars.length};
	}

	if (key.backspace) {
		// Backspace removes the character before the cursor…
		return cursor === 0 ? state : {value: [...chars.slice(0, cursor - 1), ...chars.slice(cursor)].join(''), cursor: cursor - 1};
	}

	if (key.delete) {
		// …Delete the one under it.
		return cursor === chars.length ? state : {value: [...chars.slice(0, cursor), ...chars.slice(cursor + 1)].join(''), cursor};
	}

	if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
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
