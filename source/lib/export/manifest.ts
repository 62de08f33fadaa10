/**
 * The manifest beside the downloaded files: `manifest.csv` (RFC 4180, for people and spreadsheets) and
 * `manifest.jsonl` (for machines and `ccdl verify`). One row per file, plus one per recycled contact. Rows of
 * earlier runs into the same folder are kept unless this run wrote the same file, so the manifest always describes
 * the whole folder. Both files are replaced atomically.
 */
import path from 'node:path';
import {isListed, type Plan, type PlannedContact, type PlannedFile} from '../engine/plan.js';
import type {FileOutcome, RunSummary} from '../engine/run.js';
import type {Sink} from '../sinks/sink.js';
import type {Contact} from '../sources/model.js';
import {FingerprintSet} from '../text/fingerprint-set.js';
import {safeJson} from '../text/safe-json.js';
import {visible} from '../text/visible.js';
import {RecordSpool} from '../runtime/spool.js';
import {linesOfStream} from '../sinks/lines.js';

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

/** A row with every column empty. */
function blankRow(): ManifestRow {
	return Object.fromEntries(columns.map(([key]) => [key, ''])) as unknown as ManifestRow;
}

/** The columns every row of a contact shares. */
export type ContactColumns = ReturnType<typeof contactColumns>;

/**
 * A planned contact's columns: computed from a listed contact, read back from the plan's spool for a download's slim
 * one. A slim contact without a spool (never made so by the pipeline) still gets what it has.
 */
export function plannedColumns(contact: PlannedContact, timeZone?: string, spool?: RecordSpool<ContactColumns>): ContactColumns {
	if (isListed(contact)) {
		return contactColumns(contact, timeZone);
	}

	if (contact.spooled && spool) {
		return spool.read(contact.spooled);
	}

	return {...blankRow(), contactId: contact.id, channel: contact.channel, campaignId: contact.campaignId, campaignName: contact.campaignName};
}

export interface ManifestExtra {
	limited?: Iterable<PlannedContact>;
	deleted?: ReadonlyMap<string, string>;
	timeZone?: string;
}

/** What a merge needs of a row: which file or contact it describes, and how it stands. */
export type RowKey = Pick<ManifestRow, 'contactId' | 'file' | 'status'>;

/** A row without its contact's columns. */
type RowTail = Omit<ManifestRow, keyof ContactColumns>;

/**
 * A run's rows, made afresh each time they are asked for, so a long run's manifest is never held whole: in full (for
 * writing), and their keys alone (for the merge and the journal's recovery), made without reading a download's
 * contact columns back from its spool.
 */
export interface RunRows {
	rows(): Iterable<ManifestRow>;
	keys(): Iterable<RowKey>;
}

/** The rows describing what a run did (or, without a summary, what a plan would do). */
export function runRows(plan: Plan, summary?: RunSummary, extra: ManifestExtra = {}): RunRows {
	// Which contacts have files: found once, for every pass (a download's plan is read from disk each time).
	let withFiles: Set<string> | undefined;
	const hasFiles = (contactId: string) => {
		if (!withFiles) {
			withFiles = new Set();
			for (const file of plan.files) {
				withFiles.add(file.contactId);
			}
		}

		return withFiles.has(contactId);
	};

	return {
		rows: () => plannedRows(plan, summary, extra, hasFiles, contact => plannedColumns(contact, extra.timeZone, plan.spool)),
		keys: () => plannedRows(plan, summary, extra, hasFiles, contact => ({contactId: contact.id})),
	};
}

/** `first`'s rows and keys, then `more`. */
export function withRows(first: RunRows, more: readonly ManifestRow[]): RunRows {
	return {
		* rows() {
			yield * first.rows();
			yield * more;
		},
		* keys() {
			yield * first.keys();
			yield * more;
		},
	};
}

function * plannedRows<C extends {contactId: string}>(plan: Plan, summary: RunSummary | undefined, extra: ManifestExtra, hasFiles: (contactId: string) => boolean,
	columnsOf: (contact: PlannedContact) => C): Generator<C & RowTail> {
	const contactRow = (contact: PlannedContact, status: ManifestStatus, archivedAt = '', error = ''): C & RowTail => ({
		...columnsOf(contact), file: '', fileKind: '', fileType: '', size: '', sha256: '', archivedAt, status, error,
	});
	for (const contact of extra.limited ?? []) {
		yield contactRow(contact, 'limited', '', 'left for a later run by a limit');
	}

	// Contacts with nothing to download in this run (metadata-only, or a chat without transcripts) still get a row;
	// recycled ones are said to be.
	for (const contact of plan.contacts) {
		if (!contact.recycled && !hasFiles(contact.id)) {
			yield contactRow(contact, 'metadata', contact.archivedAt ?? '');
		}
	}

	for (const contact of plan.contacts) {
		if (contact.recycled) {
			yield contactRow(contact, 'recycled');
		}
	}

	// A run's outcomes come in the plan's order, each with its file; a plan not run has files only.
	const outcomes: Iterable<{file: PlannedFile} & Partial<FileOutcome>> = summary?.outcomes ?? plannedOnly(plan.files);
	for (const outcome of outcomes) {
		const {file} = outcome;
		const status: ManifestStatus = !outcome.state ? 'planned'
			: outcome.state === 'skipped' ? outcome.skipReason === 'profile' ? 'skipped-profile' : 'skipped-identical' : outcome.state;
		yield {
			...columnsOf(file.contact),
			file: outcome.relativePath ?? file.relativePath,
			fileKind: file.kind,
			fileType: file.extension.slice(1),
			size: outcome.size ?? file.size ?? '',
			sha256: outcome.sha256 ?? '',
			...outcome.storedSha256 ? {storedSha256: outcome.storedSha256, storedSize: outcome.storedSize ?? ''} : {},
			...file.kind === 'recording' && extra.deleted?.get(file.contactId) ? {deletedAt: extra.deleted.get(file.contactId)} : {},
			archivedAt: outcome.archivedAt ?? file.contact.archivedAt ?? '',
			status,
			error: outcome.reason ?? '',
		};
	}
}

function * plannedOnly(files: Iterable<PlannedFile>): Generator<{file: PlannedFile}> {
	for (const file of files) {
		yield {file};
	}
}

/** The row of a file known only from the journal (its contact is no longer listed): what the journal knows. */
export function journalRow(item: {recordingId: string; fileId: string; relativePath: string; size?: number; sha256?: string; archivedAt?: string}, contact?: {columns: ContactColumns; archivedAt: string | null}): ManifestRow {
	const kind = item.fileId.split(':')[1] ?? '';
	return {
		...blankRow(),
		...(contact ? contact.columns : {contactId: item.recordingId}),
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

/**
 * A CSV cell. Server text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * first, per OWASP's CSV-injection advice) is prefixed with `'` — phone numbers such as +36… too, since a
 * spreadsheet reads `+1+cmd|…` as a formula; manifest.jsonl keeps every value as sent.
 */
function csvField(value: string | number | undefined): string {
	// Terminal controls in server text (ESC sequences, OSC, BEL, C1, bidi overrides) are written as visible escapes:
	// `cat manifest.csv` over SSH must not recolour, retitle or rewrite the terminal. Line breaks stay, quoted.
	let text = value === undefined ? '' : typeof value === 'string' ? visible(value, {keepLines: true}) : String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
		text = `'${text}`;
	}

	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: Iterable<ManifestRow>, options: {bom?: boolean} = {}): string {
	return [...csvChunks(rows, options)].join('');
}

/**
 * Text in chunks of about 16 k characters: a long manifest is written piece by piece, never as one string. Small
 * enough to stay out of V8's large-object space (a chunk of accented text is two bytes a character): chunks of 64 k
 * piled up there until a full collection, ~15 MB of them at the end of a 25,000-file run.
 */
function * chunked(lines: Iterable<string>): Generator<string> {
	let chunk = '';
	for (const line of lines) {
		chunk += line;
		if (chunk.length >= 16 * 1024) {
			yield chunk;
			chunk = '';
		}
	}

	if (chunk) {
		yield chunk;
	}
}

function csvHeader(options: {bom?: boolean}): string {
	return `${options.bom ? '\uFEFF' : ''}${columns.map(([, title]) => csvField(title)).join(',')}\r\n`;
}

function csvLine(row: ManifestRow): string {
	return `${columns.map(([key]) => csvField(row[key])).join(',')}\r\n`;
}

function * csvChunks(rows: Iterable<ManifestRow>, options: {bom?: boolean} = {}): Generator<string> {
	yield * chunked((function * () {
		yield csvHeader(options);
		for (const row of rows) {
			yield csvLine(row);
		}
	})());
}

function * jsonlChunks(rows: Iterable<ManifestRow>): Generator<string> {
	yield * chunked((function * () {
		for (const row of rows) {
			// safeJson: JSON.stringify leaves C1 and bidi controls raw, which a terminal tailing the file acts on.
			yield `${safeJson(row)}\n`;
		}
	})());
}

const statuses: ReadonlySet<unknown> = new Set<ManifestStatus>(['valid', 'skipped-identical', 'skipped-profile', 'failed', 'interrupted', 'recycled', 'planned', 'metadata', 'limited']);

/**
 * A row as ccdl writes it: a file name (empty for a contact's own row), a contact ID, a known status, and every column
 * a string or a number. A hand-edited or damaged line that is not one would crash `ccdl verify`, or come back into
 * every later manifest as "[object Object]".
 */
function isRow(value: unknown): value is ManifestRow {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return false;
	}

	const row = value as Record<string, unknown>;
	return typeof row['file'] === 'string' && typeof row['contactId'] === 'string' && row['contactId'] !== '' && statuses.has(row['status'])
		&& columns.every(([key]) => {
			const cell = row[key];
			return cell === undefined || typeof cell === 'string' || (typeof cell === 'number' && Number.isFinite(cell));
		});
}

/** A manifest line's row, or undefined for a line that is not one (counted by `onDamaged`; blank lines are not). */
function rowOfLine(line: string, onDamaged?: () => void): ManifestRow | undefined {
	if (!line.trim()) {
		return undefined;
	}

	let row: unknown;
	try {
		row = JSON.parse(line);
	} catch {}

	if (isRow(row)) {
		return row;
	}

	onDamaged?.();
	return undefined;
}

/**
 * The rows of the destination's manifest.jsonl as they are read, never its whole text: a folder that a cron job
 * downloads into every day has a manifest that grows with every run (25,000 rows are ~24 MB, twice that as a string,
 * and it was read three times: a rerun into such a folder peaked at 423 MB). None when there is no manifest; throws
 * when there is one that cannot be read. Lines that are not rows are left out and counted by `onDamaged`.
 */
export async function * manifestRows(sink: Sink, onDamaged?: () => void): AsyncGenerator<ManifestRow> {
	const stream = await sink.readStream(manifestJsonName);
	if (stream) {
		yield * manifestRowsOf(stream, onDamaged);
	}
}

/** The rows of a manifest.jsonl already open (`sink.readStream`), as they are read. */
export async function * manifestRowsOf(stream: AsyncIterable<Buffer>, onDamaged?: () => void): AsyncGenerator<ManifestRow> {
	for await (const line of linesOfStream(stream)) {
		const row = rowOfLine(line, onDamaged);
		if (row) {
			yield row;
		}
	}
}

/**
 * The rows of a manifest.jsonl text, one at a time. Lines that are not rows (hand-edited, cut short) are left out and
 * counted by `onDamaged`.
 */
export function * manifestLines(text: string, onDamaged?: () => void): Generator<ManifestRow> {
	for (let start = 0; start < text.length;) {
		const newline = text.indexOf('\n', start);
		const end = newline < 0 ? text.length : newline;
		const row = rowOfLine(text.slice(start, end), onDamaged);
		start = end + 1;
		if (row) {
			yield row;
		}
	}
}

/** The file a row describes, NFC, or '' for a contact's own row. */
export function rowFile(row: RowKey): string {
	return row.file.normalize('NFC');
}

function rowKey(row: RowKey): string {
	const file = rowFile(row);
	return file ? `file:${file}` : `contact:${row.contactId}:${row.status}`;
}

/** A file already valid on disk stays described as such if this run only planned, left or skipped it. */
function keepsEarlier(status: ManifestStatus): boolean {
	return status === 'planned' || status === 'interrupted' || status === 'skipped-profile' || status === 'limited';
}

/**
 * Writes both manifest files at the destination, merged with its existing manifest: the earlier rows this run does
 * not replace, then this run's. The run's keys and its rows are each read once (`RunRows`), so neither the rows nor
 * the merge are ever held whole: the merge keeps 64-bit keys (`FingerprintSet`). A false
 * match (odds about n²/2⁶⁵, 1 in 37 million for a million rows) would leave one row out; the next run puts it back
 * from the journal (`run/recover.ts`), as it does after a crash. Returns where the two files are.
 */
export async function writeManifest(sink: Sink, run: RunRows, options: {bom?: boolean} = {}): Promise<WrittenManifest> {
	// Only a manifest that is not there counts as none: one that cannot be read (no permission, an I/O error) must not
	// be replaced by this run's rows alone; the caller then writes them to a fallback folder. Its rows wait in a spool
	// on disk, read twice below (for the keys, then for the merge), never held.
	let damaged = 0;
	const spool = RecordSpool.open<ManifestRow>('manifest');
	try {
		for await (const row of manifestRows(sink, () => damaged++)) {
			spool.put(row);
		}

		return await mergeManifest(sink, run, spool, damaged, options);
	} finally {
		spool.close();
	}
}

async function mergeManifest(sink: Sink, run: RunRows, spool: RecordSpool<ManifestRow>, damaged: number, options: {bom?: boolean}): Promise<WrittenManifest> {
	const earlier = () => spool.scan();
	const validBefore = new FingerprintSet();
	// A contact limited once, or exported as metadata only, and exported with files later is described by its files.
	const exported = new FingerprintSet();
	const superseded = (row: RowKey) => (row.status === 'limited' || row.status === 'metadata') && exported.has(row.contactId);
	for (const row of earlier()) {
		if (row.status === 'valid') {
			validBefore.add(rowKey(row));
		}

		if (rowFile(row)) {
			exported.add(row.contactId);
		}
	}

	const replaced = new FingerprintSet();
	for (const row of run.keys()) {
		const key = rowKey(row);
		if (!(keepsEarlier(row.status) && validBefore.has(key))) {
			replaced.add(key);
		}

		if (rowFile(row)) {
			exported.add(row.contactId);
		}
	}

	const merged = function * (): Generator<ManifestRow> {
		for (const row of earlier()) {
			if (!replaced.has(rowKey(row)) && !superseded(row)) {
				yield row;
			}
		}

		const written = new FingerprintSet();
		for (const row of run.rows()) {
			const key = rowKey(row);
			if (!replaced.has(key) || superseded(row) || !written.add(key)) {
				continue;
			}

			yield validBefore.has(key) && row.status === 'skipped-identical' ? {...row, status: 'valid'} : row;
		}
	};

	// jsonl first: it is what `ccdl verify` and the next run read. The merge runs once: each row's CSV line is put
	// aside in a spool as the row goes to manifest.jsonl, and manifest.csv is written from there (merging a second
	// time read every earlier row and every row of the run back again).
	const csvLines = RecordSpool.open<string>('manifest-csv');
	try {
		const jsonl = await sink.writeText(manifestJsonName, jsonlChunks((function * () {
			for (const row of merged()) {
				csvLines.put(csvLine(row));
				yield row;
			}
		})()));
		const csv = await sink.writeText(manifestCsvName, chunked((function * () {
			yield csvHeader(options);
			yield * csvLines.scan();
		})()));
		return {csv, jsonl, ...damaged > 0 ? {damaged} : {}};
	} finally {
		csvLines.close();
	}
}

export interface WrittenManifest {
	csv: string;
	jsonl: string;
	/** Lines of the earlier manifest.jsonl that were not rows, left out (the journal puts back rows for its files). */
	damaged?: number;
}
