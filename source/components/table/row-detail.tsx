/**
 * One row of a table in full: every column's title and whole value, wrapped instead of cut, plus lines the screen
 * adds (the full path of a file). A value's own line breaks (`\n`) are kept; every other control character is shown
 * escaped. What the table's columns had to shorten can be read here. Taller than the screen (a video contact with its
 * screenshots at 80×24), it scrolls with the table's keys (↑ ↓ PgUp PgDn Home End) and says which lines it shows.
 */
import {Box, Text} from 'ink';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import {fit, visible} from '../../lib/text/visible.js';
import {textLines, useScroll} from '../scroll.js';
import type {Column} from './layout.js';

export interface RowDetailProps<Row> {
	readonly title: string;
	readonly columns: ReadonlyArray<Column<Row>>;
	readonly row: Row;
	/** More labelled values after the columns, e.g. the full path. */
	readonly extra?: ReadonlyArray<{readonly label: string; readonly value: string}>;
	readonly width: number;
	/** Lines the view may use, title and keys included. @default no limit */
	readonly height?: number;
	/** Whether the scroll keys are read (not under the help). @default true */
	readonly isActive?: boolean;
	/** Shown muted at the bottom: the keys of the view. */
	readonly keys: string;
}

export function RowDetail<Row>({title, columns, row, extra = [], width, height, isActive = true, keys}: RowDetailProps<Row>) {
	const {t, number} = useI18n();
	const theme = useTheme();
	const items = [...columns.map(column => ({label: column.title, value: column.value(row)})), ...extra];
	const labelWidth = Math.min(24, Math.max(...items.map(item => [...item.label].length)));
	const valueWidth = Math.max(10, width - labelWidth - 2);
	// Each value wrapped here, not by Ink, so the lines can be counted and a window of them shown.
	const lines = items.flatMap(item => {
		// A value may have lines of its own (one file a line); each is made terminal-safe and wraps.
		const valueLines = textLines(item.value.split('\n').map(part => visible(part)).join('\n'), valueWidth);
		return (valueLines.length > 0 ? valueLines : ['']).map((text, index) => ({label: index === 0 ? visible(item.label) : '', text}));
	});
	// The title and the keys always show; the position line only when the lines do not all fit.
	const room = height === undefined ? lines.length : Math.max(1, height - 2);
	const page = lines.length > room ? Math.max(1, room - 1) : room;
	const scroll = useScroll(lines.length, page, isActive);
	const shown = lines.slice(scroll.top, scroll.top + scroll.page);
	const position = t('scroll.position', {from: number(scroll.top + 1), to: number(scroll.top + shown.length), total: number(lines.length)});
	return (
		<Box flexDirection='column' width={width}>
			<Text bold color={theme.accent} wrap='truncate-end'>{fit(visible(title), width).trimEnd()}</Text>
			{shown.map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- a line's place in the window is its identity
				<Box key={index}>
					<Box width={labelWidth + 2} flexShrink={0}>
						<Text color={theme.muted} wrap='truncate-end'>{line.label || ' '}</Text>
					</Box>
					<Box width={valueWidth}>
						<Text wrap='truncate-end'>{line.text || ' '}</Text>
					</Box>
				</Box>
			))}
			{scroll.isScrolling ? <Text color={theme.muted} wrap='truncate-end'>{fit(position, width).trimEnd()}</Text> : null}
			<Text color={theme.muted} wrap='truncate-end'>{fit(keys, width).trimEnd()}</Text>
		</Box>
	);
}
