/**
 * Filtering a table as you type (k9s's `/`): a row stays when any of its columns contains the typed text, ignoring
 * case and accents (so "arany" finds "Arany" and "gaz" finds "Gáz"). Pure.
 */
import type {Column} from './layout.js';

/** Lower case without accents: what typed text is compared as. */
export function foldText(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The rows that match `query` (all of them for an empty query), in their order. */
export function filterRows<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, query: string): readonly Row[] {
	const folded = foldText(query.trim());
	if (folded === '') {
		return rows;
	}

	return rows.filter(row => columns.some(column => foldText(column.value(row)).includes(folded)));
}
