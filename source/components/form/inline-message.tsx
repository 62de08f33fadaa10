import {Box, Text} from 'ink';
import {useTheme} from '../../hooks/use-theme.js';

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

/** A message under a field or a form; prefixed with a symbol so its kind shows without colour. */
export function InlineMessage({text, tone = 'bad', width, indent = 0, maxLines = 2}: InlineMessageProps) {
	const theme = useTheme();
	if (!text) {
		return null;
	}

	const content = symbols[tone] + text;
	const columns = Math.max(10, width - indent);
	const lines = Math.min(maxLines, Math.max(1, Math.ceil([...content].length / columns)));
	return (
		<Box marginLeft={indent} width={columns} height={lines} overflow="hidden">
			<Text color={theme[tone]} wrap={lines === 1 ? 'truncate-end' : 'wrap'}>{content}</Text>
		</Box>
	);
}
