/**
 * Paging and filters of Twilio's list endpoints. A page names its neighbours with `PageToken=PA<last SID>` (the
 * items after that one) or `PB<first SID>` (the items before), as in Twilio's own examples, so a listing that is
 * followed by `next_page_uri` stays exact even when recordings are deleted between pages.
 */
import {invalidParameter} from './errors.js';

/** An item with its position in the collection's full, fixed order (deleted items keep their positions). */
export interface Positioned<T> {
	position: number;
	item: T;
}

export interface PageQuery {
	pageSize: number;
	page: number;
	token: {direction: 'after' | 'before'; sid: string} | undefined;
	/** The request's other parameters, in the order given, for the page URIs. */
	filters: Array<[string, string]>;
}

const pagingKeys = new Set(['PageSize', 'Page', 'PageToken']);

function integer(name: string, text: string, min: number, max: number): number {
	const value = /^\d+$/.test(text) ? Math.min(Number(text), Number.MAX_SAFE_INTEGER) : Number.NaN;
	if (!Number.isSafeInteger(value) || value < min || value > max) {
		throw invalidParameter(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
	}

	return value;
}

/** Reads PageSize (default 50), Page and PageToken. */
export function readPageQuery(query: URLSearchParams, maxPageSize: number): PageQuery {
	const size = query.get('PageSize');
	const page = query.get('Page');
	const token = query.get('PageToken');
	let parsedToken: PageQuery['token'];
	if (token !== null) {
		const match = /^P([AB])([A-Z]{2}[\da-f]{32})$/.exec(token);
		if (!match) {
			throw invalidParameter(`PageToken "${token}" is not a page token this API gave out`);
		}

		parsedToken = {direction: match[1] === 'A' ? 'after' : 'before', sid: match[2]!};
	}

	return {
		pageSize: size === null ? 50 : integer('PageSize', size, 1, maxPageSize),
		// Page has a minimum (0) and no maximum in the documents: any larger one is a page past the end.
		page: page === null ? 0 : Math.min(integer('Page', page, 0, Number.MAX_SAFE_INTEGER), 1_000_000_000),
		token: parsedToken,
		filters: [...query].filter(([key]) => !pagingKeys.has(key)),
	};
}

export interface PageSlice<T> {
	items: T[];
	page: number;
	pageSize: number;
	/** Index of the first item in the whole filtered listing. */
	start: number;
	/** Query strings (without `?`) of this, the first, the next and the previous page; null where there is none. */
	self: string;
	first: string;
	next: string | null;
	previous: string | null;
}

function pageQueryString(filters: Array<[string, string]>, pageSize: number, page: number, token?: string): string {
	const parameters = new URLSearchParams(filters);
	parameters.append('PageSize', String(pageSize));
	parameters.append('Page', String(page));
	if (token) {
		parameters.append('PageToken', token);
	}

	return parameters.toString();
}

/**
 * One page of `visible` (the filtered collection, in order). `positionOf(sid)` gives any item's position in the full
 * collection, deleted or not, or undefined for a SID the collection never had.
 */
export function slicePage<T extends {sid: string}>(
	visible: Array<Positioned<T>>, query: PageQuery, positionOf: (sid: string) => number | undefined,
): PageSlice<T> {
	let from: number;
	let to: number;
	if (query.token) {
		const cursor = positionOf(query.token.sid);
		if (cursor === undefined) {
			throw invalidParameter(`PageToken names ${query.token.sid}, which this list never had`);
		}

		if (query.token.direction === 'after') {
			from = visible.findIndex(entry => entry.position > cursor);
			from = from < 0 ? visible.length : from;
			to = Math.min(visible.length, from + query.pageSize);
		} else {
			to = visible.findIndex(entry => entry.position >= cursor);
			to = to < 0 ? visible.length : to;
			from = Math.max(0, to - query.pageSize);
		}
	} else {
		// Page without a token is the legacy offset paging Twilio still accepts.
		from = Math.min(visible.length, query.page * query.pageSize);
		to = Math.min(visible.length, from + query.pageSize);
	}

	const items = visible.slice(from, to).map(entry => entry.item);
	const {filters, pageSize, page} = query;
	const tokenOf = query.token ? `P${query.token.direction === 'after' ? 'A' : 'B'}${query.token.sid}` : undefined;
	return {
		items,
		page,
		pageSize,
		start: page * pageSize,
		self: pageQueryString(filters, pageSize, page, tokenOf),
		first: pageQueryString(filters, pageSize, 0),
		next: to < visible.length && items.length > 0 ? pageQueryString(filters, pageSize, page + 1, `PA${items.at(-1)!.sid}`) : null,
		previous: from > 0 && items.length > 0 && page > 0 ? pageQueryString(filters, pageSize, page - 1, `PB${items[0]!.sid}`) : null,
	};
}

/** An inclusive-exclusive range of milliseconds; either end may be open. */
export interface TimeRange {
	from?: number;
	to?: number;
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A GMT day (`YYYY-MM-DD`) as [midnight, next midnight), or a date-time as the whole second it names. */
function parseMoment(name: string, text: string): {start: number; end: number} {
	const day = dayPattern.exec(text);
	if (day) {
		const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
		if (new Date(start).toISOString().slice(0, 10) !== text) {
			throw invalidParameter(`${name} "${text}" is not a date`);
		}

		return {start, end: start + 86_400_000};
	}

	if (dateTimePattern.test(text)) {
		const iso = text.replace(' ', 'T');
		// A date-time without a zone is GMT, as Twilio reads it.
		const start = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
		if (Number.isFinite(start)) {
			const second = Math.floor(start / 1000) * 1000;
			return {start, end: second + 1000};
		}
	}

	throw invalidParameter(`${name} "${text}" is neither a date (YYYY-MM-DD) nor an ISO 8601 date-time`);
}

/**
 * Twilio's date filters on `field`: `field=D` (that GMT day), `field>=D` (sent as the key `field>`: on or after)
 * and `field<=D` (key `field<`: on or before; a date-only value includes that whole day). Several narrow each other.
 */
export function readTimeRange(query: URLSearchParams, field: string): TimeRange {
	const range: TimeRange = {};
	const narrow = (from: number | undefined, to: number | undefined) => {
		if (from !== undefined) {
			range.from = Math.max(range.from ?? -Infinity, from);
		}

		if (to !== undefined) {
			range.to = Math.min(range.to ?? Infinity, to);
		}
	};

	for (const [key, value] of query) {
		if (key === field) {
			const moment = parseMoment(key, value);
			narrow(moment.start, moment.end);
		} else if (key === `${field}>`) {
			narrow(parseMoment(key, value).start, undefined);
		} else if (key === `${field}<`) {
			narrow(undefined, parseMoment(key, value).end);
		}
	}

	return range;
}

export function inRange(range: TimeRange, time: number): boolean {
	return (range.from === undefined || time >= range.from) && (range.to === undefined || time < range.to);
}
