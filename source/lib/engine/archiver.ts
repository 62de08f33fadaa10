/**
 * Marks validated contacts archived, in batches (one call for up to 100 contacts), retrying failures a bounded
 * number of times. Where the mark goes is the caller's: the platform's own mark, or the journal's record of
 * verified exports for platforms without one. A failure to archive never touches the downloaded files; it is reported.
 */
import {setTimeout as delay} from 'node:timers/promises';
import {backoffDelay, type RetryPolicy} from '../api/retry.js';
import type {ArchiveBatchResult} from '../sources/model.js';

/** Marks a batch of contacts archived; throws when the whole call failed (it is then retried). */
export type MarkArchived = (ids: readonly string[]) => Promise<ArchiveBatchResult>;

const batchSize = 100;
const flushAfterMs = 200;
const maxAttempts = 5;

export interface ArchiverOptions {
	signal: AbortSignal;
	onArchived: (contactId: string, archivedAt: string) => void;
	onFailed: (contactId: string, reason: string) => void;
	/** Called before each batch is sent: the run hands its pending file events to the journal first. */
	beforeSend?: () => void;
}

export class Archiver {
	/** Contacts marked (or found) archived; their times went to `onArchived` (a long run keeps no map of them). */
	archived = 0;
	readonly failures = new Map<string, string>();
	readonly #mark: MarkArchived;
	readonly #retry: RetryPolicy;
	readonly #options: ArchiverOptions;
	#pending: string[] = [];
	readonly #attempts = new Map<string, number>();
	#timer: NodeJS.Timeout | undefined;
	#abandoned: string | undefined;
	readonly #inFlight = new Set<Promise<void>>();

	constructor(mark: MarkArchived, retry: RetryPolicy, options: ArchiverOptions) {
		this.#mark = mark;
		this.#retry = retry;
		this.#options = options;
	}

	/** A contact that the server already lists as archived: nothing to send. */
	known(id: string, archivedAt: string): void {
		this.archived++;
		this.#options.onArchived(id, archivedAt);
	}

	mark(id: string): void {
		if (this.#abandoned) {
			this.failures.set(id, this.#abandoned);
			this.#options.onFailed(id, this.#abandoned);
			return;
		}

		this.#pending.push(id);
		if (this.#pending.length >= batchSize) {
			this.#flush();
		} else {
			this.#timer ??= setTimeout(() => {
				this.#flush();
			}, flushAfterMs);
		}
	}

	#flush(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.#pending.length > 0) {
			this.#options.beforeSend?.();
		}

		while (this.#pending.length > 0) {
			const ids = this.#pending.splice(0, batchSize);
			const sending = this.#send(ids).finally(() => {
				this.#inFlight.delete(sending);
			});
			this.#inFlight.add(sending);
		}
	}

	async #send(ids: string[]): Promise<void> {
		let retry: string[] = [];
		let reason = '';
		try {
			// Archiving is bookkeeping for files already safe on disk: it goes on even after a cancel.
			const result = await this.#mark(ids);
			// Each asked contact is answered once: a server repeating an ID (or naming one not asked) changes nothing.
			const open = new Set(ids);
			for (const item of result.archived) {
				if (open.delete(item.id)) {
					this.archived++;
					this.#attempts.delete(item.id);
					this.#options.onArchived(item.id, item.archivedAt);
				}
			}

			for (const error of result.errors) {
				if (open.delete(error.id)) {
					this.failures.set(error.id, error.detail);
					this.#options.onFailed(error.id, error.detail);
				}
			}

			retry = [...open];
			reason = 'the server did not confirm it';
		} catch (error) {
			retry = ids;
			reason = (error as Error).message;
		}

		const again: string[] = [];
		if (this.#abandoned) {
			reason = this.#abandoned;
		}

		for (const id of retry) {
			const attempts = (this.#attempts.get(id) ?? 0) + 1;
			this.#attempts.set(id, attempts);
			if (attempts >= maxAttempts || this.#abandoned) {
				this.failures.set(id, reason);
				this.#options.onFailed(id, reason);
			} else {
				again.push(id);
			}
		}

		if (again.length > 0) {
			await delay(backoffDelay(this.#attempts.get(again[0]!) ?? 1, this.#retry));
			this.#pending.push(...again);
			this.#flush();
		}
	}

	/**
	 * The server is gone (the run stopped on an outage): what is pending, and every retry from now on, is reported
	 * failed at once instead of being tried for minutes against a server that does not answer.
	 */
	abandon(reason: string): void {
		this.#abandoned = reason;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		for (const id of this.#pending.splice(0)) {
			this.failures.set(id, reason);
			this.#options.onFailed(id, reason);
		}
	}

	/** Sends what is pending and waits for every batch, retries included. */
	async finish(): Promise<void> {
		this.#flush();
		while (this.#inFlight.size > 0) {
			await Promise.all(this.#inFlight);
		}
	}
}
