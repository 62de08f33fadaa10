/**
 * Where the table is: the selected row, the first row shown and the horizontal column offset. A pure reducer; the
 * limits (row count, page size, last column offset) come with every action, because they change with the data and
 * the terminal size, and `clampTable` keeps any state inside them (so a resize never leaves the selection off-screen).
 */
import type {Key} from 'ink';

export interface TableState {
	readonly selected: number;
	/** Index of the first row shown. */
	readonly top: number;
	/** Horizontal offset among the scrollable columns. */
	readonly column: number;
}

export interface TableLimits {
	readonly rows: number;
	/** Rows shown at once. */
	readonly page: number;
	readonly maxColumn: number;
}

export type TableMove = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' | 'left' | 'right';
export type TableAction =
	| {readonly type: TableMove; readonly limits: TableLimits}
	/**
	 * Select row `index` for the screen (e.g. following the files in flight). The window moves only when the row is
	 * out of view, and then shows it near the top with a little context above, so what comes after it is in view too.
	 */
	| {readonly type: 'reveal'; readonly index: number; readonly limits: TableLimits};

/** Rows kept above a revealed row when the window has to move to it. */
const revealContext = 2;

export const initialTableState: TableState = {selected: 0, top: 0, column: 0};

export function clampTable(state: TableState, limits: TableLimits): TableState {
	const page = Math.max(1, limits.page);
	const last = Math.max(0, limits.rows - 1);
	const selected = Math.min(Math.max(0, state.selected), last);
	const top = Math.min(Math.max(0, state.top, selected - page + 1), selected, Math.max(0, limits.rows - page));
	const column = Math.min(Math.max(0, state.column), Math.max(0, limits.maxColumn));
	return selected === state.selected && top === state.top && column === state.column ? state : {selected, top, column};
}

export function tableReducer(state: TableState, action: TableAction): TableState {
	const {limits} = action;
	const page = Math.max(1, limits.page);
	const current = clampTable(state, limits);
	switch (action.type) {
		case 'up': {
			return clampTable({...current, selected: current.selected - 1}, limits);
		}

		case 'down': {
			return clampTable({...current, selected: current.selected + 1}, limits);
		}

		case 'page-up': {
			return clampTable({...current, selected: current.selected - page, top: current.top - page}, limits);
		}

		case 'page-down': {
			return clampTable({...current, selected: current.selected + page, top: current.top + page}, limits);
		}

		case 'home': {
			return clampTable({...current, selected: 0, top: 0}, limits);
		}

		case 'end': {
			return clampTable({...current, selected: limits.rows - 1, top: limits.rows - page}, limits);
		}

		case 'left': {
			return clampTable({...current, column: current.column - 1}, limits);
		}

		case 'right': {
			return clampTable({...current, column: current.column + 1}, limits);
		}

		case 'reveal': {
			const inView = action.index >= current.top && action.index < current.top + page;
			const top = inView ? current.top : action.index - Math.min(revealContext, page - 1);
			return clampTable({...current, selected: action.index, top}, limits);
		}
	}
}

/**
 * The table's keys: ↑ ↓ PgUp PgDn Home End ← →, and as in less, vim and k9s j k (row) g G (first, last row) and
 * Ctrl-F Ctrl-B (page). Anything else is left to the screen.
 */
export function tableMoveForKey(key: Key, input = ''): TableMove | undefined {
	const plain = !key.ctrl && !key.meta;
	if (key.upArrow || (plain && input === 'k')) {
		return 'up';
	}

	if (key.downArrow || (plain && input === 'j')) {
		return 'down';
	}

	if (plain && input === 'g') {
		return 'home';
	}

	if (plain && input === 'G') {
		return 'end';
	}

	if (key.ctrl && !key.meta && input === 'f') {
		return 'page-down';
	}

	if (key.ctrl && !key.meta && input === 'b') {
		return 'page-up';
	}

	if (key.pageUp) {
		return 'page-up';
	}

	if (key.pageDown) {
		return 'page-down';
	}

	if (key.home) {
		return 'home';
	}

	if (key.end) {
		return 'end';
	}

	if (key.leftArrow) {
		return 'left';
	}

	if (key.rightArrow) {
		return 'right';
	}

	return undefined;
}
