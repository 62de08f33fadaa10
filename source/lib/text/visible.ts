/**
 * Server text made safe for a terminal: control characters, escape sequences and bidi overrides in a campaign or
 * operator name are shown as visible escapes instead of being sent to the terminal.
 */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

export function visible(text: string): string {
	return text.replace(unsafe, character => {
		const code = character.codePointAt(0)!;
		return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
	});
}

/** Cuts `text` to `width` columns (one per code point; good enough for Latin scripts), with an ellipsis. */
export function fit(text: string, width: number): string {
	const characters = [...text];
	if (characters.length <= width) {
		return text + ' '.repeat(width - characters.length);
	}

	return width <= 1 ? characters.slice(0, width).join('') : `${characters.slice(0, width - 1).join('')}…`;
}
