import {useCallback, useRef, useState} from 'react';

/**
 * `useReducer` whose dispatch returns the new state at once. Keys arrive faster than React renders (a paste, a held
 * key), so a key handler must never decide from the last rendered state: it dispatches, then acts on what the pure
 * reducer returned (e.g. submit only if the state after Enter says so). The third element reads the latest state.
 */
export function useMachine<S, A>(reducer: (state: S, action: A) => S, init: () => S): [S, (action: A) => S, () => S] {
	const current = useRef<S | undefined>(undefined);
	current.current ??= init();
	const [, setRevision] = useState(0);
	const dispatch = useCallback(
		(action: A): S => {
			const previous = current.current as S;
			const next = reducer(previous, action);
			if (next !== previous) {
				current.current = next;
				setRevision(revision => revision + 1);
			}

			return next;
		},
		[reducer],
	);
	const get = useCallback((): S => current.current as S, []);
	return [current.current, dispatch, get];
}
