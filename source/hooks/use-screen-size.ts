import {useWindowSize} from 'ink';

/**
 * Lines the app draws around a screen: its title line, an error or busy line, and the key hint. A screen's frame
 * plus these never exceeds the terminal.
 */
export const appChromeLines = 3;

/** The terminal's width and the lines a screen may use, following resizes live. */
export function useScreenSize(height: number | undefined): {width: number; lines: number} {
	const {columns, rows} = useWindowSize();
	return {width: Math.max(20, columns), lines: Math.max(1, height ?? rows - appChromeLines)};
}
