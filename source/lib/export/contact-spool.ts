/**
 * A download's contacts' manifest columns, kept on disk while the run goes on (issues 12 and 16). A listed contact
 * is ~2 kB in memory, and a download of 20,000 contacts held 40 MB of them for hours only to write the manifest at
 * its end. The columns are written here as each page is planned, and read back one row at a time when the manifest
 * is written; the run keeps a slim contact (`engine/plan.ts` `slimContact`) with the place of its columns.
 *
 * The file is private (0600, in a 0700 folder of $TMPDIR) and unlinked as soon as it is open, so nothing is left
 * behind however the process ends, kill -9 included. If the disk refuses a write, the columns not yet written stay
 * in memory instead: the spool costs memory then, never the manifest.
 */
import {closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {SpooledRef} from '../engine/plan.js';
import type {ContactColumns} from './manifest.js';

/** Bytes gathered before one write: a page of contacts is a few hundred kB. */
const flushBytes = 256 * 1024;

export class ContactColumnsSpool {
	#fd: number | undefined;
	/** False once the disk refused a write: what was written is still read from the file, the rest is kept here. */
	#writable: boolean;
	/** Bytes written to the file. */
	#written = 0;
	/** Columns given a place but not yet written, in order. */
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	/** Columns the disk refused, by offset (the spool then keeps them in memory). */
	readonly #kept = new Map<number, Buffer>();
	/** The last row read: a contact's files (recording, screenshots, transcript) are read one after another. */
	#last: {offset: number; columns: ContactColumns} | undefined;

	private constructor(fd: number | undefined) {
		this.#fd = fd;
		this.#writable = fd !== undefined;
	}

	/** A new spool in `dir` (default $TMPDIR); without a usable folder, one that keeps everything in memory. */
	static open(dir = tmpdir()): ContactColumnsSpool {
		try {
			const folder = mkdtempSync(path.join(dir, 'ccdl-contacts-'));
			try {
				const file = path.join(folder, 'columns.jsonl');
				const fd = openSync(file, 'wx+', 0o600);
				try {
					unlinkSync(file);
				} catch (error) {
					closeSync(fd);
					rmSync(file, {force: true});
					throw error;
				}

				return new ContactColumnsSpool(fd);
			} finally {
				rmdirSync(folder);
			}
		} catch {
			return new ContactColumnsSpool(undefined);
		}
	}

	/** Keeps a contact's columns; the place returned reads them back. */
	put(columns: ContactColumns): SpooledRef {
		const bytes = Buffer.from(JSON.stringify(columns));
		const offset = this.#written + this.#pendingBytes;
		this.#pending.push(bytes);
		this.#pendingBytes += bytes.length;
		if (this.#pendingBytes >= flushBytes) {
			this.#flush();
		}

		return {offset, length: bytes.length};
	}

	read(ref: SpooledRef): ContactColumns {
		if (this.#last?.offset === ref.offset) {
			return this.#last.columns;
		}

		this.#flush();
		let bytes = this.#kept.get(ref.offset);
		if (!bytes) {
			bytes = Buffer.allocUnsafe(ref.length);
			let done = 0;
			while (done < ref.length) {
				const count = readSync(this.#fd!, bytes, done, ref.length - done, ref.offset + done);
				if (count === 0) {
					throw new Error(`contact spool: ${ref.length} bytes expected at ${ref.offset}, the file ended`);
				}

				done += count;
			}
		}

		const columns = JSON.parse(bytes.toString('utf8')) as ContactColumns;
		this.#last = {offset: ref.offset, columns};
		return columns;
	}

	close(): void {
		if (this.#fd !== undefined) {
			closeSync(this.#fd);
			this.#fd = undefined;
		}

		this.#writable = false;

		this.#pending = [];
		this.#kept.clear();
		this.#last = undefined;
	}

	#flush(): void {
		if (this.#pendingBytes === 0) {
			return;
		}

		const pending = this.#pending;
		const start = this.#written;
		this.#pending = [];
		this.#pendingBytes = 0;
		if (this.#writable) {
			const buffer = Buffer.concat(pending);
			try {
				let done = 0;
				while (done < buffer.length) {
					done += writeSync(this.#fd!, buffer, done, buffer.length - done, start + done);
				}

				this.#written += buffer.length;
				return;
			} catch {
				// A full or failing $TMPDIR: from here on the columns stay in memory.
				this.#writable = false;
			}
		}

		// Offsets go on counting from the file's end, so every place given out stays unique.
		let offset = start;
		for (const bytes of pending) {
			this.#kept.set(offset, bytes);
			offset += bytes.length;
		}

		this.#written = offset;
	}
}
