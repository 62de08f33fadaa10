/**
 * The login form as a pure reducer: values, focus, and the messages shown under fields. Submitting is decided here
 * too (`submitted` in the state after Enter), so the key hook only forwards keys and reports the result.
 */
import type {LoginInput} from '../../flow.js';

export const loginFields = ['company', 'username', 'password', 'server'] as const;
export type LoginField = (typeof loginFields)[number];

/** What the screen hands to the app: the remembered fields and the password (never stored). */
export type LoginValues = LoginInput & {password: string};

export interface LoginState {
	readonly values: LoginValues;
	readonly focus: LoginField;
	/** Message keys shown under fields (only after Enter found a problem there). */
	readonly errors: Partial<Record<LoginField, string>>;
	/** True right after an Enter that found everything filled in: the hook then submits `loginPayload`. */
	readonly submitted: boolean;
}

export type LoginAction =
	| {type: 'edit'; field: LoginField; value: string}
	| {type: 'focus-next'}
	| {type: 'focus-previous'}
	| {type: 'focus'; field: LoginField}
	| {type: 'enter'};

/** Focus starts on the first empty field, so a remembered company and user lead straight to the password. */
export function initialLoginState(initial: LoginInput): LoginState {
	const values: LoginValues = {company: initial.company, username: initial.username, password: '', server: initial.server};
	const focus = (['company', 'username'] as const).find(field => values[field].trim() === '' && !(field === 'company' && values.server.trim() !== '')) ?? 'password';
	return {values, focus, errors: {}, submitted: false};
}

function isHttpUrl(text: string): boolean {
	try {
		const url = new URL(text);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

/** Every problem of the form, as message keys. The company may be empty when a server URL names the tenant. */
export function loginErrors(values: LoginValues): Partial<Record<LoginField, string>> {
	const errors: Partial<Record<LoginField, string>> = {};
	if (values.company.trim() === '' && values.server.trim() === '') {
		errors.company = 'login.error.company';
	}

	if (values.username.trim() === '') {
		errors.username = 'login.error.username';
	}

	if (values.password === '') {
		errors.password = 'login.error.password';
	}

	if (values.server.trim() !== '' && !isHttpUrl(values.server.trim())) {
		errors.server = 'login.error.server';
	}

	return errors;
}

/** What is submitted: names trimmed, the password exactly as typed. */
export function loginPayload(values: LoginValues): LoginValues {
	return {company: values.company.trim(), username: values.username.trim(), password: values.password, server: values.server.trim()};
}

function move(field: LoginField, delta: number): LoginField {
	const index = loginFields.indexOf(field);
	return loginFields[(index + delta + loginFields.length) % loginFields.length]!;
}

export function loginReducer(state: LoginState, action: LoginAction): LoginState {
	switch (action.type) {
		case 'edit': {
			const values = {...state.values, [action.field]: action.value};
			// A shown message follows the typing: it goes away as soon as the field is right.
			const now = loginErrors(values);
			const errors: Partial<Record<LoginField, string>> = {};
			for (const field of loginFields) {
				if (state.errors[field] && now[field]) {
					errors[field] = now[field];
				}
			}

			// Typing a server URL makes the company optional, so its message goes too.
			return {...state, values, errors, submitted: false};
		}

		case 'focus-next': {
			return {...state, focus: move(state.focus, 1), submitted: false};
		}

		case 'focus-previous': {
			return {...state, focus: move(state.focus, -1), submitted: false};
		}

		case 'focus': {
			return {...state, focus: action.field, submitted: false};
		}

		case 'enter': {
			const errors = loginErrors(state.values);
			const problems = loginFields.filter(field => errors[field]);
			if (problems.length === 0) {
				return {...state, errors: {}, submitted: true};
			}

			if (state.focus === loginFields.at(-1)) {
				// Enter on the last field: show every problem and go to the first one.
				return {...state, errors, focus: problems[0]!, submitted: false};
			}

			const here = errors[state.focus];
			if (here) {
				return {...state, errors: {...state.errors, [state.focus]: here}, submitted: false};
			}

			return {...state, focus: move(state.focus, 1), submitted: false};
		}
	}
}
