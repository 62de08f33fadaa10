/**
 * The login form as a pure reducer: the platform, values, focus, and the messages shown under fields. Which fields
 * show, in which order, and which are required follows the platform (Twilio: account or API key SID and secret;
 * Webex: organisation ID and access token). Submitting is decided here too (`submitted` in the state after Enter), so
 * the key hook only forwards keys and reports the result.
 */
import type {LoginInput} from '../../flow.js';

/** Every field any platform shows; `fieldsOf` says which, in which order. */
export const loginFields = ['platform', 'company', 'username', 'password', 'server'] as const;
export type LoginField = (typeof loginFields)[number];
/** Fields typed as text (every one but the platform choice). */
export type TextLoginField = Exclude<LoginField, 'platform'>;

/** What the screen hands to the app: the platform, the remembered fields and the password (never stored). */
export type LoginValues = Omit<LoginInput, 'platform'> & {platform: string; password: string};

export interface LoginState {
	readonly values: LoginValues;
	readonly focus: LoginField;
	/** Message keys shown under fields (only after Enter found a problem there). */
	readonly errors: Partial<Record<LoginField, string>>;
	/** True right after an Enter that found everything filled in: the hook then submits `loginPayload`. */
	readonly submitted: boolean;
	/**
	 * What was typed for each other platform, kept aside while another is chosen: a server URL or a secret typed for
	 * one platform must never be sent to another's login.
	 */
	readonly stash?: Readonly<Record<string, Omit<LoginValues, 'platform'>>>;
	/** A server given on the command line: the user's choice for whichever platform they pick. */
	readonly serverGiven?: boolean;
}

export type LoginAction =
	| {type: 'edit'; field: TextLoginField; value: string}
	| {type: 'platform'; platform: string}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: LoginField}
	| {type: 'enter'};

export const defaultLoginPlatform = 'ccm';

/**
 * The fields a platform's login shows, in order. Twilio's and Webex's user and secret come first: the company is
 * only the account an API key belongs to (Twilio), and Webex has none.
 */
export function fieldsOf(platform: string): readonly LoginField[] {
	switch (platform) {
		case 'twilio': {
			return ['platform', 'username', 'password', 'company', 'server'];
		}

		case 'webex-cc': {
			return ['platform', 'username', 'password', 'server'];
		}

		default: {
			return ['platform', 'company', 'username', 'password', 'server'];
		}
	}
}

/** Focus on the first empty required field, so remembered names lead straight to the password. */
function firstFocus(values: LoginValues): LoginField {
	const errors = loginErrors(values);
	return fieldsOf(values.platform).find(field => field !== 'password' && field !== 'platform' && errors[field]) ?? 'password';
}

export function initialLoginState(initial: LoginInput): LoginState {
	const values: LoginValues = {
		platform: initial.platform ?? defaultLoginPlatform, company: initial.company, username: initial.username, password: '', server: initial.server,
	};
	return {values, focus: firstFocus(values), errors: {}, submitted: false, ...(initial.serverGiven ? {serverGiven: true} : {})};
}

function isHttpUrl(text: string): boolean {
	try {
		const url = new URL(text);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

/**
 * Every problem of the form, as message keys, for the platform chosen. ccdl's API needs a company unless a server
 * URL names the tenant; Twilio needs an Account SID (AC…) or an API key SID (SK…) with the account's SID beside it;
 * Webex an organisation ID and a token. The source checks the rest when it logs in.
 */
export function loginErrors(values: LoginValues): Partial<Record<LoginField, string>> {
	const errors: Partial<Record<LoginField, string>> = {};
	const username = values.username.trim();
	const company = values.company.trim();
	switch (values.platform) {
		case 'twilio': {
			if (username === '') {
				errors.username = 'login.error.twilio.username';
			} else if (!/^(AC|SK)/.test(username)) {
				errors.username = 'login.error.twilio.sid';
			} else if (username.startsWith('SK') && !company.startsWith('AC')) {
				errors.company = 'login.error.twilio.account';
			}

			break;
		}

		case 'webex-cc': {
			if (username === '') {
				errors.username = 'login.error.webex.username';
			}

			break;
		}

		default: {
			if (company === '' && values.server.trim() === '') {
				errors.company = 'login.error.company';
			}

			if (username === '') {
				errors.username = 'login.error.username';
			}
		}
	}

	if (values.password === '') {
		errors.password = values.platform === 'twilio' ? 'login.error.twilio.password' : values.platform === 'webex-cc' ? 'login.error.webex.password' : 'login.error.password';
	}

	if (values.server.trim() !== '' && !isHttpUrl(values.server.trim())) {
		errors.server = 'login.error.server';
	}

	return errors;
}

/** What is submitted: the platform, names trimmed, the password exactly as typed; a field the platform hides is empty. */
export function loginPayload(values: LoginValues): LoginValues {
	const shown = fieldsOf(values.platform);
	return {
		platform: values.platform,
		company: shown.includes('company') ? values.company.trim() : '',
		username: values.username.trim(),
		password: values.password,
		server: values.server.trim(),
	};
}

function move(state: LoginState, delta: number): LoginField {
	const fields = fieldsOf(state.values.platform);
	const index = Math.max(0, fields.indexOf(state.focus));
	return fields[(index + delta + fields.length) % fields.length]!;
}

/** Messages still shown after a change: only those of fields that still have that problem (or one like it). */
function followErrors(state: LoginState, values: LoginValues): Partial<Record<LoginField, string>> {
	const now = loginErrors(values);
	const errors: Partial<Record<LoginField, string>> = {};
	for (const field of fieldsOf(values.platform)) {
		if (state.errors[field] && now[field]) {
			errors[field] = now[field];
		}
	}

	return errors;
}

export function loginReducer(state: LoginState, action: LoginAction): LoginState {
	switch (action.type) {
		case 'edit': {
			const values = {...state.values, [action.field]: action.value};
			// A shown message follows the typing: it goes away as soon as the field is right. Typing a server URL
			// makes the company optional, so its message goes too.
			return {...state, values, errors: followErrors(state, values), submitted: false};
		}

		case 'platform': {
			if (action.platform === state.values.platform) {
				return state;
			}

			// Another platform asks for other things: messages of the old one no longer apply, and what was typed for it
			// (its server, its secret) stays with it.
			const {platform, ...typed} = state.values;
			const stash = {...state.stash, [platform]: typed};
			const restored = stash[action.platform] ?? {company: '', username: '', password: '', server: ''};
			const server = state.serverGiven ? typed.server : restored.server;
			return {...state, values: {...restored, server, platform: action.platform}, stash, errors: {}, submitted: false};
		}

		case 'focus-next': {
			return {...state, focus: move(state, 1), submitted: false};
		}

		case 'focus-previous': {
			return {...state, focus: move(state, -1), submitted: false};
		}

		case 'focus': {
			return fieldsOf(state.values.platform).includes(action.field) ? {...state, focus: action.field, submitted: false} : state;
		}

		case 'enter': {
			const fields = fieldsOf(state.values.platform);
			const errors = loginErrors(state.values);
			const problems = fields.filter(field => errors[field]);
			if (problems.length === 0) {
				return {...state, errors: {}, submitted: true};
			}

			if (state.focus === fields.at(-1)) {
				// Enter on the last field: show every problem and go to the first one.
				return {...state, errors, focus: problems[0]!, submitted: false};
			}

			const here = errors[state.focus];
			if (here) {
				return {...state, errors: {...state.errors, [state.focus]: here}, submitted: false};
			}

			return {...state, focus: move(state, 1), submitted: false};
		}
	}
}
