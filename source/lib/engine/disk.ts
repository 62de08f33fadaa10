/** Checks on the output folder and the files in it, shared by planning, transfer and verify. */
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {access, constants, mkdir, rm, stat, statfs, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {FilesystemError} from '../errors.js';

/** SHA-256 (hex) of a file, streamed. */
export async function hashFile(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file, {highWaterMark: 1024 * 1024}) as AsyncIterable<Buffer>) {
		hash.update(chunk);
	}

	return hash.digest('hex');
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

/** Creates the folder if needed and proves it is writable by writing a probe file. */
export async function ensureWritableFolder(folder: string): Promise<void> {
	try {
		await mkdir(folder, {recursive: true});
		const info = await stat(folder);
		if (!info.isDirectory()) {
			throw new FilesystemError('not-a-folder', `${folder} is not a folder; choose another with --out.`);
		}

		await access(folder, constants.W_OK);
		const probe = path.join(folder, `.ccdl-write-test-${process.pid}`);
		await writeFile(probe, '');
		await rm(probe, {force: true});
	} catch (error) {
		if (error instanceof FilesystemError) {
			throw error;
		}

		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
			: code === 'EROFS' ? 'the file system is read-only'
				: code === 'ENOTDIR' || code === 'EEXIST' ? 'part of the path is a file, not a folder'
					: code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
		throw new FilesystemError('not-writable', `Cannot write to ${folder}: ${why}; choose another folder with --out.`, {cause: error});
	}
}

/** Bytes free for this user in the folder's file system. */
export async function freeSpace(folder: string): Promise<number> {
	const info = await statfs(folder);
	return info.bavail * info.bsize;
}
