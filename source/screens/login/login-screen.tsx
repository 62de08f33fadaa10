/**
 * Login: company, user name, password (masked) and an optional server URL. The app does the network work; this
 * screen only collects the input and keeps it while a login fails.
 */
import {Box, Text, useWindowSize} from 'ink';
import {BusyLine, InlineMessage, TextField, isHelpKey, useMachine} from '../../components/form/index.js';
import type {LoginInput} from '../../flow.js';
import {useI18n} from '../../hooks/use-i18n.js';
import {useHoldKeys} from '../../hooks/use-keys.js';
import {useTheme} from '../../hooks/use-theme.js';
import {initialLoginState, loginFields, loginReducer, type LoginField, type LoginValues} from './login-state.js';
import {useLoginKeys} from './use-login-keys.js';

export interface LoginScreenProps {
	/** Remembered company and user, and the server URL from --server. */
	readonly initial: LoginInput;
	/** A login is under way: show a spinner and ignore keys. */
	readonly busy: boolean;
	/** Why the last login failed, already translated; shown under the form. */
	readonly error?: string;
	readonly onSubmit: (input: LoginValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}

const labelKeys: Record<LoginField, string> = {
	company: 'login.company',
	username: 'login.username',
	password: 'login.password',
	server: 'login.server',
};

export function LoginScreen({initial, busy, error, onSubmit, onHelp, isActive}: LoginScreenProps) {
	const {t} = useI18n();
	const theme = useTheme();
	const {columns} = useWindowSize();
	const [state, dispatch, get] = useMachine(loginReducer, () => initialLoginState(initial));
	const isLive = isActive && !busy;
	useLoginKeys({dispatch, get, onSubmit, onHelp, isActive: isLive});
	// Keys typed after Enter wait for the next screen (or are dropped when this step fails).
	useHoldKeys(busy);
	const width = Math.max(40, columns - 1);
	const labelWidth = Math.max(...loginFields.map(field => t(labelKeys[field]).length));
	return (
		<Box flexDirection="column" width={width}>
			<Text color={theme.muted} wrap="truncate-end">{t('login.intro')}</Text>
			{loginFields.map(field => (
				<TextField
					key={field}
					label={t(labelKeys[field])}
					value={state.values[field]}
					onChange={value => dispatch({type: 'edit', field, value})}
					isFocused={state.focus === field}
					isDisabled={!isLive}
					labelWidth={labelWidth}
					width={width}
					error={state.errors[field] ? t(state.errors[field]) : undefined}
					{...(field === 'password' ? {mask: '*'} : {isReserved: isHelpKey})}
					{...(field === 'server' ? {placeholder: t('login.server.placeholder')} : {})}
				/>
			))}
			<InlineMessage text={error} width={width} maxLines={3} />
			{busy ? <BusyLine text={t('busy.login')} /> : <Text color={theme.muted} wrap="truncate-end">{t('login.keys')}</Text>}
		</Box>
	);
}
