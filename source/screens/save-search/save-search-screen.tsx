/**
 * "Save this search": the app's current filter set, template, folder and options saved under a name with a date
 * rule, so `ccdl run NAME` (or a schedule) repeats it. What is still missing shows live, in the saved-search
 * model's own words; Save checks the search as `ccdl search save` does, then adds it to searches.json (a second
 * Save replaces a search of the same name), and anything the store refuses shows on the spot.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo} from 'react';
import {BusyLine, Button, Choice, InlineMessage, TextField, isHelpKey, labelColumns, useMachine} from '../../components/form/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import {describeError} from '../../lib/i18n/describe-error.js';
import type {Translator} from '../../lib/i18n/index.js';
import {parseDateRule, resolveDateRule} from '../../lib/searches/date-rules.js';
import {checkComplete, checkSearchName, foldSearchName} from '../../lib/searches/model.js';
import {SearchStore, searchesPath} from '../../lib/searches/store.js';
import {fit, visible} from '../../lib/text/visible.js';
import {useScreenSize} from '../../hooks/use-screen-size.js';
import {
	draftMissing, initialSaveState, nameProblem, relativeRules, ruleChoices, saveReducer, type SaveState, type SearchDraft, searchOf,
} from './save-search-state.js';
import {useSaveSearchKeys} from './use-save-search-keys.js';

export type {SearchDraft} from './save-search-state.js';

export interface SaveSearchScreenProps {
	/** The search as the app's state has it: connection, campaigns, channels, options, template, folder, time zone. */
	readonly draft: SearchDraft;
	/** The name the form starts with. @default '' */
	readonly initialName?: string;
	/** After searches.json was written, with the name saved. */
	readonly onSaved: (name: string) => void;
	/** Esc, or Enter on Cancel. */
	readonly onCancel: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** The saved searches file. @default searchesPath() (CCDL_CONFIG_DIR, else the user's config folder) */
	readonly file?: string;
	/** Lines the screen may use. @default terminal rows minus the app's frame */
	readonly height?: number;
}

/** Missing parts shown at once; the rest are counted. */
const maxMissingLines = 4;

function ruleLabel(t: Translator['t'], rule: string): string {
	return (relativeRules as readonly string[]).includes(rule) ? t(`save-search.rule.${rule}`) : t('save-search.rule.fixed', {range: rule});
}

/** What the rule means today, e.g. "2026-10-26 to 2026-11-01"; undefined when it does not resolve. */
function rangeOf(rule: string, timeZone: string): string | undefined {
	try {
		return resolveDateRule(parseDateRule(rule), new Date(), timeZone).description.replace(/ \(.*\)$/, '');
	} catch {
		return undefined;
	}
}

export function SaveSearchScreen({draft, initialName = '', onSaved, onCancel, onHelp, isActive, file, height}: SaveSearchScreenProps) {
	const translator = useI18n();
	const {t} = translator;
	const theme = useTheme();
	const {width: columns} = useScreenSize(height);
	const width = Math.max(40, columns - 1);
	const [state, dispatch, get] = useMachine(saveReducer, () => initialSaveState(draft, initialName));

	const save = useCallback(async (submitted: SaveState) => {
		const search = searchOf(draft, submitted, new Date());
		try {
			checkSearchName(submitted.name);
			checkComplete(search, 'save');
		} catch (error) {
			dispatch({type: 'refuse', message: describeError(error, translator)});
			return;
		}

		dispatch({type: 'busy'});
		try {
			const store = await SearchStore.load(file ?? searchesPath());
			const existing = store.find(search.name);
			if (existing && (submitted.replacing === undefined || foldSearchName(submitted.replacing) !== foldSearchName(search.name))) {
				dispatch({type: 'refuse', message: t('save-search.exists', {name: visible(existing.name)}), replacing: search.name});
				return;
			}

			store.put(search, existing !== undefined);
			await store.save();
		} catch (error) {
			dispatch({type: 'refuse', message: describeError(error, translator)});
			return;
		}

		onSaved(search.name);
	}, [dispatch, draft, file, onSaved, t, translator]);

	useSaveSearchKeys({dispatch, get, onSubmit: submitted => void save(submitted), onCancel, onHelp, isActive});

	const {name, dateRule, focus} = state;
	const missing = useMemo(() => draftMissing(draft, {name, dateRule}, new Date()), [draft, name, dateRule]);
	const options = useMemo(() => ruleChoices(draft).map(rule => ({value: rule, label: ruleLabel(t, rule)})), [draft, t]);
	const labels = {name: t('save-search.name'), dateRule: t('save-search.date-rule')};
	const labelWidth = Math.max(...Object.values(labels).map(label => [...label].length));
	const indent = labelColumns(labelWidth);
	const isLive = isActive && !state.busy;
	const common = {labelWidth, width, isDisabled: !isLive};
	const range = rangeOf(dateRule, draft.timeZone);
	const line = (text: string) => fit(visible(text), width).trimEnd() || ' ';
	const campaigns = draft.allCampaigns ? t('save-search.campaigns.all') : draft.campaigns.join(', ') || t('save-search.none');
	const channelNames = draft.channels.length > 0 ? draft.channels.map(channel => t(`channel.${channel}`)).join(', ') : t('save-search.channels.all');
	const shownMissing = missing.slice(0, missing.length > maxMissingLines ? maxMissingLines - 1 : maxMissingLines);
	return (
		<Box flexDirection='column' width={width}>
			<Text bold color={theme.accent} wrap='truncate-end'>{line(t('save-search.title'))}</Text>
			<Text color={theme.muted} wrap='truncate-end'>
				{line(t('save-search.who', {user: draft.user ?? t('save-search.none'), server: draft.server ?? draft.company ?? t('save-search.none'), zone: draft.timeZone}))}
			</Text>
			<Text color={theme.muted} wrap='truncate-end'>{line(t('save-search.what', {campaigns, channels: channelNames}))}</Text>
			<Text color={theme.muted} wrap='truncate-end'>{line(t('save-search.where', {folder: draft.outDir, template: draft.template}))}</Text>
			<TextField {...common} label={labels.name} value={name} isFocused={focus === 'name'} isReserved={isHelpKey}
				placeholder={t('save-search.name.placeholder')} error={state.nameTouched ? nameProblem(name) : undefined}
				onChange={value => dispatch({type: 'set-name', value})} />
			<Choice {...common} label={labels.dateRule} options={options} value={dateRule} isFocused={focus === 'dateRule'}
				onChange={(value: string) => dispatch({type: 'set-date-rule', value})} />
			<Box marginLeft={indent}>
				<Text color={theme.muted} wrap='truncate-end'>{range ? t('save-search.range', {range}) : ' '}</Text>
			</Box>
			{missing.length === 0
				? <Text color={theme.good} wrap='truncate-end'>{line(t('save-search.complete'))}</Text>
				: (
					<Box flexDirection='column'>
						<Text color={theme.warn} wrap='truncate-end'>{line(t('save-search.missing', {count: missing.length}))}</Text>
						{shownMissing.map(part => <Text key={part} color={theme.warn} wrap='truncate-end'>{line(`  • ${part}`)}</Text>)}
						{shownMissing.length < missing.length ? <Text color={theme.warn} wrap='truncate-end'>{line(`  ${t('save-search.missing.more', {count: missing.length - shownMissing.length})}`)}</Text> : null}
					</Box>
				)}
			<Box marginLeft={indent - 1}>
				<Button label={t('save-search.save')} isFocused={focus === 'save'} isDisabled={!isLive} />
				<Text> </Text>
				<Button label={t('save-search.cancel')} isFocused={focus === 'cancel'} isDisabled={!isLive} />
			</Box>
			{state.busy ? <BusyLine text={t('save-search.saving')} /> : <InlineMessage text={state.refusal} tone={state.replacing ? 'warn' : 'bad'} width={width} maxLines={3} />}
			<Text color={theme.muted} wrap='truncate-end'>{line(t('save-search.keys'))}</Text>
		</Box>
	);
}
