/**
 * Output held in a private temporary file until it is complete, then copied to where it goes. A listing of a
 * million rows never sits in memory, and a command that fails halfway (a server gone mid-listing, Ctrl-C) leaves
 * nothing half-written on its standard output: `ccdl list --json > plan.json` gives a whole document or none.
 */
import {createReadStream, createWriteStream, type WriteStream} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {FilesystemError} from '../errors.js';

export class Spool {
	readonly #stream: WriteStream;
	readonly #dir: string;
	readonly #file: string;
	#error: Error | undefined;

	private constructor(dir: string) {
		this.#dir = dir;
		this.#file = path.join(dir, 'output');
		// Private: a plan names customers' phone numbers.
		this.#stream = createWriteStream(this.#file, {flags: 'wx', mode: 0o600});
		this.#stream.on('error', error => {
			this.#error ??= error;
		});
	}

	/** A new spool in the system's temporary folder ($TMPDIR), readable by this user only. */
	static async open(): Promise<Spool> {
		const base = tmpdir();
		try {
			return new Spool(await mkdtemp(path.join(base, 'ccdl-spool-')));
		} catch (error) {
			throw Spool.#problem(base, error);
		}
	}

	static #problem(dir: string, error: unknown): FilesystemError {
		const code = (error as {code?: string}).code ?? (error as Error).message;
		return new FilesystemError('spool', `Cannot hold the output in the temporary folder ${dir} (${code}); set TMPDIR to a folder with room.`, {cause: error});
	}

	/** Appends text, waiting while the file catches up (memory stays bounded however much is written). */
	readonly write = async (text: string): Promise<void> => {
		this.#check();
		if (!this.#stream.write(text)) {
			// A failed write closes the stream: waiting for 'close' too means an error never leaves this hanging.
			await new Promise<void>(resolve => {
				const done = () => {
					this.#stream.off('drain', done);
					this.#stream.off('close', done);
					resolve();
				};

				this.#stream.on('drain', done);
				this.#stream.on('close', done);
			});
			this.#check();
		}
	};

	#check(): void {
		if (this.#error) {
			throw Spool.#problem(this.#dir, this.#error);
		}
	}

	/** Copies everything written to `output` (left open), then removes the spool. */
	async deliver(output: NodeJS.WritableStream): Promise<void> {
		try {
			this.#check();
			await new Promise<void>((resolve, reject) => {
				this.#stream.once('error', reject);
				this.#stream.end(resolve);
			}).catch((error: unknown) => {
				throw Spool.#problem(this.#dir, error);
			});
			await pipeline(createReadStream(this.#file), output, {end: false});
		} finally {
			await this.discard();
		}
	}

	/** Drops what was written (the command failed). */
	async discard(): Promise<void> {
		this.#stream.destroy();
		await rm(this.#dir, {recursive: true, force: true});
	}
}
