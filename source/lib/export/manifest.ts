/**
 * The manifest beside the downloaded files: `manifest.csv` (RFC 4180, for people and spreadsheets) and
 * `manifest.jsonl` (for machines and `ccdl verify`). One row per file, plus one per recycled contact. Rows of
 * earlier runs into the same folder are kept unless this run wrote the same file, so the manifest always describes
 * the whole folder. Both files are replaced atomically.
 */
import path from 'node:path';
import type {Plan} from '../engine/plan.js';
import type {RunSummary} from '../engine/run.js';
import type {Sink} from '../sinks/sink.js';
import type {Contact} from '../sources/model.js';

export const manifestCsvName = 'manifest.csv';
export const manifestJsonName = 'manifest.jsonl';

/**
 * `skipped-profile`: not downloaded because the file's channel is 0 in its download profile; `limited`: a daily or
 * per-run limit left the contact for a later run (nothing downloaded, not marked archived).
 */
export type ManifestStatus = 'valid' | 'skipped-identical' | 'skipped-profile' | 'failed' | 'interrupted' | 'recycled' | 'planned' | 'metadata' | 'limited';

export interface ManifestRow {
	contactId: string;
	recordId: string;
	channel: string;
	contactType: string;
	campaignId: string;
	campaignName: string;
	agentId: string;
	agentLastName: string;
	agentFirstName: string;
	groupName: string;
	teamName: string;
	callingNumber: string;
	calledNumber: string;
	externalParty: string;
	subject: string;
	direction: string;
	terminationId: string;
	terminationName: string;
	/** DD/MM/YYYY in the contact's time zone (seed 004). */
	date: string;
	/** hh:mm AM/PM in the contact's time zone (seed 004). */
	time: string;
	timeZone: string;
	callStart: string;
	connectedAt: string;
	callEnd: string;
	/** HH:MM:SS. */
	callDuration: string;
	file: string;
	fileKind: string;
	fileType: string;
	size: number | '';
	sha256: string;
	/** SHA-256 and size of the stored bytes when they differ from the plaintext (encrypted with age). */
	storedSha256?: string;
	storedSize?: number | '';
	archivedAt: string;
	/** When the recording was deleted on the platform after export (--delete-after), or "would delete (dry run)". */
	deletedAt?: string;
	status: ManifestStatus;
	error: string;
}

const columns: Array<[keyof ManifestRow, string]> = [
	['contactId', 'Contact ID'], ['recordId', 'Record ID'], ['channel', 'Channel'], ['contactType', 'Contact Type'],
	['campaignId', 'Campaign ID'], ['campaignName', 'Campaign Name'], ['agentId', 'Agent ID'], ['agentLastName', 'Last Name'],
	['agentFirstName', 'First Name'], ['groupName', 'Group Name'], ['teamName', 'Team Name'], ['callingNumber', 'Calling Number'],
	['calledNumber', 'Called Number'], ['externalParty', 'External Party'], ['subject', 'Subject'], ['direction', 'Direction'],
	['terminationId', 'Termination ID'], ['terminationName', 'Termination'], ['date', 'Date'], ['time', 'Time'],
	['timeZone', 'Time Zone'], ['callStart', 'Call Start'], ['connectedAt', 'Connected To Operator'], ['callEnd', 'Call End'],
	['callDuration', 'Call Duration'], ['file', 'File'], ['fileKind', 'File Kind'], ['fileType', 'File Type'], ['size', 'Size'],
	['sha256', 'SHA-256'], ['storedSha256', 'Stored SHA-256'], ['storedSize', 'Stored Size'], ['archivedAt', 'Archived'],
	['deletedAt', 'Deleted On Platform'], ['status', 'Status'], ['error', 'Error'],
];

/** hh:mm:ss of a number of seconds. */
export function formatDuration(seconds: number): string {
	const whole = Math.max(0, Math.round(seconds));
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
}

/** Date and time formatters per time zone: ICU formatters are heavy, and a manifest has a row per file. */
const zoneFormatters = new Map<string, {date: Intl.DateTimeFormat; time: Intl.DateTimeFormat}>();

function formattersFor(timeZone: string): {date: Intl.DateTimeFormat; time: Intl.DateTimeFormat} {
	let formatters = zoneFormatters.get(timeZone);
	if (!formatters) {
		let zone = timeZone;
		try {
			new Intl.DateTimeFormat('en-GB', {timeZone: zone});
		} catch {
			zone = 'UTC';
		}

		formatters = {
			date: new Intl.DateTimeFormat('en-GB', {timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric'}),
			time: new Intl.DateTimeFormat('en-US', {timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: true}),
		};
		zoneFormatters.set(timeZone, formatters);
	}

	return formatters;
}

function localParts(iso: string, timeZone: string): {date: string; time: string} {
	const instant = new Date(iso);
	if (!iso || Number.isNaN(instant.getTime())) {
		return {date: iso, time: iso};
	}

	const {date, time} = formattersFor(timeZone);
	return {date: date.format(instant), time: time.format(instant)};
}

/**
 * The contact's columns. Date and Time are in `timeZone` — the zone the user chose for the run (file names use it too)
 * — and the Time Zone column says which; without one, the contact's own zone.
 */
export function contactColumns(contact: Contact, timeZone?: string): Omit<ManifestRow, 'file' | 'fileKind' | 'fileType' | 'size' | 'sha256' | 'archivedAt' | 'status' | 'error'> {
	const zone = contact.recycled ? contact.timeZone : timeZone || contact.timeZone;
	const {date, time} = contact.recycled ? {date: contact.callStart, time: contact.callStart} : localParts(contact.callStart, zone);
	return {
		contactId: contact.id,
		recordId: contact.recordId,
		channel: contact.channel,
		contactType: contact.contactType,
		campaignId: contact.campaignId,
		campaignName: contact.campaignName,
		agentId: contact.operatorId,
		agentLastName: contact.agentLastName,
		agentFirstName: contact.agentFirstName,
		groupName: contact.groupName,
		teamName: contact.teamName,
		callingNumber: contact.callingNumber,
		calledNumber: contact.calledNumber,
		externalParty: contact.externalParty,
		subject: contact.subject,
		direction: contact.direction,
		terminationId: contact.terminationId,
		terminationName: contact.terminationName,
		date,
		time,
		timeZone: zone,
		callStart: contact.callStart,
		connectedAt: contact.connectedAt,
		callEnd: contact.callEnd,
		callDuration: contact.recycled ? contact.callStart : formatDuration(contact.durationSeconds),
	};
}

/** The rows describing what a run did (or, without a summary, what a plan would do). */
export function manifestRows(plan: Plan, summary?: RunSummary, extra: {limited?: readonly Contact[]; deleted?: ReadonlyMap<string, string>; timeZone?: string} = {}): ManifestRow[] {
	const columnsOf = (contact: Contact) => contactColumns(contact, extra.timeZone);
	const rows: ManifestRow[] = [];
	for (const contact of extra.limited ?? []) {
		rows.push({...columnsOf(contact), file: '', fileKind: '', fileType: '', size: '', sha256: '', archivedAt: '', status: 'limited', error: 'left for a later run by a limit'});
	}

	const outcomes = new Map(summary?.outcomes.map(outcome => [outcome.file.fileId, outcome]));
	// Contacts with nothing to download in this run (metadata-only, or a chat without transcripts) still get a row.
	const withFiles = new Set(plan.files.map(file => file.contactId));
	for (const contact of plan.contacts.filter(item => !item.recycled && !withFiles.has(item.id))) {
		rows.push({...columnsOf(contact), file: '', fileKind: '', fileType: '', size: '', sha256: '', archivedAt: contact.archivedAt ?? '', status: 'metadata', error: ''});
	}

	for (const contact of plan.contacts.filter(item => item.recycled)) {
		rows.push({...columnsOf(contact), file: '', fileKind: '', fileType: '', size: '', sha256: '', archivedAt: '', status: 'recycled', error: ''});
	}

	for (const file of plan.files) {
		const outcome = outcomes.get(file.fileId);
		const status: ManifestStatus = !outcome ? 'planned'
			: outcome.state === 'skipped' ? outcome.skipReason === 'profile' ? 'skipped-profile' : 'skipped-identical' : outcome.state;
		rows.push({
			...columnsOf(file.contact),
			file: outcome?.relativePath ?? file.relativePath,
			fileKind: file.kind,
			fileType: file.extension.slice(1),
			size: outcome?.size ?? file.size ?? '',
			sha256: outcome?.sha256 ?? '',
			...outcome?.storedSha256 ? {storedSha256: outcome.storedSha256, storedSize: outcome.storedSize ?? ''} : {},
			...file.kind === 'recording' && extra.deleted?.get(file.contactId) ? {deletedAt: extra.deleted.get(file.contactId)} : {},
			archivedAt: summary?.archivedAt.get(file.contactId) ?? file.contact.archivedAt ?? '',
			status,
			error: outcome?.reason ?? '',
		});
	}

	return rows;
}

/**
 * A CSV cell. Server text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * first, per OWASP's CSV-injection advice) is prefixed with `'` — phone numbers such as +36… too, since a
 * spreadsheet reads `+1+cmd|…` as a formula; manifest.jsonl keeps every value as sent.
 */
/** The row of a file known only from the journal (its contact is no longer listed): what the journal knows. */
export function journalRow(item: {recordingId: string; fileId: string; relativePath: string; size?: number; sha256?: string; archivedAt?: string}, contact?: Contact): ManifestRow {
	const kind = item.fileId.split(':')[1] ?? '';
	const empty = Object.fromEntries(columns.map(([key]) => [key, ''])) as unknown as ManifestRow;
	return {
		...empty,
		...(contact ? contactColumns(contact) : {contactId: item.recordingId}),
		file: item.relativePath,
		fileKind: kind,
		fileType: path.extname(item.relativePath.replace(/\.age$/, '')).slice(1),
		size: item.size ?? '',
		sha256: item.sha256 ?? '',
		archivedAt: item.archivedAt ?? contact?.archivedAt ?? '',
		status: 'valid',
		error: '',
	};
}

function csvField(value: string | number | undefined): string {
	let text = value === undefined ? '' : String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
		text = `'${text}`;
	}

	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly ManifestRow[], options: {bom?: boolean} = {}): string {
	return [...csvChunks(rows, options)].join('');
}

/** Text in chunks of about 64 kB: a long manifest is written piece by piece, never as one string. */
function * chunked(lines: Iterable<string>): Generator<string> {
	let chunk = '';
	for (const line of lines) {
		chunk += line;
		if (chunk.length >= 64 * 1024) {
			yield chunk;
			chunk = '';
		}
	}

	if (chunk) {
		yield chunk;
	}
}

function * csvChunks(rows: readonly ManifestRow[], options: {bom?: boolean} = {}): Generator<string> {
	yield * chunked((function * () {
		yield `${options.bom ? '\uFEFF' : ''}${columns.map(([, title]) => csvField(title)).join(',')}\r\n`;
		for (const row of rows) {
			yield `${columns.map(([key]) => csvField(row[key])).join(',')}\r\n`;
		}
	})());
}

function * jsonlChunks(rows: readonly ManifestRow[]): Generator<string> {
	yield * chunked((function * () {
		for (const row of rows) {
			yield `${JSON.stringify(row)}\n`;
		}
	})());
}

/** The rows of a manifest.jsonl text; damaged lines are skipped. */
export function parseManifest(text: string): ManifestRow[] {
	const rows: ManifestRow[] = [];
	for (const line of text.split('\n')) {
		if (line.trim()) {
			try {
				rows.push(JSON.parse(line) as ManifestRow);
			} catch {
				// A damaged line (e.g. hand-edited) is skipped rather than losing the rest.
			}
		}
	}

	return rows;
}

function rowKey(row: ManifestRow): string {
	return row.file ? `file:${row.file.normalize('NFC')}` : `contact:${row.contactId}:${row.status}`;
}

/** Writes both manifest files at the destination, merged with its existing manifest. Returns their locations. */
export async function writeManifest(sink: Sink, rows: readonly ManifestRow[], options: {bom?: boolean} = {}): Promise<{csv: string; jsonl: string}> {
	const merged = new Map<string, ManifestRow>();
	const existing = await sink.readText(manifestJsonName).catch(() => undefined);
	for (const row of existing === undefined ? [] : parseManifest(existing)) {
		merged.set(rowKey(row), row);
	}

	for (const row of rows) {
		const key = rowKey(row);
		const previous = merged.get(key);
		// A file that is already valid on disk stays described as such if this run only planned or skipped it.
		if (previous?.status === 'valid' && (row.status === 'planned' || row.status === 'interrupted' || row.status === 'skipped-profile' || row.status === 'limited')) {
			continue;
		}

		merged.set(key, previous?.status === 'valid' && row.status === 'skipped-identical' ? {...row, status: 'valid'} : row);
	}

	// A contact limited once and exported later is described by its files, not by the old 'limited' row.
	const exported = new Set([...merged.values()].filter(row => row.file).map(row => row.contactId));
	const all = [...merged.values()].filter(row => row.status !== 'limited' || !exported.has(row.contactId));
	// jsonl first: it is what `ccdl verify` and the next run read.
	const jsonl = await sink.writeText(manifestJsonName, jsonlChunks(all));
	const csv = await sink.writeText(manifestCsvName, csvChunks(all, options));
	return {csv, jsonl};
}
