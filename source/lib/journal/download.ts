/**
 * The journal's side of a download run, in four calls (made by the run pipeline, source/lib/run/pipeline.ts):
 *
 *   const recorder = DownloadJournal.start({server, company, user, filter, outDir, search});   // after login
 *   const admitted = recorder.admit(plan);       // claims + limits: a narrower plan, and lines to print
 *   const detach = recorder.attach(run);         // items recorded as they validate/fail (survives kill -9)
 *   const {outcome, exitCode} = recorder.finish(admitted.plan, summary, {manifestPath});
 *
 * (`recorder.fail(error)` when the run throws after `start`.) Claims keep two processes from downloading the same
 * recording into the same folder at once (the second leaves those contacts to the first); the limits are checked
 * and the allowance reserved in one journal transaction, so runs started together cannot pass them together.
 */
import path from 'node:path';
import type {Plan} from '../engine/plan.js';
import type {EngineEvent} from '../engine/events.js';
import type {FileView, RunHandle} from '../run/state.js';
import type {FileOutcome, RunSummary} from '../engine/run.js';
import {exitCodes} from '../errors.js';
import {type LimitCheck, type LimitSettings, loadLimitsSync, reserveWithinLimits} from '../limits/limits.js';
import {contactsToExport, limitPlan, narrowPlan} from '../limits/plan.js';
import {type ItemInput, type ItemStatus, type Journal, openJournal, type RunOutcome, serverKey} from './journal.js';

/** What a run asked for, as the journal keeps it (and `ccdl history` shows it). */
export interface RunFilter {
	/** The saved search it came from. */
	search?: string;
	/** The saved search's date rule, e.g. previous-7-days. */
	dateRule?: string;
	/** ISO instants (after --timezone). */
	from?: string;
	to?: string;
	timeZone?: string;
	/** As given: names or IDs; empty = all the user may see. */
	campaigns: string[];
	/** Empty = all. */
	channels: string[];
	includeArchived: boolean;
	transcripts: string;
	mode?: string;
	template?: string;
}

export interface DownloadJournalStart {
	/** The server's base URL (`client.baseUrl`). */
	server: string;
	company?: string | undefined;
	/** The server user (`client.user.username`). */
	user: string;
	filter: RunFilter;
	outDir: string;
	manifestPath?: string;
	search?: string | undefined;
}

export interface DownloadJournalOptions {
	/** An open journal (else the user's, opened here and closed by `finish`/`fail`). */
	journal?: Journal;
	/** @default the saved limits */
	limits?: LimitSettings;
	/** The zone whose midnight starts "today" for the daily limit. @default the system's */
	timeZone?: string;
	now?: () => Date;
}

export interface Admission {
	/** The plan to run: without contacts another process is downloading here, and cut to the limits. */
	plan: Plan;
	/** Contact IDs left out by a limit (they stay for a later run: not downloaded, not marked archived). */
	limited: string[];
	/** Contact IDs another live ccdl process is downloading into the same folder. */
	busy: string[];
	limit: LimitCheck;
	/** Sentences for stderr (empty when nothing was left out). */
	lines: string[];
}

export interface FinishResult {
	outcome: Exclude<RunOutcome, 'running' | 'abandoned'>;
	/** 6 (limit) when a limit left contacts out and nothing else went wrong; else undefined (keep download's code). */
	exitCode?: number;
	counts: Record<string, number>;
}

const contactFileId = (contactId: string) => `${contactId}:contact`;

function itemStatus(outcome: FileOutcome): ItemStatus {
	return outcome.state === 'skipped' ? (outcome.skipReason === 'profile' ? 'skipped-profile' : 'skipped-identical') : outcome.state;
}

export class DownloadJournal {
	readonly journal: Journal;
	readonly runId: number;
	readonly server: string;
	readonly outDir: string;
	readonly #ownsJournal: boolean;
	readonly #options: DownloadJournalOptions;
	#limited: string[] = [];
	#busy: string[] = [];
	#finished = false;
	#sink: Plan['sink'] | undefined;
	readonly #extraCounts: Record<string, number> = {};

	private constructor(journal: Journal, owns: boolean, runId: number, input: DownloadJournalStart, options: DownloadJournalOptions) {
		this.journal = journal;
		this.#ownsJournal = owns;
		this.runId = runId;
		this.server = serverKey(input.server);
		// A remote destination (s3://…) is kept as given; a folder as an absolute path.
		this.outDir = /^[a-z][a-z\d+.-]*:\/\//i.test(input.outDir) ? input.outDir : path.resolve(input.outDir);
		this.#options = options;
	}

	/** Opens the journal (unless given) and records the run's start. */
	static start(input: DownloadJournalStart, options: DownloadJournalOptions = {}): DownloadJournal {
		const journal = options.journal ?? openJournal();
		try {
			const runId = journal.startRun({
				server: input.server, company: input.company, user: input.user, filter: input.filter, outDir: input.outDir,
				manifestPath: input.manifestPath, search: input.search ?? input.filter.search,
			});
			return new DownloadJournal(journal, !options.journal, runId, input, options);
		} catch (error) {
			if (!options.journal) {
				journal.close();
			}

			throw error;
		}
	}

	#now(): Date {
		return this.#options.now?.() ?? new Date();
	}

	/**
	 * Claims the plan's contacts in this folder and reserves what the limits allow; returns the plan to run.
	 * Contacts with nothing to download (already on disk, recycled) are neither claimed nor counted.
	 */
	admit(plan: Plan): Admission {
		const exporting = contactsToExport(plan);
		const {claimed, busy} = this.journal.claim(this.server, this.outDir, exporting, this.runId);
		const busyIds = new Set(busy.map(entry => entry.recordingId));
		let admitted = busyIds.size > 0 ? narrowPlan(plan, id => !busyIds.has(id)) : plan;
		const limit = reserveWithinLimits(this.journal, this.runId, this.server, claimed.length, this.#now(), {
			settings: this.#options.limits ?? loadLimitsSync(),
			...(this.#options.timeZone ? {timeZone: this.#options.timeZone} : {}),
		});
		const cut = limitPlan(admitted, limit.allowed, busyIds.size > 0 ? undefined : exporting);
		admitted = cut.plan;
		if (cut.left.length > 0) {
			this.journal.release(this.server, this.outDir, cut.left);
		}

		this.#limited = cut.left;
		this.#busy = [...busyIds];
		const lines: string[] = [];
		if (busy.length > 0) {
			const pids = [...new Set(busy.map(entry => entry.pid))].join(', ');
			lines.push(`${busy.length} ${busy.length === 1 ? 'contact is' : 'contacts are'} being downloaded into ${this.outDir} by another ccdl (process ${pids}); left to it.`);
		}

		if (limit.reason) {
			lines.push(limit.reason);
		}

		return {plan: admitted, limited: cut.left, busy: this.#busy, limit, lines};
	}

	/** Records items as the run reports them (validated, failed, skipped, archived), in one transaction per batch. */
	attach(run: RunHandle): () => void {
		this.#sink = run.plan.sink;
		const {state} = run;
		return run.subscribe((events: readonly EngineEvent[]) => {
			// The run's state already holds every event of this batch: record the files the batch finished, and the
			// archive times of the contacts it marked (their files were recorded by an earlier batch).
			const touched = new Set<string>();
			const archived: Array<{recordingId: string; archivedAt: string}> = [];
			for (const event of events) {
				if (event.type === 'validated' || event.type === 'failed' || event.type === 'skipped') {
					touched.add(event.fileId);
				} else if (event.type === 'archived') {
					archived.push({recordingId: event.contactId, archivedAt: event.archivedAt});
				}
			}

			const items: ItemInput[] = [];
			for (const fileId of touched) {
				const view = state.files.get(fileId);
				const item = view ? this.#itemOfView(view) : undefined;
				if (item) {
					items.push(item);
				}
			}

			try {
				if (items.length > 0) {
					this.journal.recordItems(this.runId, items);
				}

				if (archived.length > 0) {
					this.journal.recordArchived(this.runId, archived);
				}
			} catch {
				// The journal must never stop a download; `finish` records every outcome again.
			}
		});
	}

	/** A finished file's journal item, from its view (nothing for a file still on its way). */
	#itemOfView(view: FileView): ItemInput | undefined {
		const status: ItemStatus | undefined = view.state === 'valid' ? 'valid' : view.state === 'failed' ? 'failed'
			: view.state === 'skipped' ? (view.skipReason === 'profile' ? 'skipped-profile' : 'skipped-identical') : undefined;
		if (!status) {
			return undefined;
		}

		const attempts = view.retries.length + (view.state === 'skipped' ? 0 : 1);
		const {sha256} = view;
		return {
			recordingId: view.contactId, fileId: view.fileId, status, path: this.#locate(view.relativePath), attempts,
			...sha256 ? {sha256} : {}, ...view.size === undefined ? {} : {size: view.size},
			...status === 'failed' && view.reason ? {lastError: view.reason} : {},
			...view.archivedAt ? {archivedAt: view.archivedAt} : {},
		};
	}

	/** Where a file is at the destination: a path, or a URL for remote destinations. */
	#locate(relativePath: string): string {
		return this.#sink ? this.#sink.locate(relativePath) : path.join(this.outDir, ...relativePath.split('/'));
	}

	/**
	 * Records every file's outcome now (the run's own batches may have lagged or failed): what a platform deletion
	 * relies on must be in the journal before anything is deleted.
	 */
	checkpoint(summary: RunSummary): void {
		this.journal.recordItems(this.runId, this.#outcomeItems(summary));
	}

	/** Records deletions on the platform (or, in a dry run, what would have been deleted). */
	recordDeletions(items: ReadonlyArray<{contactId: string; status: 'deleted' | 'delete-failed' | 'would-delete' | 'kept'; at?: string; error?: string}>): void {
		this.journal.recordItems(this.runId, items.map(item => ({
			recordingId: item.contactId, fileId: `${item.contactId}:deleted`, status: item.status,
			...item.error ? {lastError: item.error} : {}, ...item.at ? {archivedAt: item.at} : {},
		})));
		for (const item of items) {
			this.#extraCounts[item.status] = (this.#extraCounts[item.status] ?? 0) + 1;
		}
	}

	/**
	 * A deletion about to be asked of the platform, journaled before the request: a run killed before its answer is
	 * recorded leaves this, not nothing (the recording may be gone). Its outcome, recorded by recordDeletions, replaces it.
	 */
	recordDeletionAsked(contactId: string): void {
		this.journal.recordItems(this.runId, [{
			recordingId: contactId, fileId: `${contactId}:deleted`, status: 'delete-failed',
			lastError: 'deletion asked of the platform; its answer was not recorded (the run ended): check the platform',
		}]);
	}

	/** The journal's item for each outcome, made as the journal takes them (a long run's are never all held). */
	* #outcomeItems(summary: RunSummary): Generator<ItemInput> {
		for (const outcome of summary.outcomes) {
			const {archivedAt} = outcome;
			yield {
				recordingId: outcome.file.contactId,
				fileId: outcome.file.fileId,
				path: this.#locate(outcome.relativePath ?? outcome.file.relativePath),
				status: itemStatus(outcome),
				attempts: outcome.attempts ?? (outcome.state === 'skipped' ? 0 : 1),
				...outcome.size === undefined ? {} : {size: outcome.size},
				...outcome.sha256 === undefined ? {} : {sha256: outcome.sha256},
				...outcome.reason === undefined ? {} : {lastError: outcome.reason},
				...archivedAt === undefined ? {} : {archivedAt},
			};
		}
	}

	/**
	 * Records every outcome of the run (and its recycled and limited contacts), how it ended, and drops its claims
	 * and reservation. Returns the outcome, and exit code 6 when a limit held contacts back and all else went well.
	 */
	finish(plan: Plan, summary: RunSummary, result: {manifestPath?: string} = {}): FinishResult {
		this.#sink ??= plan.sink;

		const limited = this.#limited;
		const outcomes = this.#outcomeItems(summary);
		const items = function * (): Generator<ItemInput> {
			yield * outcomes;
			for (const contact of plan.contacts) {
				if (contact.recycled) {
					yield {recordingId: contact.id, fileId: contactFileId(contact.id), status: 'recycled'};
				}
			}

			for (const contactId of limited) {
				yield {recordingId: contactId, fileId: contactFileId(contactId), status: 'limited'};
			}
		};

		const counts: Record<string, number> = {
			contacts: plan.contacts.length,
			files: plan.files.length,
			valid: summary.valid,
			skipped: summary.skipped,
			skippedByProfile: summary.skippedByProfile,
			failed: summary.failed,
			interrupted: summary.unfinished,
			recycled: plan.recycled,
			archived: summary.archived,
			archiveFailures: summary.archiveFailures.size,
			limited: this.#limited.length,
			busy: this.#busy.length,
			...this.#extraCounts,
		};
		const outcome: FinishResult['outcome'] = summary.fatal ? 'failed'
			: summary.interrupted ? 'interrupted'
				: summary.failed > 0 || summary.archiveFailures.size > 0 ? 'some-failed'
					: this.#limited.length > 0 ? 'limit' : 'ok';
		this.#close(() => {
			this.journal.recordItems(this.runId, items());
			this.journal.finishRun(this.runId, {
				counts, bytes: summary.bytesTransferred, durationMs: summary.durationMs, outcome,
				...result.manifestPath ? {manifestPath: result.manifestPath} : {},
				...summary.fatal ? {error: summary.fatal.message} : outcome === 'limit' ? {error: `${this.#limited.length} contacts left for a later run by a limit`} : {},
			});
		});
		return {outcome, counts, ...outcome === 'limit' ? {exitCode: exitCodes.limit} : {}};
	}

	/** Records that the run stopped with `error` (or was interrupted before it started downloading). */
	fail(error: unknown, outcome: 'failed' | 'interrupted' = 'failed', durationMs = 0): void {
		this.#close(() => {
			// No counts: the journal counts the items this run recorded before it failed.
			this.journal.finishRun(this.runId, {durationMs, outcome, error: error instanceof Error ? error.message : String(error)});
		});
	}

	#close(action: () => void): void {
		if (this.#finished) {
			return;
		}

		this.#finished = true;
		try {
			action();
		} finally {
			if (this.#ownsJournal) {
				this.journal.close();
			}
		}
	}
}
