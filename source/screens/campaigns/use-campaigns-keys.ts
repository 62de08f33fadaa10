import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {isCtrl, isHelpKey, typedText} from '../../components/form/index.js';
import {type CampaignsAction, type CampaignsState, selectedIds} from './campaigns-state.js';

/**
 * Keys of the campaign picker: letters and digits filter (Backspace, Ctrl-W / Alt-Backspace a word, Ctrl-U all of it),
 * ↑ ↓ PgUp PgDn Home End move, Space toggles, Ctrl-A / Ctrl-N select / unselect what is shown, Enter continues, Esc
 * clears the filter or goes back, ? is help. Where the platform has no groups, only Enter (on, with every contact),
 * Esc and ? count.
 */
export function useCampaignsKeys(options: {
	readonly dispatch: (action: CampaignsAction) => CampaignsState;
	readonly get: () => CampaignsState;
	readonly pageSize: number;
	readonly onSubmit: (ids: string[]) => void;
	readonly onBack: (ids: string[]) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** False where the platform has nothing to choose: Enter goes on with no choice, Esc back, ? help. @default true */
	readonly hasGroups?: boolean;
}): void {
	const {dispatch, get, pageSize, onSubmit, onBack, onHelp, isActive, hasGroups = true} = options;
	useKeys(
		(input: string, key: Key) => {
			if (!hasGroups) {
				if (key.return) {
					onSubmit([]);
				} else if (key.escape) {
					onBack([]);
				} else if (isHelpKey(input, key)) {
					onHelp();
				}

				return;
			}

			if (key.return) {
				const next = dispatch({type: 'enter'});
				if (next.submitted) {
					onSubmit(selectedIds(next));
				}
			} else if (key.escape) {
				const state = get();
				if (state.filter === '') {
					onBack(selectedIds(state));
				} else {
					dispatch({type: 'clear-filter'});
				}
			} else if (key.upArrow || key.downArrow) {
				dispatch({type: 'move', delta: key.upArrow ? -1 : 1, pageSize});
			} else if (key.pageUp || key.pageDown) {
				dispatch({type: 'move', delta: (key.pageUp ? -1 : 1) * Math.max(1, pageSize - 1), pageSize});
			} else if (key.home) {
				dispatch({type: 'first', pageSize});
			} else if (key.end) {
				dispatch({type: 'last', pageSize});
			} else if (isCtrl(input, key, 'a')) {
				dispatch({type: 'select-shown'});
			} else if (isCtrl(input, key, 'n')) {
				dispatch({type: 'unselect-shown'});
			} else if (isCtrl(input, key, 'u')) {
				dispatch({type: 'clear-filter'});
			} else if (isCtrl(input, key, 'w') || (key.backspace && key.meta)) {
				dispatch({type: 'erase-word'});
			} else if (key.backspace || key.delete) {
				dispatch({type: 'erase'});
			} else if (isHelpKey(input, key)) {
				onHelp();
			} else if (input === ' ' && !key.ctrl && !key.meta) {
				dispatch({type: 'toggle'});
			} else {
				dispatch({type: 'type', text: typedText(input, key)});
			}
		},
		{isActive},
	);
}
