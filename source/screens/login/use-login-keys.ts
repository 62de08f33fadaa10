import {type Key} from 'ink';
import {useKeys} from '../../hooks/use-keys.js';
import {handleFormKey} from '../../components/form/index.js';
import {type LoginAction, type LoginState, type LoginValues, loginPayload} from './login-state.js';

/**
 * Keys of the login screen that are not typing: focus, Enter, help. The focused field reads the text itself, the
 * platform choice its ← → and Space.
 */
export function useLoginKeys(options: {
	readonly dispatch: (action: LoginAction) => LoginState;
	readonly get: () => LoginState;
	readonly onSubmit: (values: LoginValues) => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	const {dispatch, get, onSubmit, onHelp, isActive} = options;
	useKeys(
		(input: string, key: Key) => {
			handleFormKey(input, key, {
				next: () => dispatch({type: 'focus-next'}),
				previous: () => dispatch({type: 'focus-previous'}),
				enter() {
					const next = dispatch({type: 'enter'});
					if (next.submitted) {
						onSubmit(loginPayload(next.values));
					}
				},
				help: onHelp,
				helpAllowed: isHelpAllowed(get()),
			});
		},
		{isActive},
	);
}

/** `?` is help everywhere but in the password, where it may be part of the password. */
export function isHelpAllowed(state: LoginState): boolean {
	return state.focus !== 'password';
}
