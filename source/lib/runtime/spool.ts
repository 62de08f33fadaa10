/**
 * Records kept on disk instead of in memory while a long run goes on (issues 12 and 16): a download's planned
 * contacts and files, its contacts' manifest columns, its files' outcomes. Each record is a line of JSON, appended;
 * it is read back by its place (`read`) or all in order (`scan`, `list`).
 *
 * The file is private (0600, in a 0700 folder of $TMPDIR) and unlinked as soon as it is open, so nothing is left
 * behind however the process ends, kill -9 included. If the disk refuses a write, the records not yet written stay
 * in memory instead: the spool costs memory then, never a record.
 */
import {closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writevSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

/** Where a record is in its spool. */
export interface SpooledRef {
	readonly offset: number;
	readonly length: number;
}

/** A list read in order, any number of times, whose length is known: an array, or a spool's records. */
export interface ItemList<T> extends Iterable<T> {
	readonly length: number;
}

/** Bytes gathered before one write, and read at once by a scan. */
const chunkBytes = 256 * 1024;

export class RecordSpool<T> {
	#fd: number | undefined;
	/** False once the disk refused a write: what was written is still read from the file, the rest is kept here. */
	#writable: boolean;
	/** Bytes given a place so far (written, pending, or kept in memory). */
	#end = 0;
	/** Bytes in the file; every record after them is in `#kept`. */
	#inFile = 0;
	#count = 0;
	/** Records given a place but not yet written, in order. */
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	/** Records the disk refused, by offset, in order (the spool then keeps them in memory). */
	readonly #kept = new Map<number, Buffer>();
	/** The last record read by place: a contact's files are read one after another. */
	#last: {offset: number; value: T} | undefined;
	/** Bytes of the file read ahead by `read`, from `#windowAt`: records read in order cost a read a chunk. */
	#window: Buffer | undefined;
	#windowAt = 0;
	#windowLength = 0;
	#closed = false;
	readonly #name: string;

	private constructor(fd: number | undefined, name: string) {
		this.#fd = fd;
		this.#writable = fd !== undefined;
		this.#name = name;
	}

	/** A new spool in `dir` (default $TMPDIR); without a usable folder, one that keeps everything in memory. */
	static open<T>(name: string, dir = tmpdir()): RecordSpool<T> {
		try {
			const folder = mkdtempSync(path.join(dir, `ccdl-${name}-`));
			try {
				const file = path.join(folder, 'records.jsonl');
				const fd = openSync(file, 'wx+', 0o600);
				try {
					unlinkSync(file);
				} catch (error) {
					closeSync(fd);
					rmSync(file, {force: true});
					throw error;
				}

				return new RecordSpool<T>(fd, name);
			} finally {
				rmdirSync(folder);
			}
		} catch {
			return new RecordSpool<T>(undefined, name);
		}
	}

	/** Records put so far. */
	get count(): number {
		return this.#count;
	}

	/** Keeps a record; the place returned reads it back. */
	put(value: T): SpooledRef {
		this.#open();
		const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
		const offset = this.#end;
		this.#pending.push(bytes);
		this.#pendingBytes += bytes.length;
		this.#end += bytes.length;
		this.#count++;
		if (this.#pendingBytes >= chunkBytes) {
			this.#flush();
		}

		return {offset, length: bytes.length - 1};
	}

	read(ref: SpooledRef): T {
		if (this.#last?.offset === ref.offset) {
			return this.#last.value;
		}

		this.#open();
		if (ref.offset + ref.length > this.#inFile) {
			this.#flush();
		}

		const bytes = this.#kept.get(ref.offset)?.subarray(0, ref.length) ?? this.#readFile(ref);
		const value = JSON.parse(bytes.toString('utf8')) as T;
		this.#last = {offset: ref.offset, value};
		return value;
	}

	/** A record's bytes from the file, through the read-ahead window. */
	#readFile(ref: SpooledRef): Buffer {
		const end = ref.offset + ref.length;
		if (!this.#window || ref.offset < this.#windowAt || end > this.#windowAt + this.#windowLength) {
			const size = Math.max(chunkBytes, ref.length);
			if (!this.#window || this.#window.length < size) {
				this.#window = Buffer.allocUnsafe(size);
			}

			const wanted = Math.min(size, this.#inFile - ref.offset);
			let done = 0;
			while (done < wanted) {
				const count = readSync(this.#fd!, this.#window, done, wanted - done, ref.offset + done);
				if (count === 0) {
					break;
				}

				done += count;
			}

			if (done < ref.length) {
				throw new Error(`${this.#name} spool: ${ref.length} bytes expected at ${ref.offset}, the file ended`);
			}

			this.#windowAt = ref.offset;
			this.#windowLength = done;
		}

		return this.#window.subarray(ref.offset - this.#windowAt, end - this.#windowAt);
	}

	/** Every record put so far, in order, read a chunk at a time into one buffer. */
	* scan(): Generator<T> {
		this.#open();
		this.#flush();
		const end = this.#inFile;
		let buffer = Buffer.allocUnsafeSlow(Math.min(chunkBytes, Math.max(end, 1)));
		// Bytes of `buffer` holding the start of a record not yet complete.
		let held = 0;
		for (let position = 0; position < end;) {
			this.#open();
			if (held === buffer.length) {
				// A record longer than the buffer: a bigger one.
				const bigger = Buffer.allocUnsafeSlow(buffer.length * 2);
				buffer.copy(bigger, 0, 0, held);
				buffer = bigger;
			}

			const count = readSync(this.#fd!, buffer, held, Math.min(buffer.length - held, end - position), position);
			if (count === 0) {
				throw new Error(`${this.#name} spool: ${end} bytes expected, the file ended at ${position}`);
			}

			position += count;
			const filled = held + count;
			let start = 0;
			for (let newline = buffer.indexOf(10, start); newline !== -1 && newline < filled; newline = buffer.indexOf(10, start)) {
				yield JSON.parse(buffer.toString('utf8', start, newline)) as T;
				start = newline + 1;
			}

			// The start of a record that continues in the next read moves to the front.
			buffer.copy(buffer, 0, start, filled);
			held = filled - start;
		}

		for (const bytes of this.#kept.values()) {
			yield JSON.parse(bytes.toString('utf8', 0, bytes.length - 1)) as T;
		}
	}

	/**
	 * The records as a list that can be read any number of times (while the spool is open), each made into an item
	 * by `decode` as it is read.
	 */
	list<I = T>(decode?: (record: T) => I): ItemList<I> {
		const length = this.#count;
		const scan = () => this.scan();
		return {
			length,
			[Symbol.iterator]: decode ? function * () {
				for (const record of scan()) {
					yield decode(record);
				}
			} : scan as () => Iterator<I>,
		};
	}

	close(): void {
		if (this.#fd !== undefined) {
			closeSync(this.#fd);
			this.#fd = undefined;
		}

		this.#closed = true;
		this.#writable = false;
		this.#pending = [];
		this.#kept.clear();
		this.#last = undefined;
		this.#window = undefined;
	}

	#open(): void {
		if (this.#closed) {
			throw new Error(`${this.#name} spool: used after it was closed`);
		}
	}

	#flush(): void {
		if (this.#pendingBytes === 0) {
			return;
		}

		const pending = this.#pending;
		this.#pending = [];
		this.#pendingBytes = 0;
		if (this.#writable) {
			// Written as they are, not joined first: a fresh 256 kB buffer per write fragments the C heap.
			const total = pending.reduce((sum, bytes) => sum + bytes.length, 0);
			try {
				let done = 0;
				let rest = pending;
				while (done < total) {
					const count = writevSync(this.#fd!, rest, this.#inFile + done);
					done += count;
					rest = count > 0 ? remainder(rest, count) : rest;
				}

				this.#inFile += total;
				return;
			} catch {
				// A full or failing $TMPDIR: from here on the records stay in memory. Bytes of this chunk that did reach
				// the file are ignored: the records are read from memory, and the file only up to `#inFile`.
				this.#writable = false;
			}
		}

		// Offsets go on counting from the file's end, so every place given out stays unique.
		let offset = this.#end - pending.reduce((sum, bytes) => sum + bytes.length, 0);
		for (const bytes of pending) {
			this.#kept.set(offset, bytes);
			offset += bytes.length;
		}
	}
}

/** `buffers` without their first `count` bytes. */
function remainder(buffers: readonly Buffer[], count: number): Buffer[] {
	let skip = count;
	let index = 0;
	while (index < buffers.length && skip >= buffers[index]!.length) {
		skip -= buffers[index]!.length;
		index++;
	}

	const rest = buffers.slice(index);
	if (skip > 0 && rest.length > 0) {
		rest[0] = rest[0]!.subarray(skip);
	}

	return rest;
}

/** The items of `list` that `keep` accepts: an array stays an array; a spool's list is filtered as it is read. */
export function filterList<T>(list: ItemList<T>, keep: (item: T) => boolean): ItemList<T> {
	if (Array.isArray(list)) {
		return (list as T[]).filter(item => keep(item));
	}

	let length = 0;
	for (const item of list) {
		length += keep(item) ? 1 : 0;
	}

	return {
		length,
		* [Symbol.iterator]() {
			for (const item of list) {
				if (keep(item)) {
					yield item;
				}
			}
		},
	};
}
