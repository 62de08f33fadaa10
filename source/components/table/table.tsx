/**
 * The shared table view: a header, only the rows in the vertical window (so 100,000 rows cost what 20 do), and a
 * position line ("Row 5 of 100,000 · columns 3–7 of 14 ← →", the arrows saying which way more columns are). Rows are memoised on their text, so a redraw
 * touches only rows whose text changed. State and keys live in `useTable`.
 */
import {Box, Text} from 'ink';
import {memo} from 'react';
import {useI18n} from '../../hooks/use-i18n.js';
import {type Theme, useTheme} from '../../hooks/use-theme.js';
import {fit} from '../../lib/text/visible.js';
import {type Column, formatHeader, formatRow, gutterWidth} from './layout.js';
import type {TableModel} from './use-table.js';

export type RowTone = 'good' | 'bad' | 'warn' | 'muted';

export interface TableProps<Row> {
	readonly columns: ReadonlyArray<Column<Row>>;
	readonly rows: readonly Row[];
	/** From `useTable` with the same columns and rows. */
	readonly model: TableModel;
	/** Columns of the terminal; lines are cut to it. */
	readonly width: number;
	/** Colour of a whole row (ignored under NO_COLOR; the text says the same). */
	readonly toneOf?: (row: Row) => RowTone | undefined;
	/** Shown instead of rows when there are none. */
	readonly emptyText?: string;
	/** Mark the selected row. @default true */
	readonly showSelection?: boolean;
	/**
	 * A one-column mark in the gutter after the selection mark, e.g. `•` on a file in flight, so where things happen
	 * shows without colour.
	 */
	readonly markOf?: (row: Row) => string | undefined;
	/** Added to the position line, e.g. where the files in flight are. */
	readonly status?: string;
}

interface RowLineProps {
	readonly line: string;
	readonly color: string | undefined;
	readonly isSelected: boolean;
}

const RowLine = memo(function RowLine({line, color, isSelected}: RowLineProps) {
	return <Text color={color} bold={isSelected} wrap='truncate-end'>{line}</Text>;
});

function colorOf(theme: Theme, tone: RowTone | undefined): string | undefined {
	return tone ? theme[tone] : undefined;
}

export function Table<Row>({columns, rows, model, width, toneOf, emptyText, showSelection = true, markOf, status}: TableProps<Row>) {
	const {t, number} = useI18n();
	const theme = useTheme();
	const {state, layout, limits} = model;
	const blank = ' '.repeat(gutterWidth);
	const mark = fit(theme.focusMark, gutterWidth);
	const gutter = (row: Row, isSelected: boolean) => {
		const own = markOf?.(row);
		return own ? fit(isSelected ? theme.focusMark : ' ', 1) + fit(own, gutterWidth - 1) : isSelected ? mark : blank;
	};
	const lines = [];
	const end = Math.min(rows.length, state.top + limits.page);
	for (let index = state.top; index < end; index++) {
		const row = rows[index]!;
		const isSelected = showSelection && index === state.selected;
		lines.push(
			<RowLine
				// Keyed by slot: scrolling reuses the same row components, and unchanged text skips rendering.
				key={index - state.top}
				line={fit(gutter(row, isSelected) + formatRow(columns, layout, row), width).trimEnd()}
				color={isSelected ? colorOf(theme, toneOf?.(row)) ?? theme.accent : colorOf(theme, toneOf?.(row))}
				isSelected={isSelected}
			/>,
		);
	}

	const arrows = `${layout.hiddenLeft > 0 ? ' ←' : ''}${layout.hiddenRight > 0 ? ' →' : ''}`;
	const positionOf = (columnsText: string) => [
		rows.length > 0 ? t('table.position', {row: number(state.selected + 1), rows: number(rows.length)}) : '',
		layout.total > layout.placed.length ? columnsText : '',
		status ?? '',
	].filter(Boolean).join(' · ');
	const full = positionOf(t('table.columns', {from: layout.from, to: layout.to, total: layout.total}) + arrows);
	// Too wide (a long run's row numbers and the files in flight at 80 columns): the columns fact gives way to its
	// arrows alone, rather than the status losing its end ("(s follows th…").
	const position = [...full].length <= width ? full : positionOf(arrows.trim());
	return (
		<Box flexDirection='column'>
			<Text bold color={theme.accent} wrap='truncate-end'>{fit(blank + formatHeader(columns, layout), width).trimEnd()}</Text>
			{rows.length === 0 ? <Text color={theme.muted} wrap='truncate-end'>{fit(blank + (emptyText ?? t('table.empty')), width).trimEnd()}</Text> : lines}
			<Text color={theme.muted} wrap='truncate-end'>{fit(position, width).trimEnd() || ' '}</Text>
		</Box>
	);
}
