import {type Key} from 'ink';
import {handleFormKey} from '../../components/form/index.js';
import {useKeys} from '../../hooks/use-keys.js';
import type {SaveAction, SaveState} from './save-search-state.js';

/**
 * Keys of the save-search form that move between fields or leave it: Tab / ↓ and Shift-Tab / ↑, ← → between Save
 * and Cancel, Enter (next field; on Save saves, on Cancel cancels), Esc (cancel), ? (help). The focused widget reads
 * its own keys (typing the name, ← → Space in the date rule).
 */
export function useSaveSearchKeys(options: {
	readonly dispatch: (action: SaveAction) => SaveState;
	readonly get: () => SaveState;
	readonly onSubmit: (state: SaveState) => void;
	readonly onCancel: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, onSubmit, onCancel, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			const {focus, busy} = get();
			if (busy) {
				return;
			}

			if ((key.leftArrow || key.rightArrow) && (focus === 'save' || focus === 'cancel')) {
				dispatch({type: 'focus', field: focus === 'save' ? 'cancel' : 'save'});
				return;
			}

			handleFormKey(input, key, {
				next: () => dispatch({type: 'focus-next'}),
				previous: () => dispatch({type: 'focus-previous'}),
				enter() {
					if (focus === 'cancel') {
						onCancel();
						return;
					}

					const next = dispatch({type: 'enter'});
					if (next.submitted) {
						onSubmit(next);
					}
				},
				escape: onCancel,
				help: onHelp,
			});
		},
		{isActive},
	);
}
