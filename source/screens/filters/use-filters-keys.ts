import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {isHelpKey, isNextKey, isPreviousKey} from '../../components/form/index.js';
import type {FilterValues} from '../../flow.js';
import {type FiltersAction, type FiltersState, filtersPayload} from './filters-state.js';

/**
 * Keys of the filters screen that move between fields or leave it: Tab / ↓ and Shift-Tab / ↑, Enter (next field,
 * or submit on Continue), Esc (back with the values), ? (help). The focused widget reads its own keys.
 */
export function useFiltersKeys(options: {
	readonly dispatch: (action: FiltersAction) => FiltersState;
	readonly get: () => FiltersState;
	readonly onSubmit: (value: FilterValues) => void;
	readonly onBack: (value: FilterValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, onSubmit, onBack, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			if (isNextKey(key)) {
				dispatch({type: 'focus-next'});
			} else if (isPreviousKey(key)) {
				dispatch({type: 'focus-previous'});
			} else if (key.return) {
				const next = dispatch({type: 'enter'});
				if (next.submitted) {
					onSubmit(filtersPayload(next.values));
				}
			} else if (key.escape) {
				onBack(filtersPayload(get().values));
			} else if (isHelpKey(input, key)) {
				onHelp();
			}
		},
		{isActive},
	);
}
