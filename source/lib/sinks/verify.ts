/**
 * Re-checks a destination — any sink — against its manifest rows: files missing, files changed (size or SHA-256),
 * and extra files the manifest does not know. Every checked file is read back and hashed, never taken from stored
 * metadata. An encrypted row (one with a ciphertext digest) is checked by its ciphertext without a key, and also by
 * its plaintext when identities are given (the file is decrypted as it streams, in the same single read).
 */
import {createReadStream} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Readable} from 'node:stream';
import {ageSuffix, EncryptingSink, plaintextDigest} from './encrypt/encrypting-sink.js';
import {HashCounter} from './hash-counter.js';
import type {Sink, SinkEntry} from './sink.js';

/** The manifest columns verification needs (a ManifestRow has them; the stored* ones only for encrypted files). */
export interface VerifyRow {
	/** The file's relative path: the plaintext name, or the stored `.age` name (either is accepted). */
	file: string;
	/** Plaintext size and SHA-256. */
	size: number | '';
	sha256: string;
	status: string;
	/** SHA-256 and size of the stored ciphertext, for encrypted files. */
	storedSha256?: string;
	storedSize?: number | '';
}

export interface VerifyReport {
	location: string;
	/** Rows that say a file should be there. */
	checked: number;
	ok: number;
	missing: string[];
	changed: Array<{file: string; reason: string}>;
	extra: string[];
	/** Encrypted files whose plaintext was checked too (identities given). */
	decrypted: number;
}

export interface VerifyOptions {
	/** `AGE-SECRET-KEY-1…` identities (parseIdentities() of `--identity FILE`); without them ciphertexts only. */
	identities?: readonly string[];
}

/** Sinks that can stream a stored file and list everything (the S3 and SFTP sinks do). */
interface ReadableSink extends Sink {
	read?(relativePath: string): Promise<Readable | undefined>;
	listAll?(): Promise<SinkEntry[]>;
}

const manifestNames = new Set(['manifest.csv', 'manifest.jsonl']);

/** ccdl's own bookkeeping files, which are never "extra". */
export function isOwnFile(relativePath: string): boolean {
	const name = relativePath.split('/').at(-1)!;
	return manifestNames.has(relativePath) || name.startsWith('.ccdl-');
}

/** The path an encrypted row's file is stored under. */
export function storedPath(row: VerifyRow): string {
	return row.storedSha256 && !row.file.endsWith(ageSuffix) ? `${row.file}${ageSuffix}` : row.file;
}

function isExpected(row: VerifyRow): boolean {
	return Boolean(row.file) && (row.status === 'valid' || row.status === 'skipped-identical');
}

async function openStored(sink: ReadableSink, relativePath: string): Promise<Readable | undefined> {
	if (sink.read) {
		return sink.read(relativePath);
	}

	// The local sink: its locate() is the absolute path.
	const file = sink.locate(relativePath);
	try {
		if (!(await stat(file)).isFile()) {
			return undefined;
		}
	} catch {
		return undefined;
	}

	return createReadStream(file);
}

async function drain(stream: Readable): Promise<void> {
	for await (const chunk of stream) {
		void chunk;
	}
}

async function walkLocal(folder: string, base = folder): Promise<string[]> {
	const found: string[] = [];
	let entries;
	try {
		entries = await readdir(folder, {withFileTypes: true});
	} catch {
		return [];
	}

	for (const entry of entries) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			found.push(...await walkLocal(full, base));
		} else {
			found.push(path.relative(base, full).split(path.sep).join('/'));
		}
	}

	return found;
}

/** Every file at the destination; for a sink that cannot list everything, the folders the manifest names. */
async function allFiles(sink: ReadableSink, folders: ReadonlySet<string>): Promise<string[]> {
	if (sink.listAll) {
		return (await sink.listAll()).map(entry => entry.name);
	}

	if (sink.kind === 'local') {
		return walkLocal(sink.location);
	}

	const found: string[] = [];
	for (const folder of folders) {
		found.push(...(await sink.list(folder)).map(entry => folder ? `${folder}/${entry.name}` : entry.name));
	}

	return found;
}

/** Checks one expected row; returns a reason when it does not match, 'missing', or undefined when it does. */
async function checkRow(sink: ReadableSink, row: VerifyRow, identities: readonly string[]): Promise<{result: 'ok' | 'missing' | string; decrypted: boolean}> {
	const stored = storedPath(row);
	const stream = await openStored(sink, stored);
	if (!stream) {
		return {result: 'missing', decrypted: false};
	}

	const tap = new HashCounter();
	const encrypted = Boolean(row.storedSha256);
	let plain: {sha256: string; size: number} | undefined;
	let decryptError: Error | undefined;
	if (encrypted && identities.length > 0) {
		try {
			plain = await plaintextDigest(stream.pipe(tap), identities);
		} catch (error) {
			decryptError = error as Error;
			stream.destroy();
		}
	} else {
		await drain(stream.pipe(tap));
	}

	if (decryptError) {
		return {result: `cannot be decrypted with the given identity (${decryptError.message})`, decrypted: false};
	}

	const storedSha256 = tap.hash.digest('hex');
	const expectedSize = encrypted ? row.storedSize : row.size;
	if (expectedSize !== undefined && expectedSize !== '' && tap.bytes !== Number(expectedSize)) {
		return {result: `size ${tap.bytes}, manifest says ${expectedSize}`, decrypted: false};
	}

	if (encrypted) {
		if (storedSha256 !== row.storedSha256) {
			return {result: 'ciphertext SHA-256 differs from the manifest', decrypted: false};
		}

		if (plain) {
			if (row.size !== '' && plain.size !== Number(row.size)) {
				return {result: `decrypted size ${plain.size}, manifest says ${row.size}`, decrypted: true};
			}

			if (row.sha256 && plain.sha256 !== row.sha256) {
				return {result: 'decrypted SHA-256 differs from the manifest', decrypted: true};
			}
		}

		return {result: 'ok', decrypted: Boolean(plain)};
	}

	return {result: row.sha256 && storedSha256 !== row.sha256 ? 'SHA-256 differs from the manifest' : 'ok', decrypted: false};
}

/**
 * Checks every row as it comes (a manifest of a folder downloaded into for years is read as it streams, never held):
 * what is kept is the rows' file names, to tell extra files, and what did not match.
 */
export async function verifySink(sink: Sink, rows: Iterable<VerifyRow> | AsyncIterable<VerifyRow>, options: VerifyOptions = {}): Promise<VerifyReport> {
	// Verification reads what is stored; an encrypting wrapper adds nothing to that.
	const target: ReadableSink = sink instanceof EncryptingSink ? sink.inner : sink;
	const identities = options.identities ?? [];
	const report: VerifyReport = {location: target.location, checked: 0, ok: 0, missing: [], changed: [], extra: [], decrypted: 0};
	const known = new Set<string>();
	const folders = new Set<string>(['']);
	for await (const row of rows) {
		if (row.file) {
			known.add(row.file.normalize('NFC'));
			known.add(storedPath(row).normalize('NFC'));
			folders.add(row.file.split('/').slice(0, -1).join('/'));
		}

		if (!isExpected(row)) {
			continue;
		}

		report.checked++;
		let outcome;
		try {
			outcome = await checkRow(target, row, identities);
		} catch (error) {
			if ((error as {code?: string}).code === 'unsafe-name') {
				report.changed.push({file: row.file, reason: 'the manifest points outside the destination'});
				continue;
			}

			throw error;
		}

		if (outcome.decrypted) {
			report.decrypted++;
		}

		if (outcome.result === 'ok') {
			report.ok++;
		} else if (outcome.result === 'missing') {
			report.missing.push(storedPath(row));
		} else {
			report.changed.push({file: storedPath(row), reason: outcome.result});
		}
	}

	report.extra = (await allFiles(target, folders)).filter(file => !isOwnFile(file) && !known.has(file.normalize('NFC'))).sort();
	return report;
}
