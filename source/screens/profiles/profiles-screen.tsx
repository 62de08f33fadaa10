/**
 * Profiles: the download profiles with their mode, counts, status and where they are assigned, and which one the
 * current company's runs use. Every change goes through the profile store, tried first on a copy and saved from it,
 * so a refused rule shows the store's own sentence and a failed save leaves the app's store as the file is.
 */
import {Box, Text, useWindowSize} from 'ink';
import {memo, type ReactNode, useCallback} from 'react';
import {BusyLine, InlineMessage, useMachine} from '../../components/form/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Campaign} from '../../lib/api/wire.js';
import {channels} from '../../lib/api/wire.js';
import {describeError} from '../../lib/i18n/describe-error.js';
import type {Translator} from '../../lib/i18n/index.js';
import {foldName, type Profile, profileModes} from '../../lib/profiles/model.js';
import type {AssignmentLevel, Resolved} from '../../lib/profiles/resolve.js';
import type {ProfileStore} from '../../lib/profiles/store.js';
import {fit, visible} from '../../lib/text/visible.js';
import {scrollTop} from '../campaigns/campaigns-state.js';
import {inputOf, patchOf, type FormValues} from './profile-form-state.js';
import {ProfileForm} from './profile-form.js';
import {
	cloneStore, initialProfilesState, type Notice, pickerCampaigns, type ProfilesCommand, profilesReducer, type ProfilesState, rowsOf, selectedRow,
} from './profiles-state.js';
import {useProfilesKeys} from './use-profiles-keys.js';

export interface ProfilesScreenProps {
	/** The profiles; changed and saved (profiles.json, atomically) as the user edits. */
	readonly store: ProfileStore;
	/** Campaigns the `p` key can assign to (the logged-in user's; may be empty before login). */
	readonly campaigns: readonly Campaign[];
	/** The company of the login, for `c` and for the "runs use" line; undefined before login. */
	readonly company: string | undefined;
	/** Esc on the list. */
	readonly onClose: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}

/** Rows the app's frame takes around a screen (title, key line, its error or busy line). */
const frameRows = 3;
/** Rows of the list view besides the profiles: the "runs use" line, two detail lines, the notice and two key lines. */
const listOwnRows = 7;
/** Rows of a picker besides its items: the "runs use" line, the title, the notice and the key line. */
const pickerOwnRows = 5;

interface LineProps {
	readonly head: string;
	readonly counts: string;
	readonly isCursor: boolean;
	readonly isInactive: boolean;
}

/** One profile: name, mode, status and assignments; its counts under them. */
const ProfileLine = memo(function ProfileLine({head, counts, isCursor, isInactive}: LineProps) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text color={isCursor ? theme.accent : isInactive ? theme.muted : undefined} bold={isCursor} wrap="truncate-end">{head}</Text>
			<Text color={theme.muted} wrap="truncate-end">{counts}</Text>
		</Box>
	);
});

function levelLabel(t: Translator['t'], level: AssignmentLevel, campaigns?: readonly Campaign[]): string {
	switch (level.level) {
		case 'global': {
			return t('profiles.level.global');
		}

		case 'company': {
			return t('profiles.level.company', {company: visible(level.company)});
		}

		case 'campaign': {
			const campaign = campaigns?.find(item => item.id === level.campaignId);
			return campaign
				? t('profiles.level.campaign.named', {id: visible(level.campaignId), name: visible(campaign.name)})
				: t('profiles.level.campaign', {id: visible(level.campaignId)});
		}
	}
}

function whereText(t: Translator['t'], level: AssignmentLevel): string {
	switch (level.level) {
		case 'global': {
			return t('profiles.where.global');
		}

		case 'company': {
			return t('profiles.where.company', {company: visible(level.company.trim())});
		}

		case 'campaign': {
			return t('profiles.where.campaign', {id: visible(level.campaignId)});
		}
	}
}

function effectiveText(t: Translator['t'], company: string | undefined, resolved: Resolved | undefined): string {
	const from = resolved && resolved.from.level !== 'override' ? levelLabel(t, resolved.from) : '';
	if (company === undefined) {
		return resolved ? t('profiles.effective.no-company', {name: visible(resolved.profile.name), from}) : t('profiles.effective.no-company.none');
	}

	return resolved
		? t('profiles.effective', {company: visible(company), name: visible(resolved.profile.name), from})
		: t('profiles.effective.none', {company: visible(company)});
}

/** What a change tried on a copy of the store does; undefined when the store would accept it. */
function refusalOf(store: ProfileStore, change: (store: ProfileStore) => unknown): unknown {
	try {
		change(cloneStore(store));
		return undefined;
	} catch (error) {
		return error;
	}
}

export function ProfilesScreen({store, campaigns, company, onClose, onHelp, isActive}: ProfilesScreenProps) {
	const translator = useI18n();
	const {t} = translator;
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const [state, dispatch, get] = useMachine(profilesReducer, () => initialProfilesState(rowsOf(store), campaigns));
	const width = Math.max(40, columns - 1);
	const height = Math.max(12, rows - frameRows);
	const pageSize = Math.max(1, Math.floor((height - listOwnRows) / 2));
	const pickerSize = Math.max(3, height - pickerOwnRows);
	const knownCompany = company?.trim() ? company.trim() : undefined;

	/**
	 * Tries a change on a copy of the store, saves the copy, then makes the same change to `store` (same profiles,
	 * same answer): the app's store never holds what the file does not. Resolves to the refusal or the save error,
	 * undefined once saved.
	 */
	const commit = useCallback(async <T,>(change: (target: ProfileStore) => T, after: (result: T) => {notice: Notice; select?: string}): Promise<unknown> => {
		if (get().busy) {
			return new Error('A save is already under way.');
		}

		let draft: ProfileStore;
		let result: T;
		try {
			draft = cloneStore(store);
			result = change(draft);
		} catch (error) {
			return error;
		}

		dispatch({type: 'busy', busy: true});
		try {
			await draft.save();
			change(store);
		} catch (error) {
			dispatch({type: 'busy', busy: false});
			return error;
		}

		const {notice, select} = after(result);
		dispatch({type: 'saved', rows: rowsOf(store), notice, pageSize, ...(select === undefined ? {} : {select})});
		return undefined;
	}, [dispatch, get, pageSize, store]);

	const refuse = useCallback((error: unknown) => {
		dispatch({type: 'close', notice: {tone: 'bad', key: 'profiles.refused', params: {message: describeError(error, translator)}}});
	}, [dispatch, translator]);

	const run = useCallback(<T,>(change: (target: ProfileStore) => T, after: (result: T) => {notice: Notice; select?: string}) => {
		void commit(change, after).then(error => {
			if (error !== undefined) {
				refuse(error);
			}
		});
	}, [commit, refuse]);

	const assigned = useCallback((level: AssignmentLevel) => ({profile, previous}: {profile: Profile; previous?: string}) => {
		const params = {name: profile.name, where: whereText(t, level)};
		return {
			notice: previous !== undefined && foldName(previous) !== foldName(profile.name)
				? {tone: 'good' as const, key: 'profiles.done.assigned-instead', params: {...params, previous}}
				: {tone: 'good' as const, key: 'profiles.done.assigned', params},
		};
	}, [t]);

	const act = useCallback((command: ProfilesCommand) => {
		const row = selectedRow(get());
		if (!row) {
			return;
		}

		const {name} = row.profile;
		const warn = (key: string, params?: Record<string, string>) => {
			dispatch({type: 'notice', notice: {tone: 'warn', key, ...(params ? {params} : {})}});
		};

		switch (command.type) {
			case 'new': {
				dispatch({type: 'open', overlay: {kind: 'form', editing: undefined}});
				break;
			}

			case 'edit': {
				// The store says why the built-in default cannot be edited.
				const refusal = refusalOf(store, target => target.edit(name, {}));
				if (refusal === undefined) {
					dispatch({type: 'open', overlay: {kind: 'form', editing: store.get(name)}});
				} else {
					refuse(refusal);
				}

				break;
			}

			case 'toggle-active': {
				const active = !row.profile.active;
				run(target => target.setActive(name, active), () => ({notice: {tone: 'good', key: active ? 'profiles.done.activated' : 'profiles.done.deactivated', params: {name}}}));
				break;
			}

			case 'ask-delete': {
				// Asked only when the store would delete it: the default and active profiles are refused at once.
				const refusal = refusalOf(store, target => target.delete(name));
				if (refusal === undefined) {
					dispatch({type: 'open', overlay: {kind: 'confirm-delete', name}});
				} else {
					refuse(refusal);
				}

				break;
			}

			case 'delete': {
				run(target => target.delete(name), deleted => ({notice: {tone: 'good', key: 'profiles.done.deleted', params: {name: deleted.name}}}));
				break;
			}

			case 'assign-global': {
				const level: AssignmentLevel = {level: 'global'};
				run(target => target.assign(name, level), assigned(level));
				break;
			}

			case 'assign-company': {
				if (knownCompany === undefined) {
					warn('profiles.no-company');
					break;
				}

				const level: AssignmentLevel = {level: 'company', company: knownCompany};
				run(target => target.assign(name, level), assigned(level));
				break;
			}

			case 'pick-campaign': {
				if (campaigns.length === 0) {
					warn('profiles.no-campaigns');
					break;
				}

				// An inactive profile is refused before a campaign is picked.
				const refusal = refusalOf(store, target => target.assign(name, {level: 'campaign', campaignId: campaigns[0]!.id}));
				if (refusal === undefined) {
					dispatch({type: 'open', overlay: {kind: 'pick-campaign', name, filter: '', cursor: 0, top: 0}});
				} else {
					refuse(refusal);
				}

				break;
			}

			case 'assign-campaign': {
				const level: AssignmentLevel = {level: 'campaign', campaignId: command.campaignId};
				run(target => target.assign(name, level), assigned(level));
				break;
			}

			case 'pick-level': {
				if (row.levels.length === 0) {
					warn('profiles.not-assigned', {name});
				} else {
					dispatch({type: 'open', overlay: {kind: 'pick-level', name, levels: row.levels, cursor: 0}});
				}

				break;
			}

			case 'unassign': {
				const {level} = command;
				run(target => target.unassign(level), previous => ({
					notice: {
						tone: 'good',
						key: level.level === 'global' ? 'profiles.done.unassigned.global' : 'profiles.done.unassigned',
						params: {name: previous ?? name, where: whereText(t, level)},
					},
				}));
				break;
			}
		}
	}, [assigned, campaigns, dispatch, get, knownCompany, refuse, run, store, t]);

	const submitForm = useCallback(async (values: FormValues): Promise<unknown> => {
		const {overlay} = get();
		const editing = overlay.kind === 'form' ? overlay.editing : undefined;
		return commit(
			target => editing ? target.edit(editing.name, patchOf(values)) : target.create(inputOf(values)),
			profile => ({notice: {tone: 'good', key: editing ? 'profiles.done.saved' : 'profiles.done.created', params: {name: profile.name}}, select: profile.name}),
		);
	}, [commit, get]);

	const closeForm = useCallback(() => {
		dispatch({type: 'close'});
	}, [dispatch]);

	useProfilesKeys({dispatch, get, pageSize, pickerSize, act, onClose, onHelp, isActive: isActive && state.overlay.kind !== 'form'});

	const notice = state.notice ? (
		<InlineMessage text={t(state.notice.key, state.notice.params)} tone={state.notice.tone} width={width} maxLines={2} />
	) : null;
	const footer = state.busy ? <BusyLine text={t('profiles.saving')} /> : null;
	const effective = <Text wrap="truncate-end">{effectiveText(t, knownCompany, store.resolve(knownCompany, undefined))}</Text>;

	if (state.overlay.kind === 'form') {
		return (
			<Box flexDirection="column" width={width}>
				<ProfileForm key={state.overlay.editing?.name ?? ''} store={store} editing={state.overlay.editing} busy={state.busy}
					onSubmit={submitForm} onCancel={closeForm} onHelp={onHelp} isActive={isActive} width={width} />
				{footer}
			</Box>
		);
	}

	if (state.overlay.kind === 'pick-campaign') {
		return <CampaignPicker state={state} overlay={state.overlay} store={store} width={width} size={pickerSize} effective={effective} notice={notice} footer={footer} />;
	}

	if (state.overlay.kind === 'pick-level') {
		const {overlay} = state;
		return (
			<Box flexDirection="column" width={width}>
				{effective}
				<Text bold color={theme.accent} wrap="truncate-end">{t('profiles.pick.level', {name: visible(overlay.name)})}</Text>
				{overlay.levels.map((level, index) => (
					<Text key={levelLabel(t, level)} color={index === overlay.cursor ? theme.accent : undefined} bold={index === overlay.cursor} wrap="truncate-end">
						{index === overlay.cursor ? theme.focusMark : ' '} {levelLabel(t, level, campaigns)}
					</Text>
				))}
				{notice}
				{footer ?? <Text color={theme.muted} wrap="truncate-end">{t('profiles.pick.level.keys')}</Text>}
			</Box>
		);
	}

	const nameWidth = Math.min(24, Math.max(8, ...state.rows.map(row => [...visible(row.profile.name)].length)));
	const modeWidth = Math.max(...profileModes.map(mode => [...t(`profiles.mode.${mode}`)].length));
	const statusWidth = Math.max([...t('profiles.active')].length, [...t('profiles.inactive')].length);
	const top = scrollTop(state.top, state.cursor, pageSize, state.rows.length);
	const page = state.rows.slice(top, top + pageSize);
	const selected = selectedRow(state);
	const position = state.rows.length > pageSize ? `${t('profiles.position', {row: translator.number(state.cursor + 1), count: translator.number(state.rows.length)})} · ` : '';
	// The built-in profile's description is ccdl's own text, so it speaks the app's language.
	const description = selected?.profile.builtIn
		? `"${t('profiles.built-in.description')}"`
		: selected?.profile.description ? `"${visible(selected.profile.description)}"` : t('profiles.no-description');
	const where = selected && selected.levels.length > 0
		? t('profiles.assigned', {levels: selected.levels.map(level => levelLabel(t, level, campaigns)).join(', ')})
		: t('profiles.unassigned');
	let keyLines;
	if (state.overlay.kind === 'confirm-delete') {
		keyLines = (
			<>
				<Text color={theme.warn} bold wrap="truncate-end">{t('profiles.delete.ask', {name: visible(state.overlay.name)})}</Text>
				<Text color={theme.muted} wrap="truncate-end">{t('profiles.delete.keys')}</Text>
			</>
		);
	} else {
		keyLines = (
			<>
				<Text color={theme.muted} wrap="truncate-end">{t('profiles.keys')}</Text>
				<Text color={theme.muted} wrap="truncate-end">{t('profiles.keys.assign')}</Text>
			</>
		);
	}

	return (
		<Box flexDirection="column" width={width}>
			{effective}
			{page.map((row, index) => {
				const isCursor = top + index === state.cursor;
				const {profile} = row;
				const extras = [profile.builtIn ? t('profiles.built-in') : '', row.levels.map(level => levelLabel(t, level)).join(', ')].filter(Boolean).join(' · ');
				const head = [
					`${isCursor ? theme.focusMark : ' '} ${fit(visible(profile.name), nameWidth)}`,
					fit(t(`profiles.mode.${profile.mode}`), modeWidth),
					fit(t(profile.active ? 'profiles.active' : 'profiles.inactive'), statusWidth),
					extras,
				].join('  ').trimEnd();
				const counts = `    ${channels.map(channel => `${t(`channel.${channel}`)} ${profile.counts[channel]}`).join(' · ')}`;
				return <ProfileLine key={profile.name} head={head} counts={counts} isCursor={isCursor} isInactive={!profile.active} />;
			})}
			<Text color={theme.muted} wrap="truncate-end">{position}{description}</Text>
			<Text color={theme.muted} wrap="truncate-end">{where}</Text>
			{notice}
			{footer ?? keyLines}
		</Box>
	);
}

function CampaignPicker(props: {
	readonly state: ProfilesState;
	readonly overlay: Extract<ProfilesState['overlay'], {kind: 'pick-campaign'}>;
	readonly store: ProfileStore;
	readonly width: number;
	readonly size: number;
	readonly effective: ReactNode;
	readonly notice: ReactNode;
	readonly footer: ReactNode;
}) {
	const {state, overlay, store, width, size, effective, notice, footer} = props;
	const {t} = useI18n();
	const theme = useTheme();
	const shown = pickerCampaigns(state);
	const top = scrollTop(overlay.top, overlay.cursor, size, shown.length);
	const page = shown.slice(top, top + size);
	const {campaigns: assignedTo} = store.assignments;
	const idWidth = Math.min(16, Math.max(2, ...page.map(campaign => visible(campaign.id).length)));
	const nameWidth = Math.max(10, Math.min(40, width - idWidth - 4 - 20));
	const filter = overlay.filter === '' ? t('profiles.pick.campaign.placeholder') : `${overlay.filter}▏`;
	const position = shown.length > size ? ` · ${t('profiles.position', {row: overlay.cursor + 1, count: shown.length})}` : '';
	return (
		<Box flexDirection="column" width={width}>
			{effective}
			<Text bold color={theme.accent} wrap="truncate-end">{t('profiles.pick.campaign', {name: visible(overlay.name), filter})}{position}</Text>
			{shown.length === 0 ? <Text color={theme.warn} wrap="truncate-end">{t('profiles.pick.campaign.none', {filter: overlay.filter})}</Text> : null}
			{page.map((campaign, index) => {
				const isCursor = top + index === overlay.cursor;
				const current = Object.hasOwn(assignedTo, campaign.id) ? t('profiles.pick.campaign.current', {name: visible(assignedTo[campaign.id]!)}) : '';
				return (
					<Text key={campaign.id} color={isCursor ? theme.accent : undefined} bold={isCursor} wrap="truncate-end">
						{isCursor ? theme.focusMark : ' '} {fit(visible(campaign.name), nameWidth)} {fit(visible(campaign.id), idWidth)}
						<Text color={theme.muted}>  {current}</Text>
					</Text>
				);
			})}
			{notice}
			{footer ?? <Text color={theme.muted} wrap="truncate-end">{t('profiles.pick.campaign.keys')}</Text>}
		</Box>
	);
}
