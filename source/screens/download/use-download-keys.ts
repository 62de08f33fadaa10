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
}

const yes = new Set(['y', 'Y', 'i', 'I']);
const no = new Set(['n', 'N']);

/**
 * Esc or q asks before cancelling; then y (or i, igen) cancels and n or Esc goes on. While asking, no other key
 * counts (the table is inactive too). ? opens the help.
 */
export function useDownloadKeys({isActive, phase, isFinished, dispatch, onCancel, onHelp}: DownloadKeysOptions): void {
	useKeys((input, key) => {
		if (phase === 'confirming') {
			if (yes.has(input)) {
				dispatch({type: 'confirm-cancel'});
				onCancel();
			} else if (no.has(input) || key.escape) {
				dispatch({type: 'keep-going'});
			}

			return;
		}

		if (key.escape || input === 'q') {
			if (!isFinished) {
				dispatch({type: 'ask-cancel'});
			}

			return;
		}

		if (input === '?') {
			onHelp();
		}
	}, {isActive});
}
