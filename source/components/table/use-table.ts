import {useKeys} from '../../hooks/use-keys.js';
import {useLayoutEffect, useMemo, useReducer} from 'react';
import {type Column, type ColumnLayout, layoutColumns} from './layout.js';
import {clampTable, initialTableState, type TableLimits, type TableMove, tableMoveForKey, tableReducer, type TableState} from './table-state.js';

export interface UseTableOptions<Row> {
	readonly columns: ReadonlyArray<Column<Row>>;
	readonly rowCount: number;
	/** Rows shown at once. */
	readonly pageSize: number;
	/** Columns of the terminal the table may use. */
	readonly width: number;
	/** Whether the table takes its keys (↑ ↓ PgUp PgDn Home End ← →, j k g G); not while a filter is typed. */
	readonly isActive: boolean;
	/**
	 * A row the table keeps selected and in view while it is given (the download follows the files in flight);
	 * undefined leaves the selection where the keys put it.
	 */
	readonly follow?: number;
	/** Called with each move the keys made, after it is made (a screen stops following when the user moves). */
	readonly onMove?: (move: TableMove) => void;
}

/** What the table view needs: where it is and how its columns are laid out. */
export interface TableModel {
	readonly state: TableState;
	readonly layout: ColumnLayout;
	readonly limits: TableLimits;
}

/** The table's state and keys; the screen passes the result to `<Table>` and reads `state.selected`. */
export function useTable<Row>({columns, rowCount, pageSize, width, isActive, follow, onMove}: UseTableOptions<Row>): TableModel {
	const [raw, dispatch] = useReducer(tableReducer, initialTableState);
	const layout = useMemo(() => layoutColumns(columns, width, raw.column), [columns, width, raw.column]);
	const limits = useMemo<TableLimits>(() => ({rows: rowCount, page: Math.max(1, pageSize), maxColumn: layout.maxOffset}), [rowCount, pageSize, layout.maxOffset]);
	const state = clampTable(raw, limits);
	// Before the frame is drawn, so a followed row never shows a frame late.
	useLayoutEffect(() => {
		if (follow !== undefined && follow < limits.rows) {
			dispatch({type: 'reveal', index: follow, limits});
		}
	}, [follow, limits]);
	useKeys((input, key) => {
		const move = tableMoveForKey(key, input);
		if (move) {
			dispatch({type: move, limits});
			onMove?.(move);
		}
	}, {isActive});
	return useMemo(() => ({state, layout, limits}), [state, layout, limits]);
}
