import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {handleFormKey, isCtrl} from '../../components/form/index.js';
import type {NamingValues} from '../../flow.js';
import {type FileNameAction, type FileNameState, namingPayload} from './file-name-state.js';

/**
 * Keys of the file-name screen that are not the focused widget's: Tab / ↓ and Shift-Tab / ↑, Enter (next, or submit
 * on Continue), Ctrl-R (reset to the default), Esc (back with the values), ? (help).
 */
export function useFileNameKeys(options: {
	readonly dispatch: (action: FileNameAction) => FileNameState;
	readonly get: () => FileNameState;
	readonly onSubmit: (value: NamingValues) => void;
	readonly onBack: (value: NamingValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, onSubmit, onBack, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			if (isCtrl(input, key, 'r')) {
				dispatch({type: 'reset'});
				return;
			}

			handleFormKey(input, key, {
				next: () => dispatch({type: 'focus-next'}),
				previous: () => dispatch({type: 'focus-previous'}),
				enter() {
					const next = dispatch({type: 'enter'});
					if (next.submitted) {
						onSubmit(namingPayload(next));
					}
				},
				escape: () => {
					onBack(namingPayload(get()));
				},
				help: onHelp,
			});
		},
		{isActive},
	);
}
