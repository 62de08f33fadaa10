/**
 * Rows of options: a single choice (radio), a set of checkboxes, and a row of actions (quick ranges, the field
 * palette). ← → move along the row; what Space does depends on the kind. They wrap onto more lines when the row is
 * wider than the terminal.
 */
import {Box, Text} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {memo, useRef, useState} from 'react';
import {useTheme} from '../../hooks/use-theme.js';
import {FieldLabel, labelColumns} from './field-label.js';

export interface Option<V extends string> {
	readonly value: V;
	readonly label: string;
}

interface ItemProps {
	readonly text: string;
	readonly isCursor: boolean;
	readonly isOn: boolean;
}

const Item = memo(function Item({text, isCursor, isOn}: ItemProps) {
	const theme = useTheme();
	return (
		<Box marginRight={1}>
			<Text color={isCursor ? theme.accent : isOn ? theme.good : undefined} inverse={isCursor && Boolean(theme.accent)} bold={isCursor}>
				{isCursor ? theme.focusMark : ' '}
				{text}
			</Text>
		</Box>
	);
});

function OptionRow(props: {
	readonly label: string | undefined;
	readonly labelWidth: number;
	readonly width: number;
	readonly isFocused: boolean;
	readonly items: ReadonlyArray<{key: string; text: string; isOn: boolean}>;
	readonly cursor: number;
	readonly hint?: string;
}) {
	const {label, labelWidth, width, isFocused, items, cursor, hint} = props;
	const theme = useTheme();
	// The label leaves out its trailing space: each item's cursor mark stands there, so the items line up with the
	// values of text fields.
	const offset = label === undefined ? 0 : labelColumns(labelWidth) - 1;
	return (
		<Box width={width}>
			{label === undefined ? null : <FieldLabel isTight label={label} isFocused={isFocused} width={labelWidth} />}
			<Box flexWrap="wrap" width={Math.max(10, width - offset)}>
				{items.map((item, index) => (
					<Item key={item.key} text={item.text} isCursor={isFocused && index === cursor} isOn={item.isOn} />
				))}
				{hint ? <Text color={theme.muted}>{hint}</Text> : null}
			</Box>
		</Box>
	);
}

function step(index: number, delta: number, count: number): number {
	return count === 0 ? 0 : (index + delta + count) % count;
}

export interface ChoiceProps<V extends string> {
	readonly label: string;
	readonly options: ReadonlyArray<Option<V>>;
	readonly value: V;
	readonly onChange: (value: V) => void;
	readonly isFocused: boolean;
	/** @default false */
	readonly isDisabled?: boolean;
	readonly labelWidth: number;
	readonly width: number;
}

/** One of a few values: `(•) JSON ( ) XML ( ) none`; ← → or Space pick the next one. */
export function Choice<V extends string>({label, options, value, onChange, isFocused, isDisabled = false, labelWidth, width}: ChoiceProps<V>) {
	const index = Math.max(0, options.findIndex(option => option.value === value));
	// Keys that come before a render each move on from the last value sent.
	const latest = useRef(index);
	latest.current = index;
	useKeys(
		(input, key) => {
			const delta = key.leftArrow ? -1 : key.rightArrow || (input === ' ' && !key.ctrl) ? 1 : 0;
			if (delta !== 0 && options.length > 0) {
				latest.current = step(latest.current, delta, options.length);
				onChange(options[latest.current]!.value);
			}
		},
		{isActive: isFocused && !isDisabled},
	);
	const items = options.map(option => ({key: option.value, text: `${option.value === value ? '(•)' : '( )'} ${option.label}`, isOn: option.value === value}));
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={index} />;
}

export interface CheckboxListProps<V extends string> {
	readonly label: string;
	readonly options: ReadonlyArray<Option<V>>;
	/** Checked values; reported back in the order of `options`. */
	readonly selected: readonly V[];
	readonly onChange: (selected: V[]) => void;
	readonly isFocused: boolean;
	/** @default false */
	readonly isDisabled?: boolean;
	readonly labelWidth: number;
	readonly width: number;
	/** Shown muted after the boxes, e.g. what "none checked" means. */
	readonly hint?: string;
}

/** Several values: `[x] voice [ ] video …`; ← → move, Space checks or unchecks the one under the cursor. */
export function CheckboxList<V extends string>(props: CheckboxListProps<V>) {
	const {label, options, selected, onChange, isFocused, isDisabled = false, labelWidth, width, hint} = props;
	const [cursor, setCursor] = useState(0);
	const current = Math.min(cursor, Math.max(0, options.length - 1));
	// Keys that come before a render each start from the last cursor and selection, not the rendered ones.
	const latest = useRef({cursor: current, selected});
	latest.current = {cursor: current, selected};
	useKeys(
		(input, key) => {
			const now = latest.current;
			if (key.leftArrow || key.rightArrow) {
				latest.current = {...now, cursor: step(now.cursor, key.leftArrow ? -1 : 1, options.length)};
				setCursor(latest.current.cursor);
			} else if (input === ' ' && !key.ctrl && options[now.cursor]) {
				const value = options[now.cursor]!.value;
				const toggled = now.selected.includes(value) ? now.selected.filter(item => item !== value) : [...now.selected, value];
				const next = options.map(option => option.value).filter(item => toggled.includes(item));
				latest.current = {...now, selected: next};
				onChange(next);
			}
		},
		{isActive: isFocused && !isDisabled},
	);
	const items = options.map(option => {
		const isOn = selected.includes(option.value);
		return {key: option.value, text: `${isOn ? '[x]' : '[ ]'} ${option.label}`, isOn};
	});
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={current} {...(hint ? {hint} : {})} />;
}

export interface ActionRowProps<V extends string> {
	/** Without a label the row starts at the left edge. */
	readonly label?: string;
	readonly options: ReadonlyArray<Option<V>>;
	/** The option that is in effect now, marked as on (e.g. the quick range the dates match). */
	readonly active?: V;
	/** Space or Enter on an option. */
	readonly onSelect: (value: V) => void;
	readonly isFocused: boolean;
	/** @default false */
	readonly isDisabled?: boolean;
	readonly labelWidth: number;
	readonly width: number;
}

/** A row of actions: ← → move (wrapping at the ends), Space or Enter does the one under the cursor. */
export function ActionRow<V extends string>(props: ActionRowProps<V>) {
	const {label, options, active, onSelect, isFocused, isDisabled = false, labelWidth, width} = props;
	const [cursor, setCursor] = useState(0);
	const current = Math.min(cursor, Math.max(0, options.length - 1));
	const latest = useRef(current);
	latest.current = current;
	useKeys(
		(input, key) => {
			if (key.leftArrow || key.rightArrow) {
				latest.current = step(latest.current, key.leftArrow ? -1 : 1, options.length);
				setCursor(latest.current);
			} else if (((input === ' ' && !key.ctrl) || key.return) && options[latest.current]) {
				onSelect(options[latest.current]!.value);
			}
		},
		{isActive: isFocused && !isDisabled},
	);
	const items = options.map(option => ({key: option.value, text: option.value === active ? `[${option.label}]` : ` ${option.label} `, isOn: option.value === active}));
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={current} />;
}
