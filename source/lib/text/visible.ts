/**
 * Server text made safe for a terminal or a machine stream: control characters (C0, DEL and C1), and with them every
 * escape sequence they start (CSI colours, OSC 52 clipboard writes, OSC 8 hyperlinks, window titles), bidi controls
 * and invisible format characters are shown as visible escapes instead of being sent on. Pure and idempotent, so it
 * can be applied where server text comes in and again where any text goes out.
 */
// C0, DEL and C1 (U+009B is an 8-bit CSI, U+009D an 8-bit OSC: a terminal acts on them like ESC [ and ESC ]);
// bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9) that make text read as something else; zero-width and other
// invisible format characters; the line and paragraph separators some terminals and viewers break lines on.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;
// eslint-disable-next-line no-control-regex
const unsafeButLines = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;

function escape(character: string): string {
	const code = character.codePointAt(0)!;
	return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every control and invisible character written as `\xNN` or `\u{NNNN}`. With `keepLines`, tab and
 * newline stay (for ccdl's own multi-line output that may quote server text); without it they are escaped too, so a
 * server's text stays on one line.
 */
export function visible(text: string, options: {keepLines?: boolean} = {}): string {
	return text.replace(options.keepLines ? unsafeButLines : unsafe, escape);
}

/** Whether `text` would come back from {@link visible} unchanged. */
export function isVisible(text: string, options: {keepLines?: boolean} = {}): boolean {
	const pattern = options.keepLines ? unsafeButLines : unsafe;
	pattern.lastIndex = 0;
	const found = pattern.test(text);
	pattern.lastIndex = 0;
	return !found;
}

/** Cuts `text` to `width` columns (one per code point; good enough for Latin scripts), with an ellipsis. */
export function fit(text: string, width: number): string {
	const characters = [...text];
	if (characters.length <= width) {
		return text + ' '.repeat(width - characters.length);
	}

	return width <= 1 ? characters.slice(0, width).join('') : `${characters.slice(0, width - 1).join('')}…`;
}

/**
 * `text`'s parts (split at `separator`) laid greedily into lines of at most `width` columns (one per code point, as
 * `fit`), a part moved whole to the next line rather than cut; a part wider than the line keeps a line of its own. In
 * at most `maxLines` lines: the last one takes every part left, cut with an ellipsis.
 */
function packParts(text: string, separator: string, width: number, maxLines: number): string[] {
	const length = (value: string) => [...value].length;
	if (length(text) <= width || maxLines <= 1) {
		return [text];
	}

	const parts = text.split(separator);
	const lines: string[] = [];
	let line = '';
	for (const [index, part] of parts.entries()) {
		if (line && length(line) + separator.length + length(part) > width) {
			lines.push(line);
			line = '';
			if (lines.length === maxLines - 1) {
				lines.push(fit(parts.slice(index).join(separator), width).trimEnd());
				return lines;
			}
		}

		line = line ? `${line}${separator}${part}` : part;
	}

	lines.push(line);
	return lines;
}

/**
 * `text` broken at spaces into lines of at most `width` columns, for a line printed on the terminal's own screen:
 * left to the terminal, a word was cut in two at the edge. A word longer than the width (a long path) keeps a line of
 * its own.
 */
export function wrapWords(text: string, width: number): string {
	return width < 10 ? text : packParts(text, ' ', width, Number.POSITIVE_INFINITY).join('\n');
}

/**
 * Facts joined by " · " laid into lines of at most `width` columns, a fact moved whole to the next line rather than cut,
 * in at most `maxLines` lines (the last one cut with an ellipsis if they still do not fit).
 */
export function packFacts(text: string, width: number, maxLines: number): string[] {
	return packParts(text, ' · ', width, maxLines);
}
