/**
 * Small JSON files in ccdl's config folder (searches.json, schedules.json, limits.json): each has a `version`; it is
 * replaced atomically (a private temporary file beside it, flushed, then renamed), so a crash never leaves half a
 * file; a damaged file, or one written by a newer ccdl, is one sentence naming the file and is never overwritten.
 */
import {randomBytes} from 'node:crypto';
import {mkdir, open, readFile, rename, rm} from 'node:fs/promises';
import path from 'node:path';
import {CcdlError, exitCodes, FilesystemError} from '../errors.js';

/** A config file that cannot be used as it is. Exit code 2: the user fixes or moves the file. */
export class ConfigFileError extends CcdlError {
	constructor(code: string, message: string) {
		super(code, message, exitCodes.usage);
		this.name = 'ConfigFileError';
	}
}

/**
 * Reads `file` as a JSON object with a version no newer than `version`; undefined when it does not exist.
 * `what` names the file's content for messages ("saved searches").
 */
export async function readConfigFile(file: string, version: number, what: string): Promise<Record<string, unknown> | undefined> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw new FilesystemError('config-unreadable', `Cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions.`);
	}

	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		throw damaged(file, what, `not JSON: ${(error as Error).message.split('\n')[0]!.slice(0, 80)}`);
	}

	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		throw damaged(file, what, 'not a JSON object');
	}

	const stored = data as Record<string, unknown>;
	const found = stored['version'];
	if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
		throw damaged(file, what, 'no version');
	}

	if (found > version) {
		throw new ConfigFileError('config-newer', `The ${what} file ${file} was written by a newer ccdl (format ${found}; this one reads ${version}); update ccdl to use it.`);
	}

	return stored;
}

export function damaged(file: string, what: string, detail: string): ConfigFileError {
	return new ConfigFileError('config-corrupt', `The ${what} file ${file} is damaged (${detail}); fix it, or move it away to start again without them.`);
}

/** Replaces `file` with `data` as JSON, atomically; the file is readable only by the user. */
export async function writeConfigFile(file: string, data: unknown): Promise<void> {
	const folder = path.dirname(file);
	const temporary = path.join(folder, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		await mkdir(folder, {recursive: true, mode: 0o700});
		const handle = await open(temporary, 'wx', 0o600);
		try {
			await handle.writeFile(`${JSON.stringify(data, null, '\t')}\n`, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}

		await rename(temporary, file);
	} catch (error) {
		await rm(temporary, {force: true}).catch(() => {});
		if (error instanceof CcdlError) {
			throw error;
		}

		throw new FilesystemError('config-unwritable', `Cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the folder's permissions or set CCDL_CONFIG_DIR.`);
	}
}
