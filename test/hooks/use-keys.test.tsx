import {Text} from 'ink';
import {useState} from 'react';
import {expect, it} from 'vitest';
import {useKeys} from '../../source/hooks/use-keys.js';
import {renderScreen} from '../helpers/ink.js';

function Probe() {
	const [seen, setSeen] = useState<string[]>([]);
	useKeys((input, key) => {
		const name = key.tab ? '<tab>' : key.return ? '<enter>' : input;
		setSeen(previous => [...previous, name]);
	});
	return <Text>{seen.join('|')}</Text>;
}

it('splits a chunk of text with Tab and Enter into its keys, as typed over a slow SSH link', async () => {
	const screen = renderScreen(<Probe/>);
	await screen.waitFor(() => true);
	screen.stdin.write('2026-10-28\t2026-10-30\r');
	expect(await screen.waitFor('<enter>')).toContain('2026-10-28|<tab>|2026-10-30|<enter>');
});

it('leaves single keys and plain text alone', async () => {
	const screen = renderScreen(<Probe/>);
	await screen.waitFor(() => true);
	screen.stdin.write('abc');
	await screen.waitFor('abc');
	screen.stdin.write('\t');
	expect(await screen.waitFor('<tab>')).toBe('abc|<tab>');
});
