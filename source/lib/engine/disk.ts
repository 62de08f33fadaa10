/** Checks on the output folder and the files in it, shared by planning, transfer and verify. */
import {createHash, type Hash} from 'node:crypto';
import {type Stats, statSync} from 'node:fs';
import {access, constants, mkdir, open, rm, stat, statfs, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {FilesystemError, type Phrase} from '../errors.js';
import {phrased} from '../i18n/index.js';

/**
 * Read buffers of `hashInto`, handed back after each file: every downloaded file is hashed again from the disk, and
 * a fresh 256 kB buffer per file (25,000 of them in a long run) left the C heap fragmented, ~10 MB of it for good.
 * As many as files hashed at once (the concurrency), at most `spareBuffers` kept.
 */
const spare: Buffer[] = [];
const spareBuffers = 16;

/** Feeds a file's bytes into `hash` through a reused buffer (streams would allocate a chunk per read). */
export async function hashInto(file: string, hash: Hash): Promise<void> {
	const handle = await open(file, 'r');
	const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(256 * 1024);
	try {
		for (;;) {
			const {bytesRead} = await handle.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) {
				return;
			}

			hash.update(buffer.subarray(0, bytesRead));
		}
	} finally {
		if (spare.length < spareBuffers) {
			spare.push(buffer);
		}

		await handle.close();
	}
}

/** SHA-256 (hex) of a file. */
export async function hashFile(file: string): Promise<string> {
	const hash = createHash('sha256');
	await hashInto(file, hash);
	return hash.digest('hex');
}

/**
 * What is at `file` now, or undefined (nothing there, or it cannot be looked at). Synchronous: a stat is a few
 * microseconds, less than a round trip through the thread pool costs the main thread, on paths taken for every file.
 */
export function statNow(file: string): Stats | undefined {
	try {
		return statSync(file, {throwIfNoEntry: false});
	} catch {
		return undefined;
	}
}

export async function fileSize(file: string): Promise<number | undefined> {
	try {
		const info = await stat(file);
		return info.isFile() ? info.size : undefined;
	} catch {
		return undefined;
	}
}

export async function exists(file: string): Promise<boolean> {
	try {
		await stat(file);
		return true;
	} catch {
		return false;
	}
}

/**
 * Creates a folder and its missing parents one level at a time. Not `mkdir -p`: Node's recursive mkdir spins
 * forever on procfs (`--out /proc/x`).
 */
export async function makeFolder(folder: string, mode = 0o700): Promise<void> {
	const missing: string[] = [];
	let current = path.resolve(folder);
	while (!(await exists(current))) {
		missing.unshift(current);
		const parent = path.dirname(current);
		if (parent === current) {
			break;
		}

		current = parent;
	}

	for (const part of missing) {
		try {
			await mkdir(part, {mode});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}
	}
}

/** The folder itself, or its nearest existing parent (where it would be created). */
export async function nearestExisting(folder: string): Promise<string> {
	let current = path.resolve(folder);
	while (!(await exists(current)) && path.dirname(current) !== current) {
		current = path.dirname(current);
	}

	return current;
}

/** Why a folder met before a run cannot be used, as the `cli.part.why.*` clause, else the system's own words. */
export function folderWhy(error: unknown): Phrase | string {
	const code = (error as NodeJS.ErrnoException).code;
	const clause = code === 'EACCES' || code === 'EPERM' ? 'permission'
		: code === 'EROFS' ? 'read-only'
			: code === 'ENOTDIR' || code === 'EEXIST' ? 'file-in-path'
				: code === 'ENOSPC' ? 'disk-full'
					: code === 'ENOENT' ? 'cannot-create' : undefined;
	return clause ? {key: `cli.part.why.${clause}`} : (error as Error).message;
}

/** Creates the folder if needed and proves it is writable by writing a probe file. */
export async function ensureWritableFolder(folder: string, mode = 0o700): Promise<void> {
	try {
		await makeFolder(folder, mode);
		const info = await stat(folder);
		if (!info.isDirectory()) {
			throw new FilesystemError('not-a-folder', ...phrased('cli.error.not-a-folder', {folder}));
		}

		await access(folder, constants.W_OK);
		const probe = path.join(folder, `.ccdl-write-test-${process.pid}`);
		await writeFile(probe, '');
		await rm(probe, {force: true});
	} catch (error) {
		if (error instanceof FilesystemError) {
			throw error;
		}

		throw new FilesystemError('not-writable', ...phrased('cli.error.not-writable', {folder, why: folderWhy(error)}, {cause: error}));
	}
}

/** Bytes free for this user in the folder's file system. */
export async function freeSpace(folder: string): Promise<number> {
	const info = await statfs(folder);
	return info.bavail * info.bsize;
}
