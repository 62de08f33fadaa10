/**
 * The fault harness: what every fault test checks after its fault, against the server's own listing rather than
 * ccdl's word — no file on disk (or marked valid) whose bytes differ from the listing, no file finished before the
 * fault lost afterwards — plus the tools to make the faults: small tmpfs mounts, read-only remounts, a journal of
 * one's own, and a look into a journal.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {promisify} from 'node:util';
import {expect} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {isPartial, listedFiles, sha256File, walk} from '../helpers/ccdl.js';

const run = promisify(execFile);

/** Every listed digest → its size: the only bytes a file at the destination may hold. */
export function listedDigests(listing: readonly Recording[]): Map<string, number> {
	return new Map(listedFiles(listing).map(file => [file.sha256, file.size]));
}

export interface FolderCheck {
	/** Final files (not partials, not the manifest) by relative path, with their SHA-256. */
	files: Map<string, string>;
	partials: string[];
	/** Manifest rows by status (empty when there is no manifest). */
	statuses: Record<string, number>;
}

/**
 * The harness's first two rules on a folder: every final file holds bytes of some listed file (transcripts, which
 * the listing does not digest, excepted by extension), and every manifest row marked valid names a file that is
 * there with the row's digest, which is the listing's digest for that contact.
 */
export async function checkFolder(folder: string, listing: readonly Recording[], options: {manifestFolder?: string; folderDeleted?: boolean} = {}): Promise<FolderCheck> {
	const digests = listedDigests(listing);
	const all = await walk(folder).catch(() => [] as string[]);
	const files = new Map<string, string>();
	const partials: string[] = [];
	for (const relative of all) {
		if (isPartial(relative)) {
			partials.push(relative);
			continue;
		}

		if (/^manifest\.(csv|jsonl)$/.test(relative) || /\.(json|xml)$/.test(relative) || /\.ccdl-/.test(relative)) {
			continue;
		}

		const digest = await sha256File(path.join(folder, relative));
		expect(digests.has(digest), `${relative} holds bytes no listed file has`).toBe(true);
		files.set(relative, digest);
	}

	const statuses: Record<string, number> = {};
	const manifestFolder = options.manifestFolder ?? folder;
	const text = await readFile(path.join(manifestFolder, 'manifest.jsonl'), 'utf8').catch(() => '');
	const byId = new Map(listing.map(item => [item.id, item]));
	for (const line of text.split('\n').filter(Boolean)) {
		const row = JSON.parse(line) as {contactId: string; file: string; status: string; sha256: string; fileKind: string};
		statuses[row.status] = (statuses[row.status] ?? 0) + 1;
		if (row.status === 'valid' && row.fileKind !== 'transcript') {
			// (A folder deleted by someone else holds nothing; its rows still say what was valid when it was there.)
			if (!options.folderDeleted) {
				expect(files.get(row.file), `${row.file} is marked valid but is not on disk as listed`).toBe(row.sha256);
			}

			const item = byId.get(row.contactId)!;
			const listed = [item.media?.sha256, ...item.screenshots.map(shot => shot.sha256)];
			expect(listed, `${row.file} marked valid holds another file's bytes`).toContain(row.sha256);
		}
	}

	return {files, partials, statuses};
}

/** The third rule: every file finished before the fault is still there, byte for byte. */
export async function expectKept(folder: string, before: ReadonlyMap<string, string>): Promise<void> {
	for (const [relative, digest] of before) {
		expect(await sha256File(path.join(folder, relative)).catch(() => 'missing'), `${relative} was finished before the fault and is lost`).toBe(digest);
	}
}

/** Final files under a folder now (recordings and screenshots), with their digests. */
export async function finishedFiles(folder: string): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	for (const relative of await walk(folder).catch(() => [] as string[])) {
		if (!isPartial(relative) && !/^manifest\./.test(relative) && /\.(mp3|png|jpe?g)$/.test(relative)) {
			const digest = await sha256File(path.join(folder, relative)).catch(() => undefined);
			if (digest) {
				found.set(relative, digest);
			}
		}
	}

	return found;
}

/** Whether this machine lets the tests mount (root in CI and here); printed once when not, and the test is skipped. */
export async function canMount(): Promise<boolean> {
	if (process.getuid?.() !== 0) {
		console.warn('fault tests: not root, cannot mount tmpfs: the disk cases are skipped');
		return false;
	}

	const probe = await mkdtemp(path.join(os.tmpdir(), 'ccdl-mount-probe-'));
	try {
		await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
		await run('umount', [probe]);
		return true;
	} catch (error) {
		console.warn(`fault tests: mount refused (${(error as Error).message.split('\n')[0]}): the disk cases are skipped`);
		return false;
	} finally {
		await rm(probe, {recursive: true, force: true}).catch(() => undefined);
	}
}

/** A fresh folder with a tmpfs of `size` (e.g. '20m') mounted on it; `unmount` in afterAll/finally. */
export async function tmpfs(size: string): Promise<{folder: string; unmount: () => Promise<void>}> {
	const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-tmpfs-'));
	await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', folder]);
	let mounted = true;
	return {
		folder,
		async unmount() {
			if (mounted) {
				mounted = false;
				await run('umount', ['-l', folder]).catch(() => undefined);
				await rm(folder, {recursive: true, force: true}).catch(() => undefined);
			}
		},
	};
}

/**
 * Remounts a tmpfs read-only. The kernel refuses (EBUSY) while a file on it is open for writing, so this tries
 * until a moment between two files' writes, for at most `timeoutMs`.
 */
export async function remountReadOnly(folder: string, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await run('mount', ['-o', 'remount,ro', folder]);
			return;
		} catch (error) {
			if (Date.now() > deadline) {
				throw error;
			}
		}
	}
}

/** Rows of a journal's items table (CCDL_DATA_DIR/journal.db), read-only. */
export function journalItems(dataDir: string): Array<{recording_id: string; file_id: string; status: string; path: string; sha256: string | null}> {
	const db = new DatabaseSync(path.join(dataDir, 'journal.db'), {readOnly: true});
	try {
		return db.prepare('SELECT recording_id, file_id, status, path, sha256 FROM items').all() as Array<{recording_id: string; file_id: string; status: string; path: string; sha256: string | null}>;
	} finally {
		db.close();
	}
}

export async function isDirectory(folder: string): Promise<boolean> {
	return stat(folder).then(info => info.isDirectory(), () => false);
}

export async function filesIn(folder: string): Promise<string[]> {
	return readdir(folder).catch(() => []);
}
