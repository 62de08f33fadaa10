/**
 * Ink's useInput, but a chunk that holds text and a Tab or Enter is split into its keys. Over SSH several keys
 * often arrive in one read ("2026-10-28⇥"), and Ink 8 passes such a chunk on as one input, so the Tab was lost.
 */
import {type Key, useInput} from 'ink';

type Handler = (input: string, key: Key) => void;

const separators = /([\t\r])/;

function keyFor(piece: string, base: Key): Key {
	if (piece === '\t') {
		return {...base, tab: true};
	}

	if (piece === '\r') {
		return {...base, return: true};
	}

	return base;
}

export function useKeys(handler: Handler, options?: {isActive?: boolean}): void {
	useInput((input, key) => {
		if (input.length < 2 || key.ctrl || key.meta || key.escape || !separators.test(input)) {
			handler(input, key);
			return;
		}

		for (const piece of input.split(separators)) {
			if (piece !== '') {
				handler(piece === '\t' || piece === '\r' ? '' : piece, keyFor(piece, key));
			}
		}
	}, options);
}
