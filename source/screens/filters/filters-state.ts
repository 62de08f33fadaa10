/**
 * The filters and options form as a pure reducer: the call-start range (typed, or a quick range computed in the
 * user's time zone), channels, the export mode, the archived and overwrite toggles, the download folder and the
 * transcript format.
 * Problems are computed from the values; the state only remembers which fields may show theirs yet.
 */
import type {FilterValues} from '../../flow.js';
import type {Channel} from '../../lib/api/wire.js';
import {channels as allChannels} from '../../lib/api/wire.js';
import {parseUserInstant} from '../../lib/dates.js';
import {expandHome, type FolderProblem} from '../../lib/text/paths.js';

export const filterFields = ['from', 'to', 'quick', 'channels', 'mode', 'archived', 'overwrite', 'folder', 'transcripts', 'continue'] as const;
export type FilterField = (typeof filterFields)[number];

/** Fields that can have a problem. */
export type CheckedField = 'from' | 'to' | 'folder';

export const quickRanges = ['today', 'yesterday', 'last7', 'month'] as const;
export type QuickRange = (typeof quickRanges)[number];

/** A problem as a message key and its parameters. */
export interface Problem {
	readonly key: string;
	readonly params?: Record<string, string>;
}

export interface FiltersState {
	readonly values: FilterValues;
	readonly timeZone: string;
	readonly focus: FilterField;
	/** Fields that show their problem even while it is being typed: left once, Enter on them, or a submit attempt. */
	readonly touched: readonly CheckedField[];
	/** True right after Enter on Continue with no problem: the hook then checks the folder and submits `filtersPayload`. */
	readonly submitted: boolean;
	/** The last check of the folder on disk, for the value it checked (a newer value is not judged by it). */
	readonly folderCheck?: {readonly value: string; readonly problem: FolderProblem | undefined};
	/** Typed into the folder since it got focus: only then does Tab complete instead of moving on. */
	readonly isFolderEdited: boolean;
	/** Folders the last Tab found (more than one), listed under the field for the value they were found for. */
	readonly folderCandidates?: {readonly value: string; readonly names: readonly string[]};
	/**
	 * Enter just filled in a quick range: that Enter stays on the row, the next one goes on. The row fills one in on
	 * Enter only after ← → picked it, or while both dates are empty: a user pressing Enter down the form must not have
	 * "today" replace the dates just typed.
	 */
	readonly isQuickJustApplied?: boolean;
}

export type FiltersAction =
	| {type: 'set'; values: Partial<FilterValues>}
	| {type: 'quick'; range: QuickRange; now: Date; byEnter?: boolean}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: FilterField}
	| {type: 'enter'}
	| {type: 'folder-checked'; value: string; problem: FolderProblem | undefined}
	| {type: 'folder-completed'; value: string; candidates: readonly string[]};

export function initialFiltersState(values: FilterValues, timeZone: string): FiltersState {
	return {values: {...values, channels: [...values.channels], mode: values.mode ?? 'full'}, timeZone, focus: 'from', touched: [], submitted: false, isFolderEdited: false};
}

/** Looks like a date or a date and time, even if not a real one (then it is "impossible", not "malformed"). */
const dateShape = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$/i;
/** Typed to the end: a problem shows at once, without leaving the field. */
const completeShape = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?$/i;

/** The instant a typed date stands for, undefined when empty or invalid. */
export function instantOf(flag: 'from' | 'to', text: string, timeZone: string): Date | undefined {
	if (text.trim() === '') {
		return undefined;
	}

	try {
		return parseUserInstant(flag, text, timeZone);
	} catch {
		return undefined;
	}
}

function dateProblem(flag: 'from' | 'to', text: string, timeZone: string): Problem | undefined {
	const trimmed = text.trim();
	if (trimmed === '' || instantOf(flag, trimmed, timeZone)) {
		return undefined;
	}

	return dateShape.test(trimmed) ? {key: 'filters.error.impossible', params: {text: trimmed}} : {key: 'filters.error.format'};
}

/** Every problem of the values. `to` must be later than `from`; a date-only `to` covers its whole day. */
export function filterProblems(values: FilterValues, timeZone: string): Partial<Record<CheckedField, Problem>> {
	const problems: Partial<Record<CheckedField, Problem>> = {};
	const from = dateProblem('from', values.from, timeZone);
	const to = dateProblem('to', values.to, timeZone);
	if (from) {
		problems.from = from;
	}

	if (to) {
		problems.to = to;
	}

	const start = instantOf('from', values.from, timeZone);
	const end = instantOf('to', values.to, timeZone);
	if (start && end && start.getTime() >= end.getTime()) {
		problems.to = {key: 'filters.error.order'};
	}

	if (values.outDir.trim() === '') {
		problems.folder = {key: 'filters.error.folder'};
	}

	return problems;
}

/** Problems of the values, and what the last check on disk found for the folder as it is now. */
export function stateProblems(state: FiltersState): Partial<Record<CheckedField, Problem>> {
	const problems = filterProblems(state.values, state.timeZone);
	const check = state.folderCheck;
	if (!problems.folder && check?.problem && check.value === state.values.outDir) {
		problems.folder = {key: `filters.error.${check.problem.kind}`, params: {path: check.problem.path}};
	}

	return problems;
}

/** The problems the screen shows now: touched fields, and dates typed to the end (refused on the spot). */
export function shownProblems(state: FiltersState): Partial<Record<CheckedField, Problem>> {
	const all = stateProblems(state);
	const shown: Partial<Record<CheckedField, Problem>> = {};
	for (const field of ['from', 'to', 'folder'] as const) {
		const problem = all[field];
		const text = field === 'folder' ? state.values.outDir : state.values[field];
		if (problem && (state.touched.includes(field) || (field !== 'folder' && completeShape.test(text.trim())))) {
			shown[field] = problem;
		}
	}

	// The order of the range is judged when both ends are complete dates.
	if (all.to?.key === 'filters.error.order') {
		shown.to = all.to;
	}

	return shown;
}

/** What is submitted: dates and folder trimmed, `~` expanded (no shell did it), channels in their usual order. */
export function filtersPayload(values: FilterValues): FilterValues {
	return {
		...values,
		from: values.from.trim(),
		to: values.to.trim(),
		outDir: expandHome(values.outDir.trim()),
		channels: allChannels.filter(channel => values.channels.includes(channel)),
	};
}

/** Today's calendar date in `timeZone`. */
function localDay(now: Date, timeZone: string): {year: number; month: number; day: number} {
	const parts = new Intl.DateTimeFormat('en-US', {timeZone, year: 'numeric', month: 'numeric', day: 'numeric'}).formatToParts(now);
	const get = (type: string) => Number(parts.find(part => part.type === type)?.value);
	return {year: get('year'), month: get('month'), day: get('day')};
}

function isoDay(year: number, month: number, day: number): string {
	return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** A quick range as typed dates (a date-only `to` is the whole day), computed in `timeZone` from `now`. */
export function quickRange(range: QuickRange, now: Date, timeZone: string): {from: string; to: string} {
	const {year, month, day} = localDay(now, timeZone);
	const today = isoDay(year, month, day);
	switch (range) {
		case 'today': {
			return {from: today, to: today};
		}

		case 'yesterday': {
			const yesterday = isoDay(year, month, day - 1);
			return {from: yesterday, to: yesterday};
		}

		case 'last7': {
			return {from: isoDay(year, month, day - 6), to: today};
		}

		case 'month': {
			return {from: isoDay(year, month, 1), to: today};
		}
	}
}

/** The quick range the typed dates are exactly, if any. */
export function activeRange(values: FilterValues, now: Date, timeZone: string): QuickRange | undefined {
	return quickRanges.find(range => {
		const dates = quickRange(range, now, timeZone);
		return dates.from === values.from.trim() && dates.to === values.to.trim();
	});
}

const checked: ReadonlySet<FilterField> = new Set<FilterField>(['from', 'to', 'folder']);

function touch(state: FiltersState, field: FilterField): readonly CheckedField[] {
	return checked.has(field) && !state.touched.includes(field as CheckedField) ? [...state.touched, field as CheckedField] : state.touched;
}

function move(field: FilterField, delta: number): FilterField {
	const index = filterFields.indexOf(field);
	return filterFields[(index + delta + filterFields.length) % filterFields.length]!;
}

const fieldOf: Record<CheckedField, FilterField> = {from: 'from', to: 'to', folder: 'folder'};

function leave(state: FiltersState, focus: FilterField): FiltersState {
	return {...state, touched: touch(state, state.focus), focus, submitted: false, isFolderEdited: false, folderCandidates: undefined, isQuickJustApplied: false};
}

export function filtersReducer(state: FiltersState, action: FiltersAction): FiltersState {
	switch (action.type) {
		case 'set': {
			const values = {...state.values, ...action.values};
			if (action.values.channels) {
				values.channels = allChannels.filter((channel: Channel) => action.values.channels!.includes(channel));
			}

			const isFolderEdited = state.isFolderEdited || (action.values.outDir !== undefined && action.values.outDir !== state.values.outDir);
			return {...state, values, submitted: false, isFolderEdited};
		}

		case 'folder-checked': {
			const touched = action.problem && !state.touched.includes('folder') ? [...state.touched, 'folder' as const] : state.touched;
			return {...state, folderCheck: {value: action.value, problem: action.problem}, touched};
		}

		case 'folder-completed': {
			const values = {...state.values, outDir: action.value};
			return {
				...state, values, submitted: false, isFolderEdited: true,
				folderCandidates: action.candidates.length > 1 ? {value: action.value, names: action.candidates} : undefined,
			};
		}

		case 'quick': {
			const dates = quickRange(action.range, action.now, state.timeZone);
			return {...state, values: {...state.values, ...dates}, submitted: false, isQuickJustApplied: action.byEnter ?? false};
		}

		case 'focus-next':
		case 'focus-previous': {
			return leave(state, move(state.focus, action.type === 'focus-next' ? 1 : -1));
		}

		case 'focus': {
			return leave(state, action.field);
		}

		case 'enter': {
			if (state.focus === 'continue') {
				const problems = stateProblems(state);
				const first = (['from', 'to', 'folder'] as const).find(field => problems[field]);
				return first
					? {...state, touched: ['from', 'to', 'folder'], focus: fieldOf[first], submitted: false}
					: {...state, submitted: true};
			}

			if (state.focus === 'quick' && state.isQuickJustApplied) {
				// This Enter filled in a range (the row did): it stays there; the next Enter goes on.
				return {...state, isQuickJustApplied: false};
			}

			const touched = touch(state, state.focus);
			const here = checked.has(state.focus) ? stateProblems(state)[state.focus as CheckedField] : undefined;
			return here ? {...state, touched, submitted: false} : {...leave(state, move(state.focus, 1)), touched};
		}
	}
}
