import {useState} from 'react';
import {type EditState, editText} from '../form/text-edit.js';
import {useKeys} from '../../hooks/use-keys.js';

export interface TableFilter {
	/** The text rows are filtered by ('' = every row). */
	readonly query: string;
	/** `/` was pressed and keys are typed into the filter: the screen's letter keys (q, d, j…) must wait. */
	readonly isEditing: boolean;
}

/**
 * `/` starts a filter and what is typed next narrows the rows at once; Enter keeps the filter and gives the keys
 * back to the table; Esc clears it. The filter line edits like any text field (Backspace, Ctrl-U, Ctrl-W…). A screen
 * reads `isEditing` to leave its own keys alone while the filter is typed, and `query` to let Esc clear the filter
 * before it means "back".
 */
export function useTableFilter(isActive: boolean): TableFilter {
	const [state, setState] = useState<{edit: EditState; isEditing: boolean}>({edit: {value: '', cursor: 0}, isEditing: false});
	useKeys((input, key) => {
		if (!state.isEditing) {
			if (input === '/' && !key.ctrl && !key.meta) {
				setState(previous => ({...previous, isEditing: true}));
			} else if (key.escape && state.edit.value !== '') {
				setState({edit: {value: '', cursor: 0}, isEditing: false});
			}

			return;
		}

		if (key.escape) {
			setState({edit: {value: '', cursor: 0}, isEditing: false});
		} else if (key.return || key.tab) {
			setState(previous => ({...previous, isEditing: false}));
		} else {
			setState(previous => ({...previous, edit: editText(previous.edit, input, key)}));
		}
	}, {isActive, takesText: () => state.isEditing});
	return {query: state.edit.value, isEditing: state.isEditing};
}
