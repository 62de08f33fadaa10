export {type Column, type ColumnLayout, formatHeader, formatRow, gutterWidth, layoutColumns, type PlacedColumn} from './layout.js';
export {Table, type RowTone, type TableProps} from './table.js';
export {clampTable, initialTableState, type TableAction, type TableLimits, type TableMove, tableMoveForKey, tableReducer, type TableState} from './table-state.js';
export {type TableModel, useTable, type UseTableOptions} from './use-table.js';
export {RowDetail, type RowDetailProps} from './row-detail.js';
export {filterRows, foldText} from './table-filter.js';
export {type TableFilter, useTableFilter} from './use-table-filter.js';
