/**
 * One run, whoever starts it (`ccdl download`, `ccdl run`, the app): request → source (log in, list) → plan (names,
 * collisions, mode) → admit (claims, limits) → engine (transfer, validate, publish to the sink, mark archived) →
 * manifest and journal → a result with its exit code. Callers only show progress and the result; every guarantee
 * (journaled, limited, claimed, audited) lives here, so no caller can forget one.
 */
import path from 'node:path';
import {contactBatches} from '../catalogue/listing.js';
import {type Plan, type PlannedContact, type PlannedFile, type PlanOptions, type PlanPage, Planner, type PlanTotals, slimContact} from '../engine/plan.js';
import {DownloadRun, type FileOutcome, type RunSummary} from '../engine/run.js';
import type {MarkArchived} from '../engine/archiver.js';
import {CcdlError, exitCodes, UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {type ContactColumns, contactColumns, plannedColumns, type RunRows, runRows, withRows, writeManifest} from '../export/manifest.js';
import {type Admission, DownloadJournal, type RunFilter} from '../journal/download.js';
import {type Journal, openJournal, type RunOutcome} from '../journal/journal.js';
import type {LimitSettings} from '../limits/limits.js';
import {parseTemplate} from '../naming/index.js';
import {loginCompany, prepareProfiles, type PreparedProfiles, type RunProfiles, runProfiles} from '../profiles/run-profiles.js';
import {boundHeapGrowth} from '../runtime/memory.js';
import {filterList, RecordSpool, type SpooledRef} from '../runtime/spool.js';
import {modeWants} from '../searches/mode.js';
import {dataDir} from '../settings/paths.js';
import {LocalSink} from '../sinks/local/local-sink.js';
import {openSink} from '../sinks/registry.js';
import type {Sink} from '../sinks/sink.js';
import type {Campaign, Contact, ContactQuery, Source, TranscriptFormat} from '../sources/model.js';
import {platformInfo, platformOf} from '../sources/registry.js';
import {visible} from '../text/visible.js';
import type {RunRequest} from './request.js';
import {rowsFromJournal} from './recover.js';
import {type RunHandle, watchRun} from './state.js';

/** Logs in to the request's platform. The secret is used for this login (and the platform's renewals) only. */
export async function login(request: Pick<RunRequest, 'platform' | 'server' | 'company' | 'username' | 'audioFormat'>, secret: string, signal?: AbortSignal, secrets?: Readonly<Record<string, string>>): Promise<Source> {
	const platform = await platformOf(request.platform);
	return platform.login({
		server: request.server, username: request.username, secret, ...(request.company ? {company: request.company} : {}), ...(signal ? {signal} : {}),
		...(request.audioFormat ? {audioFormat: request.audioFormat} : {}), ...(secrets ? {secrets} : {}),
	});
}

/** Campaign names or IDs → IDs, against the campaigns this user may see. */
export function resolveCampaigns(wanted: readonly string[], available: readonly Campaign[]): string[] {
	const ids: string[] = [];
	for (const text of wanted) {
		const match = available.find(campaign => campaign.id === text)
			?? available.find(campaign => campaign.name === text)
			?? (() => {
				const loose = available.filter(campaign => campaign.name.toLocaleLowerCase() === text.toLocaleLowerCase());
				return loose.length === 1 ? loose[0] : undefined;
			})();
		if (!match) {
			const names = available.slice(0, 12).map(campaign => `${campaign.id} "${visible(campaign.name)}"`).join(', ');
			throw new UsageError(...phrased('cli.error.unknown-campaign', {name: visible(text), names: `${names}${available.length > 12 ? ', …' : ''}`}));
		}

		ids.push(match.id);
	}

	return [...new Set(ids)];
}

/** The listing query of a request; campaign names are resolved against the source's campaigns. */
export async function queryOf(source: Source, request: RunRequest, signal?: AbortSignal): Promise<ContactQuery> {
	if (request.campaigns.length > 0 && source.capabilities.groups === 'none') {
		throw new UsageError(`${platformInfo(source.platform).label} has no campaigns or queues to choose from; leave --campaign out.`);
	}

	const campaigns = request.campaigns.length > 0 ? resolveCampaigns(request.campaigns, await source.campaigns(signal)) : [];
	return {
		...(request.from ? {from: request.from.toISOString()} : {}),
		...(request.to ? {to: request.to.toISOString()} : {}),
		campaigns,
		channels: request.channels,
		// Archived contacts are always listed, so the plan can say how many it leaves out.
		includeArchived: true,
	};
}

/**
 * Platforms without an archived mark of their own: a contact counts as archived once the journal has recorded it
 * exported and verified (by any earlier run, into any folder) for this account.
 */
export function markExportedFromJournal(source: Source, contacts: Contact[], journal: Journal): void {
	if (source.capabilities.markArchived || contacts.length === 0) {
		return;
	}

	const exported = journal.exportedAt(source.baseUrl, contacts.map(contact => contact.id));
	for (const contact of contacts) {
		const at = exported.get(contact.id);
		if (at && !contact.archived) {
			contact.archived = true;
			contact.archivedAt = at;
		}
	}
}

function plannerOptions(sink: Sink, request: RunRequest, dryRun: boolean): PlanOptions {
	return {
		sink,
		template: parseTemplate(request.template),
		dateFormat: request.dateFormat,
		timeZone: request.timeZone,
		overwrite: request.overwrite,
		includeArchived: request.includeArchived,
		transcripts: request.transcripts,
		wants: modeWants(request.mode),
		...(dryRun ? {dryRun: true} : {}),
	};
}

export interface ListingPlanOptions {
	signal?: AbortSignal;
	/** Contacts listed so far, and the total when the server says. */
	onPage?: (listed: number, total: number | undefined) => void;
	journal?: Journal;
	/** Only look (`ccdl list`): create nothing at the destination, skip the free-space check. */
	dryRun?: boolean;
	/**
	 * The server asked the listing to wait `seconds` (429/503 with Retry-After): the listing is held that long, and a
	 * cron log or the screen should say why nothing moves.
	 */
	onWait?: (seconds: number) => void;
}

/** The contacts of a resolved query as they are listed, a page at a time, "archived" as the platform or journal says. */
export async function * listingPages(source: Source, query: ContactQuery, options: Pick<ListingPlanOptions, 'signal' | 'onPage' | 'journal' | 'onWait'> = {}): AsyncGenerator<Contact[]> {
	// One journal for the whole listing, when the platform's "archived" is the journal's record.
	const journal = options.journal ?? (source.capabilities.markArchived ? undefined : openJournal());
	const {onWait} = options;
	const before = source.gate.onSlowDown;
	const ours = onWait ? (seconds: number) => {
		before?.(seconds);
		onWait(seconds);
	} : undefined;
	if (ours) {
		source.gate.onSlowDown = ours;
	}

	try {
		for await (const batch of contactBatches(source, query, options)) {
			if (journal) {
				markExportedFromJournal(source, batch, journal);
			}

			yield batch;
		}
	} finally {
		// Only if it is still this listing's: a listing started meanwhile (the app re-lists) has put its own.
		if (ours && source.gate.onSlowDown === ours) {
			source.gate.onSlowDown = before;
		}

		if (journal && !options.journal) {
			journal.close();
		}
	}
}

/** A planner for a request, its destination prepared; whoever drops it without a run closes `planner.sink`. */
export async function openPlanner(request: RunRequest, options: {dryRun?: boolean} = {}): Promise<Planner> {
	const sink = await openSink(request.out, request.sinkOptions ?? {});
	try {
		return await Planner.open(plannerOptions(sink, request, options.dryRun ?? false));
	} catch (error) {
		await sink.close().catch(() => undefined);
		throw error;
	}
}

/**
 * Lists the request's contacts and plans them page by page, while the server prepares the next page: `each` sees
 * every planned page as it is made, and nothing of a page is kept here once `each` returns. Returns the plan's
 * totals; their `sink` is open, and the caller closes it.
 */
export async function planListing(source: Source, request: RunRequest, each: (page: PlanPage) => void | Promise<void>, options: ListingPlanOptions = {}): Promise<PlanTotals> {
	const query = await queryOf(source, request, options.signal);
	const planner = await openPlanner(request, options);
	try {
		for await (const batch of listingPages(source, query, options)) {
			await each(await planner.add(batch));
		}

		return await planner.finish();
	} catch (error) {
		await planner.sink.close().catch(() => undefined);
		throw error;
	}
}

/** The whole plan of a request with every listed field of its contacts (what `ccdl list` shows as a table). */
export async function planToShow(source: Source, request: RunRequest, options: ListingPlanOptions = {}): Promise<Plan<Contact>> {
	const contacts: Contact[] = [];
	const files: Array<PlannedFile<Contact>> = [];
	const totals = await planListing(source, request, page => {
		// One at a time: a page of a hostile server's size would overflow push(...page) (arguments go on the stack).
		for (const contact of page.contacts) {
			contacts.push(contact);
		}

		for (const file of page.files) {
			files.push(file);
		}
	}, options);
	return {...totals, contacts, files};
}

/**
 * The plan a download runs, planned while the listing arrives, and kept on disk: its contacts (only what the run
 * needs of each, `slimContact`), their manifest columns and its files go to spools as each page is planned, and are
 * read back in order as the run needs them. A download of 20,000 contacts held ~2 kB per contact and per file for
 * its whole length (issues 12 and 16); now what it holds does not grow with the plan. The run closes the spools
 * with its sink (`closePlan`).
 */
export async function planForRun(source: Source, request: RunRequest, options: ListingPlanOptions = {}): Promise<Plan> {
	const columns = RecordSpool.open<ContactColumns>('columns');
	const contacts = RecordSpool.open<PlannedContact>('contacts');
	// A file refers to its contact's record: a contact's files are read one after another, and share it.
	const files = RecordSpool.open<Omit<PlannedFile, 'contact'> & {contactAt: SpooledRef}>('files');
	const spools = [columns, contacts, files];
	let bytes = 0;
	try {
		const totals = await planListing(source, request, page => {
			const places = new Map<string, SpooledRef>();
			for (const contact of page.contacts) {
				places.set(contact.id, contacts.put(slimContact(contact, columns.put(contactColumns(contact, request.timeZone)))));
			}

			for (const {contact: _contact, ...file} of page.files) {
				files.put({...file, contactAt: places.get(file.contactId)!});
				bytes += file.action === 'download' ? file.size ?? 0 : 0;
			}

			// While the plan is still being made: a limit V8 sets now stands until the heap reaches it.
			boundHeapGrowth(files.count, bytes);
		}, options);
		const planned = files.list(({contactAt, ...file}): PlannedFile => ({...file, contact: contacts.read(contactAt)}));
		return {...totals, contacts: contacts.list(), files: planned, spool: columns, spools};
	} catch (error) {
		for (const spool of spools) {
			spool.close();
		}

		throw error;
	}
}

/** Ends what a plan holds open: its destination's connection and its spools. */
export async function closePlan(plan: Pick<Plan, 'sink' | 'spool' | 'spools'>): Promise<void> {
	plan.spool?.close();
	for (const spool of plan.spools ?? []) {
		spool.close();
	}

	await plan.sink.close().catch(() => undefined);
}

/** What the journal keeps of a request (and `ccdl history` shows). */
export function filterOf(request: RunRequest): RunFilter {
	return {
		...(request.search ? {search: request.search.name, ...(request.search.dateRule ? {dateRule: request.search.dateRule} : {})} : {}),
		...(request.from ? {from: request.from.toISOString()} : {}),
		...(request.to ? {to: request.to.toISOString()} : {}),
		timeZone: request.timeZone,
		campaigns: request.campaigns,
		channels: request.channels,
		includeArchived: request.includeArchived,
		transcripts: request.transcripts,
		mode: request.mode,
		template: request.template,
	};
}

/** What happened to a contact's recording on the platform after export (--delete-after). */
export interface Deletion {
	contactId: string;
	status: 'deleted' | 'delete-failed' | 'would-delete' | 'kept';
	at?: string;
	error?: string;
}

export interface RunResult {
	summary: RunSummary;
	/** Recordings deleted on the platform (or, in a dry run, those that would have been), and refusals. */
	deletions: Deletion[];
	/** The plan that ran: after claims and limits. */
	plan: Plan;
	admission: Admission;
	/** Where the manifest was written (the destination, or a fallback folder when the destination failed). */
	manifest?: {csv: string; jsonl: string; fallback: boolean; damaged?: number};
	/** Why the manifest could not be written anywhere. */
	manifestError?: string;
	outcome: Exclude<RunOutcome, 'running' | 'abandoned'>;
	exitCode: number;
	runId: number;
}

export interface StartedRun {
	/** Subscribe for progress, read its state; `cancel()` stops it (partials kept, manifest and journal still written). */
	run: RunHandle;
	admission: Admission;
	profiles: RunProfiles;
	result: Promise<RunResult>;
}

export interface StartOptions {
	/** Profiles read before login (a bad --profile fails before the password is asked). */
	profiles?: PreparedProfiles;
	/** An open journal (tests); else the user's. */
	journal?: Journal;
	limits?: LimitSettings;
	now?: () => Date;
	/** Milliseconds between progress batches. */
	eventIntervalMs?: number;
	/**
	 * Whether the run's state keeps a view of every finished file (a screen showing them all), or only of the files in
	 * flight and those that failed (headless: memory that does not grow with the run). @default true
	 */
	keepFinished?: boolean;
}

function journalMark(now: () => Date): MarkArchived {
	// The journal records each contact's archive time through the run's 'archived' events (DownloadJournal.attach).
	return async ids => ({archived: ids.map(id => ({id, archivedAt: now().toISOString()})), errors: []});
}

/**
 * The contacts whose recording may be deleted on the platform: every file of theirs is valid (or already there,
 * identical), the run was not interrupted, and a transcript that was asked for is among them. Deletes them one by
 * one, after the journal holds their verified files; a dry run only records what it would delete.
 */
async function deleteExported(source: Source, plan: Plan, summary: RunSummary, request: RunRequest, recorder: DownloadJournal, now: () => Date, signal: AbortSignal): Promise<{deletions: Deletion[]; interrupted: boolean}> {
	if (!source.capabilities.delete || !source.deleteRecording) {
		throw new UsageError(`--delete-after: ${source.platform} recordings cannot be deleted by ccdl.`);
	}

	if (summary.interrupted || summary.fatal || request.mode !== 'full') {
		return {deletions: [], interrupted: false};
	}

	recorder.checkpoint(summary);
	const deletions: Deletion[] = [];
	// Each deletion is journaled as it happens (asked, then its answer): a kill -9 in the middle leaves a record of
	// every recording the platform may have deleted. A stop (Ctrl-C, SIGTERM) ends the deleting before the next one.
	const record = (deletion: Deletion) => {
		deletions.push(deletion);
		recorder.recordDeletions([deletion]);
	};

	for (const outcomes of byContact(summary.outcomes)) {
		if (signal.aborted) {
			return {deletions, interrupted: true};
		}

		const {contact} = outcomes[0]!.file;
		if (contact.recycled || !contact.media) {
			continue;
		}

		const safe = (outcome: FileOutcome) => outcome.state === 'valid' || (outcome.state === 'skipped' && outcome.skipReason === 'identical');
		const recording = outcomes.find(outcome => outcome.file.kind === 'recording');
		const transcriptWanted = request.transcripts !== 'none';
		const transcript = outcomes.find(outcome => outcome.file.kind === 'transcript');
		if (!recording || !outcomes.every(safe)) {
			continue;
		}

		// "Missing" is a transcript the platform has for this contact but that did not come through; a recording the
		// platform never transcribed has none to lose.
		if (transcriptWanted && contact.transcript?.formats.includes(request.transcripts as TranscriptFormat) && !transcript) {
			record({contactId: contact.id, status: 'kept', error: 'not deleted: the transcript asked for is missing'});
			continue;
		}

		if (request.dryRun) {
			record({contactId: contact.id, status: 'would-delete'});
			continue;
		}

		recorder.recordDeletionAsked(contact.id);
		try {
			await source.deleteRecording(contact);
			record({contactId: contact.id, status: 'deleted', at: now().toISOString()});
		} catch (error) {
			record({contactId: contact.id, status: 'delete-failed', error: visible((error as Error).message)});
		}
	}

	return {deletions, interrupted: false};
}

/**
 * The outcomes of each contact together. A contact's files are next to each other in the plan, and outcomes come in
 * the plan's order; a contact met again later (a plan made otherwise) is a group of its own.
 */
function * byContact(outcomes: Iterable<FileOutcome>): Generator<FileOutcome[]> {
	let group: FileOutcome[] = [];
	for (const outcome of outcomes) {
		if (group.length > 0 && group[0]!.file.contactId !== outcome.file.contactId) {
			yield group;
			group = [];
		}

		group.push(outcome);
	}

	if (group.length > 0) {
		yield group;
	}
}

async function saveManifest(plan: Plan, rows: RunRows, request: RunRequest, runId: number): Promise<Pick<RunResult, 'manifest' | 'manifestError'>> {
	try {
		return {manifest: {...await writeManifest(plan.sink, rows, {bom: request.csvBom}), fallback: false}};
	} catch (error) {
		// The destination failed (disk full, gone, refused): the record of what happened must survive somewhere.
		try {
			const fallback = new LocalSink(path.join(dataDir(), 'manifests', `run-${runId}`));
			await fallback.prepare({dryRun: false});
			return {manifest: {...await writeManifest(fallback, rows, {bom: request.csvBom}), fallback: true}};
		} catch {
			return {manifestError: (error as Error).message};
		}
	}
}

/**
 * Records in the journal a run that ended before its download started (the login refused, the server unreachable, no
 * password, interrupted while listing), so `ccdl history` shows a cron job that failed, not nothing. Best effort: a
 * journal that cannot be written must not hide the error itself.
 */
export function recordFailedStart(request: RunRequest, error: unknown, outcome: 'failed' | 'interrupted' = 'failed'): void {
	try {
		DownloadJournal.start({
			server: request.server, company: request.company, user: request.username, filter: filterOf(request), outDir: request.out, search: request.search?.name,
		}, {timeZone: request.timeZone}).fail(error, outcome);
	} catch {}
}

/**
 * Admits the plan (claims, limits), runs it, writes the manifest and records everything in the journal. Returns at
 * once with the engine to watch; `result` settles when the run has ended, however it ended.
 */
export async function startRun(source: Source, plan: Plan, request: RunRequest, options: StartOptions = {}): Promise<StartedRun> {
	const now = options.now ?? (() => new Date());
	const prepared = options.profiles ?? await prepareProfiles({profile: request.profile});
	const company = loginCompany({company: request.company}, source);
	const recorder = DownloadJournal.start({
		server: source.baseUrl, company, user: source.user.username, filter: filterOf(request), outDir: plan.outDir, search: request.search?.name,
	}, {
		...(options.journal ? {journal: options.journal} : {}), ...(options.limits ? {limits: options.limits} : {}), timeZone: request.timeZone, now,
	});
	let admission: Admission;
	let profiles: RunProfiles;
	let engine: DownloadRun;
	try {
		admission = recorder.admit(plan);
		boundHeapGrowth(admission.plan.files.length, admission.plan.downloadBytes);
		profiles = runProfiles(prepared, company);
		const mark = !request.archive ? undefined
			: source.capabilities.markArchived && source.markArchived ? async (ids: readonly string[]) => source.markArchived!(ids)
				: journalMark(now);
		engine = new DownloadRun(source, admission.plan, {
			concurrency: request.concurrency,
			...(profiles.any ? {profileFor: profiles.profileFor} : {}),
			overwrite: request.overwrite,
			...(mark ? {markArchived: mark} : {}),
			...(request.minimumSpeed ? {minimumSpeed: request.minimumSpeed} : {}),
			...(options.eventIntervalMs === undefined ? {} : {eventIntervalMs: options.eventIntervalMs}),
		});
	} catch (error) {
		recorder.fail(error);
		await closePlan(plan);
		throw error;
	}

	const admitted = admission.plan;
	// Watched before anyone else subscribes: the one state every screen and reporter reads.
	const run = watchRun(engine, {keepFinished: options.keepFinished ?? true});
	const result = (async (): Promise<RunResult> => {
		const detach = recorder.attach(run);
		let summary: RunSummary;
		try {
			summary = await engine.start();
		} catch (error) {
			detach();
			engine.close();
			await closePlan(admitted);
			recorder.fail(error, engine.signal.aborted ? 'interrupted' : 'failed');
			throw error;
		}

		detach();
		const deleting = request.deleteAfter ? await deleteExported(source, admitted, summary, request, recorder, now, engine.signal) : {deletions: [], interrupted: false};
		const {deletions} = deleting;
		if (deleting.interrupted) {
			// Stopped between deletions: the run ends as interrupted (exit 130), and the next one deletes the rest.
			summary = {...summary, interrupted: true};
		}

		const limited = new Set(admission.limited);
		const extra = {
			limited: filterList(plan.contacts, contact => limited.has(contact.id)),
			timeZone: request.timeZone,
			deleted: new Map(deletions.map(deletion => [deletion.contactId, deletion.status === 'deleted' ? deletion.at! : deletion.status === 'would-delete' ? 'would delete (dry run)' : ''])),
		};
		const rows = runRows(admitted, summary, extra);
		// Files an earlier, killed run left without manifest rows (the journal has them) are described again.
		let byId: Map<string, PlannedContact> | undefined;
		const contactOf = (contactId: string) => {
			if (!byId) {
				byId = new Map();
				for (const contact of plan.contacts) {
					byId.set(contact.id, contact);
				}
			}

			const contact = byId.get(contactId);
			return contact ? {columns: plannedColumns(contact, request.timeZone, plan.spool), archivedAt: contact.archivedAt} : undefined;
		};

		const recovered = await rowsFromJournal(recorder.journal, source.baseUrl, admitted.sink, rows.keys(), contactOf).catch(() => []);
		const saved = await saveManifest(admitted, withRows(rows, recovered), request, recorder.runId);
		let finish;
		try {
			finish = recorder.finish(admitted, summary, saved.manifest ? {manifestPath: saved.manifest.csv} : {});
		} finally {
			// The outcomes and the plan's spools have been read for the last time; a remote sink holds a connection open.
			engine.close();
			await closePlan(admitted);
		}

		const fatal = summary.fatal;
		const exitCode = fatal ? (fatal instanceof CcdlError ? fatal.exitCode : exitCodes.server)
			: summary.interrupted ? exitCodes.interrupted
				: summary.failed > 0 || summary.archiveFailures.size > 0 ? exitCodes.someFailed
					: saved.manifestError ? exitCodes.filesystem
						: finish.exitCode ?? exitCodes.ok;
		const deleteFailed = deletions.some(deletion => deletion.status === 'delete-failed');
		return {
			summary, deletions, plan: admitted, admission, ...saved, outcome: finish.outcome, runId: recorder.runId,
			exitCode: exitCode === exitCodes.ok && deleteFailed ? exitCodes.someFailed : exitCode,
		};
	})();
	return {run, admission, profiles, result};
}
