/**
 * Typed command-line options over node:util parseArgs: every value is checked here, so a command receives numbers,
 * dates and lists, and a user who mistypes gets one sentence naming the flag.
 */
import {parseArgs} from 'node:util';
import {UsageError} from '../lib/errors.js';
import {checkLang, phrased} from '../lib/i18n/index.js';
import {suggest} from '../lib/text/suggest.js';

export type OptionSpec =
	| {type: 'string'; short?: string}
	| {type: 'strings'; short?: string}
	| {type: 'boolean'; short?: string}
	| {type: 'integer'; min: number; max: number; short?: string}
	| {type: 'date'; short?: string};

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> =
	S extends {type: 'string'} ? string | undefined
		: S extends {type: 'strings'} ? string[]
			: S extends {type: 'boolean'} ? boolean
				: S extends {type: 'integer'} ? number | undefined
					: Date | undefined;

export type OptionValues<S extends OptionSpecs> = {[K in keyof S]: ValueOf<S[K]>};

export function parseInteger(flag: string, text: string, min: number, max: number): number {
	const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(value) || value < min || value > max) {
		throw new UsageError(...phrased('cli.error.whole-number', {flag: `--${flag}`, min, max, value: text}));
	}

	return value;
}

function parseDay(flag: string, text: string): Date {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
	if (!date || date.toISOString().slice(0, 10) !== text) {
		throw new UsageError(...phrased('cli.error.day', {flag: `--${flag}`, value: text}));
	}

	return date;
}

/** What one parseOptions call accepts: the command's label ('' for the app) and its option specs. */
export interface CapturedOptions {
	command: string;
	specs: OptionSpecs;
	allowPositionals: boolean;
}

class Captured extends Error {
	constructor(readonly options: CapturedOptions) {
		super('options captured');
	}
}

let capturing = false;

/**
 * The options a command parses, taken from the command itself: `run` is called with capturing on, and its first
 * parseOptions call hands over its specs instead of parsing (and ends `run` there). Completion scripts are built
 * this way, so they offer exactly the flags each command accepts. Every command parses its flags before it does
 * anything else; undefined when `run` ended without parsing (an unknown subcommand, say).
 */
export async function captureOptions(run: () => Promise<unknown>): Promise<CapturedOptions | undefined> {
	capturing = true;
	try {
		await run();
		return undefined;
	} catch (error) {
		if (error instanceof Captured) {
			return error.options;
		}

		return undefined;
	} finally {
		capturing = false;
	}
}

/** The long flags of `specs` as typed (`--from`), with the global ones every command takes. */
export function flagNames(specs: OptionSpecs): string[] {
	return [...Object.keys(specs).map(name => `--${name}`), '--help', '--quiet', '--verbose', ...'lang' in specs ? [] : ['--lang']];
}

export function parseOptions<S extends OptionSpecs>(argv: string[], specs: S, command: string, allowPositionals = false):
{values: OptionValues<S>; positionals: string[]} {
	if (capturing) {
		throw new Captured({command, specs, allowPositionals});
	}

	const config: Record<string, {type: 'string' | 'boolean'; multiple?: boolean; short?: string}> = {};
	for (const [name, spec] of Object.entries(specs)) {
		config[name] = {type: spec.type === 'boolean' ? 'boolean' : 'string', multiple: spec.type === 'strings', ...(spec.short ? {short: spec.short} : {})};
	}

	// Every command takes --lang: those that print text of their own read it from their specs; for the others it is
	// the language of their error sentences (cli.tsx reads it from the command line), and only checked here.
	const globalLang = !('lang' in specs);
	if (globalLang) {
		config['lang'] = {type: 'string'};
	}

	const label = command ? `ccdl ${command}` : 'ccdl';
	let parsed;
	try {
		parsed = parseArgs({args: argv, options: config, strict: true, allowPositionals});
	} catch (error) {
		const message = (error as Error).message;
		const unknown = /Unknown option '([^']+)'/.exec(message);
		if (unknown) {
			const typed = unknown[1]!.split('=')[0]!;
			const near = typed.startsWith('--') ? suggest(typed, flagNames(specs)) : undefined;
			const hint = near === undefined ? '' : {key: 'cli.part.hint.did-you-mean', params: {word: near}};
			throw new UsageError(...phrased('cli.error.unknown-option', {command: label, option: typed, hint}));
		}

		const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
		if (missing) {
			throw new UsageError(...phrased('cli.error.option-needs-value', {option: missing[1]!, command: label}));
		}

		const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
		if (ambiguous) {
			throw new UsageError(...phrased('cli.error.option-value-like-flag', {option: ambiguous[1]!}));
		}

		const positional = /Unexpected argument '([^']+)'/.exec(message);
		if (positional) {
			throw new UsageError(...phrased('cli.error.unexpected-argument', {command: label, argument: positional[1]!}));
		}

		throw new UsageError(`${message.split('\n')[0]!.replace(/\.$/, '')}; see "${label} --help".`);
	}

	if (globalLang) {
		checkLang((parsed.values as Record<string, string | undefined>)['lang']);
	}

	const values: Record<string, unknown> = {};
	for (const [name, spec] of Object.entries(specs)) {
		const raw = (parsed.values as Record<string, string | string[] | boolean | undefined>)[name];
		switch (spec.type) {
			case 'boolean': {
				values[name] = raw === true;
				break;
			}

			case 'strings': {
				values[name] = (raw as string[] | undefined) ?? [];
				break;
			}

			case 'integer': {
				values[name] = raw === undefined ? undefined : parseInteger(name, raw as string, spec.min, spec.max);
				break;
			}

			case 'date': {
				values[name] = raw === undefined ? undefined : parseDay(name, raw as string);
				break;
			}

			default: {
				values[name] = raw;
			}
		}
	}

	return {values: values as OptionValues<S>, positionals: parsed.positionals};
}
