import {Box, Text} from 'ink';
import {useTheme} from '../../hooks/use-theme.js';
import {fit} from '../../lib/text/visible.js';

export interface FieldLabelProps {
	readonly label: string;
	readonly isFocused: boolean;
	/** Columns for the label text (padded or cut); the focus mark and a space come before it, a space after. */
	readonly width: number;
	/** Leave out the space after the label (rows of options put their own cursor mark there). @default false */
	readonly isTight?: boolean;
}

/**
 * `› Label ` when focused (mark and colour, so it shows under NO_COLOR too), `  Label ` otherwise. It never shrinks,
 * so the values of a form stay in one column however long the rest of a row is.
 */
export function FieldLabel({label, isFocused, width, isTight = false}: FieldLabelProps) {
	const theme = useTheme();
	return (
		<Box flexShrink={0} width={labelColumns(width) - (isTight ? 1 : 0)}>
			<Text color={isFocused ? theme.accent : undefined} bold={isFocused}>
				{isFocused ? theme.focusMark : ' '} {fit(label, width)}
			</Text>
		</Box>
	);
}

/** Columns a label column takes: the mark, a space, the label and a space. */
export function labelColumns(width: number): number {
	return width + 3;
}
