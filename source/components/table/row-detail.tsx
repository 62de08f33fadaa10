/**
 * One row of a table in full: every column's title and whole value, wrapped instead of cut, plus lines the screen
 * adds (the full path of a file). A value's own line breaks (`\n`) are kept; every other control character is shown
 * escaped. What the table's columns had to shorten can be read here.
 */
import {Box, Text} from 'ink';
import {useTheme} from '../../hooks/use-theme.js';
import {visible} from '../../lib/text/visible.js';
import type {Column} from './layout.js';

export interface RowDetailProps<Row> {
	readonly title: string;
	readonly columns: ReadonlyArray<Column<Row>>;
	readonly row: Row;
	/** More labelled values after the columns, e.g. the full path. */
	readonly extra?: ReadonlyArray<{readonly label: string; readonly value: string}>;
	readonly width: number;
	/** Shown muted at the bottom: the keys of the view. */
	readonly keys: string;
}

export function RowDetail<Row>({title, columns, row, extra = [], width, keys}: RowDetailProps<Row>) {
	const theme = useTheme();
	const items = [...columns.map(column => ({label: column.title, value: column.value(row)})), ...extra];
	const labelWidth = Math.min(24, Math.max(...items.map(item => [...item.label].length)));
	const valueWidth = Math.max(10, width - labelWidth - 2);
	return (
		<Box flexDirection='column' width={width}>
			<Text bold color={theme.accent} wrap='truncate-end'>{visible(title)}</Text>
			{items.map(item => (
				<Box key={item.label}>
					<Box width={labelWidth + 2} flexShrink={0}>
						<Text color={theme.muted} wrap='truncate-end'>{visible(item.label)}</Text>
					</Box>
					<Box width={valueWidth}>
						{/* A value may have lines of its own (one file a line); each is made terminal-safe and wraps. */}
						<Text wrap='wrap'>{item.value.split('\n').map(part => visible(part)).join('\n') || ' '}</Text>
					</Box>
				</Box>
			))}
			<Text color={theme.muted} wrap='truncate-end'>{keys}</Text>
		</Box>
	);
}
