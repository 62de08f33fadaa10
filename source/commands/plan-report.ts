/** The plan as people read it (a table and a summary) and as machines read it (JSON). */
import {safeJson} from '../lib/text/safe-json.js';
import type {Plan, PlannedFile, PlanPage, PlanTotals} from '../lib/engine/plan.js';
import type {Profile} from '../lib/profiles/model.js';
import type {Contact} from '../lib/sources/model.js';
import {createTranslator, type Translator} from '../lib/i18n/index.js';
import {formatDuration} from '../lib/export/manifest.js';
import {fit, visible} from '../lib/text/visible.js';

/** English, for callers that do not say: what the commands print without --lang or a Hungarian locale. */
export const english = createTranslator('en', 'UTC');

/** What the summary says of a plan: its totals and counts, whether or not its pages were kept. */
export type PlanFigures = PlanTotals & {contactCount: number; fileCount: number; replacing: boolean};

export function figuresOf(plan: Plan): PlanFigures {
	const {contacts, files, ...totals} = plan;
	let replacing = false;
	for (const file of files) {
		if (file.replaces) {
			replacing = true;
			break;
		}
	}

	return {...totals, contactCount: contacts.length, fileCount: files.length, replacing};
}

export function planSummaryLines(plan: PlanFigures, translator: Translator = english): string[] {
	const {t} = translator;
	const lines = [
		t('plan.total', {
			contacts: plan.contactCount, files: plan.fileCount, size: translator.bytes(plan.bytes),
			unknown: plan.unknownSizes ? t('plan.unknown', {count: plan.unknownSizes}) : '', destination: plan.outDir,
		}),
		t('plan.to-download', {
			files: plan.fileCount - plan.identical, size: translator.bytes(plan.downloadBytes),
			free: plan.freeBytes === undefined ? t('plan.free-unknown') : translator.bytes(plan.freeBytes),
		}),
	];
	const extras = [
		plan.identical ? t('plan.identical', {count: plan.identical}) : '',
		plan.archivedSkipped ? t('plan.archived', {count: plan.archivedSkipped}) : '',
		plan.recycled ? t('plan.recycled', {count: plan.recycled}) : '',
		plan.collisions.inBatch ? t('plan.in-batch', {count: plan.collisions.inBatch}) : '',
		plan.collisions.onDisk ? t(plan.replacing ? 'plan.on-disk.replaced' : 'plan.on-disk.kept', {count: plan.collisions.onDisk}) : '',
	].filter(Boolean);
	if (extras.length > 0) {
		lines.push(extras.join('; '));
	}

	lines.push(t('plan.by-channel', {list: Object.entries(plan.byChannel).map(([channel, count]) => `${channel} ${count}`).join(', ') || t('plan.none')}));
	lines.push(t('plan.by-campaign', {list: Object.entries(plan.byCampaign).map(([name, count]) => `${visible(name)} ${count}`).join(', ') || t('plan.none')}));
	return lines;
}

function timeOf(iso: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) {
		return iso;
	}

	const pad = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** One row per contact's main file; screenshots are counted, transcripts named. */
export function planTable(plan: Plan<Contact>, width: number): string[] {
	const main = new Map<string, PlannedFile<Contact>>();
	const shots = new Map<string, number>();
	for (const file of plan.files) {
		if (file.kind === 'screenshot') {
			shots.set(file.contactId, (shots.get(file.contactId) ?? 0) + 1);
		} else if (!main.has(file.contactId)) {
			main.set(file.contactId, file);
		}
	}

	const fixed: Array<[string, number]> = [
		['ID', 8], ['Record', 7], ['Campaign', 18], ['Operator', 16], ['Phone', 13], ['Termination', 16], ['Call start', 19],
		['Length', 8], ['Type', 4], ['Shots', 5], ['Archived', 16],
	];
	const fixedWidth = fixed.reduce((sum, [, size]) => sum + size + 1, 0);
	const nameWidth = Math.max(12, width - fixedWidth);
	const header = [...fixed.slice(0, 7), ['Length', 8], ['File name', nameWidth], ...fixed.slice(8)] as Array<[string, number]>;
	const lines = [header.map(([title, size]) => fit(title, size)).join(' ')];
	for (const contact of plan.contacts) {
		const file = main.get(contact.id);
		const cells: string[] = [
			contact.id, contact.recordId, contact.campaignName, contact.operatorName, contact.phoneNumber || contact.externalParty,
			contact.terminationName, contact.recycled ? contact.callStart : timeOf(contact.callStart),
			contact.recycled ? contact.callStart : formatDuration(contact.durationSeconds),
			file ? file.relativePath : contact.recycled ? '(recycled: nothing to download)' : '(no file)',
			file ? file.extension.slice(1) : '', String(shots.get(contact.id) ?? ''),
			contact.archivedAt ? timeOf(contact.archivedAt).slice(0, 16) : '',
		];
		lines.push(cells.map((cell, index) => fit(visible(cell), header[index]![1])).join(' ').trimEnd());
	}

	return lines;
}

/**
 * The plan for a pipe (gh's habit): a header line, then one row per file — and one for each contact without a file —
 * with every value in full, tab-separated, never cut to a width. Server text goes through visible(), so a tab or a
 * newline in a name can never split a row. Times are the server's ISO instants, lengths in seconds, sizes in bytes.
 */
export const planTsvHeader = ['ID', 'Record', 'Kind', 'Channel', 'Campaign', 'Operator', 'Phone', 'Termination', 'Call start', 'Length', 'File name', 'Size', 'Action', 'Reason', 'Archived'].join('\t');

/** The rows of one page of a plan (or of a whole plan): its files, then its contacts without a file. */
export function planTsvRows(page: PlanPage, profiles?: PlanJsonProfiles): string[] {
	const row = (cells: Array<string | number | null | undefined>) => cells.map(cell => visible(String(cell ?? ''))).join('\t');
	const contactCells = (contact: Contact) => [
		contact.id, contact.recordId, contact.campaignName, contact.operatorName, contact.phoneNumber || contact.externalParty, contact.terminationName,
		contact.callStart, contact.recycled ? '' : contact.durationSeconds,
	];
	const withFiles = new Set(page.files.map(file => file.contactId));
	const lines: string[] = [];
	for (const file of page.files) {
		const [id, record, ...rest] = contactCells(file.contact);
		const item = planJsonItem(file, profiles);
		lines.push(row([id, record, file.kind, file.channel, ...rest, file.relativePath, file.size, item['action'] as string, item['skipReason'] as string | undefined, file.contact.archivedAt]));
	}

	for (const contact of page.contacts) {
		if (!withFiles.has(contact.id)) {
			const [id, record, ...rest] = contactCells(contact);
			lines.push(row([id, record, '', contact.channel, ...rest, '', '', 'none', contact.recycled ? 'recycled' : 'no file', contact.archivedAt]));
		}
	}

	return lines;
}

function planJsonSummary(plan: PlanFigures): Record<string, unknown> {
	return {
		outDir: plan.outDir,
		contacts: plan.contactCount,
		files: plan.fileCount,
		bytes: plan.bytes,
		downloadBytes: plan.downloadBytes,
		freeBytes: plan.freeBytes,
		identical: plan.identical,
		archivedSkipped: plan.archivedSkipped,
		recycled: plan.recycled,
		collisions: plan.collisions,
		byChannel: plan.byChannel,
		byCampaign: plan.byCampaign,
	};
}

/** Each file's download profile, for the plan's items (from `ccdl list`). */
export interface PlanJsonProfiles {
	profileFor: (file: PlannedFile) => Profile | undefined;
}

function planJsonItem(file: PlannedFile<Contact>, profiles?: PlanJsonProfiles): Record<string, unknown> {
	const profile = profiles?.profileFor(file);
	const byProfile = file.action === 'download' && profile !== undefined && profile.counts[file.channel] === 0;
	return {
		fileId: file.fileId,
		contactId: file.contactId,
		kind: file.kind,
		channel: file.channel,
		campaignId: file.contact.campaignId,
		campaignName: file.contact.campaignName,
		callStart: file.contact.callStart,
		file: file.relativePath,
		size: file.size ?? null,
		sha256: file.sha256 ?? null,
		action: byProfile ? 'skip' : file.action,
		...(byProfile ? {skipReason: 'profile'} : file.action === 'skip' ? {skipReason: file.skipReason ?? 'identical'} : {}),
		replaces: file.replaces,
		...(profiles ? {profile: profile?.name ?? null} : {}),
	};
}

/**
 * The plan as one JSON document, written item by item as pages come, with backpressure: the items first, then the
 * summary (known only once the last page is planned). A plan of a million files never exists as one string, nor
 * as one array, in memory.
 */
export class PlanJsonWriter {
	readonly #output: (text: string) => Promise<void>;
	readonly #profiles: PlanJsonProfiles | undefined;
	#first = true;
	#chunk = '{\n  "items": [';

	/** `output` takes text and resolves when more may be written. */
	constructor(output: (text: string) => Promise<void>, profiles?: PlanJsonProfiles) {
		this.#output = output;
		this.#profiles = profiles;
	}

	async #write(text: string): Promise<void> {
		await this.#output(text);
	}

	async items(files: Iterable<PlannedFile<Contact>>): Promise<void> {
		for (const file of files) {
			this.#chunk += `${this.#first ? '' : ','}\n    ${safeJson(planJsonItem(file, this.#profiles))}`;
			this.#first = false;
			// Out in chunks of about 64 kB: one write per item costs a system call each.
			if (this.#chunk.length >= 64 * 1024) {
				const chunk = this.#chunk;
				this.#chunk = '';
				await this.#write(chunk);
			}
		}
	}

	/** The summary after the items; `uses` are the profiles' counts (`ProfileTally`). */
	async end(figures: PlanFigures, uses?: readonly unknown[]): Promise<void> {
		const summary = safeJson({...planJsonSummary(figures), ...(uses ? {profiles: uses} : {})}, 2);
		await this.#write(`${this.#chunk}${this.#first ? '' : '\n  '}],${summary.slice(1)}\n`);
		this.#chunk = '';
	}
}
