/** An error as one sentence in the user's language: known codes from the catalogue, else the error's own text. */
import {CcdlError} from '../errors.js';
import type {Translator} from './index.js';

export function describeError(error: unknown, translator: Translator): string {
	if (error instanceof CcdlError) {
		const key = `error.${error.code}`;
		const text = translator.t(key, {message: error.message});
		return text === key ? error.message : text;
	}

	return translator.t('error.prefix', {message: error instanceof Error ? error.message : String(error)});
}
