import type {ReactElement} from 'react';
import {describe, expect, it, vi} from 'vitest';
import {I18nContext} from '../../source/hooks/use-i18n.js';
import {ThemeContext, themeFor} from '../../source/hooks/use-theme.js';
import {createTranslator} from '../../source/lib/i18n/index.js';
import {LoginScreen, type LoginScreenProps} from '../../source/screens/login/login-screen.js';
import {initialLoginState, loginErrors, loginPayload, loginReducer, type LoginState} from '../../source/screens/login/login-state.js';
import {isHelpAllowed} from '../../source/screens/login/use-login-keys.js';
import {login} from '../../source/lib/i18n/messages/login.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';

const empty = {company: '', username: '', server: ''};
const remembered = {company: 'demo', username: 'admin', server: ''};

function sized(screen: Rendered, columns: number, rows: number): Rendered {
	Object.defineProperty(screen.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(screen.stdout, 'rows', {value: rows, configurable: true});
	screen.stdout.emit('resize');
	return screen;
}

/** Rerenders inside the same providers as renderScreen, so the screen keeps its state (a new prop, not a new screen). */
function rerender(screen: Rendered, element: ReactElement): void {
	screen.rerender(
		<I18nContext.Provider value={createTranslator('en', 'UTC')}>
			<ThemeContext.Provider value={themeFor({LANG: 'C.UTF-8'})}>{element}</ThemeContext.Provider>
		</I18nContext.Provider>,
	);
}

/** Every line within the terminal's width and the frame within its height. */
function fits(columns: number, rows: number) {
	return (frame: string) => frame.split('\n').length <= rows && frame.split('\n').every(line => [...line].length <= columns);
}

function run(state: LoginState, ...actions: Parameters<typeof loginReducer>[1][]): LoginState {
	return actions.reduce(loginReducer, state);
}

describe('login reducer', () => {
	it('starts on the first empty field: a remembered company and user lead to the password', () => {
		expect(initialLoginState(empty).focus).toBe('company');
		expect(initialLoginState({...empty, company: 'demo'}).focus).toBe('username');
		expect(initialLoginState(remembered).focus).toBe('password');
		expect(initialLoginState({...empty, server: 'https://x.example', username: 'a'}).focus).toBe('password');
	});

	it('needs a user name, a password and a company unless a server URL is given', () => {
		expect(loginErrors({...empty, platform: 'ccm', password: ''})).toEqual({company: 'login.error.company', username: 'login.error.username', password: 'login.error.password'});
		expect(loginErrors({...empty, platform: 'ccm', server: 'https://acme.example', username: 'a', password: 'p'})).toEqual({});
		expect(loginErrors({...remembered, platform: 'ccm', server: 'acme', password: 'p'})).toEqual({server: 'login.error.server'});
		expect(loginErrors({...remembered, platform: 'ccm', server: 'ftp://acme.example', password: 'p'})).toEqual({server: 'login.error.server'});
	});

	it('moves focus around the platform and the four fields, wrapping at both ends', () => {
		const state = initialLoginState(empty);
		expect(run(state, {type: 'focus-next'}).focus).toBe('username');
		expect(run(state, {type: 'focus-previous'}).focus).toBe('platform');
		expect(run(state, {type: 'focus-previous'}, {type: 'focus-previous'}).focus).toBe('server');
		expect(run(state, ...Array.from({length: 5}, () => ({type: 'focus-next'}) as const)).focus).toBe('company');
	});

	it('Enter on an empty required field shows its message there and does not submit', () => {
		const after = run(initialLoginState(empty), {type: 'enter'});
		expect(after).toMatchObject({focus: 'company', submitted: false, errors: {company: 'login.error.company'}});
	});

	it('Enter on a filled field moves on; on the last field it shows every problem and goes to the first', () => {
		const filled = run(initialLoginState(empty), {type: 'edit', field: 'company', value: 'demo'}, {type: 'enter'});
		expect(filled).toMatchObject({focus: 'username', errors: {}, submitted: false});
		const last = run(filled, {type: 'focus', field: 'server'}, {type: 'enter'});
		expect(last).toMatchObject({focus: 'username', errors: {username: 'login.error.username', password: 'login.error.password'}, submitted: false});
	});

	it('Enter anywhere submits once everything is filled in', () => {
		const state = run(initialLoginState(remembered), {type: 'edit', field: 'password', value: 'pw'}, {type: 'focus', field: 'company'}, {type: 'enter'});
		expect(state.submitted).toBe(true);
		expect(run(state, {type: 'edit', field: 'password', value: 'pw2'}).submitted).toBe(false);
	});

	it('a shown message goes away as soon as the field is right, and only then', () => {
		const shown = run(initialLoginState(empty), {type: 'focus', field: 'server'}, {type: 'enter'});
		expect(Object.keys(shown.errors)).toEqual(['company', 'username', 'password']);
		const typed = run(shown, {type: 'edit', field: 'username', value: 'a'});
		expect(Object.keys(typed.errors)).toEqual(['company', 'password']);
		// A server URL makes the company optional.
		expect(Object.keys(run(typed, {type: 'edit', field: 'server', value: 'https://acme.example'}).errors)).toEqual(['password']);
		// A problem that was not shown does not appear while typing elsewhere.
		expect(run(initialLoginState(empty), {type: 'edit', field: 'server', value: 'x'}).errors).toEqual({});
	});

	it('submits names trimmed and the password exactly as typed', () => {
		expect(loginPayload({platform: 'ccm', company: ' demo ', username: ' admin', password: ' pw ', server: ' '})).toEqual({platform: 'ccm', company: 'demo', username: 'admin', password: ' pw ', server: ''});
	});

	it('? is help everywhere but in the password', () => {
		expect(isHelpAllowed(initialLoginState(empty))).toBe(true);
		expect(isHelpAllowed(initialLoginState(remembered))).toBe(false);
	});
});

function props(overrides: Partial<LoginScreenProps> = {}): LoginScreenProps {
	return {initial: empty, busy: false, onSubmit: vi.fn(), onHelp: vi.fn(), isActive: true, ...overrides};
}

const focused = (frame: string) => frame.split('\n').find(line => line.startsWith('›')) ?? '';

describe('<LoginScreen>', () => {
	it('moves focus with Tab, Shift-Tab, ↓ and ↑', async () => {
		const screen = renderScreen(<LoginScreen {...props()} />);
		await screen.waitFor('› Company');
		await screen.press(keys.tab, '› User name');
		await screen.press(keys.down, '› Password');
		await screen.press(keys.shiftTab, '› User name');
		await screen.press(keys.up, '› Company');
		await screen.press(keys.up, '› Platform');
		// The wrap-around from the first field reaches the optional server URL, whose hint stays while it is empty.
		expect(focused(await screen.press(keys.up, '› Server URL'))).toContain('ptional');
	});

	it('submits exactly what was typed, the password masked on screen', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({onSubmit})} />);
		await screen.waitFor('› Company');
		await screen.press('demo', 'demo');
		await screen.press(keys.enter, '› User name');
		await screen.press('admin', 'admin');
		await screen.press(keys.tab, '› Password');
		const frame = await screen.press('Pa?ss', '*****');
		expect(frame).not.toContain('Pa?ss');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith({platform: 'ccm', company: 'demo', username: 'admin', password: 'Pa?ss', server: ''});
	});

	it('edits every field as readline does, the masked password too, even with all keys in one chunk', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({onSubmit})} />);
		await screen.waitFor('› Company');
		// "demo x", Ctrl-W cuts "x", Ctrl-H the space before it.
		await screen.press('demo x\u0017\u0008', frame => /^› Company\s+demo\s*$/m.test(frame));
		// Tab, "dmin", Ctrl-A, "a", Ctrl-E, " typo", Alt-Backspace, Backspace: "admin".
		await screen.press('\tdmin\u0001a\u0005 typo\u001B\u007F\u007F', frame => /^› User name\s+admin\s*$/m.test(frame));
		// Tab, a wrong password, Ctrl-U, the right one with a cursor move: Ctrl-B Ctrl-B, "?", Ctrl-F, Delete.
		await screen.press('\twrong\u0015Pass\u0002\u0002?\u0006\u001B[3~', frame => /^› Password\s+\*{4}\s*$/m.test(frame));
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith({platform: 'ccm', company: 'demo', username: 'admin', password: 'Pa?s', server: ''});
	});

	it('refuses an empty required field on the spot', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({onSubmit})} />);
		await screen.waitFor('› Company');
		const frame = await screen.press(keys.enter, 'Enter the company name');
		expect(focused(frame)).toContain('Company');
		await screen.press(keys.up, '› Platform');
		await screen.press(keys.up, '› Server URL');
		const all = await screen.press(keys.enter, 'Enter your password.');
		expect(all).toContain('Enter your user name.');
		expect(focused(all)).toContain('Company');
		expect(onSubmit).not.toHaveBeenCalled();
		// Typing the value takes its message away.
		expect(await screen.press('demo', frame => !frame.includes('Enter the company name'))).toContain('Enter your user name.');
	});

	it('? opens the help outside the password and is typed inside it', async () => {
		const onHelp = vi.fn();
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({initial: remembered, onHelp, onSubmit})} />);
		await screen.waitFor('› Password');
		await screen.press('?', '*');
		expect(onHelp).not.toHaveBeenCalled();
		await screen.press(keys.up, '› User name');
		await screen.press('?');
		await vi.waitFor(() => expect(onHelp).toHaveBeenCalledTimes(1));
		expect(screen.frame()).toContain('admin');
		expect(screen.frame()).not.toContain('admin?');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({platform: 'ccm', company: 'demo', username: 'admin', password: '?', server: ''}));
	});

	it('while busy shows a spinner and ignores keys', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({initial: remembered, busy: true, onSubmit})} />);
		await screen.waitFor('Logging in…');
		await screen.press('x');
		await screen.press(keys.enter);
		expect(screen.frame()).not.toContain('*');
		expect(onSubmit).not.toHaveBeenCalled();
	});

	it('shows the error under the form and keeps what was typed', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({initial: remembered, onSubmit})} />);
		await screen.waitFor('› Password');
		await screen.press('pw', '**');
		rerender(screen, <LoginScreen {...props({initial: remembered, onSubmit, busy: true})} />);
		await screen.waitFor('Logging in…');
		rerender(screen, <LoginScreen {...props({initial: remembered, onSubmit, error: 'The user name or password is wrong.'})} />);
		const frame = await screen.waitFor('✗ The user name or password is wrong.');
		expect(frame).toContain('demo');
		expect(frame).toContain('admin');
		expect(frame).toContain('**');
	});

	it('speaks Hungarian', async () => {
		const screen = renderScreen(<LoginScreen {...props()} />, {lang: 'hu'});
		const frame = await screen.waitFor('› Cégnév');
		expect(frame).toContain('Felhasználónév');
		expect(frame).toContain('Jelszó');
		expect(await screen.press(keys.enter, 'Adja meg a cégnevet')).toContain('Szerver címe');
	});

	it('fits 80 columns', async () => {
		const screen = sized(renderScreen(<LoginScreen {...props({error: 'The server cannot be reached: connect ECONNREFUSED 127.0.0.1:443 after three attempts over thirty seconds'})} />), 80, 24);
		const frame = await screen.waitFor(text => text.includes('ECONNREFUSED') && fits(80, 24)(text));
		// The long error wraps inside the screen's width instead of running past the edge.
		expect(frame).toMatch(/✗ The server cannot be reached: .*\n.*thirty seconds/);
	});
});

describe('the platform on the login screen', () => {
	it('follows the platform: which fields, in which order, which are required', () => {
		const twilio = run(initialLoginState(empty), {type: 'platform', platform: 'twilio'});
		expect(loginErrors({...twilio.values, password: ''})).toEqual({username: 'login.error.twilio.username', password: 'login.error.twilio.password'});
		expect(loginErrors({...twilio.values, username: 'ACx', password: 'p'})).toEqual({});
		expect(loginErrors({...twilio.values, username: 'admin', password: 'p'})).toEqual({username: 'login.error.twilio.sid'});
		// An API key needs the account it belongs to.
		expect(loginErrors({...twilio.values, username: 'SKx', password: 'p'})).toEqual({company: 'login.error.twilio.account'});
		expect(loginErrors({...twilio.values, username: 'SKx', company: 'ACy', password: 'p'})).toEqual({});
		const webex = run(initialLoginState(empty), {type: 'platform', platform: 'webex-cc'});
		expect(loginErrors({...webex.values, password: ''})).toEqual({username: 'login.error.webex.username', password: 'login.error.webex.password'});
		// Webex has no company: it is not submitted, and Tab never lands there.
		expect(loginPayload({...webex.values, company: 'demo', username: ' org ', password: 't'})).toEqual({platform: 'webex-cc', company: '', username: 'org', password: 't', server: ''});
		expect(run(webex, {type: 'focus', field: 'platform'}, {type: 'focus-next'}, {type: 'focus-next'}, {type: 'focus-next'}).focus).toBe('server');
	});

	it('starts on the platform remembered, its first empty field focused', () => {
		expect(initialLoginState({...empty, platform: 'twilio'})).toMatchObject({focus: 'username', values: {platform: 'twilio'}});
		expect(initialLoginState({...empty, platform: 'webex-cc', username: 'org'}).focus).toBe('password');
	});

	it('← → and Space choose the platform; the labels and the server\'s default follow it; the payload says which', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({onSubmit})} />);
		await screen.waitFor('› Company');
		let frame = await screen.press(keys.up, '› Platform');
		expect(frame).toMatch(/\(•\) ccdl's API/);
		frame = await screen.press(keys.right, '(•) Twilio');
		expect(frame).toContain('SID (AC… or API key SK…)');
		expect(frame).toContain('Auth Token / API key secret');
		expect(frame).toContain('Account SID (for an API key)');
		expect(frame).toContain('optional; empty = https://api.twilio.com');
		expect(frame).not.toContain('User name');
		frame = await screen.press(keys.space, '(•) Webex Contact Center');
		expect(frame).toContain('Organisation ID');
		expect(frame).toContain('Access token');
		expect(frame).toContain('optional; empty = https://webexapis.com');
		expect(frame).not.toContain('Company');
		frame = await screen.press(keys.right, "(•) ccdl's API");
		expect(frame).toContain('Company');
		await screen.press(keys.left, '(•) Webex Contact Center');
		await screen.press(keys.left, '(•) Twilio');
		// Tab goes to the platform's first field: for Twilio the SID.
		await screen.press(keys.tab, /^› SID \(AC… or API key SK…\)/m.test.bind(/^› SID \(AC… or API key SK…\)/m));
		await screen.press('AC0123', 'AC0123');
		await screen.press(keys.tab, '› Auth Token');
		await screen.press('tok', '***');
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith({platform: 'twilio', company: '', username: 'AC0123', password: 'tok', server: ''});
	});

	it('keys typed in one chunk land where they should: ↑ → ⇥ SID ⇥ token ⏎', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({onSubmit})} />);
		await screen.waitFor('› Company');
		// Up to the platform, two to the right (Webex), Tab, the org ID, Tab, the token, Enter: all in one write.
		screen.stdin.write(`${keys.up}${keys.right}${keys.right}${keys.tab}org-1${keys.tab}secret?${keys.enter}`);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
		expect(onSubmit).toHaveBeenCalledWith({platform: 'webex-cc', company: '', username: 'org-1', password: 'secret?', server: ''});
	});

	it('an API key without its account is refused under the account field', async () => {
		const onSubmit = vi.fn();
		const screen = renderScreen(<LoginScreen {...props({initial: {...empty, platform: 'twilio'}, onSubmit})} />);
		await screen.waitFor(/^› SID \(AC… or API key SK…\)/m.test.bind(/^› SID \(AC… or API key SK…\)/m));
		screen.stdin.write(`SK1${keys.tab}pw${keys.tab}${keys.enter}`);
		// Wrapped at words, it may break anywhere between them.
		const frame = await screen.waitFor(text => text.replaceAll(/\s+/g, ' ').includes('Twilio console, Account Info'));
		expect(focused(frame)).toContain('Account SID (for an API key)');
		expect(onSubmit).not.toHaveBeenCalled();
		await screen.press('AC9', frame => !frame.includes('Account Info'));
		await screen.press(keys.enter);
		await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({platform: 'twilio', company: 'AC9', username: 'SK1', password: 'pw', server: ''}));
	});

	it('speaks Hungarian on every platform', async () => {
		const screen = renderScreen(<LoginScreen {...props({initial: {...empty, platform: 'twilio'}})} />, {lang: 'hu'});
		let frame = await screen.waitFor('SID (AC… vagy API-kulcs SK…)');
		expect(frame).toContain('Auth Token / API-kulcs titka');
		expect(frame).toContain('nem kötelező; üresen https://api.twilio.com');
		frame = await screen.press(keys.enter, 'Adja meg a fiók SID-jét');
		await screen.press(keys.up, '› Platform');
		frame = await screen.press(keys.right, 'Szervezet azonosítója');
		expect(frame).toContain('Hozzáférési token');
		frame = await screen.press(keys.right, 'Cégnév');
		expect(frame).toContain('(•) ccdl API');
	});

	it('fits 80 columns with Twilio\'s long labels', async () => {
		const screen = sized(renderScreen(<LoginScreen {...props({initial: {...empty, platform: 'twilio'}})} />), 80, 24);
		const frame = await screen.waitFor(text => text.includes('Account SID (for an API key)') && fits(80, 24)(text));
		expect(frame).toContain('SID (AC… or API key SK…)');
	});
});

describe('login messages', () => {
	it('have the same keys in English and Hungarian, including the help', () => {
		expect(Object.keys(login.hu).sort()).toEqual(Object.keys(login.en).sort());
		expect(login.en['help.login']).toBeTruthy();
	});
});

describe('switching platforms on the login screen', () => {
	it('keeps what was typed with its platform: another platform never gets this one\'s server or secret', () => {
		let state = initialLoginState({platform: 'ccm', company: 'demo', username: 'admin', server: 'https://cc.example.com'});
		state = loginReducer(state, {type: 'edit', field: 'password', value: 'ccm-secret'});
		expect(state.values.password).toBe('ccm-secret');
		state = loginReducer(state, {type: 'platform', platform: 'twilio'});
		expect(state.values).toEqual({platform: 'twilio', company: '', username: '', password: '', server: ''});
		state = loginReducer(state, {type: 'platform', platform: 'ccm'});
		expect(state.values).toEqual({platform: 'ccm', company: 'demo', username: 'admin', password: 'ccm-secret', server: 'https://cc.example.com'});
	});

	it('keeps a server given on the command line for whichever platform is chosen (a remembered one stays with its platform)', () => {
		let state = initialLoginState({platform: 'ccm', company: 'demo', username: 'admin', server: 'http://127.0.0.1:4000', serverGiven: true});
		state = loginReducer(state, {type: 'platform', platform: 'twilio'});
		expect(state.values).toMatchObject({platform: 'twilio', server: 'http://127.0.0.1:4000', password: '', username: ''});
	});
});

describe('<LoginScreen> at 80×24: nothing cut mid-word', () => {
	it('the intro and the keys wrap at words, every platform\'s option and hint reads whole, in both languages', async () => {
		const expected = {
			en: {keys: 'in the password ? is typed, not help', hint: 'only with an API key: the account\'s AC…', server: 'optional; empty = https://api.twilio.com', intro: 'an API key SID and its secret.'},
			hu: {keys: 'a jelszóba a ? beíródik, nem súgó', hint: 'csak API-kulccsal: a fiók AC… azonosítója', server: 'nem kötelező; üresen https://api.twilio.com', intro: 'egy API-kulcs SID-jével és titkával.'},
		} as const;
		for (const lang of ['en', 'hu'] as const) {
			for (const platform of ['ccm', 'twilio', 'webex-cc']) {
				const screen = renderScreen(<LoginScreen {...props({initial: {...empty, platform}})} />, {lang});
				Object.defineProperty(screen.stdout, 'columns', {value: 80, configurable: true});
				Object.defineProperty(screen.stdout, 'rows', {value: 24, configurable: true});
				screen.stdout.emit('resize');
				// Once resized to 80 columns the keys take two lines, the second starting where the first could not go on.
				const frame = await screen.waitFor(text => text.split('\n').some(line => line.startsWith(expected[lang].keys)));
				const flat = frame.replaceAll(/\s+/g, ' ');
				// No line cut with an ellipsis (an AC… in a text is the text's own), none wider than the terminal.
				expect(frame.split('\n').filter(line => /\S…$/.test(line) && !line.endsWith('AC…')), frame).toEqual([]);
				expect(frame.split('\n').every(line => [...line].length <= 80), frame).toBe(true);
				expect(frame).toContain('Webex Contact Center');
				if (platform === 'twilio') {
					expect(frame).toContain(expected[lang].hint);
					expect(frame).toContain(expected[lang].server);
					expect(flat).toContain(expected[lang].intro);
				}

				screen.unmount();
			}
		}
	});
});
