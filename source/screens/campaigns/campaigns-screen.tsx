/**
 * Campaigns: a multi-select of the campaigns the server lets this user see (a supervisor only those assigned to
 * them), with type-to-filter and a scroll window that fits the terminal. Where the platform groups contacts by queue
 * (Webex Contact Center) it says queues; where it has no groups at all (Twilio) it says there is nothing to choose,
 * and Enter goes on with no choice (every contact).
 */
import {Box, Text, useWindowSize} from 'ink';
import {memo} from 'react';
import {InlineMessage, useMachine} from '../../components/form/index.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useTheme} from '../../hooks/use-theme.js';
import type {Campaign, UserInfo} from '../../lib/api/wire.js';
import {fit, visible} from '../../lib/text/visible.js';
import {campaignsReducer, initialCampaignsState, scrollTop, shownCampaigns} from './campaigns-state.js';
import {useCampaignsKeys} from './use-campaigns-keys.js';

export interface CampaignsScreenProps {
	/** What the server returned for this user (names are server text). */
	readonly campaigns: readonly Campaign[];
	/** IDs chosen before (going back and forth keeps them). */
	readonly selected: readonly string[];
	readonly user: UserInfo;
	/** The chosen IDs, in the order of `campaigns`; never empty, but where the platform has nothing to choose (then []). */
	readonly onSubmit: (ids: string[]) => void;
	/** Esc with an empty filter; gets the current selection so the app may keep it (a `() => void` works too). */
	readonly onBack: (ids: string[]) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** What the platform groups contacts by (the source's `capabilities.groups`). @default 'campaigns' */
	readonly groups?: 'campaigns' | 'queues' | 'none';
}

/** Messages that name the groups: queues have their own. */
const queueWords: ReadonlySet<string> = new Set([
	'campaigns.scope.supervisor', 'campaigns.scope.admin', 'campaigns.filter.placeholder', 'campaigns.empty', 'campaigns.empty.supervisor',
	'campaigns.no-match', 'campaigns.error.none', 'campaigns.keys',
]);

/** Rows the app's frame takes around a screen (title and key line) plus one for its error or busy line. */
const frameRows = 3;
/** Rows of this screen besides the list: the user line, the filter line, the message and the key line. */
const ownRows = 4;

interface RowProps {
	readonly name: string;
	readonly id: string;
	readonly isCursor: boolean;
	readonly isSelected: boolean;
	readonly nameWidth: number;
	readonly idWidth: number;
}

const Row = memo(function Row({name, id, isCursor, isSelected, nameWidth, idWidth}: RowProps) {
	const theme = useTheme();
	return (
		<Text color={isCursor ? theme.accent : undefined} bold={isCursor} wrap="truncate-end">
			{isCursor ? theme.focusMark : ' '} <Text color={isSelected ? theme.good : undefined}>{isSelected ? '[x]' : '[ ]'}</Text> {fit(visible(name), nameWidth)} <Text color={theme.muted}>{fit(visible(id), idWidth)}</Text>
		</Text>
	);
});

export function CampaignsScreen({campaigns, selected, user, onSubmit, onBack, onHelp, isActive, groups = 'campaigns'}: CampaignsScreenProps) {
	const translator = useI18n();
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const [state, dispatch, get] = useMachine(campaignsReducer, () => initialCampaignsState(campaigns, selected));
	const pageSize = Math.max(3, rows - frameRows - ownRows);
	// No groups at all, or no queue found (Webex names queues only in its queue list or recent tasks): nothing to
	// choose, and going on without a choice lists every contact.
	const hasGroups = groups === 'campaigns' || (groups === 'queues' && campaigns.length > 0);
	useCampaignsKeys({dispatch, get, pageSize, onSubmit, onBack, onHelp, isActive, hasGroups});
	// Queues say "queue" where campaigns say "campaign": the same messages under `campaigns.queues.`.
	const t = (key: string, params?: Record<string, string | number>) =>
		translator.t(groups === 'queues' && queueWords.has(key) ? key.replace('campaigns.', 'campaigns.queues.') : key, params);

	const width = Math.max(40, columns - 1);
	if (!hasGroups) {
		return (
			<Box flexDirection="column" width={width}>
				<Text wrap="truncate-end">{t('campaigns.user', {name: visible(user.displayName || user.username), role: t(`role.${user.role}`)})}</Text>
				<Text wrap="wrap">{t(groups === 'queues' ? 'campaigns.queues.none' : 'campaigns.none')}</Text>
				<Text color={theme.muted} wrap="truncate-end">{t('campaigns.none.keys')}</Text>
			</Box>
		);
	}

	const shown = shownCampaigns(state);
	const top = scrollTop(state.top, state.cursor, pageSize, shown.length);
	const page = shown.slice(top, top + pageSize);
	const chosen = new Set(state.selected);
	const idWidth = Math.min(16, Math.max(2, ...page.map(campaign => visible(campaign.id).length)));
	const nameWidth = Math.max(10, width - 7 - idWidth);
	const role = t(`role.${user.role}`);
	const who = t('campaigns.user', {name: visible(user.displayName || user.username), role});
	const scope = user.role === 'supervisor' ? t('campaigns.scope.supervisor') : t('campaigns.scope.admin');
	const count = t('campaigns.count', {selected: state.selected.length, total: campaigns.length});
	const position = shown.length > pageSize ? ` · ${t('campaigns.rows', {first: top + 1, last: top + page.length, count: shown.length})}` : '';
	// On a narrow terminal the count matters more than the placeholder that explains the filter.
	const counts = `  ${count}${state.filter === '' ? '' : ` · ${t('campaigns.shown', {shown: shown.length})}`}${position}`;
	const hasRoomForPlaceholder = [...`${t('campaigns.filter')} ${t('campaigns.filter.placeholder')}${counts}`].length <= width;
	let empty: string | undefined;
	if (campaigns.length === 0) {
		empty = t(user.role === 'supervisor' ? 'campaigns.empty.supervisor' : 'campaigns.empty');
	} else if (shown.length === 0) {
		empty = t('campaigns.no-match', {filter: state.filter});
	}

	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				{who} <Text color={theme.muted}>— {scope}</Text>
			</Text>
			<Box>
				<Text wrap="truncate-end">
					{t('campaigns.filter')}{' '}
					{state.filter === '' ? (hasRoomForPlaceholder ? <Text color={theme.muted}>{t('campaigns.filter.placeholder')}</Text> : null) : <Text bold color={theme.accent}>{state.filter}▏</Text>}
					<Text color={theme.muted}>{counts}</Text>
				</Text>
			</Box>
			{empty ? (
				<Text color={theme.warn} wrap="truncate-end">{empty}</Text>
			) : (
				page.map((campaign, index) => (
					<Row
						key={campaign.id}
						name={campaign.name}
						id={campaign.id}
						isCursor={top + index === state.cursor}
						isSelected={chosen.has(campaign.id)}
						nameWidth={nameWidth}
						idWidth={idWidth}
					/>
				))
			)}
			<InlineMessage text={state.message ? t(state.message) : undefined} width={width} maxLines={1} />
			<Text color={theme.muted} wrap="truncate-end">{t('campaigns.keys')}</Text>
		</Box>
	);
}
