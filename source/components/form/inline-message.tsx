import {Box, Text} from 'ink';
import {useTheme} from '../../hooks/use-theme.js';
import {fit} from '../../lib/text/visible.js';
import {textLines} from '../scroll.js';

export type Tone = 'bad' | 'warn' | 'good' | 'muted';

export interface InlineMessageProps {
	readonly text: string | undefined;
	readonly tone?: Tone;
	/** Columns the message may use. */
	readonly width: number;
	/** Columns of indentation (to sit under a field's value). @default 0 */
	readonly indent?: number;
	/** Lines it may wrap to; the rest is cut, so a long message cannot push the screen off the terminal. @default 2 */
	readonly maxLines?: number;
}

const symbols: Record<Tone, string> = {bad: '✗ ', warn: '! ', good: '✓ ', muted: ''};

/**
 * The message's lines as shown: broken at words into the columns left after `indent`, at most `maxLines`, the last
 * one cut with an ellipsis when there is more. Wrapped here rather than by Ink, so the lines it takes are known (a
 * count of characters undercounts word wrapping, and the end of a sentence was lost).
 */
export function inlineMessageLines(text: string | undefined, {tone = 'bad', width, indent = 0, maxLines = 2}: Omit<InlineMessageProps, 'text'>): string[] {
	if (!text) {
		return [];
	}

	const columns = Math.max(10, width - indent);
	const lines = textLines(symbols[tone] + text, columns);
	if (lines.length <= maxLines) {
		return lines;
	}

	const kept = lines.slice(0, Math.max(1, maxLines));
	kept[kept.length - 1] = fit(`${kept.at(-1)!} ${lines[kept.length]!}`, columns);
	return kept;
}

/** A message under a field or a form; prefixed with a symbol so its kind shows without colour. */
export function InlineMessage(props: InlineMessageProps) {
	const {tone = 'bad', width, indent = 0} = props;
	const theme = useTheme();
	const lines = inlineMessageLines(props.text, props);
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box marginLeft={indent} width={Math.max(10, width - indent)} flexDirection="column">
			{/* eslint-disable-next-line react/no-array-index-key -- a line's place is its identity */}
			{lines.map((line, index) => <Text key={index} color={theme[tone]} wrap="truncate-end">{line}</Text>)}
		</Box>
	);
}
