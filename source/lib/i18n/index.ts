/**
 * The message catalogue: every user-facing text of the screens, in English and Hungarian (the seed product's
 * language). Each screen keeps its messages in messages/<screen>.ts; this module merges them, picks the language
 * (--lang, else the locale from LC_ALL / LC_MESSAGES / LANG) and formats dates and numbers the locale's way.
 */
import {type CcdlErrorOptions, formatBytes, type Phrase, UsageError} from '../errors.js';
import {visible} from '../text/visible.js';
import {common} from './messages/common.js';
import {screens} from './messages/screens.js';

export type Lang = 'en' | 'hu';
export const langs: readonly Lang[] = ['en', 'hu'];

/** One screen's messages: the same keys in both languages; `{name}` marks a parameter. */
export type MessageSet = {en: Record<string, string>; hu: Record<string, string>};

const sets: MessageSet[] = [common, ...screens];

function merge(lang: Lang): Map<string, string> {
	const merged = new Map<string, string>();
	for (const set of sets) {
		for (const [key, text] of Object.entries(set[lang])) {
			merged.set(key, text);
		}
	}

	return merged;
}

const catalogues: Record<Lang, Map<string, string>> = {en: merge('en'), hu: merge('hu')};

/** Keys present in one language but not the other (a test keeps this empty). */
export function missingKeys(): Record<Lang, string[]> {
	return {
		en: [...catalogues.hu.keys()].filter(key => !catalogues.en.has(key)),
		hu: [...catalogues.en.keys()].filter(key => !catalogues.hu.has(key)),
	};
}

/** The English catalogue, in the order the message sets list their keys (error-text.ts reads reasons given as text back with it). */
export function englishCatalogue(): ReadonlyMap<string, string> {
	return catalogues.en;
}

const langPattern = /^(en|hu)([-_].*)?$/i;

/** --lang, else the locale: en or hu; anything else is a usage error rather than silently English. */
export function checkLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
	if (flag !== undefined && !langPattern.test(flag)) {
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--lang', allowed: {key: 'cli.part.allowed.or', params: {first: 'en', last: 'hu'}}, value: visible(flag)}));
	}

	return detectLang(flag, env);
}

/**
 * The language of a whole command line, before any command has parsed it: a valid --lang (--lang hu, --lang=hu)
 * anywhere before "--", else the locale. An error that stops the parsing itself (a mistyped flag) is then already
 * said in the language asked for; an invalid --lang is the command's to refuse, in the locale's language.
 */
export function langOf(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
	for (const [index, arg] of argv.entries()) {
		if (arg === '--') {
			break;
		}

		const value = arg === '--lang' ? argv[index + 1] : arg.startsWith('--lang=') ? arg.slice('--lang='.length) : undefined;
		if (value !== undefined && langPattern.test(value)) {
			return detectLang(value, env);
		}
	}

	return detectLang(undefined, env);
}

export function detectLang(flag?: string, env: NodeJS.ProcessEnv = process.env): Lang {
	if (flag) {
		return flag.toLowerCase().startsWith('hu') ? 'hu' : 'en';
	}

	const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
	return locale.toLowerCase().startsWith('hu') ? 'hu' : 'en';
}

export interface Translator {
	readonly lang: Lang;
	/** BCP 47 locale for Intl: dates and numbers the locale's way. */
	readonly locale: string;
	readonly timeZone: string;
	t(key: string, params?: Record<string, string | number>): string;
	/** Date and time of an ISO instant, e.g. 2026. 10. 01. 08:30:15 (hu) or 01/10/2026, 08:30:15 (en). */
	dateTime(iso: string | null | undefined): string;
	date(iso: string | null | undefined): string;
	number(value: number): string;
	/** A size in bytes as ccdl writes it (1.5 MB), with the locale's decimal mark (1,5 MB in Hungarian). */
	bytes(value: number): string;
	/** `value` with `digits` decimals, with the locale's decimal mark (6.2, 6,2) and no grouping. */
	fixed(value: number, digits: number): string;
}

/** `phrase` in the translator's language; a parameter that is a phrase itself is worded first. */
export function renderPhrase(phrase: Phrase, translator: Translator): string {
	const params: Record<string, string | number> = {};
	for (const [name, value] of Object.entries(phrase.params ?? {})) {
		params[name] = typeof value === 'object' ? renderPhrase(value, translator) : value;
	}

	return translator.t(phrase.key, params);
}

let english: Translator | undefined;

/**
 * A CcdlError's message and options from one catalogue key: the English text as the message, the phrase to say it in
 * the user's language when printed. `throw new UsageError(...phrased('cli.error.no-user'))`.
 */
export function phrased(key: string, params?: Phrase['params'], options: Omit<CcdlErrorOptions, 'phrase'> = {}): [string, CcdlErrorOptions] {
	english ??= createTranslator('en', 'UTC');
	const phrase: Phrase = params ? {key, params} : {key};
	return [renderPhrase(phrase, english), {...options, phrase}];
}

export function createTranslator(lang: Lang, timeZone: string): Translator {
	const catalogue = catalogues[lang];
	const locale = lang === 'hu' ? 'hu-HU' : 'en-GB';
	const dateTimeFormat = new Intl.DateTimeFormat(locale, {timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'});
	const dateFormat = new Intl.DateTimeFormat(locale, {timeZone, year: 'numeric', month: '2-digit', day: '2-digit'});
	const numberFormat = new Intl.NumberFormat(locale);
	const decimalMark = numberFormat.formatToParts(1.5).find(part => part.type === 'decimal')?.value ?? '.';
	const format = (formatter: Intl.DateTimeFormat, iso: string | null | undefined) => {
		if (!iso) {
			return '';
		}

		const date = new Date(iso);
		return Number.isNaN(date.getTime()) ? iso : formatter.format(date);
	};

	return {
		lang,
		locale,
		timeZone,
		t(key, params) {
			const text = catalogue.get(key) ?? catalogues.en.get(key) ?? key;
			return params ? text.replaceAll(/\{(\w+)\}/g, (whole, name: string) => name in params ? String(params[name]) : whole) : text;
		},
		dateTime: iso => format(dateTimeFormat, iso),
		date: iso => format(dateFormat, iso),
		number: value => numberFormat.format(value),
		bytes: value => formatBytes(value).replace('.', decimalMark),
		fixed: (value, digits) => value.toFixed(digits).replace('.', decimalMark),
	};
}
