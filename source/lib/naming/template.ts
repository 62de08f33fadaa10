/**
 * The file-name template: `{field}` and `{field:FORMAT}` placeholders over the 13 fields of a recording, literal text,
 * `/` for sub-folders and `{{`/`}}` for literal braces. Parsing rejects every template that could not give each
 * recording its own safe name; rendering treats every field value as hostile.
 */
import {UsageError} from '../errors.js';
import {sanitizeSegment} from './sanitize.js';

/** The 13 fields of PRODUCT.md, in the order the template builder lists them. */
export const templateFields = [
	'callId',
	'recordId',
	'campaignId',
	'campaignName',
	'operatorId',
	'operatorName',
	'phoneNumber',
	'terminationId',
	'terminationName',
	'callStart',
	'connectedAt',
	'callEnd',
	'direction',
] as const;

/** One of the {@link templateFields}. */
export type TemplateField = (typeof templateFields)[number];

/** Fields whose values are ISO 8601 instants and are formatted with the date format. */
export const dateFields: ReadonlySet<TemplateField> = new Set<TemplateField>(['callStart', 'connectedAt', 'callEnd']);

/** The seed product's default: `[call start]-[campaign name]-[phone number]-[termination]`. */
export const defaultTemplate = '{callStart}-{campaignName}-{phoneNumber}-{terminationName}';

/** Sorts by time when listed by name, and has no `:` (illegal on Windows, shown as `/` in the macOS Finder). */
export const defaultDateFormat = 'YYYY-MM-DD_HH-mm-ss';

/** A template or date format the user wrote cannot be used; the message says what is wrong and what to do. */
export class TemplateError extends UsageError {
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'TemplateError';
	}
}

/** A parsed, validated template. */
export interface FileNameTemplate {
	/** The text the user wrote. */
	readonly source: string;
	/** Literal text (braces unescaped, `/` still in it) and fields, in order; adjacent text is merged. */
	readonly parts: readonly TemplatePart[];
}

/** A piece of a template: literal text, or a field with an optional date format (date fields only). */
export type TemplatePart = {type: 'text'; text: string} | {type: 'field'; field: TemplateField; format?: string};

/** The value of every field for one recording, as the server sent it (untrusted). */
export type NameFields = Record<TemplateField, string>;

/** How to render dates. */
export interface RenderOptions {
	/** IANA time zone for date fields; default the machine's. */
	timeZone?: string;
	/** Format for date fields that have none of their own; default {@link defaultDateFormat}. */
	dateFormat?: string;
}

const fieldList = templateFields.join(', ');
const dateFieldList = templateFields.filter((field) => dateFields.has(field)).join(', ');
const tokenList = 'YYYY, YY, MM, DD, HH, mm and ss';

/**
 * Parses and validates a file-name template.
 *
 * @throws TemplateError for an empty template, an unknown field, an unclosed or stray brace, a format on a non-date
 * field, an invalid date format, a backslash, a leading `/`, a `.` or `..` folder, an empty folder name, no field at
 * all, or no field in the file name itself (the last segment).
 */
export function parseTemplate(text: string): FileNameTemplate {
	if (text.trim() === '') {
		throw new TemplateError(`The file-name template is empty; write one such as ${defaultTemplate}.`);
	}
	const parts: TemplatePart[] = [];
	const addText = (literal: string): void => {
		const last = parts.at(-1);
		if (last?.type === 'text') {
			last.text += literal;
		} else {
			parts.push({type: 'text', text: literal});
		}
	};
	let index = 0;
	while (index < text.length) {
		const character = text[index]!;
		if (character === '{' && text[index + 1] === '{') {
			addText('{');
			index += 2;
		} else if (character === '}' && text[index + 1] === '}') {
			addText('}');
			index += 2;
		} else if (character === '}') {
			throw new TemplateError(
				`The file-name template has a stray "}" at character ${index + 1}; write "}}" for a literal brace.`,
			);
		} else if (character === '{') {
			const end = findFieldEnd(text, index);
			parts.push(parseField(text.slice(index + 1, end), index));
			index = end + 1;
		} else if (character === '\\') {
			throw new TemplateError('The file-name template contains "\\"; use "/" to make sub-folders.');
		} else {
			addText(character);
			index += 1;
		}
	}
	checkSegments(parts);
	return {source: text, parts};
}

/** Index of the `}` that closes the field opened at `start`. */
function findFieldEnd(text: string, start: number): number {
	for (let index = start + 1; index < text.length; index++) {
		if (text[index] === '}') {
			return index;
		}
		if (text[index] === '{') {
			break;
		}
	}
	throw new TemplateError(
		`The file-name template has an unclosed "{" at character ${start + 1}; close the field with "}" or write "{{" for a literal brace.`,
	);
}

function parseField(inside: string, start: number): TemplatePart {
	const colon = inside.indexOf(':');
	const name = colon === -1 ? inside : inside.slice(0, colon);
	if (name === '') {
		throw new TemplateError(
			`The file-name template has a field without a name at character ${start + 1}; use one of: ${fieldList}.`,
		);
	}
	const field = templateFields.find((candidate) => candidate === name);
	if (field === undefined) {
		const near = templateFields.find((candidate) => candidate.toLowerCase() === name.trim().toLowerCase());
		const hint = near === undefined ? '' : ` (did you mean {${near}}?)`;
		throw new TemplateError(
			`Unknown field {${printable(name)}} in the file-name template${hint}; use one of: ${fieldList}.`,
		);
	}
	if (colon === -1) {
		return {type: 'field', field};
	}
	if (!dateFields.has(field)) {
		throw new TemplateError(
			`The field {${field}} cannot take a format; only the date fields ${dateFieldList} can, e.g. {callStart:YYYY-MM-DD}.`,
		);
	}
	const format = inside.slice(colon + 1);
	compileFormat(format);
	return {type: 'field', field, format};
}

/**
 * User text quoted in a message, with control and bidi characters written as `\uXXXX`: a message is printed on a
 * terminal, and a mistyped template must not be able to drive it.
 */
function printable(text: string): string {
	return text.replace(
		/[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu,
		(character) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
	);
}

/**
 * Checks the folder structure: the template must stay inside the download folder and give each file its own name,
 * so the last segment needs a field (otherwise every file of a folder would be written to one name).
 */
function checkSegments(parts: readonly TemplatePart[]): void {
	const segments: Array<{literal: string; fields: number}> = [{literal: '', fields: 0}];
	for (const part of parts) {
		if (part.type === 'field') {
			segments.at(-1)!.fields += 1;
			continue;
		}
		const pieces = part.text.split('/');
		segments.at(-1)!.literal += pieces[0]!;
		for (const piece of pieces.slice(1)) {
			segments.push({literal: piece, fields: 0});
		}
	}
	if (segments.length > 1 && segments[0]!.fields === 0 && segments[0]!.literal === '') {
		throw new TemplateError(
			'The file-name template starts with "/"; sub-folders are made inside the download folder, so remove the leading "/".',
		);
	}
	for (const segment of segments) {
		if (segment.fields > 0) {
			continue;
		}
		const literal = segment.literal.trim();
		if (literal === '') {
			throw new TemplateError(
				'The file-name template has an empty folder name ("//" or a "/" at the end); remove the extra "/".',
			);
		}
		if (literal === '.' || literal === '..') {
			throw new TemplateError(
				`The file-name template has a "${literal}" folder, which would point outside or back to the same folder; remove it.`,
			);
		}
	}
	if (segments.every((segment) => segment.fields === 0)) {
		throw new TemplateError(
			'The file-name template has no field, so every file would get the same name; add one such as {callId}.',
		);
	}
	if (segments.at(-1)!.fields === 0) {
		throw new TemplateError(
			`The file name after the last "/" in the template has no field, so all files in a folder would get the same name; add one such as {callId}.`,
		);
	}
}

/**
 * Renders a template for one recording: sanitised relative path segments (sub-folders then the base name), WITHOUT
 * extension. Never empty.
 *
 * Only `/` in the template's literal text makes folders; a `/` or `\` in a field value is replaced. Date fields are
 * formatted in `options.timeZone`; a value that is not an ISO 8601 instant (empty, or the recycled mask `######`)
 * is used as it is. Every segment goes through {@link sanitizeSegment}, so the caller adds the extension with
 * `sanitizeSegment(last, extension)` (or lets `resolveBatchNames` do it).
 *
 * @throws TemplateError when `options.dateFormat` is invalid; UsageError when `options.timeZone` is unknown.
 */
export function renderSegments(template: FileNameTemplate, fields: NameFields, options: RenderOptions = {}): string[] {
	const defaultFormat = options.dateFormat ?? defaultDateFormat;
	compileFormat(defaultFormat);
	const segments: string[] = [''];
	for (const part of template.parts) {
		if (part.type === 'text') {
			const pieces = piecesOf(part.text);
			segments[segments.length - 1] += pieces[0]!;
			for (let index = 1; index < pieces.length; index++) {
				segments.push(pieces[index]!);
			}
			continue;
		}
		// A missing value is a caller's slip, not a reason to write "undefined" into a file name.
		const raw = (fields[part.field] as string | undefined) ?? '';
		const value = dateFields.has(part.field)
			? formatDate(raw, part.format ?? defaultFormat, options.timeZone)
			: raw;
		// No explicit escaping: sanitizeSegment NFC-normalises the segment and replaces every "/" and "\\" in it, and only
		// the template's own text is split into folders.
		segments[segments.length - 1] += value;
	}
	return segments.map((segment) => sanitizeSegment(segment));
}

// A plan renders one template for every recording: its literal text is cut at `/` once, not once per name.
const textPieces = new Map<string, readonly string[]>();

function piecesOf(text: string): readonly string[] {
	let pieces = textPieces.get(text);
	if (pieces === undefined) {
		pieces = text.split('/');
		if (textPieces.size >= 1000) {
			textPieces.clear();
		}
		textPieces.set(text, pieces);
	}
	return pieces;
}

type FormatToken = 'YYYY' | 'YY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';
type CompiledFormat = ReadonlyArray<{token: FormatToken} | {text: string}>;

const compiledFormats = new Map<string, CompiledFormat>();

/**
 * Compiles a date format, or says why it cannot be used. Letters that look like date tokens but are not (`M`, `D`,
 * `yyyy`, `hh`, `SS`) are refused rather than copied literally: a user who writes `YYYY-M-D` wants a date, not `M`.
 * Characters that cannot be in a file name are refused too, instead of silently becoming `_`.
 */
function compileFormat(format: string): CompiledFormat {
	const cached = compiledFormats.get(format);
	if (cached !== undefined) {
		return cached;
	}
	const invalid = (reason: string): TemplateError =>
		new TemplateError(
			`The date format "${printable(format)}" ${reason}; use the tokens ${tokenList} with separators such as - _ . or a space.`,
		);
	if (format === '') {
		throw invalid('is empty');
	}
	const compiled: Array<{token: FormatToken} | {text: string}> = [];
	const tokens = /YYYY|YY|MM|DD|HH|mm|ss/y;
	let index = 0;
	while (index < format.length) {
		tokens.lastIndex = index;
		const match = tokens.exec(format);
		if (match !== null) {
			compiled.push({token: match[0] as FormatToken});
			index += match[0].length;
			continue;
		}
		const character = String.fromCodePoint(format.codePointAt(index)!);
		if (/[YyMDdHhmsS]/u.test(character)) {
			throw invalid(`has "${character}" at character ${index + 1}, which is not a date token`);
		}
		if (character === '/') {
			throw new TemplateError(
				`The date format "${printable(format)}" has "/", which cannot make folders inside a field; put "/" outside the braces, as in {callStart:YYYY}/{callStart:MM}.`,
			);
		}
		if (sanitizeSegment(`_${character}_`) !== `_${character}_`) {
			throw invalid(`has "${printable(character)}", which cannot be part of a file name`);
		}
		const last = compiled.at(-1);
		if (last !== undefined && 'text' in last) {
			last.text += character;
		} else {
			compiled.push({text: character});
		}
		index += character.length;
	}
	if (!compiled.some((piece) => 'token' in piece)) {
		throw invalid('has no date token');
	}
	compiledFormats.set(format, compiled);
	return compiled;
}

/** `2024-03-05T08:15:30Z`, with optional seconds, fraction and a `Z` or numeric offset (RFC 3339 also allows a space). */
const isoInstant =
	/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/u;

/** Milliseconds since the epoch, or undefined when `text` is not a plausible ISO 8601 instant. */
function parseInstant(text: string): number | undefined {
	let year: number;
	let month: number;
	let day: number;
	let hour: number;
	let minute: number;
	let second: number;
	let milliseconds: number;
	let offset: number;
	if (isPlainUtc(text)) {
		// The shape of Date#toISOString, which is what a JSON listing sends for each of 100,000 recordings: read
		// digit by digit, the same fields the expression below would capture.
		year = digitsAt(text, 0, 4);
		month = digitsAt(text, 5, 2);
		day = digitsAt(text, 8, 2);
		hour = digitsAt(text, 11, 2);
		minute = digitsAt(text, 14, 2);
		second = digitsAt(text, 17, 2);
		// Three digits d read as d: the same as Math.floor(Number(`0.${d}`) * 1000) below, for all 1,000 of them.
		milliseconds = text.length === 24 ? digitsAt(text, 20, 3) : 0;
		offset = 0;
	} else {
		const match = isoInstant.exec(text);
		if (match === null) {
			return undefined;
		}
		year = Number(match[1]);
		month = Number(match[2]);
		day = Number(match[3]);
		hour = Number(match[4]);
		minute = Number(match[5]);
		second = Number(match[6] ?? 0);
		const offsetHours = Number(match[9] ?? 0);
		const offsetMinutes = Number(match[10] ?? 0);
		if (offsetHours > 23 || offsetMinutes > 59) {
			return undefined;
		}
		milliseconds = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
		offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
	}
	// Years before 1000 would need eras in the formatted output; no contact center recorded a call then.
	if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
		return undefined;
	}
	if (hour > 23 || minute > 59 || second > 59) {
		return undefined;
	}
	return Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offset;
}

/** `YYYY-MM-DDTHH:mm:ssZ` or `YYYY-MM-DDTHH:mm:ss.sssZ`, digits where the digits go: a form {@link isoInstant} takes. */
function isPlainUtc(text: string): boolean {
	const length = text.length;
	if ((length !== 20 && length !== 24) || text.charCodeAt(length - 1) !== 0x5A || text.charCodeAt(4) !== 0x2D
		|| text.charCodeAt(7) !== 0x2D || text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== 0x3A
		|| text.charCodeAt(16) !== 0x3A || (length === 24 && text.charCodeAt(19) !== 0x2E)) {
		return false;
	}
	for (const at of length === 24 ? plainUtcDigits24 : plainUtcDigits20) {
		const code = text.charCodeAt(at);
		if (code < 0x30 || code > 0x39) {
			return false;
		}
	}
	return true;
}

const plainUtcDigits20 = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const plainUtcDigits24 = [...plainUtcDigits20, 20, 21, 22];

/** The number written by `count` ASCII digits at `start`. */
function digitsAt(text: string, start: number, count: number): number {
	let value = 0;
	for (let at = start; at < start + count; at++) {
		value = value * 10 + text.charCodeAt(at) - 0x30;
	}
	return value;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) {
		return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	}
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** One time zone's wall clock; Intl is slow (microseconds a call), so offsets are cached per hour of UTC. */
class ZoneClock {
	readonly #formatter: Intl.DateTimeFormat;
	/** UTC hour → the zone's offset in milliseconds through that whole hour, or null if it changes within it. */
	readonly #offsets = new Map<number, number | null>();

	constructor(timeZone: string | undefined) {
		try {
			// Fixed locale, calendar and digits: the machine's locale must not change a file name.
			this.#formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
				timeZone,
				hourCycle: 'h23',
				year: 'numeric',
				month: '2-digit',
				day: '2-digit',
				hour: '2-digit',
				minute: '2-digit',
				second: '2-digit',
			});
		} catch (error) {
			throw new UsageError(
				`Unknown time zone "${printable(timeZone ?? '')}"; use an IANA name such as Europe/Budapest or UTC.`,
				{cause: error},
			);
		}
	}

	/** The wall-clock time at `instant`, as a Date whose UTC fields are the local ones. */
	local(instant: number): Date {
		const hour = Math.floor(instant / hourMilliseconds);
		let offset = this.#offsets.get(hour);
		if (offset === undefined) {
			// No zone changes its offset twice within an hour, so equal offsets at both ends hold for the whole hour.
			const start = this.#offsetAt(hour * hourMilliseconds);
			const end = this.#offsetAt((hour + 1) * hourMilliseconds - 1000);
			offset = start === end ? start : null;
			if (this.#offsets.size >= 200_000) {
				this.#offsets.clear();
			}
			this.#offsets.set(hour, offset);
		}
		return new Date(instant + (offset ?? this.#offsetAt(Math.floor(instant / 1000) * 1000)));
	}

	/** Offset at a whole second (Intl has no milliseconds, so a whole second keeps the difference exact). */
	#offsetAt(instant: number): number {
		const values: Record<string, number> = {};
		for (const part of this.#formatter.formatToParts(instant)) {
			values[part.type] = Number(part.value);
		}
		const wall = new Date(0);
		wall.setUTCFullYear(values['year']!, values['month']! - 1, values['day']!);
		wall.setUTCHours(values['hour']!, values['minute']!, values['second']!, 0);
		return wall.getTime() - instant;
	}
}

const hourMilliseconds = 3_600_000;
const zoneClocks = new Map<string, ZoneClock>();

function clockFor(timeZone: string | undefined): ZoneClock {
	const key = timeZone ?? '';
	let clock = zoneClocks.get(key);
	if (clock === undefined) {
		clock = new ZoneClock(timeZone);
		zoneClocks.set(key, clock);
	}
	return clock;
}

// Every month, day, hour, minute and second is below 100: its two digits are looked up, not built for each name.
const twoDigits = Array.from({length: 100}, (_, value) => String(value).padStart(2, '0'));
const pad2 = (value: number): string => twoDigits[value]!;

/**
 * Formats an ISO 8601 instant with a date format (tokens YYYY, YY, MM, DD, HH, mm, ss; other characters literal) in
 * an IANA time zone (default the machine's). Returns `iso` unchanged when it is not an ISO 8601 instant, such as the
 * recycled mask `######` or an empty "connected at", because server data must never stop a run.
 *
 * @throws TemplateError when `format` is invalid; UsageError when `timeZone` is unknown.
 */
export function formatDate(iso: string, format: string, timeZone?: string): string {
	const compiled = compileFormat(format);
	const clock = clockFor(timeZone);
	const instant = parseInstant(iso);
	if (instant === undefined) {
		return iso;
	}
	const local = clock.local(instant);
	const year = String(local.getUTCFullYear()).padStart(4, '0');
	let text = '';
	for (const piece of compiled) {
		if ('text' in piece) {
			text += piece.text;
			continue;
		}
		switch (piece.token) {
			case 'YYYY': text += year; break;
			case 'YY': text += year.slice(-2); break;
			case 'MM': text += pad2(local.getUTCMonth() + 1); break;
			case 'DD': text += pad2(local.getUTCDate()); break;
			case 'HH': text += pad2(local.getUTCHours()); break;
			case 'mm': text += pad2(local.getUTCMinutes()); break;
			case 'ss': text += pad2(local.getUTCSeconds()); break;
		}
	}
	return text;
}
