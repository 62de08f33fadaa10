import {Text} from 'ink';
import {useTheme} from '../../hooks/use-theme.js';

export interface ButtonProps {
	readonly label: string;
	readonly isFocused: boolean;
	/** Shown dimmed (e.g. while the form has errors); Enter on it then shows what to fix. @default false */
	readonly isDisabled?: boolean;
}

/** `› [ Continue ]`. The screen handles Enter on it, because what Enter does is the screen's business. */
export function Button({label, isFocused, isDisabled = false}: ButtonProps) {
	const theme = useTheme();
	return (
		<Text color={isFocused ? theme.accent : isDisabled ? theme.muted : undefined} bold={isFocused} inverse={isFocused && Boolean(theme.accent)}>
			{isFocused ? theme.focusMark : ' '} [ {label} ]
		</Text>
	);
}
