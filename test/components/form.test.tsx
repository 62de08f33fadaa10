import {Box, Text, useInput} from 'ink';
import {useState} from 'react';
import {describe, expect, it, vi} from 'vitest';
import type {Key} from 'ink';
import {ActionRow, CheckboxList, Choice, InlineMessage, TextField, Toggle, isHelpKey, useMachine} from '../../source/components/form/index.js';
import {itemWindow} from '../../source/components/form/options.js';
import {editText, visibleWindow} from '../../source/components/form/text-edit.js';
import {keys, renderScreen} from '../helpers/ink.js';

const typing = 'abc';

/** A controlled text field, as a screen holds one. */
function Field(props: {readonly initial?: string; readonly mask?: string; readonly error?: string; readonly isFocused?: boolean; readonly reserveHelp?: boolean; readonly outside?: string}) {
	const [value, setValue] = useState(props.initial ?? '');
	const [, setTick] = useState(0);
	return (
		<Box flexDirection="column">
			<TextField label="Name" value={value} onChange={setValue} isFocused={props.isFocused ?? true} labelWidth={6} width={40}
				{...(props.mask ? {mask: props.mask} : {})} {...(props.error ? {error: props.error} : {})} {...(props.reserveHelp ? {isReserved: isHelpKey} : {})} />
			<Text>value=[{value}]</Text>
			{props.outside === undefined ? null : <OutsideSetter onSet={() => {
				setValue(props.outside!);
				setTick(tick => tick + 1);
			}} />}
		</Box>
	);
}

/** Sets the field's value from outside on Ctrl-O (like a quick range or a reset does). */
function OutsideSetter({onSet}: {readonly onSet: () => void}) {
	return <Probe onKey={(input, ctrl) => {
		if (ctrl && input === 'o') {
			onSet();
		}
	}} />;
}

function Probe({onKey}: {readonly onKey: (input: string, ctrl: boolean) => void}) {
	useInput((input, key) => {
		onKey(input, key.ctrl);
	});
	return null;
}

const ctrlO = '\u000F';

const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false,
	ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

describe('itemWindow', () => {
	it('shows the items that fit around the cursor, leaving room for the ‹ › marks', () => {
		const texts = ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'];
		// Each item takes its text and two columns.
		expect(itemWindow(texts, 0, 100)).toEqual({first: 0, last: 4});
		expect(itemWindow(texts, 0, 13)).toEqual({first: 0, last: 1});
		expect(itemWindow(texts, 3, 13)).toEqual({first: 3, last: 3});
		expect(itemWindow(texts, 4, 14)).toEqual({first: 3, last: 4});
	});
});

describe('editText', () => {
	const at = (value: string, cursor: number) => ({value, cursor});
	it('inserts at the cursor, Backspace deletes before it, Delete under it', () => {
		expect(editText(at('ac', 1), 'b', noKey)).toEqual(at('abc', 2));
		expect(editText(at('abc', 2), '', {...noKey, backspace: true})).toEqual(at('ac', 1));
		expect(editText(at('abc', 1), '', {...noKey, delete: true})).toEqual(at('ac', 1));
		expect(editText(at('őű', 2), '', {...noKey, backspace: true})).toEqual(at('ő', 1));
	});

	it('moves with ← → Home End and leaves chords, Tab and Enter alone', () => {
		expect(editText(at('abc', 3), '', {...noKey, leftArrow: true}).cursor).toBe(2);
		expect(editText(at('abc', 1), '', {...noKey, home: true}).cursor).toBe(0);
		expect(editText(at('abc', 1), '', {...noKey, end: true}).cursor).toBe(3);
		const state = at('abc', 3);
		expect(editText(state, 'r', {...noKey, ctrl: true})).toBe(state);
		expect(editText(state, '\t', {...noKey, tab: true})).toBe(state);
		expect(editText(state, '\r', {...noKey, return: true})).toBe(state);
		expect(editText(state, '', {...noKey, backspace: true, meta: true})).toEqual(at('', 0));
	});

	it('edits as readline does: Ctrl-A/E, Ctrl-B/F, Ctrl-U/K, Ctrl-W, Ctrl-D, Ctrl-H', () => {
		const ctrl = (letter: string) => [letter, {...noKey, ctrl: true}] as const;
		expect(editText(at('abc', 2), ...ctrl('a'))).toEqual(at('abc', 0));
		expect(editText(at('abc', 0), ...ctrl('e'))).toEqual(at('abc', 3));
		expect(editText(at('abc', 2), ...ctrl('b'))).toEqual(at('abc', 1));
		expect(editText(at('abc', 2), ...ctrl('f'))).toEqual(at('abc', 3));
		expect(editText(at('/srv/exports', 4), ...ctrl('u'))).toEqual(at('/exports', 0));
		expect(editText(at('/srv/exports', 4), ...ctrl('k'))).toEqual(at('/srv', 4));
		// Ctrl-W takes the word back to a space, slashes and all.
		expect(editText(at('cd /srv/exports', 15), ...ctrl('w'))).toEqual(at('cd ', 3));
		expect(editText(at('abc', 1), ...ctrl('d'))).toEqual(at('ac', 1));
		expect(editText(at('abc', 1), ...ctrl('h'))).toEqual(at('bc', 0));
	});

	it('moves and deletes by words with Alt-B/F, Ctrl-← →, Alt-Backspace and Alt-D, stopping at / and -', () => {
		const alt = (letter: string) => [letter, {...noKey, meta: true}] as const;
		expect(editText(at('/srv/my-exports', 15), ...alt('b'))).toEqual(at('/srv/my-exports', 8));
		expect(editText(at('/srv/my-exports', 8), '', {...noKey, leftArrow: true, ctrl: true})).toEqual(at('/srv/my-exports', 5));
		expect(editText(at('/srv/my-exports', 0), ...alt('f'))).toEqual(at('/srv/my-exports', 4));
		expect(editText(at('/srv/my-exports', 4), '', {...noKey, rightArrow: true, ctrl: true})).toEqual(at('/srv/my-exports', 7));
		expect(editText(at('/srv/my-exports', 15), '', {...noKey, backspace: true, meta: true})).toEqual(at('/srv/my-', 8));
		expect(editText(at('/srv/my-exports', 4), ...alt('d'))).toEqual(at('/srv-exports', 4));
		// Nothing to do: the same object, so the field does not render again.
		const start = at('abc', 0);
		expect(editText(start, ...alt('b'))).toBe(start);
		expect(editText(start, '', {...noKey, backspace: true})).toBe(start);
	});

	it('types a paste without its control characters', () => {
		expect(editText(at('', 0), 'a\nb\u001B[31m', noKey)).toEqual(at('ab[31m', 6));
	});
});

describe('visibleWindow', () => {
	it('shows everything that fits, else keeps the cursor in view', () => {
		expect(visibleWindow([...'abc'], 3, 10)).toEqual({start: 0, text: [...'abc'], isCutLeft: false, isCutRight: false});
		const chars = [...'abcdefghij'];
		expect(visibleWindow(chars, 10, 5)).toEqual({start: 6, text: [...'ghij'], isCutLeft: true, isCutRight: false});
		expect(visibleWindow(chars, 0, 5)).toEqual({start: 0, text: [...'abcde'], isCutLeft: false, isCutRight: true});
	});
});

describe('TextField', () => {
	it('shows the label with a focus mark and takes typed text', async () => {
		const screen = renderScreen(<Field />);
		await screen.waitFor('› Name');
		expect(await screen.press(typing, 'value=[abc]')).toContain('abc');
	});

	it('masks the value', async () => {
		const screen = renderScreen(<Field mask="*" />);
		await screen.waitFor('Name');
		const frame = await screen.press('s3cret', 'value=[s3cret]');
		expect(frame.split('\n')[0]).toContain('******');
		expect(frame.split('\n')[0]).not.toContain('s3cret');
	});

	it('keeps Ctrl chords and reserved keys out of the value', async () => {
		const screen = renderScreen(<Field reserveHelp />);
		await screen.waitFor('Name');
		await screen.press('a', 'value=[a]');
		await screen.press(keys.ctrlR);
		await screen.press('?');
		await screen.press(keys.ctrlN);
		expect(await screen.press('b', 'value=[ab]')).toContain('value=[ab]');
	});

	it('reads the line-editing keys as the terminal sends them, several in one chunk', async () => {
		const screen = renderScreen(<Field initial="/srv/exports/week" />);
		await screen.waitFor('value=[/srv/exports/week]');
		// Alt-Backspace (ESC DEL) takes "week"; Ctrl-← (CSI 1;5D) goes before "exports"; Ctrl-K cuts the rest.
		await screen.press('\u001B\u007F', 'value=[/srv/exports/]');
		await screen.press('\u001B[1;5D\u000B', 'value=[/srv/]');
		// Ctrl-A, Delete (CSI 3~), Ctrl-E, "x", Alt-B (ESC b), Ctrl-U: all in one write.
		expect(await screen.press('\u0001\u001B[3~\u0005x\u001Bb\u0015', 'value=[x]')).toContain('value=[x]');
		await screen.press('\u0005\u0017', 'value=[]');
		await screen.press('a b\u001B[H\u001B[F\u0017', 'value=[a ]');
	});

	it('takes a bracketed paste whole, in its place among the keys: a ? or a Tab in it is text, not help or the next field', async () => {
		const screen = renderScreen(<Field reserveHelp />);
		await screen.waitFor('Name');
		screen.stdin.write('a\u001B[200~2026-11-0?7\tx\n\u001B[201~b');
		expect(await screen.waitFor('value=[a2026-11-0?7xb]')).toContain('value=[a2026-11-0?7xb]');
	});

	it('types ? when it is not reserved (a password)', async () => {
		const screen = renderScreen(<Field />);
		await screen.waitFor('Name');
		expect(await screen.press('a?', 'value=[a?]')).toContain('value=[a?]');
	});

	it('edits with Backspace and ignores keys while not focused', async () => {
		const screen = renderScreen(<Field initial="abc" />);
		await screen.waitFor('value=[abc]');
		expect(await screen.press(keys.backspace, 'value=[ab]')).toContain('value=[ab]');
		const unfocused = renderScreen(<Field initial="abc" isFocused={false} />);
		await unfocused.waitFor('value=[abc]');
		await unfocused.press('x');
		expect(unfocused.frame()).toContain('value=[abc]');
		expect(unfocused.frame()).not.toContain('›');
	});

	it('applies every key of a chunk: a held Backspace, then typing', async () => {
		const screen = renderScreen(<Field initial="/home/anna/Downloads" />);
		await screen.waitFor('value=[/home/anna/Downloads]');
		await screen.press(keys.backspace.repeat(9), 'value=[/home/anna/]');
		expect(await screen.press('ccdl', 'value=[/home/anna/ccdl]')).toContain('/home/anna/ccdl');
	});

	it('edits in the middle: ← moves the cursor, Delete removes forward', async () => {
		const screen = renderScreen(<Field initial="2026-10-01" />);
		await screen.waitFor('value=[2026-10-01]');
		await screen.press(keys.left);
		await screen.press(keys.left);
		await screen.press(keys.left, frame => frame.includes('2026-10-01'));
		await screen.press('\u001B[3~', 'value=[2026-1001]');
		expect(await screen.press('-', 'value=[2026-10-01]')).toContain('value=[2026-10-01]');
	});

	it('scrolls a long value to keep the cursor in view', async () => {
		const screen = renderScreen(<Field initial={'a'.repeat(50) + 'END'} />);
		const frame = await screen.waitFor('value=');
		const row = frame.split('\n')[0]!;
		expect(row).toMatch(/^› Name {3}…a+END *$/);
		expect([...row].length).toBeLessThanOrEqual(40);
	});

	it('puts the cursor at the end after the value is set from outside', async () => {
		const screen = renderScreen(<Field initial="" outside="2026-10-01" />);
		await screen.waitFor('value=[]');
		await screen.press(ctrlO, 'value=[2026-10-01]');
		expect(await screen.press(' 08:30', 'value=[2026-10-01 08:30]')).toContain('2026-10-01 08:30');
	});

	it('shows an error under the value', async () => {
		const screen = renderScreen(<Field error="Enter a name." />);
		const frame = await screen.waitFor('Enter a name.');
		const lines = frame.split('\n');
		expect(lines[1]).toMatch(/^ {9}✗ Enter a name\.$/);
	});

	it('never wraps a long value past its row', async () => {
		const screen = renderScreen(<Field initial={'x'.repeat(100)} isFocused={false} />);
		const frame = await screen.waitFor('value=');
		expect(frame.split('\n')[0]!.length).toBeLessThanOrEqual(40);
		expect(frame.split('\n')[0]).toContain('…');
	});
});

describe('Toggle', () => {
	function Switch({isFocused}: {readonly isFocused: boolean}) {
		const [value, setValue] = useState(false);
		return <Toggle label="Archived" value={value} onChange={setValue} isFocused={isFocused} labelWidth={8} hint="also archived ones" />;
	}

	it('switches with Space only when focused', async () => {
		const screen = renderScreen(<Box flexDirection="column"><Switch isFocused /><Switch isFocused={false} /></Box>);
		await screen.waitFor('Archived');
		const frame = await screen.press(keys.space, '[x] yes');
		expect(frame.split('\n')[0]).toBe('› Archived [x] yes  also archived ones');
		expect(frame.split('\n')[1]).toBe('  Archived [ ] no  also archived ones');
	});
});

describe('CheckboxList', () => {
	function Channels({onChange}: {readonly onChange: (selected: string[]) => void}) {
		const [selected, setSelected] = useState<string[]>(['chat']);
		return (
			<CheckboxList label="Channels" options={[{value: 'voice', label: 'voice'}, {value: 'video', label: 'video'}, {value: 'chat', label: 'chat'}]}
				selected={selected} isFocused labelWidth={8} width={60} hint="(none = all)" onChange={next => {
					setSelected(next);
					onChange(next);
				}} />
		);
	}

	it('moves with ← → and checks with Space, reporting values in option order', async () => {
		const onChange = vi.fn();
		const screen = renderScreen(<Channels onChange={onChange} />);
		await screen.waitFor('›[ ] voice');
		await screen.press(keys.right, '›[ ] video');
		await screen.press(keys.space, '›[x] video');
		expect(onChange).toHaveBeenLastCalledWith(['video', 'chat']);
		await screen.press(keys.left, '›[ ] voice');
		await screen.press(keys.left, '›[x] chat');
		await screen.press(keys.space, '›[ ] chat');
		expect(onChange).toHaveBeenLastCalledWith(['video']);
		expect(screen.frame()).toContain('(none = all)');
		await screen.press(keys.right + keys.right, '›[x] video');
	});
});

describe('Choice', () => {
	function Format() {
		const [value, setValue] = useState<'json' | 'xml' | 'none'>('none');
		return (
			<Choice label="Transcripts" options={[{value: 'json', label: 'JSON'}, {value: 'xml', label: 'XML'}, {value: 'none', label: 'none'}]}
				value={value} onChange={setValue} isFocused labelWidth={11} width={60} />
		);
	}

	it('picks with ← → and Space, wrapping around', async () => {
		const screen = renderScreen(<Format />);
		await screen.waitFor('(•) none');
		await screen.press(keys.right, '(•) JSON');
		await screen.press(keys.space, '(•) XML');
		expect(await screen.press(keys.left, '(•) JSON')).toContain('( ) XML');
		// Two arrows in one chunk are two keys, each from where the last one left.
		expect(await screen.press(keys.right + keys.right, '(•) none')).toContain('( ) JSON');
	});
});

describe('ActionRow', () => {
	it('runs the action under the cursor on Space or Enter', async () => {
		const onSelect = vi.fn();
		const options = [{value: 'today', label: 'today'}, {value: 'yesterday', label: 'yesterday'}] as const;
		const screen = renderScreen(<ActionRow label="Quick" options={options} active="yesterday" onSelect={onSelect} isFocused labelWidth={5} width={60} />);
		await screen.waitFor('› today');
		expect(screen.frame()).toContain('[yesterday]');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSelect).toHaveBeenLastCalledWith('today', true));
		await screen.press(keys.right, '›[yesterday]');
		await screen.press(keys.space);
		await vi.waitFor(() => expect(onSelect).toHaveBeenLastCalledWith('yesterday', false));
	});

	it('leaves Enter to the form until ← → pick an option, when told to, and once per pick', async () => {
		const onSelect = vi.fn();
		const options = [{value: 'today', label: 'today'}, {value: 'yesterday', label: 'yesterday'}] as const;
		const screen = renderScreen(<ActionRow label="Quick" options={options} onSelect={onSelect} isEnterWithoutMove={() => false} isFocused labelWidth={5} width={60} />);
		await screen.waitFor('› today');
		await screen.press(keys.enter);
		await screen.press(keys.space);
		await vi.waitFor(() => expect(onSelect).toHaveBeenCalledTimes(1));
		expect(onSelect).toHaveBeenLastCalledWith('today', false);
		await screen.press(keys.right, '› yesterday');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSelect).toHaveBeenLastCalledWith('yesterday', true));
		await screen.press(keys.enter);
		await screen.press(keys.space);
		await vi.waitFor(() => expect(onSelect).toHaveBeenCalledTimes(3));
		expect(onSelect).toHaveBeenLastCalledWith('yesterday', false);
	});
});

describe('InlineMessage', () => {
	it('wraps to at most maxLines and marks its tone with a symbol', async () => {
		const screen = renderScreen(<InlineMessage text={'word '.repeat(40)} width={30} maxLines={2} />);
		const frame = await screen.waitFor('✗ word');
		expect(frame.split('\n')).toHaveLength(2);
	});
});

describe('focus without colour', () => {
	it('marks the focused field with a symbol under NO_COLOR', async () => {
		const screen = renderScreen(<Box flexDirection="column"><Field /><Toggle label="On" value={false} onChange={() => {}} isFocused={false} labelWidth={6} /></Box>, {noColor: true});
		const frame = await screen.waitFor('Name');
		expect(screen.lastFrame()).not.toMatch(/\u001B\[3\dm/);
		expect(frame).toContain('› Name');
		expect(frame).toContain('  On');
	});
});

describe('useMachine', () => {
	function Counter({onAfter}: {readonly onAfter: (count: number) => void}) {
		const [count, dispatch] = useMachine((state: number, action: 'add') => (action === 'add' ? state + 1 : state), () => 0);
		return (
			<>
				<Probe onKey={input => {
					for (let index = 0; index < input.length; index++) {
						onAfter(dispatch('add'));
					}
				}} />
				<Text>count={count}</Text>
			</>
		);
	}

	it('returns the new state at once, even for keys that arrive before a render', async () => {
		const onAfter = vi.fn();
		const screen = renderScreen(<Counter onAfter={onAfter} />);
		await screen.waitFor('count=0');
		await screen.press('xxx', 'count=3');
		expect(onAfter.mock.calls.map(call => call[0])).toEqual([1, 2, 3]);
	});
});
