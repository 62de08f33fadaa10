/**
 * The create / edit form of the Profiles screen: name, description, mode and a count per channel with the mode's
 * documented range beside it. Each broken rule shows, in the store's own words, under its field as soon as the field
 * is changed or left; Save tries the profile on the store and shows what it refused.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {Button, Choice, InlineMessage, TextField, isHelpKey, labelColumns, useMachine} from '../../components/form/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import {type Channel, channels} from '../../lib/api/wire.js';
import {CcdlError} from '../../lib/errors.js';
import {describeError} from '../../lib/i18n/describe-error.js';
import {countRanges, type Profile, type ProfileMode, profileModes} from '../../lib/profiles/model.js';
import type {ProfileStore} from '../../lib/profiles/store.js';
import {visible} from '../../lib/text/visible.js';
import {formProblems, formReducer, type FormValues, initialFormState, placeOf, shownProblems} from './profile-form-state.js';
import {useProfileFormKeys} from './use-profile-form-keys.js';

export interface ProfileFormProps {
	/** Read only here: problems are found by dry runs on a copy. */
	readonly store: ProfileStore;
	/** The profile to edit; undefined for a new one. */
	readonly editing: Profile | undefined;
	/** Tries the values on the store and saves them; resolves to what was refused or failed, undefined once saved. */
	readonly onSubmit: (values: FormValues) => Promise<unknown>;
	readonly onCancel: () => void;
	readonly onHelp: () => void;
	/** A save is under way: the fields show but read no keys. */
	readonly busy: boolean;
	readonly isActive: boolean;
	/** Columns of the form. */
	readonly width: number;
}

/** Columns of a count's value: three digits and the cursor. */
const countColumns = 4;

function capitalised(text: string): string {
	return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

export function ProfileForm({store, editing, onSubmit, onCancel, onHelp, busy, isActive, width}: ProfileFormProps) {
	const translator = useI18n();
	const {t} = translator;
	const theme = useTheme();
	const [state, dispatch, get] = useMachine(formReducer, () => initialFormState(editing));
	const isLive = isActive && !busy;
	const submit = (values: FormValues) => {
		void onSubmit(values).then(error => {
			if (error !== undefined) {
				dispatch({type: 'refuse', place: placeOf(error instanceof CcdlError ? error.code : undefined), message: describeError(error, translator)});
			}
		});
	};

	useProfileFormKeys({dispatch, get, onSubmit: submit, onCancel, onHelp, isActive: isLive});

	const {values, focus} = state;
	const problems = useMemo(() => formProblems(store, values, state.editing), [store, values, state.editing]);
	const shown = shownProblems(state, problems);
	const channelLabels = Object.fromEntries(channels.map(channel => [channel, capitalised(t(`channel.${channel}`))])) as Record<Channel, string>;
	const labels = {name: t('profiles.form.name'), description: t('profiles.form.description'), mode: t('profiles.form.mode')};
	const labelWidth = Math.max(...[...Object.values(labels), ...Object.values(channelLabels)].map(label => [...label].length));
	const indent = labelColumns(labelWidth);
	const modeOptions = useMemo(() => profileModes.map(mode => ({value: mode, label: t(`profiles.mode.${mode}`)})), [t]);
	const ranges = countRanges[values.mode];
	const common = {labelWidth, isDisabled: !isLive};
	return (
		<Box flexDirection="column" width={width}>
			<Text bold color={theme.accent} wrap="truncate-end">
				{editing ? t('profiles.form.edit', {name: visible(editing.name)}) : t('profiles.form.new')}
			</Text>
			<TextField {...common} width={width} label={labels.name} value={values.name} isFocused={focus === 'name'} isReserved={isHelpKey}
				placeholder={t('profiles.form.name.placeholder')} error={shown.name} onChange={value => dispatch({type: 'set-name', value})} />
			<TextField {...common} width={width} label={labels.description} value={values.description} isFocused={focus === 'description'} isReserved={isHelpKey}
				placeholder={t('profiles.form.description.placeholder')} error={shown.description} onChange={value => dispatch({type: 'set-description', value})} />
			<Choice {...common} width={width} label={labels.mode} options={modeOptions} value={values.mode}
				isFocused={focus === 'mode'} onChange={(value: ProfileMode) => dispatch({type: 'set-mode', value})} />
			<Box marginLeft={indent}>
				<Text color={theme.muted} wrap="truncate-end">{t(`profiles.mode.${values.mode}.about`)}</Text>
			</Box>
			{channels.map(channel => {
				const {min, max} = ranges[channel];
				const isOff = values.counts[channel] === '' || values.counts[channel] === '0';
				return (
					<Box key={channel}>
						<TextField {...common} width={indent + countColumns} label={channelLabels[channel]} value={values.counts[channel]}
							isFocused={focus === channel} isReserved={isHelpKey} placeholder="0" onChange={value => dispatch({type: 'set-count', channel, value})} />
						<Text color={theme.muted} wrap="truncate-end">
							{t('profiles.form.range', {min, max})}{isOff && min === 0 ? ` · ${t('profiles.form.off')}` : ''}
						</Text>
					</Box>
				);
			})}
			<InlineMessage text={shown.counts} width={width} indent={indent} maxLines={2} />
			<Box marginLeft={indent - 1}>
				<Button label={t('profiles.form.save')} isFocused={focus === 'save'} isDisabled={!isLive} />
				<Text> </Text>
				<Button label={t('profiles.form.cancel')} isFocused={focus === 'cancel'} isDisabled={!isLive} />
			</Box>
			<InlineMessage text={shown.form ?? shown.mode} width={width} maxLines={2} />
			<Text color={theme.muted} wrap="truncate-end">{t('profiles.form.keys')}</Text>
		</Box>
	);
}
