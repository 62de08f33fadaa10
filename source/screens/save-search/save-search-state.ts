/**
 * The "save this search" form as a pure reducer: a name, a date rule chosen among the relative rules (and the
 * fixed range of the current filter, when there is one), and the Save / Cancel buttons. The rules are not repeated
 * here: the missing parts come from the saved-search model (`missingParts`), the name's rule from `checkSearchName`,
 * and what the store says on Save comes back as a `refuse` action.
 */
import {checkSearchName, missingParts, type SavedSearch} from '../../lib/searches/model.js';

/** What the app knows of the search from its state; the form adds the name and the date rule. */
export type SearchDraft = Omit<SavedSearch, 'name' | 'dateRule' | 'createdAt' | 'updatedAt'> & {
	/** The current filter's fixed range, as FROM..TO (offered as a choice and chosen first), or a rule. */
	dateRule?: string;
};

export type SaveField = 'name' | 'dateRule' | 'save' | 'cancel';
export const saveFields: readonly SaveField[] = ['name', 'dateRule', 'save', 'cancel'];

/** The relative rules offered, in this order, after the current filter's range. */
export const relativeRules = ['today', 'yesterday', 'previous-7-days', 'previous-calendar-week', 'previous-calendar-month', 'this-month'] as const;

export interface SaveState {
	readonly name: string;
	readonly dateRule: string;
	readonly focus: SaveField;
	/** The name's problem shows once it was changed or left, or after a Save. */
	readonly nameTouched: boolean;
	/** What the store refused (or the save failed with) on the last Save, until a value changes. */
	readonly refusal?: string;
	/** The name a Save found taken: a second Save with the same name replaces that search. */
	readonly replacing?: string;
	/** A save is under way: keys are ignored. */
	readonly busy: boolean;
	/** True right after Enter on Save: the key hook then saves. */
	readonly submitted: boolean;
}

export type SaveAction =
	| {type: 'set-name'; value: string}
	| {type: 'set-date-rule'; value: string}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: SaveField}
	| {type: 'enter'}
	| {type: 'busy'}
	| {type: 'refuse'; message: string; replacing?: string};

/** The rules the form offers: the draft's own (a fixed range, or a rule not in the list) first, then the relative ones. */
export function ruleChoices(draft: SearchDraft): string[] {
	const own = draft.dateRule?.trim();
	return own && !(relativeRules as readonly string[]).includes(own) ? [own, ...relativeRules] : [...relativeRules];
}

export function initialSaveState(draft: SearchDraft, name = ''): SaveState {
	return {name, dateRule: draft.dateRule?.trim() || 'previous-7-days', focus: 'name', nameTouched: false, busy: false, submitted: false};
}

/** The search the form would save, at `now`. */
export function searchOf(draft: SearchDraft, state: Pick<SaveState, 'name' | 'dateRule'>, now: Date): SavedSearch {
	const stamp = now.toISOString();
	return {...draft, name: state.name.trim(), dateRule: state.dateRule, createdAt: stamp, updatedAt: stamp};
}

/** The name's problem in the model's words, if any. */
export function nameProblem(name: string): string | undefined {
	try {
		checkSearchName(name);
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/** Every missing part of the search as it stands (empty: it can be saved). */
export function draftMissing(draft: SearchDraft, state: Pick<SaveState, 'name' | 'dateRule'>, now: Date): string[] {
	return missingParts(searchOf(draft, state, now));
}

function moved(state: SaveState, delta: number): SaveState {
	const index = saveFields.indexOf(state.focus);
	const focus = saveFields[(index + delta + saveFields.length) % saveFields.length]!;
	return {...state, focus, nameTouched: state.nameTouched || state.focus === 'name', submitted: false};
}

function changed(state: SaveState, patch: Partial<SaveState>): SaveState {
	const {refusal: _refusal, replacing: _replacing, ...rest} = state;
	return {...rest, ...patch, submitted: false};
}

export function saveReducer(state: SaveState, action: SaveAction): SaveState {
	switch (action.type) {
		case 'set-name': {
			return action.value === state.name ? state : changed(state, {name: action.value, nameTouched: true});
		}

		case 'set-date-rule': {
			return action.value === state.dateRule ? state : changed(state, {dateRule: action.value});
		}

		case 'focus-next': {
			return moved(state, 1);
		}

		case 'focus-previous': {
			return moved(state, -1);
		}

		case 'focus': {
			return {...state, focus: action.field, submitted: false};
		}

		case 'enter': {
			if (state.busy) {
				return state;
			}

			if (state.focus === 'save') {
				return {...state, nameTouched: true, submitted: true};
			}

			return state.focus === 'cancel' ? state : moved(state, 1);
		}

		case 'busy': {
			return {...state, busy: true, submitted: false};
		}

		case 'refuse': {
			const {replacing: _replacing, ...rest} = state;
			return {...rest, refusal: action.message, busy: false, submitted: false, ...(action.replacing === undefined ? {} : {replacing: action.replacing})};
		}
	}
}
