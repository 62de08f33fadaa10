/**
 * The Profiles screen as a pure reducer: a snapshot of the store's profiles with where each is assigned, a cursor
 * with a scroll window, a notice, and what is open over the list (the delete question, the campaign picker, the
 * unassign picker or the form). The store is changed by the screen, never here; after a save the screen hands the
 * new snapshot in.
 */
import type {Campaign} from '../../lib/api/wire.js';
import {foldName, type Profile} from '../../lib/profiles/model.js';
import type {AssignmentLevel} from '../../lib/profiles/resolve.js';
import {ProfileStore} from '../../lib/profiles/store.js';
import {scrollTop, shownCampaigns} from '../campaigns/campaigns-state.js';

export interface ProfileRow {
	readonly profile: Profile;
	/** Where it is assigned, in the store's order: global, companies, campaigns. */
	readonly levels: readonly AssignmentLevel[];
}

/** A message under the list: a catalogue key and its parameters (a store refusal is `profiles.refused`). */
export interface Notice {
	readonly tone: 'good' | 'bad' | 'warn';
	readonly key: string;
	readonly params?: Readonly<Record<string, string>>;
}

export type Overlay =
	| {readonly kind: 'none'}
	| {readonly kind: 'confirm-delete'; readonly name: string}
	| {readonly kind: 'pick-campaign'; readonly name: string; readonly filter: string; readonly cursor: number; readonly top: number}
	| {readonly kind: 'pick-level'; readonly name: string; readonly levels: readonly AssignmentLevel[]; readonly cursor: number}
	| {readonly kind: 'form'; readonly editing: Profile | undefined};

export interface ProfilesState {
	readonly rows: readonly ProfileRow[];
	readonly campaigns: readonly Campaign[];
	readonly cursor: number;
	readonly top: number;
	readonly overlay: Overlay;
	readonly notice?: Notice;
	/** A save is under way: keys are ignored until it ends. */
	readonly busy: boolean;
}

/** What a key asks of the store; the screen carries it out (keys → commands, like actions → state). */
export type ProfilesCommand =
	| {type: 'new'}
	| {type: 'edit'}
	| {type: 'toggle-active'}
	| {type: 'ask-delete'}
	| {type: 'delete'}
	| {type: 'assign-global'}
	| {type: 'assign-company'}
	| {type: 'pick-campaign'}
	| {type: 'assign-campaign'; campaignId: string}
	| {type: 'pick-level'}
	| {type: 'unassign'; level: AssignmentLevel};

export type ProfilesAction =
	| {type: 'move'; delta: number; pageSize: number}
	| {type: 'first'; pageSize: number}
	| {type: 'last'; pageSize: number}
	| {type: 'notice'; notice: Notice | undefined}
	| {type: 'open'; overlay: Overlay}
	| {type: 'close'; notice?: Notice}
	| {type: 'busy'; busy: boolean}
	/** A save went through: the new snapshot, the profile to put the cursor on, what to say; the overlay closes. */
	| {type: 'saved'; rows: readonly ProfileRow[]; select?: string; notice: Notice; pageSize: number}
	| {type: 'pick-move'; delta: number; pageSize: number}
	| {type: 'pick-type'; text: string}
	| {type: 'pick-erase'}
	| {type: 'pick-clear'};

/** The store's profiles (default first, then by name) with their assignments. */
export function rowsOf(store: ProfileStore): ProfileRow[] {
	return store.list().map(profile => ({profile, levels: store.assignmentsOf(profile.name)}));
}

/**
 * An independent copy of a store (same file): changes are tried on it and saved from it, so the store the app holds
 * changes only once the file has been written.
 */
export function cloneStore(store: ProfileStore): ProfileStore {
	return ProfileStore.parse(store.file, JSON.stringify(store.toJSON()));
}

export function initialProfilesState(rows: readonly ProfileRow[], campaigns: readonly Campaign[]): ProfilesState {
	return {rows, campaigns, cursor: 0, top: 0, overlay: {kind: 'none'}, busy: false};
}

/** The profile under the cursor. */
export function selectedRow(state: ProfilesState): ProfileRow | undefined {
	return state.rows[state.cursor];
}

/** The campaigns the picker shows: those whose name or ID contains its filter (case and accents aside). */
export function pickerCampaigns(state: ProfilesState): readonly Campaign[] {
	return state.overlay.kind === 'pick-campaign' ? shownCampaigns({campaigns: state.campaigns, filter: state.overlay.filter}) : [];
}

function withCursor(state: ProfilesState, cursor: number, pageSize: number): ProfilesState {
	const clamped = Math.max(0, Math.min(cursor, state.rows.length - 1));
	return {...state, cursor: clamped, top: scrollTop(state.top, clamped, pageSize, state.rows.length)};
}

export function profilesReducer(state: ProfilesState, action: ProfilesAction): ProfilesState {
	switch (action.type) {
		case 'move': {
			return withCursor(state, state.cursor + action.delta, action.pageSize);
		}

		case 'first': {
			return withCursor(state, 0, action.pageSize);
		}

		case 'last': {
			return withCursor(state, state.rows.length - 1, action.pageSize);
		}

		case 'notice': {
			return action.notice === state.notice ? state : {...state, notice: action.notice};
		}

		case 'open': {
			const {notice: _notice, ...rest} = state;
			return {...rest, overlay: action.overlay};
		}

		case 'close': {
			return {...state, overlay: {kind: 'none'}, notice: action.notice, busy: false};
		}

		case 'busy': {
			return action.busy === state.busy ? state : {...state, busy: action.busy};
		}

		case 'saved': {
			const before = selectedRow(state)?.profile.name;
			const wanted = action.select ?? before;
			const found = wanted === undefined ? -1 : action.rows.findIndex(row => foldName(row.profile.name) === foldName(wanted));
			const next = {...state, rows: action.rows, overlay: {kind: 'none'} as const, notice: action.notice, busy: false};
			return withCursor(next, found === -1 ? state.cursor : found, action.pageSize);
		}

		case 'pick-move': {
			if (state.overlay.kind === 'pick-campaign') {
				const count = pickerCampaigns(state).length;
				const cursor = Math.max(0, Math.min(state.overlay.cursor + action.delta, count - 1));
				return {...state, overlay: {...state.overlay, cursor, top: scrollTop(state.overlay.top, cursor, action.pageSize, count)}};
			}

			if (state.overlay.kind === 'pick-level') {
				const cursor = Math.max(0, Math.min(state.overlay.cursor + action.delta, state.overlay.levels.length - 1));
				return {...state, overlay: {...state.overlay, cursor}};
			}

			return state;
		}

		case 'pick-type': {
			return state.overlay.kind === 'pick-campaign' && action.text !== ''
				? {...state, overlay: {...state.overlay, filter: state.overlay.filter + action.text, cursor: 0, top: 0}}
				: state;
		}

		case 'pick-erase': {
			return state.overlay.kind === 'pick-campaign' && state.overlay.filter !== ''
				? {...state, overlay: {...state.overlay, filter: [...state.overlay.filter].slice(0, -1).join(''), cursor: 0, top: 0}}
				: state;
		}

		case 'pick-clear': {
			return state.overlay.kind === 'pick-campaign' ? {...state, overlay: {...state.overlay, filter: '', cursor: 0, top: 0}} : state;
		}
	}
}
