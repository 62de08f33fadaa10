/**
 * File names: build the template from the 13 fields (a palette), a separator, a date format and sub-folders, with a
 * live preview on real recordings of the current filter. A template the naming library refuses blocks Continue.
 */
import {Box, Text, useWindowSize} from 'ink';
import {useMemo} from 'react';
import {ActionRow, BusyLine, Button, Choice, InlineMessage, inlineMessageLines, TextField, isHelpKey, labelColumns, useMachine} from '../../components/form/index.js';
import type {NamingValues} from '../../flow.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useHoldKeys} from '../../hooks/use-keys.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Contact} from '../../lib/sources/model.js';
import {visible} from '../../lib/text/visible.js';
import {type FileNameField, type PaletteItem, type Separator, fileNameReducer, initialFileNameState, namingProblems, paletteItems, separators} from './file-name-state.js';
import {fitName, previewNames} from './preview.js';
import {useFileNameKeys} from './use-file-name-keys.js';

export interface FileNameScreenProps {
	readonly value: NamingValues;
	/** Recordings of the current filter to preview names on (the first few are shown). */
	readonly samples: readonly Contact[];
	/** IANA zone of the date fields in names. */
	readonly timeZone: string;
	/** Planning is under way: spinner, keys ignored. */
	readonly busy: boolean;
	readonly busyText?: string;
	/** Why the last planning failed (translated). */
	readonly error?: string;
	readonly onSubmit: (value: NamingValues) => void;
	/** Esc; gets the values as they are, so the app may keep them (a `() => void` works too). */
	readonly onBack: (value: NamingValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}

const labelKeys: Record<Exclude<FileNameField, 'continue'>, string> = {
	template: 'file-name.template',
	palette: 'file-name.palette',
	separator: 'file-name.separator',
	'date-format': 'file-name.date-format',
};

/** Rows the app's frame takes (title, key line, an error or busy line). */
const frameRows = 3;
const maxPreviews = 5;

/** Lines an error under a field or the form takes, exactly as InlineMessage lays it out. */
function linesOf(text: string | undefined, columns: number, maxLines: number): number {
	return inlineMessageLines(text, {width: columns, maxLines}).length;
}

/** The palette adds on Enter only what ← → picked (see ActionRow's isEnterWithoutMove). */
const never = () => false;

export function FileNameScreen(props: FileNameScreenProps) {
	const {value, samples, timeZone, busy, busyText, error, onSubmit, onBack, onHelp, isActive} = props;
	const {t} = useI18n();
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const [state, dispatch, get] = useMachine(fileNameReducer, () => initialFileNameState(value));
	const isLive = isActive && !busy;
	useFileNameKeys({dispatch, get, onSubmit, onBack, onHelp, isActive: isLive});
	// Keys typed after Enter wait for the next screen (or are dropped when this step fails).
	useHoldKeys(busy);

	const width = Math.max(40, columns - 1);
	const labelWidth = Math.max(...Object.values(labelKeys).map(key => t(key).length));
	const valueWidth = width - labelColumns(labelWidth);
	const problems = namingProblems(state);
	const templateError = problems.template ? t('file-name.error.template', {message: problems.template}) : undefined;
	const formatError = problems.dateFormat ? t('file-name.error.date-format', {message: problems.dateFormat}) : undefined;
	const paletteOptions = useMemo(() => paletteItems.map(item => ({value: item, label: t(`file-name.field.${item}`)})), [t]);
	const separatorOptions = useMemo(() => separators.map(separator => ({value: separator, label: separator === ' ' ? t('file-name.separator.space') : separator})), [t]);

	// A short terminal (40×20) keeps the palette and the separators on one scrolling line each and drops the key
	// line, so the focused field stays on screen; the help (?) still has every key.
	const isCompact = rows < 24;
	// The palette wraps: estimate its lines so the preview takes only the rows left on the terminal.
	const paletteWidth = paletteOptions.reduce((sum, option) => sum + [...option.label].length + 3, 0);
	const paletteLines = isCompact ? 1 : Math.ceil(paletteWidth / Math.max(10, valueWidth - 4));
	const used = 1 + linesOf(templateError, valueWidth, 3) + paletteLines + 1 + 1 + linesOf(formatError, valueWidth, 3) + 1 + 1 + linesOf(error, width, 3) + (isCompact ? 0 : 1);
	const previewCount = Math.max(1, Math.min(maxPreviews, rows - frameRows - used));
	const names = useMemo(
		() => previewNames(state.template, state.dateFormat, samples.slice(0, previewCount), timeZone),
		[state.template, state.dateFormat, samples, previewCount, timeZone],
	);
	let preview;
	if (samples.length === 0) {
		preview = <Text color={theme.warn} wrap="truncate-end">{t('file-name.preview.none')}</Text>;
	} else if (!names) {
		preview = <Text color={theme.muted} wrap="truncate-end">{t('file-name.preview.invalid')}</Text>;
	} else {
		preview = names.map((name, index) => (
			// eslint-disable-next-line react/no-array-index-key -- the same name may come twice; the position is the identity
			<Text key={index} wrap="truncate-end">  {fitName(visible(name), width - 3)}</Text>
		));
	}

	const common = {labelWidth, isDisabled: !isLive};
	return (
		<Box flexDirection="column" width={width}>
			<TextField {...common} width={width} label={t(labelKeys.template)} value={state.template} isFocused={state.focus === 'template'}
				isReserved={isHelpKey} error={templateError} errorLines={3} onChange={template => dispatch({type: 'set-template', template})} />
			<ActionRow {...common} width={width} label={t(labelKeys.palette)} options={paletteOptions} isFocused={state.focus === 'palette'} isOneLine={isCompact}
				onSelect={(item: PaletteItem, byEnter: boolean) => dispatch({type: 'insert', item, byEnter})} isEnterWithoutMove={never} />
			<Choice {...common} width={width} label={t(labelKeys.separator)} options={separatorOptions} value={state.separator} isOneLine={isCompact}
				isFocused={state.focus === 'separator'} onChange={(separator: Separator) => dispatch({type: 'set-separator', separator})} />
			<TextField {...common} width={width} label={t(labelKeys['date-format'])} value={state.dateFormat} isFocused={state.focus === 'date-format'}
				isReserved={isHelpKey} error={formatError} errorLines={3} hint={t('file-name.date-format.hint')}
				onChange={dateFormat => dispatch({type: 'set-date-format', dateFormat})} />
			<Box marginLeft={labelWidth + 2}>
				<Button label={t('file-name.continue')} isFocused={state.focus === 'continue'} isDisabled={Boolean(templateError ?? formatError)} />
			</Box>
			{samples.length === 0 ? null : <Text bold wrap="truncate-end">{t('file-name.preview', {count: Math.min(previewCount, samples.length)})}</Text>}
			{preview}
			<InlineMessage text={error} width={width} maxLines={3} />
			{busy ? <BusyLine text={busyText ?? t('busy.planning')} /> : isCompact ? null : <Text color={theme.muted} wrap="truncate-end">{t('file-name.keys')}</Text>}
		</Box>
	);
}
