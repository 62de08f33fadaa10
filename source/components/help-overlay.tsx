import {Box, Text} from 'ink';
import type {Step} from '../flow.js';
import {useI18n} from '../hooks/use-i18n.js';
import {useTheme} from '../hooks/use-theme.js';

/** Screens with a table, whose keys (j k g G, / filter) the help adds. */
const tableSteps: ReadonlySet<Step> = new Set<Step>(['list', 'history']);

/** Every key of the current screen and the global ones. */
export function HelpOverlay({step}: {readonly step: Step}) {
	const {t} = useI18n();
	const theme = useTheme();
	return (
		<Box flexDirection='column' borderStyle='round' paddingX={1}>
			<Text bold color={theme.accent}>{t('help.title')} — {t(`step.${step}`)}</Text>
			<Text>{t(`help.${step}`)}</Text>
			{tableSteps.has(step) ? <Text>{t('help.table')}</Text> : null}
			<Text> </Text>
			<Text>{t('help.global')}</Text>
			<Text color={theme.muted}>{t('help.close')}</Text>
		</Box>
	);
}
