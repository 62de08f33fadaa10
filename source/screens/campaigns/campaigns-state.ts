/**
 * The campaign picker as a pure reducer: a type-to-filter multi-select over the campaigns the user may see, with a
 * cursor and a scroll window. Selection is kept by ID, so filtering never loses a choice.
 */
import type {Campaign} from '../../lib/api/wire.js';

export interface CampaignsState {
	readonly campaigns: readonly Campaign[];
	/** As typed; matched case- and accent-insensitively against the name and the ID. */
	readonly filter: string;
	/** Index into the shown (filtered) campaigns. */
	readonly cursor: number;
	/** First shown row of the scroll window. */
	readonly top: number;
	/** Selected IDs, in the order of `campaigns`. */
	readonly selected: readonly string[];
	/** Message key shown under the list (Enter with nothing selected). */
	readonly message?: string;
	/** True right after an Enter with a selection: the hook then submits `selectedIds`. */
	readonly submitted: boolean;
}

export type CampaignsAction =
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'erase-word'}
	| {type: 'clear-filter'}
	| {type: 'move'; delta: number; pageSize: number}
	| {type: 'first'; pageSize: number}
	| {type: 'last'; pageSize: number}
	| {type: 'toggle'}
	| {type: 'select-shown'}
	| {type: 'unselect-shown'}
	| {type: 'enter'};

export function initialCampaignsState(campaigns: readonly Campaign[], selected: readonly string[]): CampaignsState {
	const wanted = new Set(selected);
	return {campaigns, filter: '', cursor: 0, top: 0, selected: campaigns.filter(campaign => wanted.has(campaign.id)).map(campaign => campaign.id), submitted: false};
}

/** Lower case without accents: "Értékesítés" and "ertekesites" match each other. */
export function searchKey(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const keyCache = new WeakMap<Campaign, string[]>();

function keysOf(campaign: Campaign): string[] {
	let cached = keyCache.get(campaign);
	if (!cached) {
		cached = [searchKey(campaign.name), searchKey(campaign.id)];
		keyCache.set(campaign, cached);
	}

	return cached;
}

/** The campaigns whose name or ID contains the filter. */
export function shownCampaigns(state: Pick<CampaignsState, 'campaigns' | 'filter'>): readonly Campaign[] {
	const wanted = searchKey(state.filter.trim());
	if (wanted === '') {
		return state.campaigns;
	}

	return state.campaigns.filter(campaign => keysOf(campaign).some(key => key.includes(wanted)));
}

/** The selection as submitted: IDs in the order of the campaign list. */
export function selectedIds(state: CampaignsState): string[] {
	return [...state.selected];
}

/** The first row of a window of `pageSize` rows that keeps the cursor in view and moves as little as it can. */
export function scrollTop(top: number, cursor: number, pageSize: number, count: number): number {
	const size = Math.max(1, pageSize);
	let next = Math.min(top, cursor);
	if (cursor >= next + size) {
		next = cursor - size + 1;
	}

	return Math.max(0, Math.min(next, count - size));
}

function withCursor(state: CampaignsState, cursor: number, pageSize: number): CampaignsState {
	const count = shownCampaigns(state).length;
	const clamped = Math.max(0, Math.min(cursor, count - 1));
	return {...state, cursor: clamped, top: scrollTop(state.top, clamped, pageSize, count), submitted: false};
}

function ordered(campaigns: readonly Campaign[], ids: ReadonlySet<string>): string[] {
	return campaigns.filter(campaign => ids.has(campaign.id)).map(campaign => campaign.id);
}

export function campaignsReducer(state: CampaignsState, action: CampaignsAction): CampaignsState {
	switch (action.type) {
		case 'type': {
			return action.text === '' ? state : {...state, filter: state.filter + action.text, cursor: 0, top: 0, submitted: false};
		}

		case 'erase': {
			return state.filter === '' ? state : {...state, filter: [...state.filter].slice(0, -1).join(''), cursor: 0, top: 0, submitted: false};
		}

		case 'erase-word': {
			// Space selects here, so a word ends at anything but a letter or digit (as Alt-Backspace in a shell).
			const filter = state.filter.replace(/[\p{L}\p{N}]*[^\p{L}\p{N}]*$/u, '');
			return filter === state.filter ? state : {...state, filter, cursor: 0, top: 0, submitted: false};
		}

		case 'clear-filter': {
			return {...state, filter: '', cursor: 0, top: 0, submitted: false};
		}

		case 'move': {
			return withCursor(state, state.cursor + action.delta, action.pageSize);
		}

		case 'first': {
			return withCursor(state, 0, action.pageSize);
		}

		case 'last': {
			return withCursor(state, shownCampaigns(state).length - 1, action.pageSize);
		}

		case 'toggle': {
			const campaign = shownCampaigns(state)[state.cursor];
			if (!campaign) {
				return state;
			}

			const ids = new Set(state.selected);
			if (ids.has(campaign.id)) {
				ids.delete(campaign.id);
			} else {
				ids.add(campaign.id);
			}

			return {...state, selected: ordered(state.campaigns, ids), message: undefined, submitted: false};
		}

		case 'select-shown': {
			const ids = new Set([...state.selected, ...shownCampaigns(state).map(campaign => campaign.id)]);
			return {...state, selected: ordered(state.campaigns, ids), message: undefined, submitted: false};
		}

		case 'unselect-shown': {
			const shown = new Set(shownCampaigns(state).map(campaign => campaign.id));
			return {...state, selected: state.selected.filter(id => !shown.has(id)), submitted: false};
		}

		case 'enter': {
			return state.selected.length === 0
				? {...state, message: 'campaigns.error.none', submitted: false}
				: {...state, message: undefined, submitted: true};
		}
	}
}
