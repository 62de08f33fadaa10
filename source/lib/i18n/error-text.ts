/**
 * The sentence a command ends with when it fails (`ccdl: …`), in the user's language. English is the error's own
 * message, unchanged. Another language says the phrase the thrower gave (CcdlError.phrase, from i18n's phrased());
 * an error without one stays English.
 *
 * The reasons of failed files, archive marks and deletions still arrive as text (the engine's events and the run's
 * result carry them so), and only for them is the phrase read back from the English with the `cli.error.*` and
 * `cli.part.reason.*` templates of the catalogue (messages/cli-errors.ts), which are that English word for word. A
 * reason no template fits stays English: a sentence the user can still act on beats a guessed translation.
 */
import {CcdlError, type Phrase} from '../errors.js';
import {createTranslator, englishCatalogue, renderPhrase, type Translator} from './index.js';

/** Values that only ever are this shape; they keep a neighbouring value from swallowing them. */
const valuePatterns: Record<string, string> = {status: '\\d{3}'};

/** Clause families that are either empty or one of their clauses, so the value before them ends where they start. */
const closedFamilies = new Set(['hint']);

interface Template {
	key: string;
	pattern: RegExp;
	names: string[];
}

const templates = new Map<string, Template[]>();

function escape(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keysUnder(prefix: string): string[] {
	return [...englishCatalogue().keys()].filter(key => key.startsWith(prefix));
}

/** The regular expression source of an English text with `{name}` holes; `named` gives each hole its capture group. */
function source(text: string, named: boolean): {source: string; names: string[]} {
	const names: string[] = [];
	let result = '';
	let last = 0;
	for (const match of text.matchAll(/\{(\w+)\}/g)) {
		const name = match[1]!;
		result += escape(text.slice(last, match.index));
		last = match.index + match[0].length;
		if (named && names.includes(name)) {
			result += `\\k<${name}>`;
			continue;
		}

		let value = valuePatterns[name] ?? '.*?';
		if (closedFamilies.has(name)) {
			value = `(?:${keysUnder(`cli.part.${name}.`).map(key => source(englishCatalogue().get(key)!, false).source).join('|')})?`;
		}

		names.push(name);
		result += named ? `(?<${name}>${value})` : `(?:${value})`;
	}

	return {source: result + escape(text.slice(last)), names};
}

function templatesUnder(prefix: string): Template[] {
	let list = templates.get(prefix);
	if (!list) {
		list = keysUnder(prefix).map(key => {
			const {source: body, names} = source(englishCatalogue().get(key)!, true);
			return {key, pattern: new RegExp(`^${body}$`, 's'), names};
		});
		templates.set(prefix, list);
	}

	return list;
}

let english: Translator | undefined;

function englishOf(phrase: Phrase): string {
	english ??= createTranslator('en', 'UTC');
	return renderPhrase(phrase, english);
}

/**
 * The catalogue phrase (key under `prefix`) whose English text `text` is, or undefined. A value whose name has a
 * clause family (`cli.part.<name>.*`) becomes that clause when one fits. Only a reading that renders back to `text`
 * exactly counts, so a value is never split in the wrong place.
 */
export function recognise(text: string, prefix = 'cli.error.'): Phrase | undefined {
	for (const template of templatesUnder(prefix)) {
		const match = template.pattern.exec(text);
		if (!match) {
			continue;
		}

		const groups = match.groups ?? {};

		const params: Record<string, string | Phrase> = {};
		for (const name of template.names) {
			const value = groups[name] ?? '';
			params[name] = value !== '' && keysUnder(`cli.part.${name}.`).length > 0 ? recognise(value, `cli.part.${name}.`) ?? value : value;
		}

		const phrase: Phrase = template.names.length > 0 ? {key: template.key, params} : {key: template.key};
		if (englishOf(phrase) === text) {
			return phrase;
		}
	}

	return undefined;
}

/** What `ccdl: …` says for `error`: a CcdlError's sentence (its phrase, else its English), or an internal error (a bug) as such. */
export function errorText(error: unknown, translator: Translator): string {
	if (!(error instanceof CcdlError)) {
		return translator.t('cli.internal-error', {message: (error as Error)?.message ?? String(error)});
	}

	return translated(error.message, translator, () => error.phrase);
}

/** `text` said by the phrase `find` gives, in the translator's language; else, and should that fail, `text` itself. */
function translated(text: string, translator: Translator, find: () => Phrase | undefined): string {
	if (translator.lang === 'en') {
		return text;
	}

	try {
		const phrase = find();
		return phrase ? renderPhrase(phrase, translator) : text;
	} catch {
		// The last line a failing command prints must never turn into a crash of its own.
		return text;
	}
}

/**
 * A reason given as text (a failed file's, a refused deletion's) in the user's language where the catalogue knows
 * it: a whole error sentence or a `cli.part.reason.*` clause; else as it is.
 */
export function reasonText(text: string, translator: Translator): string {
	return translated(text, translator, () => recognise(text) ?? recognise(text, 'cli.part.reason.'));
}
