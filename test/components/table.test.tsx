import {Box} from 'ink';
import {describe, expect, test} from 'vitest';
import {type Column, layoutColumns, RowDetail, Table, tableReducer, type TableLimits, useTable} from '../../source/components/table/index.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

interface Item {
	readonly id: number;
	readonly name: string;
}

const columns: Array<Column<Item>> = [
	{key: 'id', title: 'ID', minWidth: 4, maxWidth: 6, pinned: true, value: item => String(item.id)},
	{key: 'name', title: 'Name', minWidth: 10, maxWidth: 20, priority: 1, value: item => item.name},
	{key: 'a', title: 'Alpha', minWidth: 10, maxWidth: 10, value: item => `a${item.id}`},
	{key: 'b', title: 'Bravo', minWidth: 10, maxWidth: 10, value: item => `b${item.id}`},
	{key: 'c', title: 'Charlie', minWidth: 10, maxWidth: 10, value: item => `c${item.id}`},
	{key: 'd', title: 'Delta', minWidth: 10, maxWidth: 10, value: item => `d${item.id}`},
];

function items(count: number): Item[] {
	return Array.from({length: count}, (_, index) => ({id: index + 1, name: `item number ${index + 1}`}));
}

function resize(rendered: Rendered, columnCount: number, rowCount: number): void {
	Object.defineProperty(rendered.stdout, 'columns', {value: columnCount, configurable: true});
	Object.defineProperty(rendered.stdout, 'rows', {value: rowCount, configurable: true});
	rendered.stdout.emit('resize');
}

function Probe({rows, width, page}: {readonly rows: readonly Item[]; readonly width: number; readonly page: number}) {
	const model = useTable({columns, rowCount: rows.length, pageSize: page, width, isActive: true});
	return (
		<Box flexDirection='column'>
			<Table columns={columns} rows={rows} model={model} width={width}/>
		</Box>
	);
}

/** Row lines of a frame: those starting with the gutter and a number. */
function rowIds(frame: string): number[] {
	return frame.split('\n').flatMap(line => /^[› ] (\d+)/.exec(line) ? [Number(/^[› ] (\d+)/.exec(line)![1])] : []);
}

describe('layoutColumns', () => {
	test('pinned columns first, then as many scrollable ones as fit at their minimum width', () => {
		const layout = layoutColumns(columns, 38, 0);
		// 38 - gutter 2 = 36: ID 4 + Name 10 + Alpha 10 + 2 separators = 26; Bravo would need 11 more.
		expect(layout.placed.map(placed => columns[placed.index]!.key)).toEqual(['id', 'name', 'a']);
		expect(layout.hiddenLeft).toBe(0);
		expect(layout.hiddenRight).toBe(3);
		expect(layout.from).toBe(1);
		expect(layout.to).toBe(3);
	});

	test('spare width goes by priority up to each maximum; the total never exceeds the width', () => {
		const layout = layoutColumns(columns, 38, 0);
		const widths = Object.fromEntries(layout.placed.map(placed => [columns[placed.index]!.key, placed.width]));
		expect(widths).toEqual({id: 4, name: 20, a: 10});
		const wide = layoutColumns(columns, 60, 0);
		const used = wide.placed.reduce((sum, placed) => sum + placed.width, 0) + wide.placed.length - 1;
		expect(used).toBeLessThanOrEqual(58);
		expect(wide.placed.find(placed => columns[placed.index]!.key === 'name')!.width).toBe(20);
	});

	test('on a wide terminal the columns that grow share the spare width before any other column grows', () => {
		const wide: Array<Column<Item>> = [
			{key: 'id', title: 'ID', minWidth: 4, maxWidth: 6, pinned: true, value: item => String(item.id)},
			{key: 'who', title: 'Who', minWidth: 10, maxWidth: 30, priority: 1, value: item => item.name},
			{key: 'campaign', title: 'Campaign', minWidth: 10, maxWidth: 40, priority: 3, grows: true, value: item => item.name},
			{key: 'file', title: 'File name', minWidth: 16, maxWidth: 100, priority: 4, grows: true, value: item => item.name},
		];
		const widths = (width: number) => Object.fromEntries(layoutColumns(wide, width, 0).placed.map(({index, width}) => [wide[index]!.key, width]));
		expect(widths(45)).toEqual({id: 4, who: 10, campaign: 10, file: 16});
		// 40 more columns: 20 each to campaign and file name, none to "who" despite its priority.
		expect(widths(85)).toEqual({id: 4, who: 10, campaign: 30, file: 36});
		// Campaign full at 40: the rest to the file name; only then the others, by priority.
		expect(widths(159)).toEqual({id: 4, who: 10, campaign: 40, file: 100});
		expect(widths(250)).toEqual({id: 6, who: 30, campaign: 40, file: 100});
	});

	test('scrolling right keeps the pinned column and stops once the last column is in view', () => {
		const layout = layoutColumns(columns, 38, 99);
		expect(layout.maxOffset).toBe(3);
		expect(layout.offset).toBe(3);
		expect(layout.placed.map(placed => columns[placed.index]!.key)).toEqual(['id', 'c', 'd']);
		expect(layout.hiddenLeft).toBe(3);
		expect(layout.hiddenRight).toBe(0);
		expect([layout.from, layout.to]).toEqual([5, 6]);
	});

	test('everything fits on a wide terminal: no scrolling', () => {
		const layout = layoutColumns(columns, 200, 2);
		expect(layout.placed).toHaveLength(6);
		expect(layout.maxOffset).toBe(0);
		expect(layout.offset).toBe(0);
	});

	test('a terminal narrower than two columns still shows one squeezed scrollable column', () => {
		const layout = layoutColumns(columns, 12, 0);
		expect(layout.placed.map(placed => columns[placed.index]!.key)).toEqual(['id', 'name']);
		expect(layout.placed[1]!.width).toBe(5);
	});
});

describe('tableReducer', () => {
	const limits: TableLimits = {rows: 100, page: 10, maxColumn: 3};
	const start = {selected: 0, top: 0, column: 0};

	test('down past the page scrolls the window by one', () => {
		let state = start;
		for (let index = 0; index < 10; index++) {
			state = tableReducer(state, {type: 'down', limits});
		}

		expect(state).toEqual({selected: 10, top: 1, column: 0});
	});

	test('page down and up move selection and window together, clamped at the ends', () => {
		let state = tableReducer(start, {type: 'page-down', limits});
		expect(state).toEqual({selected: 10, top: 10, column: 0});
		state = tableReducer(state, {type: 'end', limits});
		expect(state).toEqual({selected: 99, top: 90, column: 0});
		state = tableReducer(state, {type: 'page-down', limits});
		expect(state).toEqual({selected: 99, top: 90, column: 0});
		state = tableReducer(state, {type: 'page-up', limits});
		expect(state).toEqual({selected: 89, top: 80, column: 0});
		state = tableReducer(state, {type: 'home', limits});
		expect(state).toEqual(start);
		expect(tableReducer(start, {type: 'up', limits})).toEqual(start);
	});

	test('columns move by one and stay within the limit', () => {
		let state = tableReducer(start, {type: 'left', limits});
		expect(state.column).toBe(0);
		for (let index = 0; index < 5; index++) {
			state = tableReducer(state, {type: 'right', limits});
		}

		expect(state.column).toBe(3);
	});

	test('fewer rows or a smaller page (a resize) pull the selection back into view', () => {
		const state = tableReducer({selected: 99, top: 90, column: 3}, {type: 'up', limits: {rows: 20, page: 5, maxColumn: 1}});
		expect(state).toEqual({selected: 18, top: 15, column: 1});
		expect(tableReducer(start, {type: 'end', limits: {rows: 0, page: 5, maxColumn: 0}})).toEqual(start);
	});
});

describe('<Table>', () => {
	test('renders the header and only the rows of the window', async () => {
		const rendered = renderScreen(<Probe rows={items(1000)} width={60} page={5}/>);
		const frame = await rendered.waitFor('Row 1 of 1,000');
		expect(frame).toContain('ID');
		expect(frame).toContain('Name');
		expect(rowIds(frame)).toEqual([1, 2, 3, 4, 5]);
		expect(frame).toContain('› 1');
		rendered.unmount();
	});

	test('↓, PageDown, End and Home move the window', async () => {
		const rendered = renderScreen(<Probe rows={items(1000)} width={60} page={5}/>);
		await rendered.waitFor('Row 1 of 1,000');
		await rendered.press(keys.down, 'Row 2 of');
		expect(rowIds(rendered.frame())).toEqual([1, 2, 3, 4, 5]);
		await rendered.press(keys.pageDown, 'Row 7 of');
		expect(rowIds(rendered.frame())).toEqual([6, 7, 8, 9, 10]);
		await rendered.press(keys.end, 'Row 1,000 of');
		expect(rowIds(rendered.frame())).toEqual([996, 997, 998, 999, 1000]);
		await rendered.press(keys.pageUp, 'Row 995 of');
		expect(rowIds(rendered.frame())).toEqual([991, 992, 993, 994, 995]);
		await rendered.press(keys.home, 'Row 1 of');
		expect(rowIds(rendered.frame())).toEqual([1, 2, 3, 4, 5]);
		rendered.unmount();
	});

	test('j k g G and Ctrl-F Ctrl-B move as ↓ ↑ Home End PgDn PgUp do', async () => {
		const rendered = renderScreen(<Probe rows={items(100)} width={60} page={5}/>);
		await rendered.waitFor('Row 1 of 100');
		await rendered.press('j', 'Row 2 of');
		await rendered.press('jj', 'Row 4 of');
		await rendered.press('k', 'Row 3 of');
		await rendered.press('G', 'Row 100 of');
		expect(rowIds(rendered.frame())).toEqual([96, 97, 98, 99, 100]);
		await rendered.press('\u0002', 'Row 95 of');
		await rendered.press('g', 'Row 1 of');
		await rendered.press('\u0006', 'Row 6 of');
		expect(rowIds(rendered.frame())).toEqual([6, 7, 8, 9, 10]);
		rendered.unmount();
	});

	test('→ and ← scroll the columns that do not fit, the ID stays', async () => {
		const rendered = renderScreen(<Probe rows={items(3)} width={40} page={5}/>);
		let frame = await rendered.waitFor('columns 1–4 of 6 →');
		expect(frame).toContain('Bravo');
		expect(frame).not.toContain('Charlie');
		expect(frame).toContain('columns 1–4 of 6');
		frame = await rendered.press(keys.right, 'columns 3–5 of 6');
		expect(frame).toContain('Charlie');
		expect(frame).not.toContain('Name');
		frame = await rendered.press(keys.right, 'columns 4–6 of 6');
		expect(frame).toContain('Delta');
		expect(frame).toContain('columns 4–6 of 6 ←');
		expect(frame).not.toContain('→');
		expect(frame).toMatch(/› 1 +b1 +c1 +d1/);
		frame = await rendered.press(keys.right);
		expect(frame).toContain('columns 4–6 of 6');
		frame = await rendered.press(keys.left, 'columns 3–5 of 6 ← →');
		frame = await rendered.press(keys.left, 'Name');
		expect(frame).toContain('columns 1–4 of 6 →');
		expect(frame).not.toContain('←');
		rendered.unmount();
	});

	test('server text is shown with its control characters made visible, cut to the width', async () => {
		const rows = [{id: 1, name: 'Evil\u001B[2J\u0007 x'}, {id: 2, name: 'a name much longer than its column can ever be'}];
		const rendered = renderScreen(<Probe rows={rows} width={60} page={5}/>);
		const frame = await rendered.waitFor('Row 1 of 2');
		expect(frame).toContain('Evil\\x1b[2J\\x07 x');
		expect(rendered.lastFrame()).not.toContain('\u001B[2J');
		expect(frame).toContain('a name much longer …');
		for (const line of frame.split('\n')) {
			expect([...line].length).toBeLessThanOrEqual(60);
		}

		rendered.unmount();
	});

	test('with no rows it says so', async () => {
		const rendered = renderScreen(<Probe rows={[]} width={60} page={5}/>);
		await rendered.waitFor('Nothing to show.');
		rendered.unmount();
	});

	test('follows a resize: a narrower terminal shows fewer columns', async () => {
		const rendered = renderScreen(<WindowProbe/>);
		resize(rendered, 120, 24);
		await rendered.waitFor('Delta');
		resize(rendered, 40, 24);
		const frame = await rendered.waitFor(text => !text.includes('Delta'));
		expect(frame).toContain('of 6 →');
		rendered.unmount();
	});
});

function WindowProbe() {
	return <ResizeAware/>;
}

import {useWindowSize} from 'ink';

function ResizeAware() {
	const {columns: width} = useWindowSize();
	return <Probe rows={items(3)} width={width} page={5}/>;
}

describe('following a row, gutter marks and the detail', () => {
	const limits: TableLimits = {rows: 100, page: 10, maxColumn: 0};

	test('reveal selects a row; the window moves only when it is out of view, then shows it near the top', () => {
		const state = {selected: 3, top: 0, column: 0};
		expect(tableReducer(state, {type: 'reveal', index: 7, limits})).toEqual({selected: 7, top: 0, column: 0});
		expect(tableReducer(state, {type: 'reveal', index: 40, limits})).toEqual({selected: 40, top: 38, column: 0});
		expect(tableReducer({selected: 50, top: 45, column: 0}, {type: 'reveal', index: 10, limits})).toEqual({selected: 10, top: 8, column: 0});
		expect(tableReducer(state, {type: 'reveal', index: 99, limits})).toEqual({selected: 99, top: 90, column: 0});
	});

	function Follower({follow, marked}: {readonly follow?: number; readonly marked: ReadonlySet<number>}) {
		const rows = items(50);
		const model = useTable({columns, rowCount: rows.length, pageSize: 5, width: 60, isActive: true, ...(follow === undefined ? {} : {follow})});
		return <Table columns={columns} rows={rows} model={model} width={60} markOf={item => marked.has(item.id) ? '•' : undefined} status='in flight: here'/>;
	}

	test('a followed row is selected and in view; marks sit in the gutter; the status joins the position line', async () => {
		const rendered = renderScreen(<Follower follow={30} marked={new Set([31, 32])}/>);
		const frame = await rendered.waitFor('Row 31 of 50');
		expect(frame).toMatch(/^›•31 /m);
		expect(frame).toMatch(/^ •32 /m);
		expect(frame).toMatch(/^ {2}29 /m);
		expect(frame).toContain('Row 31 of 50 · columns 1–5 of 6 → · in flight: here');
		rendered.unmount();
	});

	test('the detail keeps a value\'s own lines and escapes other control characters', async () => {
		const rendered = renderScreen(<RowDetail title='Item 1' columns={columns} row={{id: 1, name: 'a\u001B[31mb'}} width={60} keys='Esc back'
			extra={[{label: 'Files', value: 'one.mp3\ntwo.png'}]}/>);
		const frame = await rendered.waitFor('Esc back');
		expect(frame).toMatch(/^Files +one\.mp3\n +two\.png$/m);
		expect(frame).toContain('a\\x1b[31mb');
		rendered.unmount();
	});
});
