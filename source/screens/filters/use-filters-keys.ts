import {type Key} from 'ink';
import {useState} from 'react';
import {useKeys} from '../../hooks/use-keys.js';
import {handleFormKey} from '../../components/form/index.js';
import type {FilterValues} from '../../flow.js';
import type {Completion, FolderProblem} from '../../lib/text/paths.js';
import {type FiltersAction, type FiltersState, filtersPayload} from './filters-state.js';

/** How the screen reaches the disk; tests pass their own. */
export interface FolderAccess {
	/** Whether files can be written into the folder (as typed: `~` not yet expanded). */
	readonly check: (folder: string) => Promise<FolderProblem | undefined>;
	/** Tab completion of the folder as typed. */
	readonly complete: (folder: string) => Completion;
}

/**
 * Keys of the filters screen that move between fields or leave it: Tab / ↓ and Shift-Tab / ↑, Enter (next field,
 * or submit on Continue), Esc (back with the values), ? (help). The focused widget reads its own keys. In the folder,
 * once something was typed there, Tab completes folder names as a shell does (and lists them when several match);
 * Tab moves on when there is nothing to complete. The folder is checked on disk when it is left and before submit;
 * returns whether that check (before submit) is under way.
 */
export function useFiltersKeys(options: {
	readonly dispatch: (action: FiltersAction) => FiltersState;
	readonly get: () => FiltersState;
	readonly onSubmit: (value: FilterValues) => void;
	readonly onBack: (value: FilterValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	readonly folder: FolderAccess;
}): boolean {
	const {dispatch, get, onSubmit, onBack, onHelp, isActive, folder} = options;
	const [isChecking, setChecking] = useState(false);

	const check = async (value: string): Promise<FolderProblem | undefined> => {
		const problem = await folder.check(value);
		dispatch({type: 'folder-checked', value, problem});
		return problem;
	};

	/** Runs `action`; when it takes the focus off the folder, the folder is checked. */
	const act = (action: FiltersAction): FiltersState => {
		const before = get();
		const after = dispatch(action);
		if (before.focus === 'folder' && after.focus !== 'folder' && after.values.outDir.trim() !== '') {
			void check(after.values.outDir);
		}

		return after;
	};

	/** Tab in the folder: true when it completed or listed, false when there is nothing to complete. */
	const complete = (): boolean => {
		const state = get();
		if (state.focus !== 'folder' || !state.isFolderEdited) {
			return false;
		}

		const typed = state.values.outDir;
		const completion = folder.complete(typed);
		const isListed = state.folderCandidates?.value === typed;
		// As bash: the first Tab extends to what every match shares, the next one lists the matches.
		if (completion.value !== typed) {
			dispatch({type: 'folder-completed', value: completion.value, candidates: []});
			return true;
		}

		if (completion.candidates.length > 1 && !isListed) {
			dispatch({type: 'folder-completed', value: typed, candidates: completion.candidates});
			return true;
		}

		return false;
	};

	useKeys(
		(input: string, key: Key) => {
			if (key.tab && !key.shift && complete()) {
				return;
			}

			handleFormKey(input, key, {
				next: () => act({type: 'focus-next'}),
				previous: () => act({type: 'focus-previous'}),
				enter() {
					const next = act({type: 'enter'});
					if (next.submitted) {
						const values = next.values;
						setChecking(true);
						void check(values.outDir).then(problem => {
							if (problem) {
								dispatch({type: 'focus', field: 'folder'});
							} else {
								onSubmit(filtersPayload(values));
							}

							// After onSubmit, so the app's busy state holds the keys without a gap.
							setChecking(false);
						});
					}
				},
				escape: () => {
					onBack(filtersPayload(get().values));
				},
				help: onHelp,
			});
		},
		{isActive: isActive && !isChecking},
	);
	return isChecking;
}
