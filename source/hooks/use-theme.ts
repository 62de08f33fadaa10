/**
 * Colours of the screens, or none at all when NO_COLOR is set (https://no-color.org): every coloured element takes
 * its colour from here, so the switch is in one place.
 */
import {createContext, useContext} from 'react';

export interface Theme {
	readonly accent: string | undefined;
	readonly good: string | undefined;
	readonly bad: string | undefined;
	readonly warn: string | undefined;
	readonly muted: string | undefined;
	/** Focused or selected items are also marked by a symbol, so they stay visible without colour. */
	readonly focusMark: string;
}

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
	const plain = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
	return {
		accent: plain ? undefined : 'cyan',
		good: plain ? undefined : 'green',
		bad: plain ? undefined : 'red',
		warn: plain ? undefined : 'yellow',
		muted: plain ? undefined : 'gray',
		focusMark: '›',
	};
}

export const ThemeContext = createContext<Theme>(themeFor({}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
