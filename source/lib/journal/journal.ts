/**
 * The journal: a SQLite database (node:sqlite, WAL mode, a busy timeout) in the user's data folder that records
 * every run and every item of it — server, recording ID, final path, size, SHA-256, status, attempts, last error,
 * archive time. History, limits and claims read it; several ccdl processes share it safely:
 *
 * - every write is one statement or one `BEGIN IMMEDIATE` transaction, so a writer waits (busy timeout) for
 *   another instead of failing, and a process killed mid-write leaves the last committed state (WAL recovery);
 * - claims (server, folder, recording) say which process downloads a recording into a folder right now; a claim
 *   of a process that is gone is taken over;
 * - a run may reserve contacts against the limits while it runs, so two runs started at once cannot both take
 *   the whole day's allowance.
 *
 * A damaged file, a file that is not a ccdl journal, or one written by a newer ccdl is one sentence (a
 * JournalError), never a crash and never overwritten.
 */
import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {DatabaseSync, SQLInputValue, StatementSync} from 'node:sqlite';
import {systemTimeZone, zonedTime} from '../dates.js';
import {CcdlError, exitCodes} from '../errors.js';
import {journalPath} from './paths.js';

/** The schema this ccdl writes; a journal with a higher version is refused. */
export const journalSchemaVersion = 1;

/** A journal problem the user can act on (move the file away, update ccdl, free the disk). Exit code 5. */
export class JournalError extends CcdlError {
	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(code, message, exitCodes.filesystem, options);
		this.name = 'JournalError';
	}
}

/** How a run ended. 'running' while it runs; 'abandoned' when its process ended without saying (killed, crashed). */
export type RunOutcome = 'running' | 'ok' | 'some-failed' | 'interrupted' | 'failed' | 'limit' | 'abandoned';

/**
 * An item's status: the manifest's statuses (valid, skipped-identical, skipped-profile, failed, interrupted,
 * recycled), 'metadata' for a contact exported as metadata only (a manifest row, no file), 'limited' for one a
 * limit left for a later run.
 */
export type ItemStatus = 'valid' | 'skipped-identical' | 'skipped-profile' | 'failed' | 'interrupted' | 'recycled' | 'metadata' | 'limited'
	| 'deleted' | 'delete-failed' | 'would-delete' | 'kept';

/**
 * Items with these statuses count as exported for the limits: a contact counts once a day, however many of its
 * files were downloaded; files already on disk, recycled contacts and metadata-only rows download nothing and do
 * not count.
 */
export const exportedStatuses: readonly ItemStatus[] = ['valid'];

/** The statuses of a file's item; the others are a contact's (recycled, limited, metadata, a deletion on the platform). */
const fileStatuses: readonly ItemStatus[] = ['valid', 'skipped-identical', 'skipped-profile', 'failed', 'interrupted'];
const fileStatusList = fileStatuses.map(status => `'${status}'`).join(', ');

export interface StartRunInput {
	/** The server's base URL; normalised with `serverKey`. */
	server: string;
	company?: string | undefined;
	/** Who ran it: the server user name. */
	user: string;
	/** What was asked for (dates, campaigns, channels, options); stored as JSON. */
	filter: unknown;
	outDir: string;
	manifestPath?: string | undefined;
	/** The saved search this run came from, if any. */
	search?: string | undefined;
}

export interface ItemInput {
	/** Defaults to the run's server. */
	server?: string | undefined;
	/** The contact (recording) ID. */
	recordingId: string;
	/** Unique in a run, e.g. `100001:recording` (the plan's fileId). */
	fileId: string;
	/** Final path of the file (absolute, or relative to the run's folder). */
	path?: string | undefined;
	size?: number | undefined;
	sha256?: string | undefined;
	status: ItemStatus;
	attempts?: number | undefined;
	lastError?: string | undefined;
	archivedAt?: string | undefined;
}

export interface FinishRunInput {
	/** E.g. {contacts, files, valid, skipped, failed, recycled, limited}; left out: counted from the run's items. */
	counts?: Record<string, number>;
	/** Bytes that came over the network; left out with `counts`: the size of its valid files. */
	bytes?: number;
	durationMs: number;
	outcome: Exclude<RunOutcome, 'running' | 'abandoned'>;
	manifestPath?: string | undefined;
	/** A one-sentence reason for 'failed' or 'limit'. */
	error?: string | undefined;
}

export interface RunRecord {
	id: number;
	server: string;
	company: string | null;
	user: string;
	search: string | null;
	filter: unknown;
	outDir: string;
	manifestPath: string | null;
	startedAt: string;
	finishedAt: string | null;
	pid: number;
	host: string;
	outcome: RunOutcome;
	counts: Record<string, number>;
	bytes: number;
	durationMs: number | null;
	/** Contacts reserved against the limits while running. */
	reserved: number;
	error: string | null;
}

export interface ItemRecord {
	runId: number;
	server: string;
	recordingId: string;
	fileId: string;
	path: string | null;
	size: number | null;
	sha256: string | null;
	status: ItemStatus;
	attempts: number;
	lastError: string | null;
	archivedAt: string | null;
	recordedAt: string;
}

export interface ClaimResult {
	/** Recording IDs this process may now download into the folder (held until `release`). */
	claimed: string[];
	/** Recording IDs another live ccdl process is downloading into the same folder. */
	busy: Array<{recordingId: string; pid: number; runId: number | null}>;
}

export interface JournalOptions {
	/** The database file. @default journalPath(): CCDL_DATA_DIR or $XDG_DATA_HOME/ccdl or ~/.local/share/ccdl, then journal.db */
	file?: string;
	/** How long a writer waits for another process's transaction, in ms. @default 15000 */
	timeoutMs?: number;
	/** The clock (tests). @default Date.now */
	now?: () => number;
}

/** Limits usage of a server on a day, as the journal knows it. */
export interface Usage {
	/** Distinct contacts exported (an item with an exported status) since the day began. */
	exportedToday: number;
	/** Contacts other live runs have reserved and not yet exported. */
	reservedByOthers: number;
}

/** A server URL as the journal keys it: origin plus path, without a trailing slash (case of the host folded). */
export function serverKey(server: string): string {
	try {
		const url = new URL(server);
		return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	} catch {
		return server.trim().replace(/\/+$/, '');
	}
}

/** The instants a calendar day of `zone` begins and ends at, for the day `now` falls on. */
export function dayBounds(now: Date, timeZone: string = systemTimeZone()): {start: Date; end: Date} {
	const parts = new Intl.DateTimeFormat('en-US', {timeZone, year: 'numeric', month: '2-digit', day: '2-digit'}).formatToParts(now);
	const get = (type: string) => Number(parts.find(part => part.type === type)?.value);
	const [year, month, day] = [get('year'), get('month'), get('day')];
	return {start: zonedTime(year, month, day, 0, 0, 0, timeZone), end: zonedTime(year, month, day + 1, 0, 0, 0, timeZone)};
}

/** Whether process `pid` still runs on this machine (EPERM: it runs, as someone else). */
export function processAlive(pid: number): boolean {
	if (!Number.isSafeInteger(pid) || pid <= 0) {
		return false;
	}

	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	server TEXT NOT NULL,
	company TEXT,
	user TEXT NOT NULL,
	search TEXT,
	filter TEXT NOT NULL,
	out_dir TEXT NOT NULL,
	manifest_path TEXT,
	started_ms INTEGER NOT NULL,
	finished_ms INTEGER,
	pid INTEGER NOT NULL,
	host TEXT NOT NULL,
	outcome TEXT NOT NULL DEFAULT 'running',
	counts TEXT NOT NULL DEFAULT '{}',
	bytes INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER,
	reserved INTEGER NOT NULL DEFAULT 0,
	error TEXT
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_ms);
CREATE INDEX IF NOT EXISTS runs_running ON runs (outcome, server);
CREATE TABLE IF NOT EXISTS items (
	run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	server TEXT NOT NULL,
	recording_id TEXT NOT NULL,
	file_id TEXT NOT NULL,
	path TEXT,
	size INTEGER,
	sha256 TEXT,
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	archived_at TEXT,
	recorded_ms INTEGER NOT NULL,
	PRIMARY KEY (run_id, file_id)
);
CREATE INDEX IF NOT EXISTS items_exported ON items (server, status, recorded_ms);
CREATE INDEX IF NOT EXISTS items_recording ON items (server, recording_id);
CREATE TABLE IF NOT EXISTS claims (
	server TEXT NOT NULL,
	out_dir TEXT NOT NULL,
	recording_id TEXT NOT NULL,
	owner TEXT NOT NULL,
	pid INTEGER NOT NULL,
	host TEXT NOT NULL,
	run_id INTEGER,
	claimed_ms INTEGER NOT NULL,
	PRIMARY KEY (server, out_dir, recording_id)
);
CREATE INDEX IF NOT EXISTS claims_owner ON claims (owner);
`;

const ourTables = new Set(['schema_version', 'runs', 'items', 'claims', 'sqlite_sequence']);

/** SQLite primary result codes we explain (the extended code's low byte). */
const sqlite = {perm: 3, busy: 5, locked: 6, readonly: 8, ioerr: 10, corrupt: 11, full: 13, cantopen: 14, notadb: 26} as const;

interface SqliteError extends Error {
	code?: string;
	errcode?: number;
	errstr?: string;
}

/** A claim of another process is stale after this long even if a process of that ID exists (PID reuse, other host). */
const staleClaimMs = 24 * 60 * 60 * 1000;

export class Journal {
	readonly file: string;
	readonly #db: DatabaseSync;
	readonly #now: () => number;
	/** Identifies this journal connection's claims. */
	readonly #owner: string;
	readonly #host = os.hostname();
	readonly #statements = new Map<string, StatementSync>();
	#closed = false;

	private constructor(file: string, db: DatabaseSync, now: () => number) {
		this.file = file;
		this.#db = db;
		this.#now = now;
		this.#owner = `${this.#host}:${process.pid}:${randomBytes(6).toString('hex')}`;
	}

	/** Opens (and if needed creates) the journal; see `openJournal`. */
	static open(options: JournalOptions = {}): Journal {
		const file = path.resolve(options.file ?? journalPath());
		const sqliteModule = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:sqlite') : undefined;
		if (!sqliteModule) {
			throw new JournalError('journal-unsupported', `The journal needs Node.js 22.13 or later (node:sqlite); this is ${process.version}.`);
		}

		const folder = path.dirname(file);
		try {
			mkdirSync(folder, {recursive: true, mode: 0o700});
		} catch (error) {
			throw new JournalError('journal-unwritable', `Cannot create the journal's folder ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions or set CCDL_DATA_DIR.`);
		}

		const created = !existsSync(file);
		let db: DatabaseSync;
		try {
			db = new sqliteModule.DatabaseSync(file, {timeout: options.timeoutMs ?? 15_000, enableForeignKeyConstraints: true});
		} catch (error) {
			throw explain(file, error);
		}

		const journal = new Journal(file, db, options.now ?? Date.now);
		try {
			journal.#setUp();
			if (created) {
				try {
					chmodSync(file, 0o600);
				} catch {
					// The folder is private already; a file system without modes is no reason to stop.
				}
			}
		} catch (error) {
			try {
				db.close();
			} catch {
				// Already broken.
			}

			throw error;
		}

		return journal;
	}

	#guard<T>(action: () => T): T {
		if (this.#closed) {
			throw new Error('the journal is closed');
		}

		try {
			return action();
		} catch (error) {
			throw explain(this.file, error);
		}
	}

	#statement(sql: string): StatementSync {
		let statement = this.#statements.get(sql);
		if (!statement) {
			statement = this.#db.prepare(sql);
			this.#statements.set(sql, statement);
		}

		return statement;
	}

	#run(sql: string, ...parameters: SQLInputValue[]): void {
		this.#statement(sql).run(...parameters);
	}

	#get<T>(sql: string, ...parameters: SQLInputValue[]): T | undefined {
		return this.#statement(sql).get(...parameters) as T | undefined;
	}

	#all<T>(sql: string, ...parameters: SQLInputValue[]): T[] {
		return this.#statement(sql).all(...parameters) as T[];
	}

	#setUp(): void {
		this.#guard(() => {
			// Reading the header first: a file that is not a database fails here, before anything is written.
			this.#db.exec('PRAGMA foreign_keys = ON');
			const tables = (this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{name: string}>).map(row => row.name);
			const mode = this.#switchToWal();
			if (mode?.journal_mode?.toLowerCase() !== 'wal') {
				throw new JournalError('journal-unwritable', `The journal ${this.file} cannot use write-ahead logging (${mode?.journal_mode ?? 'unknown mode'}); put it on a local disk (CCDL_DATA_DIR).`);
			}

			this.#db.exec('PRAGMA synchronous = NORMAL');
			const foreign = tables.filter(name => !ourTables.has(name));
			if (foreign.length > 0 && !tables.includes('schema_version')) {
				throw new JournalError('journal-foreign', `The file ${this.file} is a database but not a ccdl journal (it has the table "${foreign[0]}"); move it away or set CCDL_DATA_DIR to another folder.`);
			}

			if (tables.includes('schema_version')) {
				const version = this.#readVersion();
				if (version === journalSchemaVersion) {
					return;
				}
			}

			this.#immediate(() => {
				const exists = this.#db.prepare("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
				if (exists) {
					// Another process created it meanwhile.
					this.#readVersion();
					return;
				}

				this.#db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
				this.#db.exec(schema);
				this.#db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(journalSchemaVersion);
			});
		});
	}

	/**
	 * Turns on write-ahead logging. Two processes opening a new journal at the same moment both ask for it, and SQLite
	 * then answers one of them "busy" at once, without waiting: that one tries again for a while.
	 */
	#switchToWal(): {journal_mode?: string} | undefined {
		const deadline = Date.now() + 10_000;
		for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
			try {
				return this.#db.prepare('PRAGMA journal_mode = WAL').get() as {journal_mode?: string} | undefined;
			} catch (error) {
				if ((error as {errcode?: number}).errcode !== 5 || Date.now() > deadline) {
					throw error;
				}

				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
			}
		}
	}

	#readVersion(): number {
		const rows = this.#db.prepare('SELECT version FROM schema_version').all() as Array<{version: unknown}>;
		const version = rows.length === 1 ? rows[0]!.version : undefined;
		if (typeof version !== 'number' && typeof version !== 'bigint') {
			throw new JournalError('journal-corrupt', `The journal ${this.file} is damaged (its schema version is missing or unreadable); move it away and ccdl starts a new one.`);
		}

		const number = Number(version);
		if (number > journalSchemaVersion) {
			throw new JournalError('journal-newer', `The journal ${this.file} was written by a newer ccdl (schema ${number}; this one reads ${journalSchemaVersion}); update ccdl, or set CCDL_DATA_DIR to use another journal.`);
		}

		if (number < 1) {
			throw new JournalError('journal-corrupt', `The journal ${this.file} is damaged (schema version ${number}); move it away and ccdl starts a new one.`);
		}

		return number;
	}

	/** Runs `action` in a write transaction taken at once (BEGIN IMMEDIATE), so it waits for other writers instead of failing. */
	#immediate<T>(action: () => T): T {
		if (this.#db.isTransaction) {
			return action();
		}

		this.#db.exec('BEGIN IMMEDIATE');
		try {
			const result = action();
			this.#db.exec('COMMIT');
			return result;
		} catch (error) {
			try {
				this.#db.exec('ROLLBACK');
			} catch {
				// The transaction is gone already.
			}

			throw error;
		}
	}

	/** Runs `action` in one write transaction: nothing another process writes can come between its reads and writes. */
	transaction<T>(action: () => T): T {
		return this.#guard(() => this.#immediate(action));
	}

	/** Records a run's start; returns its ID. Also marks runs whose process has gone as 'abandoned'. */
	startRun(input: StartRunInput): number {
		return this.#guard(() => this.#immediate(() => {
			this.#sweep();
			const row = this.#get<{id: number}>(
				`INSERT INTO runs (server, company, user, search, filter, out_dir, manifest_path, started_ms, pid, host)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				serverKey(input.server), input.company ?? null, input.user, input.search ?? null, JSON.stringify(input.filter ?? {}),
				path.resolve(input.outDir), input.manifestPath ?? null, this.#now(), process.pid, this.#host,
			);
			return Number(row!.id);
		}));
	}

	#runServer(runId: number): string {
		const row = this.#get<{server: string}>('SELECT server FROM runs WHERE id = ?', runId);
		if (!row) {
			throw new Error(`no run ${runId} in the journal`);
		}

		return row.server;
	}

	#insertItem(runId: number, server: string, item: ItemInput): void {
		this.#run(
			`INSERT INTO items (run_id, server, recording_id, file_id, path, size, sha256, status, attempts, last_error, archived_at, recorded_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (run_id, file_id) DO UPDATE SET
				path = excluded.path, size = excluded.size, sha256 = excluded.sha256, status = excluded.status,
				attempts = excluded.attempts, last_error = excluded.last_error, archived_at = excluded.archived_at,
				recorded_ms = excluded.recorded_ms`,
			runId, item.server === undefined ? server : serverKey(item.server), item.recordingId, item.fileId, item.path ?? null,
			item.size ?? null, item.sha256 ?? null, item.status, item.attempts ?? 0, item.lastError ?? null, item.archivedAt ?? null, this.#now(),
		);
	}

	/** Records (or updates) one item of a run. */
	recordItem(runId: number, item: ItemInput): void {
		this.#guard(() => {
			this.#insertItem(runId, this.#runServer(runId), item);
		});
	}

	/** Records many items in one transaction (much faster than one by one). */
	recordItems(runId: number, items: Iterable<ItemInput>): void {
		this.#guard(() => this.#immediate(() => {
			const server = this.#runServer(runId);
			for (const item of items) {
				this.#insertItem(runId, server, item);
			}
		}));
	}

	/** Sets the archive time of the items a run recorded for these recordings, in one transaction. */
	recordArchived(runId: number, marks: Iterable<{recordingId: string; archivedAt: string}>): void {
		this.#guard(() => this.#immediate(() => {
			const server = this.#runServer(runId);
			for (const mark of marks) {
				// By server and recording first: the index that finds a recording's few items among every run's.
				this.#run('UPDATE items SET archived_at = ? WHERE server = ? AND recording_id = ? AND run_id = ?', mark.archivedAt, server, mark.recordingId, runId);
			}
		}));
	}

	/** Records how a run ended; drops its reservation and its claims. */
	finishRun(runId: number, result: FinishRunInput): void {
		this.#guard(() => this.#immediate(() => {
			// A run that failed part-way gives no counts of its own: what its items say is kept once, here.
			const journaled = result.counts === undefined ? this.#journaledCounts(runId) : undefined;
			this.#run(
				`UPDATE runs SET outcome = ?, counts = ?, bytes = ?, duration_ms = ?, finished_ms = ?, reserved = 0,
					manifest_path = COALESCE(?, manifest_path), error = ? WHERE id = ?`,
				result.outcome, JSON.stringify(result.counts ?? journaled!.counts), Math.max(0, Math.round(result.bytes ?? journaled!.bytes)),
				Math.max(0, Math.round(result.durationMs)),
				this.#now(), result.manifestPath ?? null, result.error ?? null, runId,
			);
			this.#run('DELETE FROM claims WHERE run_id = ?', runId);
		}));
	}

	/** Sets (replaces) the number of contacts a running run holds against the limits. */
	setReservation(runId: number, contacts: number): void {
		this.#guard(() => {
			this.#run("UPDATE runs SET reserved = ? WHERE id = ? AND outcome = 'running'", Math.max(0, Math.floor(contacts)), runId);
		});
	}

	/** Distinct contacts of `server` exported on the day of `now` (in `timeZone`), by every process. */
	exportedToday(server: string, now: Date = new Date(this.#now()), timeZone: string = systemTimeZone()): number {
		return this.usage(server, now, timeZone).exportedToday;
	}

	/**
	 * How much of the day's allowance of `server` is used: contacts exported since the day began, plus what other
	 * live runs reserved and have not exported yet. `exceptRun`'s own reservation is left out.
	 */
	usage(server: string, now: Date = new Date(this.#now()), timeZone: string = systemTimeZone(), exceptRun?: number): Usage {
		return this.#guard(() => {
			const key = serverKey(server);
			const {start, end} = dayBounds(now, timeZone);
			const placeholders = exportedStatuses.map(() => '?').join(', ');
			const exported = this.#get<{count: number}>(
				`SELECT COUNT(DISTINCT recording_id) AS count FROM items
				WHERE server = ? AND status IN (${placeholders}) AND recorded_ms >= ? AND recorded_ms < ?`,
				key, ...exportedStatuses, start.getTime(), end.getTime(),
			);
			let reservedByOthers = 0;
			const running = this.#all<{id: number; reserved: number; pid: number; host: string}>(
				"SELECT id, reserved, pid, host FROM runs WHERE outcome = 'running' AND server = ? AND reserved > 0",
				key,
			);
			for (const run of running) {
				if (run.id === exceptRun || !this.#alive(run.pid, run.host)) {
					continue;
				}

				const done = this.#get<{count: number}>(
					`SELECT COUNT(DISTINCT recording_id) AS count FROM items WHERE run_id = ? AND status IN (${placeholders})`,
					run.id, ...exportedStatuses,
				);
				reservedByOthers += Math.max(0, Number(run.reserved) - Number(done?.count ?? 0));
			}

			return {exportedToday: Number(exported?.count ?? 0), reservedByOthers};
		});
	}

	#alive(pid: number, host: string): boolean {
		return host !== this.#host || processAlive(Number(pid));
	}

	/** Marks runs whose process has gone as abandoned and drops their claims (inside a write transaction). */
	#sweep(): void {
		const running = this.#all<{id: number; pid: number; host: string}>("SELECT id, pid, host FROM runs WHERE outcome = 'running' AND host = ?", this.#host);
		for (const run of running) {
			if (!processAlive(Number(run.pid))) {
				// It never recorded its counts: what its items say it did is kept instead of nothing.
				const {counts, bytes} = this.#journaledCounts(Number(run.id));
				this.#run("UPDATE runs SET outcome = 'abandoned', reserved = 0, counts = ?, bytes = ? WHERE id = ?", JSON.stringify(counts), bytes, run.id);
			}
		}

		const owners = this.#all<{owner: string; pid: number; host: string; claimed: number}>(
			'SELECT owner, pid, host, MAX(claimed_ms) AS claimed FROM claims GROUP BY owner, pid, host',
		);
		for (const owner of owners) {
			if (owner.owner !== this.#owner && (!this.#alive(owner.pid, owner.host) || this.#now() - Number(owner.claimed) > staleClaimMs)) {
				this.#run('DELETE FROM claims WHERE owner = ?', owner.owner);
			}
		}
	}

	/**
	 * Claims recordings for download into `outDir`: those no other live ccdl process is downloading into that folder
	 * become this journal connection's until `release` (or `finishRun` of `runId`, or this process ends).
	 */
	claim(server: string, outDir: string, recordingIds: readonly string[], runId?: number): ClaimResult {
		return this.#guard(() => this.#immediate(() => {
			const key = serverKey(server);
			const folder = path.resolve(outDir);
			const claimed: string[] = [];
			const busy: ClaimResult['busy'] = [];
			const now = this.#now();
			for (const recordingId of new Set(recordingIds)) {
				const holder = this.#get<{owner: string; pid: number; host: string; run_id: number | null; claimed_ms: number}>(
					'SELECT owner, pid, host, run_id, claimed_ms FROM claims WHERE server = ? AND out_dir = ? AND recording_id = ?',
					key, folder, recordingId,
				);
				if (holder && holder.owner !== this.#owner && this.#alive(holder.pid, holder.host) && now - Number(holder.claimed_ms) <= staleClaimMs) {
					busy.push({recordingId, pid: Number(holder.pid), runId: holder.run_id === null ? null : Number(holder.run_id)});
					continue;
				}

				this.#run(
					`INSERT INTO claims (server, out_dir, recording_id, owner, pid, host, run_id, claimed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (server, out_dir, recording_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid,
						host = excluded.host, run_id = excluded.run_id, claimed_ms = excluded.claimed_ms`,
					key, folder, recordingId, this.#owner, process.pid, this.#host, runId ?? null, now,
				);
				claimed.push(recordingId);
			}

			return {claimed, busy};
		}));
	}

	/** Releases this connection's claims in `outDir` (the given recordings, or all of them). */
	release(server: string, outDir: string, recordingIds?: readonly string[]): void {
		this.#guard(() => this.#immediate(() => {
			const key = serverKey(server);
			const folder = path.resolve(outDir);
			if (recordingIds === undefined) {
				this.#run('DELETE FROM claims WHERE owner = ? AND server = ? AND out_dir = ?', this.#owner, key, folder);
				return;
			}

			for (const recordingId of recordingIds) {
				this.#run('DELETE FROM claims WHERE owner = ? AND server = ? AND out_dir = ? AND recording_id = ?', this.#owner, key, folder, recordingId);
			}
		}));
	}

	/** Runs, newest first; a run still 'running' whose process has gone reads as 'abandoned'. */
	runs(options: {limit?: number; server?: string} = {}): RunRecord[] {
		return this.#guard(() => {
			const limit = options.limit ?? 20;
			const rows = options.server === undefined
				? this.#all<RunRow>('SELECT * FROM runs ORDER BY started_ms DESC, id DESC LIMIT ?', limit)
				: this.#all<RunRow>('SELECT * FROM runs WHERE server = ? ORDER BY started_ms DESC, id DESC LIMIT ?', serverKey(options.server), limit);
			return rows.map(row => this.#runRecord(row));
		});
	}

	run(runId: number): RunRecord | undefined {
		return this.#guard(() => {
			const row = this.#get<RunRow>('SELECT * FROM runs WHERE id = ?', runId);
			return row ? this.#runRecord(row) : undefined;
		});
	}

	items(runId: number): ItemRecord[] {
		return this.#guard(() => this.#all<ItemRow>('SELECT * FROM items WHERE run_id = ? ORDER BY recorded_ms, file_id', runId).map(itemRecord));
	}

	/** The newest item recorded for a file of `server` (any run), e.g. to know its last path and digest. */
	latestItem(server: string, fileId: string): ItemRecord | undefined {
		return this.#guard(() => {
			const recordingId = fileId.split(':')[0] ?? fileId;
			const row = this.#get<ItemRow>(
				'SELECT * FROM items WHERE server = ? AND recording_id = ? AND file_id = ? ORDER BY recorded_ms DESC, run_id DESC LIMIT 1',
				serverKey(server), recordingId, fileId,
			);
			return row ? itemRecord(row) : undefined;
		});
	}

	/**
	 * Each file's latest valid record at `outDir` for `server`, one at a time: a folder with a long history is never
	 * read into memory whole (the manifest's recovery walks it after every run).
	 */
	* validItemsIn(server: string, outDir: string): Generator<ItemRecord> {
		const rows = this.#guard(() => this.#statement(
			`SELECT * FROM (
				SELECT i.*, ROW_NUMBER() OVER (PARTITION BY i.file_id ORDER BY i.recorded_ms DESC, i.run_id DESC) AS newest
				FROM items i JOIN runs r ON r.id = i.run_id
				WHERE i.server = ? AND r.out_dir = ? AND i.status = 'valid' AND i.path IS NOT NULL
			) WHERE newest = 1 ORDER BY recorded_ms, run_id`,
		).iterate(serverKey(server), outDir));
		for (;;) {
			const next = this.#guard(() => rows.next());
			if (next.done) {
				return;
			}

			yield itemRecord(next.value as unknown as ItemRow);
		}
	}

	/**
	 * When each of these contacts of `server` was exported and verified (its archive time), for platforms without
	 * an archived mark of their own: there, the journal's record is what "archived" means.
	 */
	exportedAt(server: string, recordingIds: readonly string[]): Map<string, string> {
		return this.#guard(() => {
			const found = new Map<string, string>();
			const key = serverKey(server);
			const query = this.#db.prepare('SELECT archived_at FROM items WHERE server = ? AND recording_id = ? AND archived_at IS NOT NULL ORDER BY recorded_ms DESC LIMIT 1');
			for (const id of recordingIds) {
				const row = query.get(key, id) as {archived_at: string} | undefined;
				if (row) {
					found.set(id, row.archived_at);
				}
			}

			return found;
		});
	}

	/**
	 * What a run did as far as its journaled items tell, with the keys `DownloadJournal.finish` counts under (those
	 * the items know; a deletion's only when there is one), and the bytes of its valid files: for a run whose process
	 * ended before it recorded its own. One aggregate query over the run's items (the primary key's prefix), so a
	 * run of a million items is never read into memory; no items, no counts.
	 */
	#journaledCounts(runId: number): {counts: Record<string, number>; bytes: number} {
		const row = this.#get<Record<string, number | null>>(
			`SELECT COUNT(*) AS items, COUNT(DISTINCT recording_id) AS contacts,
				SUM(status IN (${fileStatusList})) AS files,
				SUM(status = 'valid') AS valid,
				SUM(status IN ('skipped-identical', 'skipped-profile')) AS skipped,
				SUM(status = 'skipped-profile') AS skippedByProfile,
				SUM(status = 'failed') AS failed,
				SUM(status = 'interrupted') AS interrupted,
				SUM(status = 'recycled') AS recycled,
				COUNT(DISTINCT CASE WHEN archived_at IS NOT NULL AND status IN (${fileStatusList}) THEN recording_id END) AS archived,
				SUM(status = 'limited') AS limited,
				SUM(status = 'deleted') AS deleted,
				SUM(status = 'delete-failed') AS "delete-failed",
				SUM(status = 'would-delete') AS "would-delete",
				SUM(status = 'kept') AS kept,
				SUM(CASE WHEN status = 'valid' THEN size END) AS bytes
			FROM items WHERE run_id = ?`,
			runId,
		);
		if (!row || Number(row['items'] ?? 0) === 0) {
			return {counts: {}, bytes: 0};
		}

		const counts: Record<string, number> = {};
		for (const key of ['contacts', 'files', 'valid', 'skipped', 'skippedByProfile', 'failed', 'interrupted', 'recycled', 'archived', 'limited']) {
			counts[key] = Number(row[key] ?? 0);
		}

		for (const key of ['deleted', 'delete-failed', 'would-delete', 'kept']) {
			if (Number(row[key] ?? 0) > 0) {
				counts[key] = Number(row[key]);
			}
		}

		return {counts, bytes: Number(row['bytes'] ?? 0)};
	}

	#runRecord(row: RunRow): RunRecord {
		let outcome = row.outcome as RunOutcome;
		if (outcome === 'running' && !this.#alive(Number(row.pid), row.host)) {
			outcome = 'abandoned';
		}

		// A run that ended without its counts (abandoned, or failed or interrupted after items were journaled, which
		// records none) is described by its items.
		const journaled = (outcome === 'abandoned' || outcome === 'failed' || outcome === 'interrupted') && row.counts === '{}'
			? this.#journaledCounts(Number(row.id)) : undefined;
		return {
			id: Number(row.id),
			server: row.server,
			company: row.company,
			user: row.user,
			search: row.search,
			filter: parseJson(row.filter, {}),
			outDir: row.out_dir,
			manifestPath: row.manifest_path,
			startedAt: new Date(Number(row.started_ms)).toISOString(),
			finishedAt: row.finished_ms === null ? null : new Date(Number(row.finished_ms)).toISOString(),
			pid: Number(row.pid),
			host: row.host,
			outcome,
			counts: journaled?.counts ?? parseJson(row.counts, {}) as Record<string, number>,
			bytes: journaled?.bytes ?? Number(row.bytes),
			durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
			reserved: Number(row.reserved),
			error: row.error,
		};
	}

	/** Checks the whole file (slow on a big journal); 'ok' or SQLite's first complaint. */
	integrityCheck(): string {
		return this.#guard(() => String((this.#db.prepare('PRAGMA integrity_check').get() as Record<string, unknown>)['integrity_check']));
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		try {
			this.#db.prepare('DELETE FROM claims WHERE owner = ?').run(this.#owner);
		} catch {
			// Claims of a process that has gone are taken over anyway.
		}

		this.#closed = true;
		this.#statements.clear();
		try {
			this.#db.close();
		} catch {
			// Nothing left to do.
		}
	}
}

interface RunRow {
	id: number;
	server: string;
	company: string | null;
	user: string;
	search: string | null;
	filter: string;
	out_dir: string;
	manifest_path: string | null;
	started_ms: number;
	finished_ms: number | null;
	pid: number;
	host: string;
	outcome: string;
	counts: string;
	bytes: number;
	duration_ms: number | null;
	reserved: number;
	error: string | null;
}

interface ItemRow {
	run_id: number;
	server: string;
	recording_id: string;
	file_id: string;
	path: string | null;
	size: number | null;
	sha256: string | null;
	status: string;
	attempts: number;
	last_error: string | null;
	archived_at: string | null;
	recorded_ms: number;
}

function itemRecord(row: ItemRow): ItemRecord {
	return {
		runId: Number(row.run_id),
		server: row.server,
		recordingId: row.recording_id,
		fileId: row.file_id,
		path: row.path,
		size: row.size === null ? null : Number(row.size),
		sha256: row.sha256,
		status: row.status as ItemStatus,
		attempts: Number(row.attempts),
		lastError: row.last_error,
		archivedAt: row.archived_at,
		recordedAt: new Date(Number(row.recorded_ms)).toISOString(),
	};
}

function parseJson(text: string, fallback: unknown): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return fallback;
	}
}

/** A SQLite failure as one sentence naming the file; other errors pass through. */
function explain(file: string, error: unknown): Error {
	if (error instanceof CcdlError) {
		return error;
	}

	const failure = error as SqliteError;
	if (failure?.code !== 'ERR_SQLITE_ERROR' && typeof failure?.errcode !== 'number') {
		return error as Error;
	}

	const code = (failure.errcode ?? 0) & 0xFF;
	const detail = failure.errstr ?? failure.message;
	switch (code) {
		case sqlite.corrupt:
		case sqlite.notadb: {
			return new JournalError('journal-corrupt', `The journal ${file} is damaged (${detail}); move it away and ccdl starts a new one (the run history it held is then no longer shown).`, {cause: error});
		}

		case sqlite.busy:
		case sqlite.locked: {
			return new JournalError('journal-busy', `The journal ${file} stayed locked by another ccdl process for too long; try again when it has finished.`, {cause: error});
		}

		case sqlite.full: {
			return new JournalError('journal-full', `The disk holding the journal ${file} is full; free some space and try again.`, {cause: error});
		}

		case sqlite.perm:
		case sqlite.readonly:
		case sqlite.cantopen:
		case sqlite.ioerr: {
			return new JournalError('journal-unwritable', `Cannot write the journal ${file} (${detail}); check the permissions of it and its folder, or set CCDL_DATA_DIR.`, {cause: error});
		}

		default: {
			return new JournalError('journal-error', `The journal ${file} could not be used (${detail}).`, {cause: error});
		}
	}
}

/**
 * Opens the journal (creating it on first use): `CCDL_DATA_DIR`/journal.db, else $XDG_DATA_HOME/ccdl/journal.db,
 * else ~/.local/share/ccdl/journal.db. Throws a JournalError (one sentence) for a damaged or newer journal.
 */
export function openJournal(options: JournalOptions = {}): Journal {
	return Journal.open(options);
}
