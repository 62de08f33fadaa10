/**
 * Folder paths as people type them: `~` and `~user` expanded as a shell does (the app has no shell in front of it),
 * a literal `~` refused where a shell should have expanded it (a quoted `--out '~/x'`), Tab completion of folders,
 * and the check of a download folder where it is typed.
 */
import {constants, readdirSync, readFileSync, statSync} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';

/** The home folder of `user` from the password database, or undefined for an unknown user. */
export function homeOf(user: string, passwd = '/etc/passwd'): string | undefined {
	try {
		if (user === os.userInfo().username) {
			return os.homedir();
		}
	} catch {
		// No entry for the current uid (a container's random uid): the file below may still know the name.
	}

	try {
		for (const line of readFileSync(passwd, 'utf8').split('\n')) {
			const fields = line.split(':');
			if (fields[0] === user && fields.length >= 7 && fields[5]) {
				return fields[5];
			}
		}
	} catch {
		// No readable password file (not Unix): an unknown user.
	}

	return undefined;
}

const tildePrefix = /^~([^/]*)(?=\/|$)/;

/**
 * `~` → the home folder, `~/x` → home/x, `~bob/x` → bob's home/x; anything else, and `~nobody` for a user that does
 * not exist, as it is (a shell leaves those alone too).
 */
export function expandHome(value: string, options: {home?: string; homeOf?: (user: string) => string | undefined} = {}): string {
	const match = tildePrefix.exec(value);
	if (!match) {
		return value;
	}

	const user = match[1]!;
	const home = user === '' ? options.home ?? os.homedir() : (options.homeOf ?? homeOf)(user);
	return home === undefined ? value : home.replace(/\/+$/, '') + value.slice(match[0].length) || '/';
}

/**
 * Headless input: a path starting with `~` reached ccdl unexpanded (it was quoted), and would become a folder named
 * `~`. A shell expands only a leading `~`, so one further in (`x/~/y`) is a name like any other. Returns `value` when
 * it has none; otherwise a usage error naming `flag` and the path the user likely meant.
 */
export function refuseLiteralTilde(value: string, flag: string): string {
	if (!value.startsWith('~')) {
		return value;
	}

	const meant = expandHome(value);
	const hint = meant === value ? '' : {key: 'cli.part.hint.full-path', params: {flag, path: meant}};
	throw new UsageError(...phrased('cli.error.literal-tilde', {flag, value, hint}));
}

/**
 * A local destination folder as typed after `flag` (headless: `--out`, `search save --out`), resolved: an empty value
 * would quietly mean the current folder (an unset $DEST in a cron line), and a literal `~` a folder named `~`; both are
 * refused.
 */
export function localDestination(value: string, flag: string): string {
	if (value.trim() === '') {
		throw new UsageError(...phrased('cli.error.empty-folder', {flag}));
	}

	return path.resolve(refuseLiteralTilde(value, flag));
}

export interface Completion {
	/** The value after Tab: the common start of every match (with `/` when exactly one folder matched). */
	readonly value: string;
	/** Every matching folder name (with a trailing `/`), sorted, for a second Tab to show; empty when none matched. */
	readonly candidates: readonly string[];
}

function isFolder(folder: string, entry: {name: string; isDirectory(): boolean; isSymbolicLink(): boolean}): boolean {
	if (entry.isDirectory()) {
		return true;
	}

	if (!entry.isSymbolicLink()) {
		return false;
	}

	try {
		return statSync(path.join(folder, entry.name)).isDirectory();
	} catch {
		return false;
	}
}

function commonStart(names: readonly string[]): string {
	let prefix = names[0] ?? '';
	for (const name of names.slice(1)) {
		let length = 0;
		while (length < prefix.length && length < name.length && prefix[length] === name[length]) {
			length++;
		}

		prefix = prefix.slice(0, length);
	}

	return prefix;
}

/**
 * Tab in a folder field, as bash completes a directory: the folders in the typed path's folder whose names start
 * with its last part; one match is completed with a `/`, several to their common start. The typed text is kept as
 * typed (a `~` stays a `~`); relative paths are read from `cwd`; hidden folders only when the last part starts
 * with a dot. Synchronous, because keys typed after the Tab must find its result in the field.
 */
export function completeFolder(value: string, options: {cwd?: string; home?: string} = {}): Completion {
	const slash = value.lastIndexOf('/');
	const typedFolder = slash === -1 ? '' : value.slice(0, slash + 1);
	const start = value.slice(slash + 1);
	if (slash === -1 && start.startsWith('~') && !start.includes('/')) {
		// `~` or `~bo`: bash completes user names here; the user's own home is the one that matters.
		const home = expandHome(start, options.home === undefined ? {} : {home: options.home});
		return home === start ? {value, candidates: []} : {value: `${start}/`, candidates: []};
	}

	const expanded = expandHome(typedFolder || '.', options.home === undefined ? {} : {home: options.home});
	const folder = path.resolve(options.cwd ?? process.cwd(), expanded);
	let names: string[];
	try {
		names = readdirSync(folder, {withFileTypes: true})
			.filter(entry => entry.name.startsWith(start) && (start.startsWith('.') || !entry.name.startsWith('.')) && isFolder(folder, entry))
			.map(entry => entry.name)
			.sort();
	} catch {
		return {value, candidates: []};
	}

	if (names.length === 0) {
		return {value, candidates: []};
	}

	if (names.length === 1) {
		return {value: `${typedFolder}${names[0]!}/`, candidates: [`${names[0]!}/`]};
	}

	return {value: typedFolder + commonStart(names), candidates: names.map(name => `${name}/`)};
}

export type FolderProblem =
	| {readonly kind: 'not-folder'; readonly path: string}
	| {readonly kind: 'not-writable'; readonly path: string}
	/** `~name` of a user this machine does not know: it would become a folder named `~name`. */
	| {readonly kind: 'unknown-user'; readonly path: string};

/**
 * Whether files can be written into `folder` (home expanded, relative to `cwd`): an existing folder must be writable;
 * a missing one is created later, so the nearest existing folder above it must be. Undefined when all is well.
 */
export async function checkFolder(folder: string, options: {cwd?: string} = {}): Promise<FolderProblem | undefined> {
	const typed = folder.trim();
	const tilde = tildePrefix.exec(typed);
	if (tilde && expandHome(typed) === typed) {
		return {kind: 'unknown-user', path: tilde[0]};
	}

	let at = path.resolve(options.cwd ?? process.cwd(), expandHome(typed));
	for (;;) {
		let info;
		try {
			info = await stat(at);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			const parent = path.dirname(at);
			// ENOTDIR: a file is in the way further up; going up finds it and names it.
			if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== at) {
				at = parent;
				continue;
			}

			return {kind: 'not-writable', path: at};
		}

		if (!info.isDirectory()) {
			return {kind: 'not-folder', path: at};
		}

		try {
			await access(at, constants.W_OK | constants.X_OK);
			return undefined;
		} catch {
			return {kind: 'not-writable', path: at};
		}
	}
}
