import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {handleFormKey} from '../../components/form/index.js';
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
			handleFormKey(input, key, {
				next: () => dispatch({type: 'focus-next'}),
				previous: () => dispatch({type: 'focus-previous'}),
				enter() {
					const next = dispatch({type: 'enter'});
					if (next.submitted) {
						onSubmit(filtersPayload(next.values));
					}
				},
				escape: () => {
					onBack(filtersPayload(get().values));
				},
				help: onHelp,
			});
		},
		{isActive},
	);
}
