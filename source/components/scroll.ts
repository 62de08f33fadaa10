/**
 * Text taller than the terminal, read a window at a time: ↑ ↓ (j k) a line, PgUp / PgDn (Ctrl-B / Ctrl-F) a window,
 * Home / End (g G) the top and the bottom — the table's keys, so a row's detail and the help read like the tables.
 * Without this, Ink draws a frame taller than the terminal and its top scrolls off where no key brings it back.
 */
import {useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {tableMoveForKey} from './table/table-state.js';
import {wrapWords} from '../lib/text/visible.js';

export interface Scroll {
	/** The first line shown (clamped). */
	readonly top: number;
	/** Lines shown at once. */
	readonly page: number;
	/** More lines than fit: the view shows where it is. */
	readonly isScrolling: boolean;
}

/** Where a window of `page` lines over `total` is; the keys move it while `isActive`. */
export function useScroll(total: number, page: number, isActive: boolean): Scroll {
	const [wanted, setTop] = useState(0);
	const shown = Math.max(1, page);
	const last = Math.max(0, total - shown);
	const top = Math.min(wanted, last);
	useKeys((input, key) => {
		const move = tableMoveForKey(key, input);
		const next = move === 'up' ? top - 1 : move === 'down' ? top + 1 : move === 'page-up' ? top - shown : move === 'page-down' ? top + shown
			: move === 'home' ? 0 : move === 'end' ? last : undefined;
		if (next !== undefined) {
			setTop(Math.max(0, Math.min(last, next)));
		}
	}, {isActive: isActive && total > shown});
	return {top, page: shown, isScrolling: total > shown};
}

/**
 * `text` as lines of at most `width` columns: broken at spaces (wrapWords), a word wider than the line cut into
 * pieces that are, so a count of lines is the count the terminal shows.
 */
export function textLines(text: string, width: number): string[] {
	const columns = Math.max(1, width);
	return text.split('\n').flatMap(part => wrapWords(part, Math.max(10, columns)).split('\n')).flatMap(line => {
		const characters = [...line];
		if (characters.length <= columns) {
			return [line];
		}

		const pieces: string[] = [];
		for (let start = 0; start < characters.length; start += columns) {
			pieces.push(characters.slice(start, start + columns).join(''));
		}

		return pieces;
	});
}
