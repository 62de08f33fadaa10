/**
 * End-to-end tests in a real pseudo-terminal: a tmux server of its own (a unique `-L` socket, so tests never meet
 * each other or a user's tmux) runs one command in a window of a given size, with a clean environment. Keys are
 * sent one `send-keys` call at a time, the pane is read with `capture-pane`, and the tests wait for what they
 * expect (polling, never a fixed sleep). The command's exit status is written to a file when it ends.
 *
 * Why keys go one by one and are best followed by waiting for their effect: Ink reads the terminal in chunks and
 * treats a chunk of several characters as typed text, so a Tab or Enter that arrives in the same chunk as other
 * keys is not seen as a key at all. `press(key, expected)` sends a key and waits until the screen shows its effect,
 * so the next key can never share its chunk. And a key that arrives just as a screen appears may find no input
 * handler yet (Ink attaches them in an effect after drawing): `press(…, {resend})` sends it again when it had no
 * effect at all.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';

/** What a screen is expected to show: text it contains, a pattern it matches, or any test of its text. */
export type Expectation = string | RegExp | ((screen: string) => boolean);

export interface CaptureOptions {
	/** Keep the escape sequences (colours, bold) in the text: `capture-pane -e`. @default false */
	escapes?: boolean;
	/** Join lines the terminal wrapped, keeping trailing spaces: `capture-pane -J`. @default false */
	join?: boolean;
	/** Include what scrolled off the top (the scroll-back): `capture-pane -S -`. @default false */
	history?: boolean;
}

export interface WaitOptions extends CaptureOptions {
	/** @default 15_000 */
	timeoutMs?: number;
}

export interface PressOptions extends WaitOptions {
	/**
	 * Send again when nothing happened: `true` for keys that are harmless twice (Ctrl-A, Backspace on an empty
	 * field), or what the screen shows while the key has had no effect (then it is sent again only while the screen
	 * still shows that). A key that arrives just as a new screen appears can be lost: Ink attaches a screen's input
	 * handlers in an effect that runs after the screen is drawn. @default false
	 */
	resend?: true | Expectation;
	/** How long to wait for `expected` before sending again. @default 1_000 */
	resendAfterMs?: number;
}

export interface TmuxOptions {
	/** The program and its arguments (run directly, not through a shell). */
	command: readonly string[];
	/** Added to a clean environment (PATH, HOME = a temporary folder, LANG=C.UTF-8, TZ=UTC, TERM from tmux). */
	env?: Record<string, string | undefined>;
	cwd?: string;
	/** @default 80 */
	columns?: number;
	/** @default 24 */
	rows?: number;
	/**
	 * Record every byte the command writes to the terminal (`pipe-pane`), escape sequences and all, for `raw()`. The
	 * command starts only once the recording runs, so its first bytes are in it. @default false
	 */
	record?: boolean;
}

export interface TmuxSession {
	/** The `-L` socket name. */
	readonly socket: string;
	/** A temporary folder of this session (also HOME inside it); removed by kill(). */
	readonly dir: string;
	/** Sends each key with its own `send-keys` call (tmux key names: Enter, Tab, BTab, Escape, C-c, Left, BSpace…). */
	send(...keys: string[]): Promise<void>;
	/** Sends `key` `count` times in one call (repeated BSpace bytes are split back into keys by Ink). */
	repeat(key: string, count: number): Promise<void>;
	/** Types text literally (`send-keys -l`), in one call: Ink reads it as one piece of typed text. */
	type(text: string): Promise<void>;
	/**
	 * Sends several keys (tmux key names, or literal text after `-l`) in ONE `send-keys` call, so they reach the
	 * program in one read, as fast typing does over SSH: `burst('Tab', 'Tab', 'Right', 'Space')`.
	 */
	burst(...keys: string[]): Promise<void>;
	/** Sends one key, then waits until the screen shows `expected` (sending again if `resend` says so); returns that screen. */
	press(key: string, expected: Expectation, options?: PressOptions): Promise<string>;
	/** Runs `send`, then waits until the screen shows `expected`, running `send` again as `options.resend` says. */
	until(send: () => Promise<void>, expected: Expectation, options?: PressOptions): Promise<string>;
	/** Everything the command wrote to the terminal so far, as bytes decoded as Latin-1 (one char per byte); needs `record`. */
	raw(): Promise<string>;
	/** The pane as text, one line per row (trailing spaces trimmed unless `join`). */
	capture(options?: CaptureOptions): Promise<string>;
	/** Waits until the pane shows `expected`; throws with the last screen when the time is up. */
	waitFor(expected: Expectation, options?: WaitOptions): Promise<string>;
	/** Resizes the window (the program gets SIGWINCH). */
	resize(columns: number, rows: number): Promise<void>;
	/** The command's exit status once it has ended; throws when it is still running after `timeoutMs`. */
	exitCode(timeoutMs?: number): Promise<number>;
	/** The exit status if the command has ended, else undefined. */
	peekExitCode(): Promise<number | undefined>;
	/** Kills the tmux server (and so the command) and removes the temporary folder. Safe to call twice. */
	kill(): Promise<void>;
}

const pollMs = 40;
/** Between two keys sent by one `send()` call, so that Ink reads them as separate chunks when it keeps up. */
const keyGapMs = 30;

const live = new Set<TmuxSession>();

function quote(text: string): string {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

function describe(expected: Expectation): string {
	return typeof expected === 'function' ? expected.toString() : String(expected);
}

function matches(screen: string, expected: Expectation): boolean {
	if (typeof expected === 'string') {
		return screen.includes(expected);
	}

	if (expected instanceof RegExp) {
		expected.lastIndex = 0;
		return expected.test(screen);
	}

	return expected(screen);
}

async function tmux(socket: string, args: readonly string[]): Promise<string> {
	return await new Promise((resolve, reject) => {
		execFile('tmux', ['-L', socket, ...args], {encoding: 'utf8', env: {...process.env, LANG: 'C.UTF-8'}, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			if (error) {
				reject(new Error(`tmux ${args.join(' ')}: ${stderr.trim() || error.message}`));
			} else {
				resolve(stdout);
			}
		});
	});
}

/** Columns a line takes on the terminal: code points, without combining marks (the app's text has no wide characters). */
export function displayWidth(line: string): number {
	return [...line.replace(/\p{M}/gu, '')].length;
}

/** Starts `command` in a new tmux server of its own, in a window of `columns` × `rows`. */
export async function startTmux(options: TmuxOptions): Promise<TmuxSession> {
	const socket = `ccdl-e2e-${randomBytes(6).toString('hex')}`;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'ccdl-e2e-tmux-'));
	const exitFile = path.join(dir, 'exit-code');
	const config = path.join(dir, 'tmux.conf');
	const script = path.join(dir, 'run.sh');
	const recording = path.join(dir, 'output.raw');
	const go = path.join(dir, 'go');
	const env: Record<string, string> = {
		PATH: process.env['PATH'] ?? '/usr/bin:/bin',
		HOME: dir,
		LANG: 'C.UTF-8',
		TZ: 'UTC',
	};
	for (const [name, value] of Object.entries(options.env ?? {})) {
		if (value === undefined) {
			delete env[name];
		} else {
			env[name] = value;
		}
	}

	// The command sees only this environment (plus TERM, which tmux sets); its status goes to a file when it ends.
	const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`).join(' ');
	await writeFile(script, [
		'#!/bin/sh',
		`cd ${quote(options.cwd ?? process.cwd())} || exit 99`,
		...options.record ? [`while [ ! -e ${quote(go)} ]; do sleep 0.02; done`] : [],
		`env -i TERM="$TERM" ${assignments} ${options.command.map(quote).join(' ')}`,
		`echo $? > ${quote(`${exitFile}.tmp`)}`,
		`mv ${quote(`${exitFile}.tmp`)} ${quote(exitFile)}`,
		'',
	].join('\n'));
	await chmod(script, 0o755);
	// No status line (the pane is the whole window); the pane stays readable after the command ends.
	await writeFile(config, 'set -g status off\nset -g remain-on-exit on\n');

	let killed = false;
	/** Where tmux put the `-L` socket (it stays behind after kill-server, so kill() removes it). */
	let socketPath: string | undefined;
	const session: TmuxSession = {
		socket,
		dir,
		async send(...keys) {
			for (const [index, key] of keys.entries()) {
				if (index > 0) {
					await delay(keyGapMs);
				}

				await tmux(socket, ['send-keys', '-t', 'ccdl', '--', key]);
			}
		},
		async repeat(key, count) {
			await tmux(socket, ['send-keys', '-t', 'ccdl', '-N', String(count), '--', key]);
		},
		async type(text) {
			await tmux(socket, ['send-keys', '-t', 'ccdl', '-l', '--', text]);
		},
		async burst(...keys) {
			await tmux(socket, ['send-keys', '-t', 'ccdl', '--', ...keys]);
		},
		async press(key, expected, pressOptions) {
			return session.until(async () => session.send(key), expected, pressOptions);
		},
		async until(send, expected, pressOptions = {}) {
			const {resend, resendAfterMs = 1000, ...waitOptions} = pressOptions;
			const deadline = Date.now() + (waitOptions.timeoutMs ?? 15_000);
			await send();
			if (resend === undefined) {
				return session.waitFor(expected, waitOptions);
			}

			for (;;) {
				const left = deadline - Date.now();
				try {
					return await session.waitFor(expected, {...waitOptions, timeoutMs: Math.min(left, resendAfterMs)});
				} catch (error) {
					if (left <= resendAfterMs) {
						throw error;
					}
				}

				if (resend !== true && !matches(await session.capture(waitOptions), resend)) {
					// Something happened, just not yet all: no second key, wait for the rest.
					return session.waitFor(expected, {...waitOptions, timeoutMs: Math.max(0, deadline - Date.now())});
				}

				await send();
			}
		},
		async raw() {
			return existsSync(recording) ? (await readFile(recording)).toString('latin1') : '';
		},
		async capture(captureOptions = {}) {
			const flags = ['-p', ...captureOptions.escapes ? ['-e'] : [], ...captureOptions.join ? ['-J'] : [], ...captureOptions.history ? ['-S', '-'] : []];
			const text = await tmux(socket, ['capture-pane', ...flags, '-t', 'ccdl']);
			return text.replace(/\n$/, '');
		},
		async waitFor(expected, waitOptions = {}) {
			const deadline = Date.now() + (waitOptions.timeoutMs ?? 15_000);
			let screen = '';
			for (;;) {
				screen = await session.capture(waitOptions);
				if (matches(screen, expected)) {
					return screen;
				}

				if (Date.now() > deadline) {
					const code = await session.peekExitCode();
					throw new Error(`timed out waiting for the screen to show ${describe(expected)}${code === undefined ? '' : ` (the command exited with ${code})`}; the screen:\n${screen}`);
				}

				await delay(pollMs);
			}
		},
		async resize(columns, rows) {
			await tmux(socket, ['resize-window', '-t', 'ccdl', '-x', String(columns), '-y', String(rows)]);
		},
		async peekExitCode() {
			if (!existsSync(exitFile)) {
				return undefined;
			}

			return Number((await readFile(exitFile, 'utf8')).trim());
		},
		async exitCode(timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const code = await session.peekExitCode();
				if (code !== undefined) {
					return code;
				}

				if (Date.now() > deadline) {
					throw new Error(`the command did not exit within ${timeoutMs} ms; the screen:\n${await session.capture().catch(() => '')}`);
				}

				await delay(pollMs);
			}
		},
		async kill() {
			live.delete(session);
			if (killed) {
				return;
			}

			killed = true;
			await tmux(socket, ['kill-server']).catch(() => {});
			await rm(dir, {recursive: true, force: true});
			if (socketPath?.includes(socket)) {
				await rm(socketPath, {force: true});
			}
		},
	};
	live.add(session);
	try {
		await tmux(socket, ['-f', config, '-u', 'new-session', '-d', '-s', 'ccdl', '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), script]);
		socketPath = (await tmux(socket, ['display-message', '-p', '#{socket_path}'])).trim();
		if (options.record) {
			await tmux(socket, ['pipe-pane', '-t', 'ccdl', '-o', `cat >> ${quote(recording)}`]);
			await writeFile(go, '');
		}
	} catch (error) {
		await session.kill();
		throw error;
	}

	return session;
}

/** Kills every session still running (for afterAll / afterEach, whatever a test left behind). */
export async function killAllTmux(): Promise<void> {
	await Promise.all([...live].map(async session => session.kill()));
}
