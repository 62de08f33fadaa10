import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {useTheme} from '../../hooks/use-theme.js';

/** A spinner and what is going on; while it shows, the screen ignores keys. */
export function BusyLine({text}: {readonly text: string}) {
	const theme = useTheme();
	return (
		<Box>
			<Text color={theme.accent}>
				<Spinner type="dots" />
			</Text>
			<Text wrap="truncate-end"> {text}</Text>
		</Box>
	);
}
