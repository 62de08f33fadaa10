import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {isHelpKey, typedText} from '../../components/form/index.js';
import {pickerCampaigns, type ProfilesAction, type ProfilesCommand, type ProfilesState} from './profiles-state.js';

/**
 * Keys of the Profiles list and what opens over it (the form reads its own keys).
 *
 * List: ↑ ↓ PgUp PgDn Home End move · n new · e edit · a activate / deactivate · d delete (asks y / n) · g assign
 * globally · c assign to the current company · p assign to a campaign (picker) · u unassign (level picker) ·
 * Esc close · ? help. Delete question: y deletes, n or Esc keeps. Campaign picker: type to filter, ↑ ↓ move, Enter
 * assigns, Esc clears the filter or cancels. Level picker: ↑ ↓ move, Enter unassigns, Esc cancels.
 */
export function useProfilesKeys(options: {
	readonly dispatch: (action: ProfilesAction) => ProfilesState;
	readonly get: () => ProfilesState;
	/** Profiles in the list window. */
	readonly pageSize: number;
	/** Campaigns in the picker window. */
	readonly pickerSize: number;
	readonly act: (command: ProfilesCommand) => void;
	readonly onClose: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, pageSize, pickerSize, act, onClose, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			const state = get();
			if (state.busy) {
				return;
			}

			const plain = !key.ctrl && !key.meta;
			switch (state.overlay.kind) {
				case 'none': {
					// j k as in every list (g is "assign globally" here, so no g G).
					if (key.upArrow || key.downArrow || (plain && (input === 'j' || input === 'k'))) {
						dispatch({type: 'move', delta: key.upArrow || input === 'k' ? -1 : 1, pageSize});
					} else if (key.pageUp || key.pageDown) {
						dispatch({type: 'move', delta: (key.pageUp ? -1 : 1) * Math.max(1, pageSize - 1), pageSize});
					} else if (key.home) {
						dispatch({type: 'first', pageSize});
					} else if (key.end) {
						dispatch({type: 'last', pageSize});
					} else if (key.escape || (plain && input === 'q')) {
						onClose();
					} else if (isHelpKey(input, key)) {
						onHelp();
					} else if (plain && Object.hasOwn(listCommands, input)) {
						act(listCommands[input]!);
					}

					break;
				}

				case 'confirm-delete': {
					if (plain && input.toLowerCase() === 'y') {
						act({type: 'delete'});
					} else if (key.escape || (plain && input.toLowerCase() === 'n')) {
						dispatch({type: 'close', notice: {tone: 'warn', key: 'profiles.delete.kept', params: {name: state.overlay.name}}});
					}

					break;
				}

				case 'pick-campaign': {
					if (key.upArrow || key.downArrow) {
						dispatch({type: 'pick-move', delta: key.upArrow ? -1 : 1, pageSize: pickerSize});
					} else if (key.pageUp || key.pageDown) {
						dispatch({type: 'pick-move', delta: (key.pageUp ? -1 : 1) * Math.max(1, pickerSize - 1), pageSize: pickerSize});
					} else if (key.return) {
						const campaign = pickerCampaigns(state)[state.overlay.cursor];
						if (campaign) {
							act({type: 'assign-campaign', campaignId: campaign.id});
						}
					} else if (key.escape) {
						dispatch(state.overlay.filter === '' ? {type: 'close'} : {type: 'pick-clear'});
					} else if (key.backspace || key.delete) {
						dispatch({type: 'pick-erase'});
					} else if (isHelpKey(input, key)) {
						onHelp();
					} else {
						dispatch({type: 'pick-type', text: typedText(input, key)});
					}

					break;
				}

				case 'pick-level': {
					if (key.upArrow || key.downArrow) {
						dispatch({type: 'pick-move', delta: key.upArrow ? -1 : 1, pageSize: pickerSize});
					} else if (key.return) {
						const level = state.overlay.levels[state.overlay.cursor];
						if (level) {
							act({type: 'unassign', level});
						}
					} else if (key.escape) {
						dispatch({type: 'close'});
					} else if (isHelpKey(input, key)) {
						onHelp();
					}

					break;
				}

				case 'form': {
					// The form reads its own keys.
					break;
				}
			}
		},
		{isActive},
	);
}

/** The letter keys of the list. */
const listCommands: Readonly<Record<string, ProfilesCommand>> = {
	n: {type: 'new'},
	e: {type: 'edit'},
	a: {type: 'toggle-active'},
	d: {type: 'ask-delete'},
	g: {type: 'assign-global'},
	c: {type: 'assign-company'},
	p: {type: 'pick-campaign'},
	u: {type: 'pick-level'},
};
