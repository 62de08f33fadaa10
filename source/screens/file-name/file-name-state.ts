/**
 * The file-name template builder as a pure reducer: the template text, the separator put before an added field, the
 * date format, and a palette of the 13 fields plus "sub-folder". Problems come from the naming library itself, so
 * the screen refuses exactly what a run would refuse.
 */
import type {NamingValues} from '../../flow.js';
import {defaultDateFormat, defaultTemplate, formatDate, parseTemplate, templateFields, type TemplateField} from '../../lib/naming/index.js';

export const fileNameFields = ['template', 'palette', 'separator', 'date-format', 'continue'] as const;
export type FileNameField = (typeof fileNameFields)[number];

export const separators = ['-', '_', ' ', '.'] as const;
export type Separator = (typeof separators)[number];

/** What the palette adds: a field, or `/` to start a sub-folder. */
export type PaletteItem = TemplateField | 'folder';
export const paletteItems: readonly PaletteItem[] = [...templateFields, 'folder'];

export interface FileNameState {
	readonly template: string;
	readonly dateFormat: string;
	readonly separator: Separator;
	readonly focus: FileNameField;
	/** True right after Enter on Continue with a valid template: the hook then submits `namingPayload`. */
	readonly submitted: boolean;
	/**
	 * Enter just added the palette item picked with ← →: that Enter stays on the palette, the next one goes on. The
	 * palette adds on Enter only after ← → picked an item: pressing Enter down the form must not append the first
	 * field to the template.
	 */
	readonly isPaletteJustAdded?: boolean;
}

export type FileNameAction =
	| {type: 'set-template'; template: string}
	| {type: 'set-date-format'; dateFormat: string}
	| {type: 'set-separator'; separator: Separator}
	| {type: 'insert'; item: PaletteItem; byEnter?: boolean}
	| {type: 'reset'}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: FileNameField}
	| {type: 'enter'};

/** The separator a template already uses between two fields, else `-` (the seed's). */
export function separatorOf(template: string): Separator {
	const between = /\}([-_ .])\{/.exec(template);
	return (between?.[1] as Separator | undefined) ?? '-';
}

export function initialFileNameState(value: NamingValues): FileNameState {
	return {template: value.template, dateFormat: value.dateFormat, separator: separatorOf(value.template), focus: 'template', submitted: false};
}

/** Appends `{field}` (after the separator unless the template is empty or ends a folder) or `/`. */
export function appendItem(template: string, item: PaletteItem, separator: Separator): string {
	if (item === 'folder') {
		return `${template}/`;
	}

	return template === '' || template.endsWith('/') ? `${template}{${item}}` : `${template}${separator}{${item}}`;
}

/** Puts `next` wherever `previous` stands right between two fields. */
export function replaceSeparator(template: string, previous: Separator, next: Separator): string {
	return previous === next ? template : template.replaceAll(`}${previous}{`, `}${next}{`);
}

/** What is wrong with the template and the date format (the naming library's own messages), if anything. */
export function namingProblems(values: NamingValues): {template?: string; dateFormat?: string} {
	const problems: {template?: string; dateFormat?: string} = {};
	try {
		parseTemplate(values.template);
	} catch (error) {
		problems.template = error instanceof Error ? error.message : String(error);
	}

	try {
		formatDate('2000-01-01T00:00:00Z', values.dateFormat, 'UTC');
	} catch (error) {
		problems.dateFormat = error instanceof Error ? error.message : String(error);
	}

	return problems;
}

export function namingPayload(state: Pick<FileNameState, 'template' | 'dateFormat'>): NamingValues {
	return {template: state.template, dateFormat: state.dateFormat};
}

function move(field: FileNameField, delta: number): FileNameField {
	const index = fileNameFields.indexOf(field);
	return fileNameFields[(index + delta + fileNameFields.length) % fileNameFields.length]!;
}

export function fileNameReducer(state: FileNameState, action: FileNameAction): FileNameState {
	switch (action.type) {
		case 'set-template': {
			return {...state, template: action.template, submitted: false};
		}

		case 'set-date-format': {
			return {...state, dateFormat: action.dateFormat, submitted: false};
		}

		case 'set-separator': {
			return {...state, separator: action.separator, template: replaceSeparator(state.template, state.separator, action.separator), submitted: false};
		}

		case 'insert': {
			return {...state, template: appendItem(state.template, action.item, state.separator), submitted: false, isPaletteJustAdded: action.byEnter ?? false};
		}

		case 'reset': {
			return {...state, template: defaultTemplate, dateFormat: defaultDateFormat, separator: separatorOf(defaultTemplate), submitted: false};
		}

		case 'focus-next': {
			return {...state, focus: move(state.focus, 1), submitted: false, isPaletteJustAdded: false};
		}

		case 'focus-previous': {
			return {...state, focus: move(state.focus, -1), submitted: false, isPaletteJustAdded: false};
		}

		case 'focus': {
			return {...state, focus: action.field, submitted: false, isPaletteJustAdded: false};
		}

		case 'enter': {
			if (state.focus === 'palette' && state.isPaletteJustAdded) {
				// This Enter added the item picked with ← → (the row did): it stays there; the next Enter goes on.
				return {...state, isPaletteJustAdded: false};
			}

			if (state.focus !== 'continue') {
				return {...state, focus: move(state.focus, 1), submitted: false, isPaletteJustAdded: false};
			}

			const problems = namingProblems(state);
			if (problems.template) {
				return {...state, focus: 'template', submitted: false};
			}

			if (problems.dateFormat) {
				return {...state, focus: 'date-format', submitted: false};
			}

			return {...state, submitted: true};
		}
	}
}
