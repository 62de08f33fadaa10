/**
 * An error as one sentence in the user's language, in the app's words: known codes from the catalogue (which name
 * the app's fields and keys), else the error's own text. The engine's messages end with advice for the command line
 * ("choose another folder with --out", "check --server"); in the app that advice is wrong, so it is cut off and the
 * catalogue's advice takes its place.
 */
import {CcdlError} from '../errors.js';
import type {Translator} from './index.js';

/** `message` without its closing clauses that name command-line flags, and without the final full stop. */
export function withoutFlagAdvice(message: string): string {
	// A command quoted in brackets goes on its own: `… first ("ccdl profile unassign --global"), then …`.
	const command = /\s*\([^()]*(?:--[a-z]|\bccdl )[^()]*\)/g;
	const advice = /[;,]\s*[^;,]*(?:^|[\s/(])--[a-z][\w-]*[^;]*$/;
	let text = message.trim().replace(command, '');
	if (!advice.test(text)) {
		return text === message.trim() ? text : text.replace(/\s+([,.;])/g, '$1');
	}

	while (advice.test(text)) {
		text = text.replace(advice, '');
	}

	return text.replace(/[.\s]+$/, '');
}

export function describeError(error: unknown, translator: Translator): string {
	if (error instanceof CcdlError) {
		const key = `error.${error.code}`;
		const message = withoutFlagAdvice(error.message);
		const text = translator.t(key, {message});
		return text === key ? `${message}.` : text;
	}

	return translator.t('error.prefix', {message: error instanceof Error ? error.message : String(error)});
}
