/**
 * Which multipart uploads this machine started, so a later run can tell a dead ccdl's upload (abort it: parts of an
 * unfinished upload are billed until aborted) from one a live ccdl is still sending (leave it). S3 lists in-progress
 * uploads with their key and start time but not their metadata, so the owner is recorded here, in the destination's
 * private staging folder, before the upload starts; a kill -9 therefore always leaves an entry behind.
 */
import {createHash} from 'node:crypto';
import {mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface LedgerEntry {
	key: string;
	pid: number;
	host: string;
	startedAt: string;
	/**
	 * The upload failed and this process could not be sure it was aborted (the store may have been unreachable for
	 * the abort too): the next run aborts what is left of it, without waiting for the stale rule.
	 */
	ended?: boolean;
}

export class UploadLedger {
	readonly folder: string;

	constructor(stagingDir: string) {
		this.folder = path.join(stagingDir, '.ccdl-uploads');
	}

	#file(key: string): string {
		return path.join(this.folder, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
	}

	async add(key: string): Promise<void> {
		await mkdir(this.folder, {recursive: true, mode: 0o700});
		const entry: LedgerEntry = {key, pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString()};
		await writeFile(this.#file(key), JSON.stringify(entry), {mode: 0o600});
	}

	/** Marks the upload of `key` as no longer sent by anyone (see LedgerEntry.ended). */
	async end(key: string): Promise<void> {
		await mkdir(this.folder, {recursive: true, mode: 0o700});
		const entry: LedgerEntry = {key, pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), ended: true};
		await writeFile(this.#file(key), JSON.stringify(entry), {mode: 0o600});
	}

	async remove(key: string): Promise<void> {
		await rm(this.#file(key), {force: true});
	}

	async entries(): Promise<LedgerEntry[]> {
		let names: string[];
		try {
			names = await readdir(this.folder);
		} catch {
			return [];
		}

		const entries: LedgerEntry[] = [];
		for (const name of names.filter(item => item.endsWith('.json'))) {
			try {
				entries.push(JSON.parse(await readFile(path.join(this.folder, name), 'utf8')) as LedgerEntry);
			} catch {
				// A half-written entry belongs to a process killed while writing it: nothing was uploaded yet.
				await rm(path.join(this.folder, name), {force: true});
			}
		}

		return entries;
	}
}

/** Whether the process that wrote an entry may still be running (a reused pid errs on the side of "alive"). */
export function isAlive(entry: LedgerEntry): boolean {
	if (entry.ended === true) {
		return false;
	}

	if (entry.host !== os.hostname()) {
		return true;
	}

	try {
		process.kill(entry.pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
