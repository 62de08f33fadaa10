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

/** Columns an item takes: its mark, its text and the space after it. */
function itemColumns(text: string): number {
	return [...text].length + 2;
}

/**
 * The items that fit on one line of `columns` with the one at `cursor` among them, and room for the ‹ › marks where
 * items are left out.
 */
export function itemWindow(texts: readonly string[], cursor: number, columns: number): {first: number; last: number} {
	const fits = (first: number, last: number) =>
		texts.slice(first, last + 1).reduce((sum, text) => sum + itemColumns(text), 0) + (first > 0 ? 2 : 0) + (last < texts.length - 1 ? 1 : 0) <= columns;
	let first = Math.max(0, Math.min(cursor, texts.length - 1));
	let last = first;
	// To the right first, so moving → shows what comes next; then whatever room is left to the left.
	while (last < texts.length - 1 && fits(first, last + 1)) {
		last++;
	}

	while (first > 0 && fits(first - 1, last)) {
		first--;
	}

	return {first, last};
}

function OptionRow(props: {
	readonly label: string | undefined;
	readonly labelWidth: number;
	readonly width: number;
	readonly isFocused: boolean;
	readonly items: ReadonlyArray<{key: string; text: string; isOn: boolean}>;
	readonly cursor: number;
	readonly hint?: string;
	/** One line that scrolls with the cursor (‹ › where items are left out) instead of wrapping. @default false */
	readonly isOneLine?: boolean;
}) {
	const {label, labelWidth, width, isFocused, cursor, hint, isOneLine = false} = props;
	const theme = useTheme();
	// The label leaves out its trailing space: each item's cursor mark stands there, so the items line up with the
	// values of text fields.
	const offset = label === undefined ? 0 : labelColumns(labelWidth) - 1;
	const rowWidth = Math.max(10, width - offset);
	const shown = isOneLine ? itemWindow(props.items.map(item => item.text), cursor, rowWidth) : {first: 0, last: props.items.length - 1};
	const items = props.items.slice(shown.first, shown.last + 1);
	return (
		<Box width={width}>
			{label === undefined ? null : <FieldLabel isTight label={label} isFocused={isFocused} width={labelWidth} />}
			<Box flexWrap={isOneLine ? 'nowrap' : 'wrap'} width={rowWidth} {...isOneLine ? {height: 1, overflow: 'hidden' as const} : {}}>
				{shown.first > 0 ? <Text color={theme.muted}>‹ </Text> : null}
				{items.map((item, index) => (
					<Item key={item.key} text={item.text} isCursor={isFocused && shown.first + index === cursor} isOn={item.isOn} />
				))}
				{shown.last < props.items.length - 1 ? <Text color={theme.muted}>›</Text> : null}
				{hint && !isOneLine ? <Text color={theme.muted}>{hint}</Text> : null}
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
	/** One line that scrolls with the choice instead of wrapping (a short terminal). @default false */
	readonly isOneLine?: boolean;
}

/** One of a few values: `(•) JSON ( ) XML ( ) none`; ← → or Space pick the next one. */
export function Choice<V extends string>({label, options, value, onChange, isFocused, isDisabled = false, labelWidth, width, isOneLine = false}: ChoiceProps<V>) {
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
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={index} isOneLine={isOneLine} />;
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
	/** Shown muted after the boxes, e.g. what "none checked" means (not on one line). */
	readonly hint?: string;
	/** One line that scrolls with the cursor instead of wrapping (a short terminal). @default false */
	readonly isOneLine?: boolean;
}

/** Several values: `[x] voice [ ] video …`; ← → move, Space checks or unchecks the one under the cursor. */
export function CheckboxList<V extends string>(props: CheckboxListProps<V>) {
	const {label, options, selected, onChange, isFocused, isDisabled = false, labelWidth, width, hint, isOneLine = false} = props;
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
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={current} isOneLine={isOneLine} {...(hint ? {hint} : {})} />;
}

export interface ActionRowProps<V extends string> {
	/** Without a label the row starts at the left edge. */
	readonly label?: string;
	readonly options: ReadonlyArray<Option<V>>;
	/** The option that is in effect now, marked as on (e.g. the quick range the dates match). */
	readonly active?: V;
	/** Space or Enter on an option; `byEnter` says which. */
	readonly onSelect: (value: V, byEnter: boolean) => void;
	/**
	 * Whether Enter does the option under the cursor before ← → moved it on this visit of the row (and after an Enter
	 * that did one); when not, the row leaves Enter to the form (next field). Asked as the key comes, so a burst sees
	 * the state its earlier keys made. For rows passed on the way down a form, where the option that merely starts
	 * under the cursor would replace what was typed. Space always does the option. @default always
	 */
	readonly isEnterWithoutMove?: () => boolean;
	readonly isFocused: boolean;
	/** @default false */
	readonly isDisabled?: boolean;
	readonly labelWidth: number;
	readonly width: number;
	/** One line that scrolls with the cursor instead of wrapping (a short terminal). @default false */
	readonly isOneLine?: boolean;
}

/** A row of actions: ← → move (wrapping at the ends), Space or Enter does the one under the cursor. */
export function ActionRow<V extends string>(props: ActionRowProps<V>) {
	const {label, options, active, onSelect, isEnterWithoutMove, isFocused, isDisabled = false, labelWidth, width, isOneLine = false} = props;
	const [cursor, setCursor] = useState(0);
	const current = Math.min(cursor, Math.max(0, options.length - 1));
	const latest = useRef(current);
	latest.current = current;
	// Whether ← → moved the cursor since the row was last focused; forgotten as the row is left (at render, so a
	// burst of keys that arrives with the focus keeps its arrows).
	const moved = useRef(false);
	if (!isFocused) {
		moved.current = false;
	}

	useKeys(
		(input, key) => {
			if (key.leftArrow || key.rightArrow) {
				latest.current = step(latest.current, key.leftArrow ? -1 : 1, options.length);
				moved.current = true;
				setCursor(latest.current);
			} else if (((input === ' ' && !key.ctrl) || key.return) && options[latest.current]) {
				if (key.return && !moved.current && isEnterWithoutMove && !isEnterWithoutMove()) {
					// The form's Enter: the next field.
					return;
				}

				onSelect(options[latest.current]!.value, key.return);
				if (key.return) {
					// Done with what was picked: another Enter is asked about afresh.
					moved.current = false;
				}
			}
		},
		{isActive: isFocused && !isDisabled},
	);
	const items = options.map(option => ({key: option.value, text: option.value === active ? `[${option.label}]` : ` ${option.label} `, isOn: option.value === active}));
	return <OptionRow label={label} labelWidth={labelWidth} width={width} isFocused={isFocused} items={items} cursor={current} isOneLine={isOneLine} />;
}
