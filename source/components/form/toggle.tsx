import {Box, Text} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {useRef} from 'react';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import {FieldLabel} from './field-label.js';

export interface ToggleProps {
	readonly label: string;
	readonly value: boolean;
	readonly onChange: (value: boolean) => void;
	readonly isFocused: boolean;
	/** @default false */
	readonly isDisabled?: boolean;
	readonly labelWidth: number;
	/** Shown muted after the value, e.g. what the option does. */
	readonly hint?: string;
}

/** An on/off option: `[x] yes` / `[ ] no`; Space (or ← →) switches it when focused. */
export function Toggle({label, value, onChange, isFocused, isDisabled = false, labelWidth, hint}: ToggleProps) {
	const {t} = useI18n();
	const theme = useTheme();
	// Two keys before a render must switch twice, so each starts from the last value sent, not the rendered one.
	const latest = useRef(value);
	latest.current = value;
	useKeys(
		(input, key) => {
			if ((input === ' ' && !key.ctrl && !key.meta) || key.leftArrow || key.rightArrow) {
				latest.current = !latest.current;
				onChange(latest.current);
			}
		},
		{isActive: isFocused && !isDisabled},
	);
	return (
		<Box>
			<FieldLabel label={label} isFocused={isFocused} width={labelWidth} />
			<Text wrap="truncate-end">
				<Text color={value ? theme.good : undefined}>{value ? '[x]' : '[ ]'} {t(value ? 'yes' : 'no')}</Text>
				{hint ? <Text color={theme.muted}>  {hint}</Text> : null}
			</Text>
		</Box>
	);
}
