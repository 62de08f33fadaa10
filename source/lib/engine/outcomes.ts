/**
 * What happened to each file of a run, by its place in the plan, kept on disk (`runtime/spool.ts`) rather than in
 * memory: a run of 25,000 files held an outcome, a state and a view of every file until its manifest was written
 * (issue 16, item 8). In memory stay 12 bytes a file: where its latest outcome is in the spool.
 */
import {RecordSpool} from '../runtime/spool.js';
import type {SkipReason} from './events.js';

/** A file's outcome without the file it is about. */
export interface Outcome {
	state: 'valid' | 'skipped' | 'failed' | 'interrupted';
	/** Why a skipped file was not downloaded: already on disk ('identical') or its channel is 0 in its profile ('profile'). */
	skipReason?: SkipReason;
	sha256?: string;
	size?: number;
	/** Where the file is at the destination when it differs from the plan (already there under another name, `.age`). */
	relativePath?: string;
	/** SHA-256 and size of the stored bytes when they differ from the plaintext (encrypted). */
	storedSha256?: string;
	storedSize?: number;
	code?: string;
	reason?: string;
	/** Requests made for it (retries included); 0 for a file already there. */
	attempts?: number;
	/** When its contact was marked archived (by this run, or already before it). */
	archivedAt?: string;
}

export class OutcomeLog {
	readonly #spool = RecordSpool.open<Outcome>('outcomes');
	/** Per plan place: the offset of its latest outcome in the spool, -1 for none yet. */
	readonly #offsets: Float64Array;
	readonly #lengths: Uint32Array;

	constructor(files: number) {
		this.#offsets = new Float64Array(files).fill(-1);
		this.#lengths = new Uint32Array(files);
	}

	set(index: number, outcome: Outcome): void {
		const ref = this.#spool.put(outcome);
		this.#offsets[index] = ref.offset;
		this.#lengths[index] = ref.length;
	}

	get(index: number): Outcome | undefined {
		const offset = this.#offsets[index] ?? -1;
		return offset < 0 ? undefined : this.#spool.read({offset, length: this.#lengths[index]!});
	}

	/** Adds to a file's outcome (its contact's archive time, which comes after the file is done). */
	patch(index: number, more: Partial<Outcome>): void {
		const outcome = this.get(index);
		if (outcome) {
			this.set(index, {...outcome, ...more});
		}
	}

	close(): void {
		this.#spool.close();
	}
}
