/**
 * Helpers every remote sink shares: a private local staging folder per destination, and the checks on the
 * '/'-separated relative paths the engine hands over. (Shared by the S3 and SFTP sinks; it could move up to
 * `sinks/` when a third remote kind arrives.)
 */
import {createHash} from 'node:crypto';
import {chmod, mkdir} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {FilesystemError} from '../../errors.js';

/**
 * `$XDG_CACHE_HOME/ccdl/staging/<hash>` (or `~/.cache/…`): one folder per destination, so partial downloads of two
 * destinations never meet and a rerun to the same destination finds its partials again. Owner-only: recordings are
 * personal data.
 */
export function remoteStagingDir(location: string, env: NodeJS.ProcessEnv = process.env): string {
	const cache = env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
	const hash = createHash('sha256').update(location).digest('hex').slice(0, 24);
	return path.join(cache, 'ccdl', 'staging', hash);
}

export async function makePrivateFolder(folder: string): Promise<void> {
	try {
		await mkdir(folder, {recursive: true, mode: 0o700});
		// mkdir's mode is filtered by the umask and ignored for a folder that already existed.
		await chmod(folder, 0o700);
	} catch (error) {
		throw new FilesystemError('staging-unwritable', `Cannot create the staging folder ${folder}; set XDG_CACHE_HOME to a writable folder.`, {cause: error});
	}
}

/** Splits a relative path into its segments, refusing anything that could climb out of the destination. */
export function safeSegments(relativePath: string, destination: string): string[] {
	const segments = relativePath.split('/').filter(Boolean);
	if (segments.some(segment => segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0'))) {
		throw new FilesystemError('unsafe-name', `Refusing a path that leaves ${destination}: ${JSON.stringify(relativePath)}.`);
	}

	return segments;
}
