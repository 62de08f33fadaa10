/**
 * The plan: which file of which contact goes to which path, decided before a byte is written. Names come from the
 * template; collisions inside the batch and against files on disk are resolved here, files already on disk with
 * the same digest are skipped, and the folder is checked for write access and free space.
 */
import path from 'node:path';
import type {Channel, Recording} from '../api/wire.js';
import {nameFieldsOf, type RemoteFile, remoteFilesOf, type TranscriptChoice} from '../catalogue/contacts.js';
import {FilesystemError, formatBytes} from '../errors.js';
import {
	type FileNameTemplate, type NameRequest, renderSegments, resolveBatchNames, sanitizeSegment, suffixedPath,
} from '../naming/index.js';
import {ensureWritableFolder, fileSize, freeSpace, hashFile} from './disk.js';

export interface PlanOptions {
	outDir: string;
	template: FileNameTemplate;
	dateFormat?: string;
	timeZone?: string;
	/** Replace a same-named file (after the new one validated); otherwise keep both with a `_2` suffix. */
	overwrite: boolean;
	/** Download contacts already marked archived too. */
	includeArchived: boolean;
	transcripts: TranscriptChoice;
	/** Skip the free-space check (tests, or a planning-only `list`). */
	skipSpaceCheck?: boolean;
}

export interface PlannedFile extends RemoteFile {
	contact: Recording;
	/** '/'-separated, relative to the output folder. */
	relativePath: string;
	path: string;
	action: 'download' | 'skip';
	skipReason?: 'identical';
	/** A different file of this name exists and will be replaced once the new one is valid. */
	replaces: boolean;
	/**
	 * Files on disk that may hold these very bytes but could not be compared before downloading (the listing gave
	 * no digest): compared after validation, and the new copy is dropped if one matches.
	 */
	compareWith: string[];
}

export interface Plan {
	outDir: string;
	/** Contacts to export (recycled ones included: they go into the manifest, nothing is downloaded). */
	contacts: Recording[];
	files: PlannedFile[];
	recycled: number;
	/** Archived contacts left out because include-archived is off. */
	archivedSkipped: number;
	bytes: number;
	/** Bytes still to transfer (skipped files excluded). */
	downloadBytes: number;
	/** Files whose size the listing did not give. */
	unknownSizes: number;
	byCampaign: Record<string, number>;
	byChannel: Partial<Record<Channel, number>>;
	collisions: {inBatch: number; onDisk: number};
	identical: number;
	freeBytes: number;
}

function namesOf(file: RemoteFile, baseSegments: string[]): {segments: string[]; extension: string} {
	if (file.kind !== 'screenshot') {
		return {segments: baseSegments, extension: file.extension};
	}

	// Screenshots share the recording's name plus a number, re-cut so the suffix and extension still fit.
	const last = sanitizeSegment(`${baseSegments.at(-1)!}-screenshot-${file.index ?? 1}`, file.extension);
	return {segments: [...baseSegments.slice(0, -1), last.slice(0, last.length - file.extension.length)], extension: file.extension};
}

async function isIdentical(file: string, expected: RemoteFile): Promise<boolean> {
	if (!expected.sha256) {
		return false;
	}

	const size = await fileSize(file);
	if (size === undefined || (expected.size !== undefined && size !== expected.size)) {
		return false;
	}

	return await hashFile(file) === expected.sha256;
}

export async function buildPlan(listed: readonly Recording[], options: PlanOptions): Promise<Plan> {
	const outDir = path.resolve(options.outDir);
	await ensureWritableFolder(outDir);
	const contacts = listed.filter(contact => options.includeArchived || !contact.archived);
	const archivedSkipped = listed.length - contacts.length;
	const requests: NameRequest[] = [];
	const pending: Array<{file: RemoteFile; contact: Recording; segments: string[]; extension: string}> = [];
	for (const contact of contacts) {
		const base = renderSegments(options.template, nameFieldsOf(contact), {timeZone: options.timeZone, dateFormat: options.dateFormat});
		for (const file of remoteFilesOf(contact, options.transcripts)) {
			const {segments, extension} = namesOf(file, base);
			requests.push({key: file.fileId, segments, extension});
			pending.push({file, contact, segments, extension});
		}
	}

	const names = resolveBatchNames(requests);
	const taken = new Set([...names.values()].map(name => name.normalize('NFC').toLowerCase()));
	const files: PlannedFile[] = [];
	let inBatch = 0;
	let onDisk = 0;
	let identical = 0;
	for (const {file, contact, segments, extension} of pending) {
		const wanted = names.get(file.fileId)!;
		if (wanted !== segments.join('/') + extension) {
			inBatch++;
		}

		let relativePath = wanted;
		let action: PlannedFile['action'] = 'download';
		let replaces = false;
		const compareWith: string[] = [];
		if (options.overwrite) {
			if (await fileSize(path.join(outDir, relativePath)) !== undefined) {
				if (await isIdentical(path.join(outDir, relativePath), file)) {
					action = 'skip';
				} else {
					replaces = true;
					onDisk++;
				}
			}
		} else {
			// Keep both: the first free `_n` name, unless one of the candidates already holds this very file.
			const wantedSegments = wanted.split('/');
			const stem = wantedSegments.at(-1)!.slice(0, wantedSegments.at(-1)!.length - extension.length);
			for (let n = 2; await fileSize(path.join(outDir, relativePath)) !== undefined; n++) {
				if (await isIdentical(path.join(outDir, relativePath), file)) {
					action = 'skip';
					break;
				}

				if (n === 2) {
					onDisk++;
				}

				if (!file.sha256) {
					compareWith.push(path.join(outDir, ...relativePath.split('/')));
				}

				do {
					relativePath = suffixedPath([...wantedSegments.slice(0, -1), stem], extension, n);
				} while (taken.has(relativePath.normalize('NFC').toLowerCase()) && ++n < 100_000);
			}

			taken.add(relativePath.normalize('NFC').toLowerCase());
		}

		if (action === 'skip') {
			identical++;
		}

		const absolute = path.join(outDir, ...relativePath.split('/'));
		// Belt and braces: the naming module already guarantees this, but a path outside the folder must never be written.
		if (!absolute.startsWith(outDir + path.sep)) {
			throw new FilesystemError('unsafe-name', `Refusing a file name that leaves ${outDir}: ${JSON.stringify(relativePath)}.`);
		}

		files.push({
			...file, contact, relativePath, path: absolute, action, ...(action === 'skip' ? {skipReason: 'identical' as const} : {}), replaces, compareWith,
		});
	}

	const byCampaign: Record<string, number> = {};
	const byChannel: Partial<Record<Channel, number>> = {};
	for (const contact of contacts) {
		byCampaign[contact.campaignName] = (byCampaign[contact.campaignName] ?? 0) + 1;
		byChannel[contact.channel] = (byChannel[contact.channel] ?? 0) + 1;
	}

	const bytes = files.reduce((sum, file) => sum + (file.size ?? 0), 0);
	const downloadBytes = files.reduce((sum, file) => sum + (file.action === 'download' ? file.size ?? 0 : 0), 0);
	const freeBytes = await freeSpace(outDir);
	if (!options.skipSpaceCheck && downloadBytes > freeBytes) {
		throw new FilesystemError('no-space', `Not enough free space in ${outDir}: the download needs ${formatBytes(downloadBytes)}, ${formatBytes(freeBytes)} is free; free some space or choose another --out.`);
	}

	return {
		outDir,
		contacts,
		files,
		recycled: contacts.filter(contact => contact.recycled).length,
		archivedSkipped,
		bytes,
		downloadBytes,
		unknownSizes: files.filter(file => file.size === undefined).length,
		byCampaign,
		byChannel,
		collisions: {inBatch, onDisk},
		identical,
		freeBytes,
	};
}
