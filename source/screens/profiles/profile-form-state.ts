/**
 * The create / edit form of a download profile as a pure reducer: name, description, mode and one count per
 * channel, a focus that moves over them and the Save / Cancel buttons. The rules are not repeated here: the
 * problems shown while typing come from the profile model and a dry run on a copy of the store (`formProblems`),
 * and what the store says on Save comes back as a `refuse` action.
 */
import {type Channel, channels} from '../../lib/api/wire.js';
import {checkCounts, checkDescription, type ChannelCounts, type Profile, type ProfileMode} from '../../lib/profiles/model.js';
import type {ProfileInput, ProfilePatch, ProfileStore} from '../../lib/profiles/store.js';
import {cloneStore} from './profiles-state.js';

export type FormField = 'name' | 'description' | 'mode' | Channel | 'save' | 'cancel';
export const formFields: readonly FormField[] = ['name', 'description', 'mode', ...channels, 'save', 'cancel'];

/** Where a problem shows: under a field, under the counts, or under the whole form. */
export type ProblemPlace = 'name' | 'description' | 'mode' | 'counts' | 'form';

export interface FormValues {
	readonly name: string;
	readonly description: string;
	readonly mode: ProfileMode;
	/** As typed: digits only, empty meaning 0. */
	readonly counts: Readonly<Record<Channel, string>>;
}

export interface FormState {
	readonly values: FormValues;
	/** The profile being edited (its name when the form opened); undefined for a new one. */
	readonly editing: string | undefined;
	readonly focus: FormField;
	/** Places whose problems show: changed, left, or after a Save. */
	readonly touched: readonly ProblemPlace[];
	/** What the store refused on the last Save, until a value changes. */
	readonly refusal?: {readonly place: ProblemPlace; readonly message: string};
	/** True right after Enter on Save: the key hook then submits the values. */
	readonly submitted: boolean;
}

export type FormAction =
	| {type: 'set-name'; value: string}
	| {type: 'set-description'; value: string}
	| {type: 'set-mode'; value: ProfileMode}
	| {type: 'set-count'; channel: Channel; value: string}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: FormField}
	| {type: 'enter'}
	| {type: 'refuse'; place: ProblemPlace; message: string};

/** The longest count that may be typed: enough for any out-of-range number to be seen and refused. */
const countDigits = 3;

/** A count as the field keeps it: digits only, no leading zeros ("04" → "4"), at most three digits. */
export function countText(typed: string): string {
	const digits = typed.replaceAll(/\D/g, '').slice(-countDigits);
	return digits === '' ? '' : String(Number(digits));
}

export function initialFormState(editing: Profile | undefined): FormState {
	const counts = Object.fromEntries(channels.map(channel => [channel, String(editing?.counts[channel] ?? 0)])) as Record<Channel, string>;
	return {
		values: {name: editing?.name ?? '', description: editing?.description ?? '', mode: editing?.mode ?? 'blended', counts},
		editing: editing?.name,
		focus: 'name',
		touched: [],
		submitted: false,
	};
}

/** The counts as numbers (an empty field is 0). */
export function countsOf(values: FormValues): ChannelCounts {
	return Object.fromEntries(channels.map(channel => [channel, values.counts[channel] === '' ? 0 : Number(values.counts[channel])])) as ChannelCounts;
}

/** What `store.create` gets. */
export function inputOf(values: FormValues): ProfileInput {
	return {name: values.name, mode: values.mode, counts: countsOf(values), ...(values.description === '' ? {} : {description: values.description})};
}

/** What `store.edit` gets: every field, an empty description removing it. */
export function patchOf(values: FormValues): ProfilePatch {
	return {rename: values.name, description: values.description, mode: values.mode, counts: countsOf(values)};
}

/** Where a refusal of the store belongs, by its code. */
export function placeOf(code: string | undefined): ProblemPlace {
	switch (code) {
		case 'profile-name':
		case 'profile-duplicate': {
			return 'name';
		}

		case 'profile-description': {
			return 'description';
		}

		case 'profile-mode': {
			return 'mode';
		}

		case 'profile-count': {
			return 'counts';
		}

		default: {
			return 'form';
		}
	}
}

function messageOf(action: () => unknown): string | undefined {
	try {
		action();
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/**
 * Every problem of the values, each in the store's own words: the name (characters, length, a duplicate) from a
 * dry run on a copy of the store with nothing else changed, the description and the counts from the model's checks.
 */
export function formProblems(store: ProfileStore, values: FormValues, editing: string | undefined): Partial<Record<ProblemPlace, string>> {
	const problems: Partial<Record<ProblemPlace, string>> = {};
	const draft = cloneStore(store);
	const name = messageOf(() => editing === undefined
		// Counts that pass in any mode, so only the name can be refused.
		? draft.create({name: values.name, mode: 'blended', counts: {voice: 1}})
		: draft.edit(editing, {rename: values.name}));
	const description = messageOf(() => checkDescription(values.description));
	const counts = messageOf(() => checkCounts(values.mode, countsOf(values)));
	if (name) {
		problems.name = name;
	}

	if (description) {
		problems.description = description;
	}

	if (counts) {
		problems.counts = counts;
	}

	return problems;
}

/** The problems to show now: those of touched places, and what the store refused on Save. */
export function shownProblems(state: FormState, problems: Partial<Record<ProblemPlace, string>>): Partial<Record<ProblemPlace, string>> {
	const shown: Partial<Record<ProblemPlace, string>> = {};
	for (const place of state.touched) {
		if (problems[place]) {
			shown[place] = problems[place];
		}
	}

	if (state.refusal) {
		shown[state.refusal.place] = state.refusal.message;
	}

	return shown;
}

function placeOfField(field: FormField): ProblemPlace | undefined {
	if (field === 'name' || field === 'description') {
		return field;
	}

	return field === 'mode' || (channels as readonly string[]).includes(field) ? 'counts' : undefined;
}

function touch(touched: readonly ProblemPlace[], place: ProblemPlace | undefined): readonly ProblemPlace[] {
	return place === undefined || touched.includes(place) ? touched : [...touched, place];
}

function changed(state: FormState, values: FormValues, place: ProblemPlace): FormState {
	const {refusal: _refusal, ...rest} = state;
	return {...rest, values, touched: touch(state.touched, place), submitted: false};
}

function moved(state: FormState, delta: number): FormState {
	const index = formFields.indexOf(state.focus);
	const focus = formFields[(index + delta + formFields.length) % formFields.length]!;
	return {...state, focus, touched: touch(state.touched, placeOfField(state.focus)), submitted: false};
}

export function formReducer(state: FormState, action: FormAction): FormState {
	switch (action.type) {
		case 'set-name': {
			return action.value === state.values.name ? state : changed(state, {...state.values, name: action.value}, 'name');
		}

		case 'set-description': {
			return action.value === state.values.description ? state : changed(state, {...state.values, description: action.value}, 'description');
		}

		case 'set-mode': {
			// A mode changes the ranges, so the counts are judged again at once.
			return action.value === state.values.mode ? state : changed(state, {...state.values, mode: action.value}, 'counts');
		}

		case 'set-count': {
			const value = countText(action.value);
			return changed(state, {...state.values, counts: {...state.values.counts, [action.channel]: value}}, 'counts');
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
			if (state.focus === 'save') {
				return {...state, touched: ['name', 'description', 'counts'], submitted: true};
			}

			// Enter in a field goes on to the next one (Cancel is the key hook's business).
			return state.focus === 'cancel' ? state : moved(state, 1);
		}

		case 'refuse': {
			return {...state, refusal: {place: action.place, message: action.message}, touched: touch(state.touched, action.place), submitted: false};
		}
	}
}
