/**
 * The manifest made true again after a crash: a run killed (kill -9, a power cut) between validating files and
 * writing its manifest leaves files the journal recorded as valid but no manifest row names. The next run adds a row
 * for each of them — after hashing the file again and finding the journal's digest — so the manifest describes every
 * file ccdl put at the destination, including contacts the killed run had already marked archived. A row describes the
 * contact in full when this run listed it, or when the run that wrote the file left its manifest elsewhere (a fallback
 * folder, when the destination could not take it); else with what the journal knows.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {type ContactColumns, journalRow, manifestLines, type ManifestRow, manifestRows, rowFile, type RowKey} from '../export/manifest.js';
import type {Journal} from '../journal/journal.js';
import type {Sink} from '../sinks/sink.js';
import {FingerprintSet} from '../text/fingerprint-set.js';

/** The destination-relative path of a location the sink gave (`sink.locate`), or undefined when it is elsewhere. */
function relativeTo(sink: Sink, location: string): string | undefined {
	const root = sink.locate('');
	for (const separator of ['/', path.sep]) {
		if (location.startsWith(root + separator)) {
			return location.slice(root.length + 1).split(path.sep).join('/');
		}
	}

	return undefined;
}

/**
 * Rows for files the journal knows valid at this destination that neither the manifest nor this run's `keys` name. `contactOf`
 * gives the columns of a contact this run listed (a row then describes it in full); others get what the journal has.
 */
export async function rowsFromJournal(journal: Journal, server: string, sink: Sink, keys: Iterable<RowKey>,
	contactOf: (contactId: string) => {columns: ContactColumns; archivedAt: string | null} | undefined): Promise<ManifestRow[]> {
	// Names, kept as 64-bit keys: a false match (odds n²/2⁶⁵) leaves one row for a later run to add.
	const named = new FingerprintSet();
	try {
		for await (const row of manifestRows(sink)) {
			if (rowFile(row)) {
				named.add(rowFile(row));
			}
		}
	} catch {
		// An unreadable manifest names nothing here; writing this run's manifest says what is wrong with it.
	}

	for (const row of keys) {
		if (rowFile(row)) {
			named.add(rowFile(row));
		}
	}

	// Each earlier run's own manifest, read once, and only for runs whose files need a row.
	const runRows = new Map<number, Map<string, ManifestRow> | undefined>();
	const rowOfRun = async (runId: number, relativePath: string): Promise<ManifestRow | undefined> => {
		if (!runRows.has(runId)) {
			const csv = journal.run(runId)?.manifestPath;
			const text = csv && path.isAbsolute(csv) && csv.endsWith('.csv') ? await readFile(`${csv.slice(0, -4)}.jsonl`, 'utf8').catch(() => undefined) : undefined;
			runRows.set(runId, text === undefined ? undefined : new Map([...manifestLines(text)].filter(row => rowFile(row)).map(row => [rowFile(row), row])));
		}

		return runRows.get(runId)?.get(relativePath.normalize('NFC'));
	};

	const recovered: ManifestRow[] = [];
	for (const item of journal.validItemsIn(server, sink.location)) {
		const relativePath = item.path ? relativeTo(sink, item.path) : undefined;
		if (!relativePath || named.has(relativePath.normalize('NFC')) || !item.sha256) {
			continue;
		}

		// Only what is really there, with the bytes the journal recorded (an encrypted sink answers by the manifest, so
		// those are left to their own rows).
		if (await sink.digest(relativePath).catch(() => undefined) !== item.sha256) {
			continue;
		}

		named.add(relativePath.normalize('NFC'));
		const listed = contactOf(item.recordingId);
		const earlier = listed ? undefined : await rowOfRun(item.runId, relativePath);
		recovered.push(earlier?.contactId === item.recordingId
			? {...earlier, file: relativePath, size: item.size ?? earlier.size, sha256: item.sha256, archivedAt: item.archivedAt ?? earlier.archivedAt, status: 'valid', error: ''}
			: journalRow({
				recordingId: item.recordingId, fileId: item.fileId, relativePath,
				...item.size === null ? {} : {size: item.size}, sha256: item.sha256, ...item.archivedAt ? {archivedAt: item.archivedAt} : {},
			}, listed));
	}

	return recovered;
}
