import {Box, Text} from 'ink';
import type {Step} from '../flow.js';
import {useI18n} from '../hooks/use-i18n.js';
import {useScreenSize} from '../hooks/use-screen-size.js';
import {useTheme} from '../hooks/use-theme.js';
import {fit} from '../lib/text/visible.js';
import {textLines, useScroll} from './scroll.js';

/** Screens with a table, whose keys (j k g G, / filter) the help adds. */
const tableSteps: ReadonlySet<Step> = new Set<Step>(['list', 'history']);
/** The border's two lines and two columns, and a column of padding each side. */
const frameLines = 2;
const frameColumns = 4;

/**
 * Every key of the current screen and the global ones. Wrapped here at words, so its lines can be counted: when they
 * are more than the terminal has (the Hungarian filters help at 80×24), the title and the close line stay and the
 * rest scrolls with ↑ ↓ PgUp PgDn Home End, the screen under the help reading no keys meanwhile.
 */
export function HelpOverlay({step}: {readonly step: Step}) {
	const {t, number} = useI18n();
	const theme = useTheme();
	const {width, lines} = useScreenSize(undefined);
	const inner = Math.max(10, width - frameColumns);
	const body = [
		...textLines(t(`help.${step}`), inner),
		...tableSteps.has(step) ? textLines(t('help.table'), inner) : [],
		'',
		...textLines(t('help.global'), inner),
	];
	// The title and the close line always show; the position line only when the body does not all fit.
	const room = Math.max(1, lines - frameLines - 2);
	const page = body.length > room ? Math.max(1, room - 1) : room;
	const scroll = useScroll(body.length, page, true);
	const shown = body.slice(scroll.top, scroll.top + scroll.page);
	const position = t('scroll.position', {from: number(scroll.top + 1), to: number(scroll.top + shown.length), total: number(body.length)});
	return (
		<Box flexDirection='column' borderStyle='round' paddingX={1} width={Math.min(width, inner + frameColumns)}>
			<Text bold color={theme.accent} wrap='truncate-end'>{fit(`${t('help.title')} — ${t(`step.${step}`)}`, inner).trimEnd()}</Text>
			{/* eslint-disable-next-line react/no-array-index-key -- a line's place in the window is its identity */}
			{shown.map((line, index) => <Text key={index} wrap='truncate-end'>{line || ' '}</Text>)}
			{scroll.isScrolling ? <Text color={theme.accent} wrap='truncate-end'>{fit(position, inner).trimEnd()}</Text> : null}
			<Text color={theme.muted} wrap='truncate-end'>{fit(t('help.close'), inner).trimEnd()}</Text>
		</Box>
	);
}
