import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {handleFormKey} from '../../components/form/index.js';
import type {FormAction, FormState, FormValues} from './profile-form-state.js';

/**
 * Keys of the profile form that move between fields or leave it: Tab / ↓ and Shift-Tab / ↑, ← → between Save and
 * Cancel, Enter (next field; on Save saves, on Cancel cancels), Esc (cancel), ? (help). The focused widget reads
 * its own keys (typing, ← → in the mode).
 */
export function useProfileFormKeys(options: {
	readonly dispatch: (action: FormAction) => FormState;
	readonly get: () => FormState;
	readonly onSubmit: (values: FormValues) => void;
	readonly onCancel: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, onSubmit, onCancel, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			const {focus} = get();
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
						onSubmit(next.values);
					}
				},
				escape: onCancel,
				help: onHelp,
			});
		},
		{isActive},
	);
}
