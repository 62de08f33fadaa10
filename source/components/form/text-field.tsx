/**
 * A labelled one-line text field: a focus mark that shows without colour, a mask, an error under the value, and a
 * width it never wraps past (the line scrolls to keep the cursor in view). Editing is `editText` applied to the
 * latest value, so fast keys are never lost; Ctrl and Meta chords, and keys the screen reserves (`?` for help), are
 * never typed. Backspace deletes before the cursor and Delete under it; ← → Home End move.
 */
import {Box, Text, type Key, usePaste} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {useRef, useState} from 'react';
import {useTheme} from '../../hooks/use-theme.js';
import {fit} from '../../lib/text/visible.js';
import {FieldLabel, labelColumns} from './field-label.js';
import {InlineMessage} from './inline-message.js';
import {type EditState, editText, visibleWindow} from './text-edit.js';

/** A key with no modifier, to ask `isReserved` about a plain character. */
const plainKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

export interface TextFieldProps {
	readonly label: string;
	readonly value: string;
	readonly onChange: (value: string) => void;
	/** Only a focused field reads keys. */
	readonly isFocused: boolean;
	/** A disabled field shows its value and reads no keys. @default false */
	readonly isDisabled?: boolean;
	/** Shown instead of each character, e.g. `*` for a password. */
	readonly mask?: string;
	/** Shown dimmed while the value is empty. */
	readonly placeholder?: string;
	/** Shown under the value (already translated). */
	readonly error?: string;
	/** Lines the error may take. @default 2 */
	readonly errorLines?: number;
	/** Shown dimmed after the value when there is room and no error, e.g. the date tokens. */
	readonly hint?: string;
	/** Columns of the label text. */
	readonly labelWidth: number;
	/** Columns of the whole row. */
	readonly width: number;
	/** Keys the screen handles that must not be typed (Ctrl and Meta chords never are), e.g. `?` for help. */
	readonly isReserved?: (input: string, key: Key) => boolean;
}

export function TextField(props: TextFieldProps) {
	const {label, value, onChange, isFocused, isDisabled = false, mask, placeholder, error, errorLines = 2, hint, labelWidth, width, isReserved} = props;
	const theme = useTheme();
	const isActive = isFocused && !isDisabled;
	const latest = useRef<EditState>({value, cursor: [...value].length});
	const [, setRevision] = useState(0);
	if (value !== latest.current.value) {
		// Set from outside (a quick range, a reset, a palette): the cursor goes to the end.
		latest.current = {value, cursor: [...value].length};
	}

	useKeys(
		(input, key) => {
			if (isReserved?.(input, key)) {
				return;
			}

			const next = editText(latest.current, input, key);
			if (next === latest.current) {
				return;
			}

			const changed = next.value !== latest.current.value;
			latest.current = next;
			if (changed) {
				onChange(next.value);
			}

			setRevision(revision => revision + 1);
		},
		{isActive, takesText: character => !isReserved?.(character, plainKey)},
	);

	// A paste (the terminal brackets it while a field has the focus) is text, whole: a `?` or a Tab in it is typed,
	// not the key it would be. One line: the newline a copied line ends with is dropped, other controls too. Not on a
	// dumb terminal: turning bracketed paste on is an escape sequence, which such a terminal prints.
	usePaste(text => {
		// eslint-disable-next-line no-control-regex
		const line = text.replace(/\r?\n$/, '').replace(/[\u0000-\u001F\u007F]/g, '');
		const next = line ? editText(latest.current, line, plainKey) : latest.current;
		if (next !== latest.current) {
			const changed = next.value !== latest.current.value;
			latest.current = next;
			if (changed) {
				onChange(next.value);
			}

			setRevision(revision => revision + 1);
		}
	}, {isActive: isActive && !theme.terminal.isDumb});

	const valueWidth = Math.max(4, width - labelColumns(labelWidth));
	const chars = [...(mask ? mask.repeat([...value].length) : value)];
	let content;
	if (isActive) {
		const cursor = Math.min(latest.current.cursor, chars.length);
		const shown = visibleWindow(chars, cursor, valueWidth);
		const at = cursor - shown.start;
		const text = [...shown.text];
		if (shown.isCutLeft && at !== 0) {
			text[0] = '…';
		}

		if (shown.isCutRight && at !== text.length - 1) {
			text[text.length - 1] = '…';
		}

		const under = text[at] ?? ' ';
		const after = text.slice(at + 1).join('');
		// An empty field shows its placeholder right after the cursor; a filled one its hint, if there is room.
		const extra = chars.length === 0 && placeholder ? placeholder : hint && !error && chars.length + hint.length + 3 <= valueWidth ? `  ${hint}` : '';
		content = (
			<Text>
				{text.slice(0, at).join('')}
				<Text inverse>{under}</Text>
				{after}
				{extra ? <Text color={theme.muted}>{extra}</Text> : null}
			</Text>
		);
	} else if (chars.length === 0) {
		content = <Text color={theme.muted}>{fit(placeholder ?? '', valueWidth).trimEnd()}</Text>;
	} else {
		const text = fit(chars.join(''), valueWidth).trimEnd();
		const showHint = hint && !error && chars.length + hint.length + 2 <= valueWidth;
		content = (
			<Text>
				{text}
				{showHint ? <Text color={theme.muted}>  {hint}</Text> : null}
			</Text>
		);
	}

	return (
		<Box flexDirection="column" width={width}>
			<Box>
				<FieldLabel label={label} isFocused={isFocused} width={labelWidth} />
				<Box width={valueWidth} height={1} overflow="hidden">
					{content}
				</Box>
			</Box>
			<InlineMessage text={error} width={width} indent={labelColumns(labelWidth)} maxLines={errorLines} />
		</Box>
	);
}
