/**
 * The plan: which file of which contact goes to which path, decided before a byte is written. Names come from the
 * template; collisions inside the batch and against files on disk are resolved here, files already on disk with
 * the same digest are skipped, and the folder is checked for write access and free space.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import {type FileKind, nameFieldsOf, type RemoteFile, remoteFilesOf, type TranscriptChoice} from '../catalogue/contacts.js';
import {FilesystemError, formatBytes} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {
	type FileNameTemplate, NameResolver, type NameRequest, renderSegments, sanitizeSegment, suffixedPath,
} from '../naming/index.js';
import type {Sink} from '../sinks/sink.js';
import type {Channel, Contact} from '../sources/model.js';
import type {ContactColumns} from '../export/manifest.js';
import {linesOf} from '../sinks/lines.js';
import type {ItemList, RecordSpool, SpooledRef} from '../runtime/spool.js';

export interface PlanOptions {
	/** Where the files go. */
	sink: Sink;
	template: FileNameTemplate;
	dateFormat?: string;
	timeZone?: string;
	/** Replace a same-named file (after the new one validated); otherwise keep both with a `_2` suffix. */
	overwrite: boolean;
	/** Download contacts already marked archived too. */
	includeArchived: boolean;
	transcripts: TranscriptChoice;
	/** Only look: create no folder and skip the free-space check (`ccdl list`). */
	dryRun?: boolean;
	/** The kinds of file wanted (the export mode); the others are not planned. Default: all. */
	wants?: (kind: FileKind) => boolean;
}

/**
 * What a run needs of a contact once it is planned. A listed `Contact` is one. A download keeps only this much of
 * each (`slimContact`), itself in a spool on disk with its manifest's columns and its files (`runtime/spool.ts`,
 * `planForRun`), so a long run's memory does not grow with every listed record (issues 12 and 16).
 */
export type PlannedContact = Pick<Contact, 'id' | 'channel' | 'campaignId' | 'campaignName' | 'recycled' | 'archived' | 'archivedAt' | 'media' | 'transcript'> & {
	/** Where the spool holds the contact's manifest columns. */
	readonly spooled?: SpooledRef;
};

/** A planned contact that still has every listed field (the app, `ccdl list`), not a download's slim one. */
export function isListed(contact: PlannedContact): contact is Contact {
	return 'recordId' in contact;
}

/** The part of a listed contact a download keeps; `spooled` says where the rest is. */
export function slimContact(contact: Contact, spooled?: SpooledRef): PlannedContact {
	return {
		id: contact.id, channel: contact.channel, campaignId: contact.campaignId, campaignName: contact.campaignName, recycled: contact.recycled,
		archived: contact.archived, archivedAt: contact.archivedAt, media: contact.media, transcript: contact.transcript, ...(spooled ? {spooled} : {}),
	};
}

export interface PlannedFile<C extends PlannedContact = PlannedContact> extends RemoteFile {
	contact: C;
	/** '/'-separated, relative to the destination. */
	relativePath: string;
	/** Where the file is staged locally while it downloads (for a local folder: its final path). */
	path: string;
	action: 'download' | 'skip';
	skipReason?: 'identical';
	/** A different file of this name exists and will be replaced once the new one is valid. */
	replaces: boolean;
	/**
	 * Files on disk that may hold these very bytes but could not be compared before downloading (the listing gave
	 * no digest): compared after validation, and the new copy is dropped if one matches. Relative paths.
	 */
	compareWith: string[];
}

/** A plan held whole in memory, every listed field kept: what the app and `ccdl list`'s table show. */
export type ShownPlan = Plan<Contact> & {contacts: Contact[]; files: Array<PlannedFile<Contact>>};

export interface Plan<C extends PlannedContact = PlannedContact> {
	/** The destination for people: a folder, or a URL such as s3://bucket/prefix. */
	outDir: string;
	sink: Sink;
	/**
	 * Contacts to export (recycled ones included: they go into the manifest, nothing is downloaded). A download's
	 * plan reads its contacts and files from spools on disk (`planForRun`), so they are lists to walk in order, not
	 * arrays; a plan shown whole is `ShownPlan`.
	 */
	contacts: ItemList<C>;
	files: ItemList<PlannedFile<C>>;
	/** Where slim contacts' manifest columns are (a download's plan); its owner closes it with the sink. */
	spool?: RecordSpool<ContactColumns>;
	/** The spools the plan's contacts and files are read from (a download's plan), closed with it (`closePlan`). */
	spools?: ReadonlyArray<{close(): void}>;
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
	/** Free bytes at the destination, when known. */
	freeBytes: number | undefined;
}

function namesOf(file: RemoteFile, baseSegments: string[]): {segments: string[]; extension: string} {
	if (file.kind !== 'screenshot') {
		return {segments: baseSegments, extension: file.extension};
	}

	// Screenshots share the recording's name plus a number, re-cut so the suffix and extension still fit.
	const last = sanitizeSegment(`${baseSegments.at(-1)!}-screenshot-${file.index ?? 1}`, file.extension);
	return {segments: [...baseSegments.slice(0, -1), last.slice(0, last.length - file.extension.length)], extension: file.extension};
}

/** A file name's key for finding its collision variants: folded, without `_N` and extension. */
function variantKey(folded: string): {stem: string; extension: string} {
	const dot = folded.lastIndexOf('.');
	const extension = dot > 0 ? folded.slice(dot) : '';
	const base = dot > 0 ? folded.slice(0, dot) : folded;
	return {stem: base.replace(/_\d+$/, ''), extension};
}

interface FolderIndex {
	/** Folded names of the files in the folder. */
	names: Set<string>;
	/** Folded stem → actual names of `stem.ext` and `stem_N.ext` files. */
	variants: Map<string, string[]>;
}

/**
 * Digests of files already at the destination computed at once while a page is planned. One after another, a rerun
 * into a folder of 6,428 files left the planner idle 1.3 s of its 3.9 s, waiting for each file's open, read and close.
 */
const digestsAtOnce = 8;

/** What is at the destination, read once per folder, with digests computed at most once per file. */
class DestinationIndex {
	readonly #sink: Sink;
	readonly #folders = new Map<string, Promise<FolderIndex>>();
	readonly #digests = new Map<string, Promise<string | undefined>>();
	readonly #hashing = pLimit(digestsAtOnce);

	constructor(sink: Sink) {
		this.#sink = sink;
	}

	readonly #loaded = new Map<string, FolderIndex>();

	/**
	 * Reads every folder the plan names, a few at a time, before the plan is made: the plan then asks about names
	 * synchronously, which matters with hundreds of thousands of files.
	 */
	async preload(folders: Iterable<string>): Promise<void> {
		const queue = [...new Set(folders)].filter(folder => !this.#loaded.has(folder));
		const worker = async () => {
			for (let folder = queue.pop(); folder !== undefined; folder = queue.pop()) {
				const index: FolderIndex = {names: new Set(), variants: new Map()};
				for (const entry of await this.#sink.list(folder)) {
					const folded = entry.name.normalize('NFC').toLowerCase();
					index.names.add(folded);
					const {stem} = variantKey(folded);
					const list = index.variants.get(stem) ?? [];
					list.push(entry.name);
					index.variants.set(stem, list);
				}

				this.#loaded.set(folder, index);
			}
		};

		await Promise.all(Array.from({length: Math.min(8, queue.length)}, worker));
	}

	#folder(relativeDir: string): FolderIndex {
		const index = this.#loaded.get(relativeDir);
		if (!index) {
			throw new Error(`plan: folder ${relativeDir} was not preloaded`);
		}

		return index;
	}

	exists(relativePath: string): boolean {
		const slash = relativePath.lastIndexOf('/');
		const index = this.#folder(slash < 0 ? '' : relativePath.slice(0, slash));
		return index.names.size > 0 && index.names.has(relativePath.slice(slash + 1).normalize('NFC').toLowerCase());
	}

	/** Files named `stem.ext` or `stem_N.ext` in the segments' folder, as relative paths, shortest first. */
	variants(segments: readonly string[], extension: string): string[] {
		const folder = segments.slice(0, -1).join('/');
		const index = this.#folder(folder);
		if (index.names.size === 0) {
			return [];
		}

		const stem = segments.at(-1)!.normalize('NFC').toLowerCase();
		const wanted = extension.toLowerCase();
		const found = (index.variants.get(variantKey(`${stem}${wanted}`).stem) ?? [])
			.filter(name => {
				const folded = name.normalize('NFC').toLowerCase();
				return folded.endsWith(wanted) && (folded === `${stem}${wanted}` || /^_\d+$/.test(folded.slice(stem.length, folded.length - wanted.length)))
					&& folded.startsWith(stem);
			})
			.map(name => folder ? `${folder}/${name}` : name);
		return found.sort((a, b) => a.length - b.length || a.localeCompare(b));
	}

	/** The digest of the file at `relativePath`, computed once (a few at a time, see digestsAtOnce). */
	#digest(relativePath: string): Promise<string | undefined> {
		let digest = this.#digests.get(relativePath);
		if (!digest) {
			digest = this.#hashing(async () => this.#sink.digest(relativePath)).catch(() => undefined);
			this.#digests.set(relativePath, digest);
		}

		return digest;
	}

	/** Starts computing the digests of these files, so that `holds` finds them done or under way. */
	prefetch(relativePaths: Iterable<string>): void {
		for (const relativePath of relativePaths) {
			void this.#digest(relativePath);
		}
	}

	/** Whether the file at `relativePath` has exactly the listed digest (and size, when listed). */
	async holds(relativePath: string, expected: RemoteFile): Promise<boolean> {
		if (!expected.sha256) {
			return false;
		}

		return await this.#digest(relativePath) === expected.sha256;
	}
}

/** Who each file at the destination belongs to, by the destination's manifest (folded path → contact and kind). */
async function manifestOwners(sink: Sink): Promise<Map<string, {contactId: string; kind: string}>> {
	const owners = new Map<string, {contactId: string; kind: string}>();
	try {
		// Read as it streams: a folder's manifest grows with every run into it.
		for await (const line of linesOf(sink, 'manifest.jsonl')) {
			let row: {file?: unknown; contactId?: unknown; fileKind?: unknown; status?: unknown} | undefined;
			try {
				row = JSON.parse(line) as typeof row;
			} catch {}

			if (row && typeof row.file === 'string' && row.file && typeof row.contactId === 'string' && typeof row.fileKind === 'string'
				&& (row.status === 'valid' || row.status === 'skipped-identical')) {
				owners.set(row.file.replace(/\.age$/, '').normalize('NFC').toLowerCase(), {contactId: row.contactId, kind: row.fileKind});
			}
		}
	} catch {
		// An unreadable manifest owns nothing here; writing this run's manifest says what is wrong with it.
	}

	return owners;
}

/** What a plan says about itself: everything but its contacts and files. */
export type PlanTotals = Omit<Plan, 'contacts' | 'files' | 'spool'>;

/** One page of a plan: its contacts (archived ones left out unless asked for) and their files. */
export interface PlanPage {
	contacts: Contact[];
	files: Array<PlannedFile<Contact>>;
}

/**
 * A plan made page by page, as the listing arrives: `add` turns each page of contacts into planned files, and
 * `finish` checks free space and gives the totals. It keeps the names given out and the counters, not the pages,
 * so `ccdl list` of a million recordings never holds them all. Names are resolved in listing order: a file keeps
 * its name unless an earlier file of the plan or a file at the destination holds it.
 */
export class Planner {
	readonly #options: PlanOptions;
	readonly #stagingDir: string;
	readonly #disk: DestinationIndex;
	/** Files the destination's manifest says earlier runs exported, and for whom. */
	readonly #ownEarlier: Map<string, {contactId: string; kind: string}>;
	readonly #names = new NameResolver();
	/** Files at the destination this plan keeps (identical) or downloads over (repairs): folded. */
	readonly #claimed = new Set<string>();
	/** Names the resolver gave out that no file of the plan ends up at (a file at the destination held them): folded. */
	readonly #diverted = new Set<string>();
	readonly #totals: Omit<PlanTotals, 'outDir' | 'sink' | 'freeBytes'> & {contacts: number; files: number} = {
		contacts: 0, files: 0, recycled: 0, archivedSkipped: 0, bytes: 0, downloadBytes: 0, unknownSizes: 0, byCampaign: {}, byChannel: {},
		collisions: {inBatch: 0, onDisk: 0}, identical: 0,
	};

	/** Free space at the destination when the planning began: what a plan still growing shows (the app's list). */
	readonly #freeAtStart: number | undefined;

	private constructor(options: PlanOptions, ownEarlier: Map<string, {contactId: string; kind: string}>, freeAtStart: number | undefined) {
		this.#options = options;
		this.#stagingDir = path.resolve(options.sink.stagingDir);
		this.#disk = new DestinationIndex(options.sink);
		this.#ownEarlier = ownEarlier;
		this.#freeAtStart = freeAtStart;
	}

	/** Prepares the destination (a dry run creates nothing) and reads what earlier runs left there. */
	static async open(options: PlanOptions): Promise<Planner> {
		await options.sink.prepare({dryRun: options.dryRun ?? false});
		const [owners, free] = await Promise.all([manifestOwners(options.sink), options.sink.freeSpace().catch(() => undefined)]);
		return new Planner(options, owners, free);
	}

	/** Where the files go; closed by whoever ends the plan (the run, or the caller that drops it). */
	get sink(): Sink {
		return this.#options.sink;
	}

	/** The totals of the pages planned so far, with the free space measured when the planning began (a plan still growing). */
	current(): PlanTotals {
		const {contacts: _contacts, files: _files, ...totals} = this.#totals;
		return {
			...totals, byCampaign: {...totals.byCampaign}, byChannel: {...totals.byChannel}, collisions: {...totals.collisions},
			outDir: this.#options.sink.location, sink: this.#options.sink, freeBytes: this.#freeAtStart,
		};
	}

	/**
	 * A file of this plan will be written at `relativePath` (not merely a name the resolver gave out and the plan
	 * moved away from): a file at the destination there cannot be kept as someone's identical copy.
	 */
	#destined(relativePath: string): boolean {
		const folded = this.#names.fold(relativePath);
		return this.#names.isTaken(relativePath) && !this.#diverted.has(folded) && !this.#claimed.has(folded);
	}

	async add(listed: readonly Contact[]): Promise<PlanPage> {
		const options = this.#options;
		const totals = this.#totals;
		const names = this.#names;
		const contacts = listed.filter(contact => options.includeArchived || !contact.archived);
		totals.archivedSkipped += listed.length - contacts.length;
		const requests: NameRequest[] = [];
		const pending: Array<{file: RemoteFile; contact: Contact; segments: string[]; extension: string}> = [];
		for (const contact of contacts) {
			const base = renderSegments(options.template, nameFieldsOf(contact), {timeZone: options.timeZone, dateFormat: options.dateFormat});
			for (const file of remoteFilesOf(contact, options.transcripts)) {
				if (options.wants && !options.wants(file.kind)) {
					continue;
				}

				const {segments, extension} = namesOf(file, base);
				requests.push({key: file.fileId, segments, extension});
				pending.push({file, contact, segments, extension});
			}
		}

		const disk = this.#disk;
		await disk.preload(pending.map(({segments}) => segments.slice(0, -1).join('/')));
		// Pass 1: files this page already has at the destination, wherever an earlier run's collision suffixes put
		// them (a run with more contacts in a name group shifts the suffixes). A claimed file is skipped and never
		// replaced; one an earlier page will write is not a candidate.
		const claimed = new Map<string, string>();
		const repairs = new Map<string, string>();
		const candidates = pending.map(({file, segments, extension}) => file.sha256 ? disk.variants(segments, extension) : []);
		disk.prefetch(candidates.flat());
		for (const [index, {file}] of pending.entries()) {
			if (!file.sha256) {
				continue;
			}

			let corrupt: string | undefined;
			for (const candidate of candidates[index]!) {
				if (this.#claimed.has(names.fold(candidate)) || this.#destined(candidate)) {
					continue;
				}

				if (await disk.holds(candidate, file)) {
					claimed.set(file.fileId, candidate);
					this.#claimed.add(names.fold(candidate));
					corrupt = undefined;
					break;
				}

				// Exported earlier for this same contact and kind, and its bytes no longer match the listing: corrupted
				// since. Downloaded again over itself, never beside it.
				const owner = this.#ownEarlier.get(candidate.normalize('NFC').toLowerCase());
				if (!corrupt && owner?.contactId === file.contactId && owner.kind === file.kind) {
					corrupt = candidate;
				}
			}

			if (corrupt && !claimed.has(file.fileId)) {
				repairs.set(file.fileId, corrupt);
				this.#claimed.add(names.fold(corrupt));
			}
		}

		const wantedNames = names.resolve(requests);
		const files: Array<PlannedFile<Contact>> = [];
		// Made once a page, not once a file (the loop below runs for every file of a listing of any size).
		const claimedNames = this.#claimed;
		const kept = (candidate: string) => claimedNames.size > 0 && claimedNames.has(names.fold(candidate));
		const occupied = (candidate: string) => kept(candidate) || disk.exists(candidate);
		const inside = this.#stagingDir + path.sep;
		for (const {file, contact, segments, extension} of pending) {
			const wanted = wantedNames.get(file.fileId)!;
			if (wanted !== segments.join('/') + extension) {
				totals.collisions.inBatch++;
			}

			let relativePath = claimed.get(file.fileId) ?? repairs.get(file.fileId) ?? wanted;
			const action: PlannedFile['action'] = claimed.has(file.fileId) ? 'skip' : 'download';
			let replaces = repairs.has(file.fileId);
			const compareWith: string[] = [];
			if (replaces) {
				totals.collisions.onDisk++;
			} else if (action === 'download' && options.overwrite && !kept(relativePath)) {
				if (disk.exists(relativePath)) {
					replaces = true;
					totals.collisions.onDisk++;
				}
			} else if (action === 'download') {
				// Keep both (or the wanted name holds another recording of this plan): the first free `_n` name; a
				// file without a listed digest is compared after download with what is in the way.
				const wantedSegments = wanted.split('/');
				const stem = wantedSegments.at(-1)!.slice(0, wantedSegments.at(-1)!.length - extension.length);
				for (let n = 2; occupied(relativePath); n++) {
					if (n === 2) {
						totals.collisions.onDisk++;
					}

					if (!file.sha256 && !kept(relativePath)) {
						compareWith.push(relativePath);
					}

					do {
						relativePath = suffixedPath([...wantedSegments.slice(0, -1), stem], extension, n);
					} while (names.isTaken(relativePath) && ++n < 100_000);
				}
			}

			if (relativePath !== wanted) {
				this.#diverted.add(names.fold(wanted));
				names.take(relativePath);
			}

			const absolute = path.join(this.#stagingDir, ...relativePath.split('/'));
			// Belt and braces: the naming module already guarantees this, but a path outside the folder must never be written.
			if (!absolute.startsWith(inside)) {
				throw new FilesystemError('unsafe-name', `Refusing a file name that leaves ${options.sink.location}: ${JSON.stringify(relativePath)}.`);
			}

			if (action === 'skip') {
				totals.identical++;
			}

			totals.bytes += file.size ?? 0;
			totals.downloadBytes += action === 'download' ? file.size ?? 0 : 0;
			totals.unknownSizes += file.size === undefined ? 1 : 0;
			files.push({
				...file, contact, relativePath, path: absolute, action, ...(action === 'skip' ? {skipReason: 'identical' as const} : {}), replaces, compareWith,
			});
		}

		for (const contact of contacts) {
			totals.byCampaign[contact.campaignName] = (totals.byCampaign[contact.campaignName] ?? 0) + 1;
			totals.byChannel[contact.channel] = (totals.byChannel[contact.channel] ?? 0) + 1;
			totals.recycled += contact.recycled ? 1 : 0;
		}

		totals.contacts += contacts.length;
		totals.files += files.length;
		return {contacts, files};
	}

	/** The plan's totals, once every page is in; refuses a download the destination has no room for. */
	async finish(): Promise<PlanTotals> {
		const {sink} = this.#options;
		const totals = this.current();
		const freeBytes = await sink.freeSpace();
		if (!this.#options.dryRun && freeBytes !== undefined && totals.downloadBytes > freeBytes) {
			throw new FilesystemError('no-space', ...phrased('cli.error.no-space', {location: sink.location, needed: formatBytes(totals.downloadBytes), free: formatBytes(freeBytes)}));
		}

		return {...totals, freeBytes};
	}
}
