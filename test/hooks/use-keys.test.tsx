import {Box, Text} from 'ink';
import {useState} from 'react';
import {expect, it, vi} from 'vitest';
import {splitKeys, useHoldKeys, useKeys} from '../../source/hooks/use-keys.js';
import {keys, renderScreen} from '../helpers/ink.js';

function Probe({takesText}: {readonly takesText?: boolean}) {
	const [seen, setSeen] = useState<string[]>([]);
	useKeys((input, key) => {
		const name = key.tab ? '<tab>' : key.return ? '<enter>' : key.rightArrow ? '<right>' : input;
		setSeen(previous => [...previous, name]);
	}, takesText ? {takesText: character => character !== '?'} : {});
	return <Text>{seen.join('|')}</Text>;
}

it('splits a chunk of text with Tab and Enter into its keys, as typed over a slow SSH link', async () => {
	const screen = renderScreen(<Probe takesText/>);
	await screen.waitFor(() => true);
	screen.stdin.write('2026-10-28\t2026-10-30\r');
	expect(await screen.waitFor('<enter>')).toContain('2026-10-28|<tab>|2026-10-30|<enter>');
});

it('gives a handler that does not take text one character at a time', async () => {
	const screen = renderScreen(<Probe/>);
	await screen.waitFor(() => true);
	screen.stdin.write('ab c');
	await screen.waitFor('a|b| |c');
	screen.stdin.write('\t');
	expect(await screen.waitFor('<tab>')).toBe('a|b| |c|<tab>');
});

it('stops a run of text at a character the text handler does not take', async () => {
	const screen = renderScreen(<Probe takesText/>);
	await screen.waitFor(() => true);
	screen.stdin.write('ab?cd');
	expect(await screen.waitFor('cd')).toBe('ab|?|cd');
});

it('keeps arrows that Ink reads in the same chunk in their place', async () => {
	const screen = renderScreen(<Probe/>);
	await screen.waitFor(() => true);
	screen.stdin.write(`\t\t${keys.right}${keys.right} x`);
	expect(await screen.waitFor('| |x')).toBe('<tab>|<tab>|<right>|<right>| |x');
});

/** Names Esc and Alt+key apart from plain keys. */
function EscapeProbe({takesText}: {readonly takesText?: boolean}) {
	const [seen, setSeen] = useState<string[]>([]);
	useKeys((input, key) => {
		const name = key.escape ? '<esc>' : key.meta ? `<alt-${input}>` : input;
		setSeen(previous => [...previous, name]);
	}, takesText ? {takesText: () => true} : {});
	return <Text>{seen.join('|')}</Text>;
}

it('reads Esc and the key after it in one read as Esc, then the key, where Alt+key means nothing', async () => {
	const list = renderScreen(<EscapeProbe/>);
	await list.waitFor(() => true);
	list.stdin.write('\u001BG');
	expect(await list.waitFor('G')).toBe('<esc>|G');

	// A text field keeps readline's Alt+B, Alt+F and Alt+D (a word back, forward, deleted); any other Esc+key is Esc, then the key.
	const field = renderScreen(<EscapeProbe takesText/>);
	await field.waitFor(() => true);
	field.stdin.write('\u001Bb');
	await field.waitFor('<alt-b>');
	field.stdin.write('\u001Bd');
	await field.waitFor('<alt-d>');
	field.stdin.write('\u001Bn');
	expect(await field.waitFor('n')).toBe('<alt-b>|<alt-d>|<esc>|n');
});

/** Two fields and a focus that Tab moves; each field reads keys only while focused. */
function Field({name, isFocused}: {readonly name: string; readonly isFocused: boolean}) {
	const [value, setValue] = useState('');
	useKeys((input, key) => {
		if (!key.tab && !key.return) {
			setValue(previous => previous + input);
		}
	}, {isActive: isFocused, takesText: () => true});
	return <Text>{`${isFocused ? '>' : ' '}${name}=[${value}]`}</Text>;
}

function Form() {
	const [focus, setFocus] = useState(0);
	useKeys((_input, key) => {
		if (key.tab) {
			setFocus(previous => (previous + 1) % 3);
		}
	});
	return (
		<Box flexDirection="column">
			<Field name="from" isFocused={focus === 0}/>
			<Field name="to" isFocused={focus === 1}/>
			<Field name="folder" isFocused={focus === 2}/>
		</Box>
	);
}

it('gives each key of a chunk to the field focused when that key is handled', async () => {
	const screen = renderScreen(<Form/>);
	await screen.waitFor('from=');
	screen.stdin.write('2026-11-01\t2026-11-07\t~/x');
	const frame = await screen.waitFor('folder=[~/x]');
	expect(frame).toContain('from=[2026-11-01]');
	expect(frame).toContain('to=[2026-11-07]');
});

function First({onDone}: {readonly onDone: () => void}) {
	useKeys((_input, key) => {
		if (key.return) {
			onDone();
		}
	});
	return <Text>first</Text>;
}

function Second() {
	const [seen, setSeen] = useState('');
	useKeys(input => {
		setSeen(previous => previous + input);
	});
	return <Text>{`second:${seen}`}</Text>;
}

function Steps() {
	const [step, setStep] = useState(0);
	return step === 0 ? <First onDone={() => {
		setStep(1);
	}}/> : <Second/>;
}

it('hands the keys after a screen change to the new screen', async () => {
	const screen = renderScreen(<Steps/>);
	await screen.waitFor('first');
	screen.stdin.write('\rxyz');
	expect(await screen.waitFor('second:xyz')).toBe('second:xyz');
});

it('splits text by characters and leaves escape sequences whole', () => {
	expect(splitKeys('a\tb')).toEqual(['a', '\t', 'b']);
	expect(splitKeys('\u001B[C')).toEqual(['\u001B[C']);
	expect(splitKeys('é')).toEqual(['é']);
});

/**
 * A login as the app has it: Enter starts work that ends when the test says; success replaces the login screen by
 * the next one, failure leaves it.
 */
function Login({outcome}: {readonly outcome: {resolve?: (ok: boolean) => void}}) {
	const [step, setStep] = useState<'login' | 'busy' | 'next'>('login');
	const [refused, setRefused] = useState(false);
	return step === 'next' ? <Second/> : (
		<LoginView isBusy={step === 'busy'} isRefused={refused} onEnter={() => {
			setStep('busy');
			outcome.resolve = ok => {
				setStep(ok ? 'next' : 'login');
				setRefused(!ok);
			};
		}}/>
	);
}

function LoginView({isBusy, isRefused, onEnter}: {readonly isBusy: boolean; readonly isRefused: boolean; readonly onEnter: () => void}) {
	const [typed, setTyped] = useState('');
	useHoldKeys(isBusy);
	useKeys((input, key) => {
		if (key.return) {
			onEnter();
		} else if (!(key.ctrl && input === 'c')) {
			setTyped(previous => previous + input);
		}
	}, {isActive: !isBusy});
	return <Text>{`login:${typed}${isRefused ? ' refused' : ''}${isBusy ? ' busy' : ''}`}</Text>;
}

function CtrlC({onCtrlC}: {readonly onCtrlC: () => void}) {
	useKeys((input, key) => {
		if (key.ctrl && input === 'c') {
			onCtrlC();
		}
	});
	return null;
}

it('holds the keys typed during a step and gives them to the screen that comes next', async () => {
	const outcome: {resolve?: (ok: boolean) => void} = {};
	const screen = renderScreen(<Login outcome={outcome}/>);
	await screen.waitFor('login:');
	screen.stdin.write('pw\rabc');
	await screen.waitFor('login:pw busy');
	screen.stdin.write('d');
	outcome.resolve!(true);
	expect(await screen.waitFor('second:abcd')).toBe('second:abcd');
});

it('drops the keys typed during a step that fails: they were meant for the next screen', async () => {
	const outcome: {resolve?: (ok: boolean) => void} = {};
	const screen = renderScreen(<Login outcome={outcome}/>);
	await screen.waitFor('login:');
	screen.stdin.write('pw\rabc');
	await screen.waitFor('login:pw busy');
	outcome.resolve!(false);
	await screen.waitFor('login:pw refused');
	screen.stdin.write('x');
	expect(await screen.waitFor('login:pwx refused')).toBe('login:pwx refused');
});

it('lets Ctrl-C through while keys are held', async () => {
	const outcome: {resolve?: (ok: boolean) => void} = {};
	let ctrlC = 0;
	const screen = renderScreen(<Box><Login outcome={outcome}/><CtrlC onCtrlC={() => {
		ctrlC++;
	}}/></Box>);
	await screen.waitFor('login:');
	screen.stdin.write('\r');
	await screen.waitFor('login: busy');
	screen.stdin.write('abc');
	screen.stdin.write('\u0003');
	await vi.waitFor(() => expect(ctrlC).toBe(1));
	// The keys before it are gone with it.
	outcome.resolve!(true);
	await screen.waitFor('second:');
	screen.stdin.write('z');
	expect(await screen.waitFor('second:z')).toBe('second:z');
});
