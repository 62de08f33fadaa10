/**
 * Filters and options: the call-start range, quick ranges, media channels, the export mode (everything, transcripts
 * only, the manifest only), the archived and overwrite toggles, the download folder and transcripts. Where the
 * platform keeps no archived mark, the archived toggle says what ccdl means by it instead (its journal). Dates are checked as they are typed; Continue submits only a valid form.
 */
import {Box, Text, useWindowSize} from 'ink';
import {Fragment, type ReactNode, useMemo} from 'react';
import {ActionRow, BusyLine, Button, CheckboxList, Choice, InlineMessage, inlineMessageLines, labelColumns, TextField, Toggle, isHelpKey, useMachine} from '../../components/form/index.js';
import type {FilterValues} from '../../flow.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useHoldKeys} from '../../hooks/use-keys.js';
import {appChromeLines} from '../../hooks/use-screen-size.js';
import {useTheme} from '../../hooks/use-theme.js';
import {channels, type Channel} from '../../lib/api/wire.js';
import type {TranscriptChoice} from '../../lib/catalogue/contacts.js';
import type {ExportMode} from '../../lib/searches/model.js';
import {type FilterField, type Problem, activeRange, filtersReducer, initialFiltersState, instantOf, quickRanges, shownProblems} from './filters-state.js';
import {checkFolder, completeFolder} from '../../lib/text/paths.js';
import {packFacts, visible} from '../../lib/text/visible.js';
import {type FolderAccess, useFiltersKeys} from './use-filters-keys.js';

export interface FiltersScreenProps {
	readonly value: FilterValues;
	/** IANA zone the typed dates and the quick ranges are in. */
	readonly timeZone: string;
	/** Listing is under way: spinner, keys ignored. */
	readonly busy: boolean;
	/** What is going on while busy (translated); default "Listing recordings…". */
	readonly busyText?: string;
	/** Why the last listing failed (translated). */
	readonly error?: string;
	readonly onSubmit: (value: FilterValues) => void;
	/** Esc; gets the values as they are, so the app may keep them (a `() => void` works too). */
	readonly onBack: (value: FilterValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** "Now" for the quick ranges. @default new Date() */
	readonly now?: Date;
	/** How the folder is checked and completed. @default the disk, relative to the current folder */
	readonly folderAccess?: FolderAccess;
	/** The field that has focus first, e.g. `folder` when a later step found the folder unusable. @default 'from' */
	readonly initialFocus?: FilterField;
	/**
	 * The platform keeps no archived mark of its own (`capabilities.markArchived` false): "archived" is what ccdl's
	 * journal holds as exported and verified, and the toggle says so. @default false
	 */
	readonly archivedByJournal?: boolean;
}

const diskFolder: FolderAccess = {check: async folder => checkFolder(folder), complete: folder => completeFolder(folder)};

const labelKeys: Record<Exclude<FilterField, 'continue'>, string> = {
	from: 'filters.from',
	to: 'filters.to',
	quick: 'filters.quick',
	channels: 'filters.channels',
	mode: 'filters.mode',
	archived: 'filters.archived',
	overwrite: 'filters.overwrite',
	folder: 'filters.folder',
	transcripts: 'filters.transcripts',
};

const transcriptChoices: readonly TranscriptChoice[] = ['json', 'xml', 'none'];
/** From the most to the least that is downloaded. */
const modeChoices: readonly ExportMode[] = ['full', 'transcripts-only', 'metadata-only'];

export function FiltersScreen(props: FiltersScreenProps) {
	const {value, timeZone, busy, busyText, error, onSubmit, onBack, onHelp, isActive, now, folderAccess = diskFolder, initialFocus = 'from', archivedByJournal = false} = props;
	const translator = useI18n();
	const {t} = translator;
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const [state, dispatch, get] = useMachine(filtersReducer, () => ({...initialFiltersState(value, timeZone), focus: initialFocus}));
	const isLive = isActive && !busy;
	// Enter fills in the quick range under the cursor without ← → only while there are no dates to lose.
	const datesEmpty = () => get().values.from.trim() === '' && get().values.to.trim() === '';
	const isChecking = useFiltersKeys({dispatch, get, onSubmit, onBack, onHelp, isActive: isLive, folder: folderAccess});
	// Keys typed after Enter on Continue wait for the next screen (or are dropped when the folder or listing fails).
	useHoldKeys(busy || isChecking);

	const width = Math.max(40, columns - 1);
	const labelWidth = Math.max(...Object.values(labelKeys).map(key => t(key).length));
	const problems = shownProblems(state);
	const say = (problem: Problem | undefined) => (problem ? t(problem.key, problem.params && {...problem.params, ...problem.params['path'] ? {path: visible(problem.params['path'])} : {}}) : undefined);
	const candidates = state.focus === 'folder' && state.folderCandidates?.value === state.values.outDir ? state.folderCandidates.names : undefined;
	const focus = state.focus;
	const {values} = state;
	// Read at each render and each choice, so a screen left open past midnight still means the right day.
	const today = now ?? new Date();
	const rangeOptions = useMemo(() => quickRanges.map(range => ({value: range, label: t(`filters.quick.${range}`)})), [t]);
	const channelOptions = useMemo(() => channels.map(channel => ({value: channel, label: t(`channel.${channel}`)})), [t]);
	const modeOptions = useMemo(() => modeChoices.map(mode => ({value: mode, label: t(`filters.mode.${mode}`)})), [t]);
	const transcriptOptions = useMemo(() => transcriptChoices.map(choice => ({value: choice, label: t(`filters.transcripts.${choice}`)})), [t]);
	const active = activeRange(values, today, timeZone);
	const start = instantOf('from', values.from, timeZone);
	const end = instantOf('to', values.to, timeZone);
	const rangeText = problems.from || problems.to || (values.from.trim() !== '' && !start) || (values.to.trim() !== '' && !end)
		? undefined
		: t('filters.range', {
			from: start ? translator.dateTime(start.toISOString()) : t('filters.range.open-start'),
			to: end ? translator.dateTime(end.toISOString()) : t('filters.range.open-end'),
		});
	const common = {labelWidth, isDisabled: !isLive};
	// A short terminal (40×20 over a phone's SSH) drops the lines that only explain and keeps every row of options on
	// one scrolling line, so each field's height is known; when they still do not all fit (40×12), only the fields
	// around the focused one are drawn, so it and its error stay on screen. The help (?) still says it all.
	const isCompact = rows < 24;
	const valueIndent = labelColumns(labelWidth);
	// The date errors are sentences: at 40 columns they take up to four lines rather than stop mid-sentence.
	const dateErrorLines = 4;
	const errorHeight = (text: string | undefined, maxLines: number, indent = valueIndent) => inlineMessageLines(text, {width, indent, maxLines}).length;
	const fromError = say(problems.from);
	const toError = say(problems.to);
	const folderError = say(problems.folder);
	const keyLines = packFacts(t('filters.keys'), width, 2);
	const candidateText = candidates ? visible(candidates.join('  ')) : undefined;
	const fields: Array<{readonly key: FilterField | 'intro' | 'range' | 'journal' | 'error' | 'footer'; readonly height: number; readonly node: ReactNode}> = [
		...isCompact ? [] : [{key: 'intro' as const, height: 1, node: <Text color={theme.muted} wrap="truncate-end">{t('filters.intro', {zone: timeZone})}</Text>}],
		{key: 'from', height: 1 + errorHeight(fromError, dateErrorLines), node: (
			<TextField {...common} width={width} label={t(labelKeys.from)} value={values.from} isFocused={focus === 'from'} isReserved={isHelpKey}
				placeholder={t('filters.date.placeholder')} error={fromError} errorLines={dateErrorLines} onChange={from => dispatch({type: 'set', values: {from}})} />
		)},
		{key: 'to', height: 1 + errorHeight(toError, dateErrorLines), node: (
			<TextField {...common} width={width} label={t(labelKeys.to)} value={values.to} isFocused={focus === 'to'} isReserved={isHelpKey}
				placeholder={t('filters.date.placeholder')} error={toError} errorLines={dateErrorLines} onChange={to => dispatch({type: 'set', values: {to}})} />
		)},
		{key: 'quick', height: 1, node: (
			<ActionRow {...common} width={width} label={t(labelKeys.quick)} options={rangeOptions} isFocused={focus === 'quick'} isOneLine={isCompact}
				{...(active ? {active} : {})} onSelect={(range, byEnter) => dispatch({type: 'quick', range, now: now ?? new Date(), byEnter})}
				isEnterWithoutMove={datesEmpty} />
		)},
		...isCompact ? [] : [{key: 'range' as const, height: 1, node: (
			<Box marginLeft={labelWidth + 3} height={1}>
				<Text color={theme.muted} wrap="truncate-end">{rangeText ? `= ${rangeText}` : ' '}</Text>
			</Box>
		)}],
		{key: 'channels', height: 1, node: (
			<CheckboxList {...common} width={width} label={t(labelKeys.channels)} options={channelOptions} selected={values.channels} isOneLine={isCompact}
				isFocused={focus === 'channels'} hint={t('filters.channels.hint')} onChange={(selected: Channel[]) => dispatch({type: 'set', values: {channels: selected}})} />
		)},
		{key: 'mode', height: 1, node: (
			<Choice {...common} width={width} label={t(labelKeys.mode)} options={modeOptions} value={values.mode ?? 'full'} isOneLine={isCompact}
				isFocused={focus === 'mode'} onChange={(mode: ExportMode) => dispatch({type: 'set', values: {mode}})} />
		)},
		{key: 'archived', height: 1, node: (
			<Toggle {...common} label={t(labelKeys.archived)} value={values.includeArchived} isFocused={focus === 'archived'}
				hint={t(archivedByJournal && isCompact ? 'filters.archived.journal' : 'filters.archived.hint')} onChange={includeArchived => dispatch({type: 'set', values: {includeArchived}})} />
		)},
		...archivedByJournal && !isCompact ? [{key: 'journal' as const, height: 2, node: <InlineMessage tone="muted" text={t('filters.archived.journal')} width={width} indent={labelWidth + 3} maxLines={2} />}] : [],
		{key: 'overwrite', height: 1, node: (
			<Toggle {...common} label={t(labelKeys.overwrite)} value={values.overwrite} isFocused={focus === 'overwrite'}
				hint={t(values.overwrite ? 'filters.overwrite.on' : 'filters.overwrite.off')} onChange={overwrite => dispatch({type: 'set', values: {overwrite}})} />
		)},
		{key: 'folder', height: 1 + errorHeight(folderError, 2) + errorHeight(candidateText, 2), node: (
			<>
				<TextField {...common} width={width} label={t(labelKeys.folder)} value={values.outDir} isFocused={focus === 'folder'} isReserved={isHelpKey}
					error={folderError} onChange={outDir => dispatch({type: 'set', values: {outDir}})} />
				{candidateText ? <InlineMessage tone="muted" text={candidateText} width={width} indent={labelWidth + 3} maxLines={2} /> : null}
			</>
		)},
		{key: 'transcripts', height: 1, node: (
			<Choice {...common} width={width} label={t(labelKeys.transcripts)} options={transcriptOptions} value={values.transcripts} isOneLine={isCompact}
				isFocused={focus === 'transcripts'} onChange={transcripts => dispatch({type: 'set', values: {transcripts}})} />
		)},
		{key: 'continue', height: 1, node: (
			<Box marginLeft={labelWidth + 2}>
				<Button label={t('filters.continue')} isFocused={focus === 'continue'} />
			</Box>
		)},
		{key: 'error', height: errorHeight(error, 3, 0), node: <InlineMessage text={error} width={width} maxLines={3} />},
		// The keys move whole to a second line rather than lose the end ("Enter következő mező vagy To…").
		{key: 'footer', height: busy ? 1 : isCompact ? 0 : keyLines.length, node: busy ? <BusyLine text={busyText ?? t('filters.busy')} /> : isCompact ? null : (
			keyLines.map(line => <Text key={line} color={theme.muted} wrap="truncate-end">{line}</Text>)
		)},
	];
	const shown = isCompact ? fieldWindow(fields.map(field => field.height), fields.findIndex(field => field.key === focus), Math.max(1, rows - appChromeLines)) : {first: 0, last: fields.length - 1};
	return (
		<Box flexDirection="column" width={width}>
			{fields.slice(shown.first, shown.last + 1).map(field => <Fragment key={field.key}>{field.node}</Fragment>)}
		</Box>
	);
}

/**
 * The rows from `first` to `last` that fit in `lines` with the focused one among them: from the top while the focus
 * fits there, else ending at the focus; then as many more as fit, those below first (the next fields), then above.
 */
export function fieldWindow(heights: readonly number[], focus: number, lines: number): {first: number; last: number} {
	const sum = (first: number, last: number) => heights.slice(first, last + 1).reduce((total, height) => total + height, 0);
	const at = Math.max(0, focus);
	let first = 0;
	while (first < at && sum(first, at) > lines) {
		first++;
	}

	let last = at;
	while (last < heights.length - 1 && sum(first, last + 1) <= lines) {
		last++;
	}

	while (first > 0 && sum(first - 1, last) <= lines) {
		first--;
	}

	return {first, last};
}
