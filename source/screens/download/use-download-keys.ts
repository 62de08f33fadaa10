import {useKeys} from '../../hooks/use-keys.js';
import type {Dispatch} from 'react';
import type {DownloadAction, DownloadPhase} from './download-state.js';

export interface DownloadKeysOptions {
	readonly isActive: boolean;
	readonly phase: DownloadPhase;
	/** The run has finished: nothing left to cancel. */
	readonly isFinished: boolean;
	readonly dispatch: Dispatch<DownloadAction>;
	readonly onCancel: () => void;
	readonly onHelp: () => void;
	/** The selected row's detail is open: Enter, Esc and q close it. @default false */
	readonly isDetailOpen?: boolean;
	/** A filter is set: Esc clears it (the table filter does that) instead of asking to cancel. @default false */
	readonly hasFilter?: boolean;
	/** Enter on a row: its detail (true); Enter, Esc or q in the detail: back (false). */
	readonly onDetail?: (isOpen: boolean) => void;
	/** f: only the failed rows, or all again. */
	readonly onFailedOnly?: () => void;
	/** s: follow the files in flight, or stop. */
	readonly onFollow?: () => void;
}

const yes = new Set(['y', 'Y', 'i', 'I']);
const no = new Set(['n', 'N']);

/**
 * Esc or q asks before cancelling; then y (or i, igen) cancels and n or Esc goes on. While asking, no other key
 * counts (the table is inactive too). Enter opens the selected row's detail (Enter, Esc or q close it), f shows only
 * the failed rows, s follows the files in flight (on at first; moving through the rows stops it). ? opens the help.
 * The table takes the arrows, paging keys and j k g G, its filter `/`; the screen turns these keys off while a filter
 * is typed.
 */
export function useDownloadKeys(options: DownloadKeysOptions): void {
	const {isActive, phase, isFinished, dispatch, onCancel, onHelp, isDetailOpen = false, hasFilter = false, onDetail, onFailedOnly, onFollow} = options;
	useKeys((input, key) => {
		const plain = !key.ctrl && !key.meta;
		if (phase === 'confirming') {
			if (yes.has(input)) {
				dispatch({type: 'confirm-cancel'});
				onCancel();
			} else if (no.has(input) || key.escape) {
				dispatch({type: 'keep-going'});
			}

			return;
		}

		if (isDetailOpen) {
			if (key.return || key.escape || (input === 'q' && plain)) {
				onDetail?.(false);
			} else if (input === '?' && plain) {
				onHelp();
			}

			return;
		}

		if ((key.escape && !hasFilter) || (input === 'q' && plain)) {
			if (!isFinished) {
				dispatch({type: 'ask-cancel'});
			}

			return;
		}

		if (key.return) {
			onDetail?.(true);
		} else if (input === 'f' && plain) {
			onFailedOnly?.();
		} else if (input === 's' && plain) {
			onFollow?.();
		} else if (input === '?' && plain) {
			onHelp();
		}
	}, {isActive});
}
