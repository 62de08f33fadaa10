import {createContext, useContext} from 'react';
import {createTranslator, type Translator} from '../lib/i18n/index.js';

/** The translator of the running app; tests render screens inside a provider with the language they check. */
export const I18nContext = createContext<Translator>(createTranslator('en', 'UTC'));

export function useI18n(): Translator {
	return useContext(I18nContext);
}
