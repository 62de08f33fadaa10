/**
 * Column layout of the shared table, pure and cheap (it depends on the columns and the width, never on the rows).
 *
 * How columns fit the terminal: pinned columns (e.g. the ID) always show at the left, wide enough for their title. The other columns keep their
 * declared order and scroll horizontally one whole column at a time (← / →): from the current offset, as many as fit
 * at their minimum width are shown, then the spare width goes to the shown columns by priority (lower number first):
 * first enough for each title to read whole, then up to each column's maximum width. Scrolling right stops once the last column is in view.
 */
import {fit, visible} from '../../lib/text/visible.js';

export interface Column<Row> {
	/** Unique among the table's columns. */
	readonly key: string;
	readonly title: string;
	/** Never narrower than this while shown. */
	readonly minWidth: number;
	/** Spare width is given up to this. */
	readonly maxWidth: number;
	/** Who gets spare width first: lower first. @default 5 */
	readonly priority?: number;
	/**
	 * Takes a share of the spare width of a wide terminal before any column grows by priority: the columns whose text
	 * is long and worth reading whole (a file name, a campaign). @default false
	 */
	readonly grows?: boolean;
	/** Always shown at the left, never scrolled away. @default false */
	readonly pinned?: boolean;
	/** @default 'left' */
	readonly align?: 'left' | 'right';
	/** The cell's text. Made terminal-safe (visible()) and cut to the column by the table. */
	readonly value: (row: Row) => string;
}

export interface PlacedColumn {
	/** Index into the table's columns. */
	readonly index: number;
	readonly width: number;
}

export interface ColumnLayout {
	/** Shown columns, left to right. */
	readonly placed: readonly PlacedColumn[];
	/** Horizontal offset actually used (clamped): the first scrollable column shown. */
	readonly offset: number;
	/** The largest useful offset: the one that brings the last column into view. */
	readonly maxOffset: number;
	/** Scrollable columns hidden on the left and on the right. */
	readonly hiddenLeft: number;
	readonly hiddenRight: number;
	/** Position of the shown columns among all, 1-based, for "columns 2–6 of 14". */
	readonly from: number;
	readonly to: number;
	readonly total: number;
}

/** Columns of each line before the cells: the selection mark and a space. */
export const gutterWidth = 2;
const separator = ' ';

function costOf(widths: readonly number[]): number {
	return widths.length === 0 ? 0 : widths.reduce((sum, width) => sum + width, 0) + (widths.length - 1) * separator.length;
}

export function layoutColumns<Row>(columns: ReadonlyArray<Column<Row>>, width: number, offset: number): ColumnLayout {
	const available = Math.max(1, width - gutterWidth);
	const pinned = columns.flatMap((column, index) => column.pinned ? [index] : []);
	const scrollable = columns.flatMap((column, index) => column.pinned ? [] : [index]);
	// A pinned column is always there, so its title reads whole (within its maximum).
	const minOf = (index: number) => {
		const column = columns[index]!;
		return Math.max(1, column.minWidth, column.pinned ? Math.min(column.maxWidth, [...column.title].length) : 0);
	};
	const pinnedMins = pinned.map(index => minOf(index));

	// The smallest offset from which every remaining column fits: scrolling further right shows nothing new.
	let maxOffset = Math.max(0, scrollable.length - 1);
	for (let start = 0; start < scrollable.length; start++) {
		if (costOf([...pinnedMins, ...scrollable.slice(start).map(index => minOf(index))]) <= available) {
			maxOffset = start;
			break;
		}
	}

	const first = Math.min(Math.max(0, offset), maxOffset);
	const shown: number[] = [...pinned];
	const widths = new Map<number, number>(pinned.map(index => [index, minOf(index)]));
	let used = costOf(pinnedMins);
	for (let position = first; position < scrollable.length; position++) {
		const index = scrollable[position]!;
		const extra = minOf(index) + (shown.length > 0 ? separator.length : 0);
		if (used + extra > available) {
			if (position === first) {
				// At least one scrollable column shows, squeezed into what is left.
				const left = available - used - (shown.length > 0 ? separator.length : 0);
				if (left > 0) {
					shown.push(index);
					widths.set(index, left);
					used = available;
				}
			}

			break;
		}

		shown.push(index);
		widths.set(index, minOf(index));
		used += extra;
	}

	// Spare width: first so that titles read whole; then shared evenly by the columns that grow, up to their
	// maximum; then by priority, up to each column's maximum.
	let spare = available - used;
	const byPriority = [...shown].sort((a, b) => (columns[a]!.priority ?? 5) - (columns[b]!.priority ?? 5) || a - b);
	const titleWidth = (index: number) => Math.min(columns[index]!.maxWidth, [...columns[index]!.title].length);
	const give = (target: (index: number) => number) => {
		for (const index of byPriority) {
			const current = widths.get(index)!;
			const grow = Math.min(spare, Math.max(0, target(index) - current));
			widths.set(index, current + grow);
			spare -= grow;
		}
	};

	give(titleWidth);
	const growing = shown.filter(index => columns[index]!.grows);
	for (let open = growing; spare > 0 && open.length > 0;) {
		open = open.filter(index => widths.get(index)! < columns[index]!.maxWidth);
		for (const index of open) {
			if (spare === 0) {
				break;
			}

			widths.set(index, widths.get(index)! + 1);
			spare--;
		}
	}

	give(index => columns[index]!.maxWidth);

	const shownScrollable = shown.length - pinned.length;
	const ordered = [...pinned, ...shown.slice(pinned.length)];
	return {
		placed: ordered.map(index => ({index, width: widths.get(index)!})),
		offset: first,
		maxOffset,
		hiddenLeft: first,
		hiddenRight: Math.max(0, scrollable.length - first - shownScrollable),
		// Counting the pinned columns as the first ones: "columns 1–5 of 14", then "columns 3–7 of 14" after →.
		from: first === 0 ? 1 : pinned.length + first + 1,
		to: pinned.length + first + shownScrollable,
		total: columns.length,
	};
}

function cell(text: string, width: number, align: 'left' | 'right' | undefined): string {
	const cut = fit(visible(text), width);
	if (align !== 'right') {
		return cut;
	}

	const trimmed = cut.trimEnd();
	return ' '.repeat(width - [...trimmed].length) + trimmed;
}

/** One row as a line of text (without the gutter), trailing spaces removed. */
export function formatRow<Row>(columns: ReadonlyArray<Column<Row>>, layout: ColumnLayout, row: Row): string {
	return layout.placed.map(({index, width}) => cell(columns[index]!.value(row), width, columns[index]!.align)).join(separator).trimEnd();
}

/** The column titles as a line (without the gutter). */
export function formatHeader<Row>(columns: ReadonlyArray<Column<Row>>, layout: ColumnLayout): string {
	return layout.placed.map(({index, width}) => cell(columns[index]!.title, width, columns[index]!.align)).join(separator).trimEnd();
}
