/**
 * Credentials for unattended runs: a file readable only by its owner (mode 0600 or stricter, checked) holding
 * either a `CCDL_PASSWORD=...` line or just the password. The password never goes into a crontab line, a unit
 * file or ccdl's config; only the file's path does.
 */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {UsageError} from '../errors.js';

/** Refused credentials file. Exit code 2. */
export class CredentialsError extends UsageError {
	constructor(message: string) {
		super(message);
		this.name = 'CredentialsError';
	}
}

/** Checks that `file` is a regular file of this user that nobody else may read or write; returns its absolute path. */
export async function checkCredentialsFile(file: string): Promise<string> {
	const absolute = path.resolve(file);
	let info;
	try {
		info = await stat(absolute);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			throw new CredentialsError(`The credentials file ${absolute} does not exist; put the password in it (alone, or as CCDL_PASSWORD=...) and make it private with "chmod 600 ${absolute}".`);
		}

		throw new CredentialsError(`Cannot read the credentials file ${absolute} (${code ?? (error as Error).message}).`);
	}

	if (!info.isFile()) {
		throw new CredentialsError(`The credentials file ${absolute} is not a regular file.`);
	}

	const mode = info.mode & 0o777;
	if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
		throw new CredentialsError(`The credentials file ${absolute} can be read or changed by others (mode ${mode.toString(8).padStart(4, '0')}); make it private with "chmod 600 ${absolute}" and try again.`);
	}

	const uid = process.getuid?.();
	if (uid !== undefined && info.uid !== uid) {
		throw new CredentialsError(`The credentials file ${absolute} belongs to another user (uid ${info.uid}); it must be your own file, mode 600.`);
	}

	return absolute;
}

/** The password in a credentials file's text: the value of a CCDL_PASSWORD= line, else the first line. */
export function passwordFromText(text: string): string | undefined {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	for (const line of lines) {
		const match = /^\s*(?:export\s+)?CCDL_PASSWORD=(.*)$/.exec(line);
		if (match) {
			const value = match[1]!;
			const quoted = /^(["'])(.*)\1\s*$/.exec(value);
			return quoted ? quoted[2]! : value.replace(/\s+$/, '');
		}
	}

	const first = lines[0];
	return first === undefined || first === '' ? undefined : first;
}

/** Names a credentials file may set besides the password: the secrets of a platform's token renewal. */
export const credentialNames = ['CCDL_WEBEX_REFRESH_TOKEN', 'CCDL_WEBEX_CLIENT_ID', 'CCDL_WEBEX_CLIENT_SECRET'] as const;

/** The `NAME=value` lines of a credentials file for the names above. */
export function secretsFromText(text: string): Record<string, string> {
	const secrets: Record<string, string> = {};
	for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line);
		if (match && (credentialNames as readonly string[]).includes(match[1]!)) {
			const quoted = /^(["'])(.*)\1\s*$/.exec(match[2]!);
			secrets[match[1]!] = quoted ? quoted[2]! : match[2]!.replace(/\s+$/, '');
		}
	}

	return secrets;
}

/** Checks the file (mode 0600, owner) and reads the password, and any renewal secrets, from it. */
export async function readCredentialsFile(file: string): Promise<{password: string | undefined; secrets: Record<string, string>; absolute: string}> {
	const absolute = await checkCredentialsFile(file);
	let text: string;
	try {
		text = await readFile(absolute, 'utf8');
	} catch (error) {
		throw new CredentialsError(`Cannot read the credentials file ${absolute} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
	}

	const secrets = secretsFromText(text);
	// A file of renewal secrets alone has no password; its first line is then one of them, not a password.
	const password = Object.keys(secrets).length > 0 && !/^\s*(?:export\s+)?CCDL_PASSWORD=/m.test(text) ? undefined : passwordFromText(text);
	return {password, secrets, absolute};
}

/**
 * What an unattended run logs in with, from a credentials file (mode 0600, owner): the password, or renewal secrets
 * standing in for it (Webex); a file with neither is refused.
 */
export async function readRunCredentials(file: string): Promise<{secret: string; secrets: Record<string, string>}> {
	const {password, secrets, absolute} = await readCredentialsFile(file);
	if (!password && Object.keys(secrets).length === 0) {
		throw noPassword(absolute);
	}

	return {secret: password ?? '', secrets};
}

/** Checks the file (mode 0600, owner) and reads the password from it. */
export async function readCredentials(file: string): Promise<string> {
	const {password, absolute} = await readCredentialsFile(file);
	if (!password) {
		throw noPassword(absolute);
	}

	return password;
}

function noPassword(absolute: string): CredentialsError {
	return new CredentialsError(`The credentials file ${absolute} holds no password; write the password on its first line, or a line CCDL_PASSWORD=....`);
}
