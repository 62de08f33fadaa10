/**
 * Login: the platform (ccdl's API, Twilio, Webex Contact Center), then what that platform logs in with — company,
 * user name and password; an Account SID and Auth Token (or an API key); an organisation ID and an access token —
 * and an optional server URL that says which public API it replaces. The app does the network work; this screen
 * only collects the input and keeps it while a login fails.
 */
import {Box, Text, useWindowSize} from 'ink';
import {useMemo} from 'react';
import {BusyLine, Choice, InlineMessage, TextField, isHelpKey, useMachine} from '../../components/form/index.js';
import type {LoginInput} from '../../flow.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useHoldKeys} from '../../hooks/use-keys.js';
import {useTheme} from '../../hooks/use-theme.js';
import {platformInfo, platformKeys} from '../../lib/sources/registry.js';
import {packFacts} from '../../lib/text/visible.js';
import {fieldsOf, initialLoginState, loginReducer, type LoginField, type LoginValues, type TextLoginField} from './login-state.js';
import {useLoginKeys} from './use-login-keys.js';

export interface LoginScreenProps {
	/** The platform last used (or from --platform), remembered company and user, and the server URL from --server. */
	readonly initial: LoginInput;
	/** A login is under way: show a spinner and ignore keys. */
	readonly busy: boolean;
	/** Why the last login failed, already translated; shown under the form. */
	readonly error?: string;
	/** Gets the platform chosen with what was typed. */
	readonly onSubmit: (input: LoginValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}

/** Message keys of a field's label: ccdl's own words, or the platform's where it names things its own way. */
function labelKey(platform: string, field: LoginField): string {
	if (field === 'platform' || field === 'server') {
		return `login.${field}`;
	}

	if (platform === 'twilio' || platform === 'webex-cc') {
		return `login.${platform}.${field}`;
	}

	return `login.${field}`;
}

/** The longest label a row may have: on a narrow terminal the values keep room to be typed into. */
function labelColumnsFor(labels: readonly string[], width: number): number {
	return Math.min(Math.max(...labels.map(label => [...label].length)), Math.max(12, Math.floor(width / 2)));
}

export function LoginScreen({initial, busy, error, onSubmit, onHelp, isActive}: LoginScreenProps) {
	const {t} = useI18n();
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const [state, dispatch, get] = useMachine(loginReducer, () => initialLoginState(initial));
	const isLive = isActive && !busy;
	useLoginKeys({dispatch, get, onSubmit, onHelp, isActive: isLive});
	// Keys typed after Enter wait for the next screen (or are dropped when this step fails).
	useHoldKeys(busy);
	const {platform} = state.values;
	const fields = fieldsOf(platform);
	const width = Math.max(40, columns - 1);
	const labelWidth = labelColumnsFor(fields.map(field => t(labelKey(platform, field))), width);
	const platformOptions = useMemo(() => platformKeys().map(key => ({value: key, label: key === 'ccm' ? t('login.platform.ccm') : platformInfo(key).label})), [t]);
	const defaultServer = platformInfo(platformKeys().includes(platform) ? platform : 'ccm').defaultServer;
	const serverPlaceholder = defaultServer ? t('login.server.placeholder.default', {url: defaultServer}) : t('login.server.placeholder');
	const intro = platform === 'twilio' || platform === 'webex-cc' ? t(`login.${platform}.intro`) : t('login.intro');
	return (
		<Box flexDirection="column" width={width}>
			{/* Wrapped at words, not cut: the intro says what the platform logs in with. */}
			<InlineMessage tone="muted" text={intro} width={width} maxLines={2} />
			{fields.map(field => field === 'platform'
				? (
					<Choice key={field} label={t(labelKey(platform, field))} options={platformOptions} value={platform} isOneLine={rows < 24}
						onChange={value => dispatch({type: 'platform', platform: value})} isFocused={state.focus === field} isDisabled={!isLive}
						labelWidth={labelWidth} width={width} />
				)
				: (
					<TextField
						key={field}
						label={t(labelKey(platform, field))}
						value={state.values[field]}
						onChange={value => dispatch({type: 'edit', field: field as TextLoginField, value})}
						isFocused={state.focus === field}
						isDisabled={!isLive}
						labelWidth={labelWidth}
						width={width}
						error={state.errors[field] ? t(state.errors[field]) : undefined}
						{...(field === 'password' ? {mask: '*'} : {isReserved: isHelpKey})}
						{...(field === 'server' ? {placeholder: serverPlaceholder} : {})}
						{...(field === 'company' && platform === 'twilio' ? {placeholder: t('login.twilio.company.placeholder')} : {})}
					/>
				))}
			<InlineMessage text={error} width={width} maxLines={3} />
			{/* The keys move whole to a second line rather than lose the end of the last one. */}
			{busy ? <BusyLine text={t('busy.login')} /> : packFacts(t('login.keys'), width, 2).map(line => <Text key={line} color={theme.muted} wrap="truncate-end">{line}</Text>)}
		</Box>
	);
}
