/**
 * Who owns a partial download. A partial (`.ccdl-<id>.part`) has one writer at a time: its sidecar
 * (`.ccdl-<id>.part.json`: href, ETag, size, listed SHA-256, owner) is created exclusively (O_EXCL) before the first
 * byte, and only the process that created it writes the partial. The sidecar is what the next run resumes from
 * after a crash, whatever the file's size. An owner that is gone (its process ended, even by kill -9) is taken over;
 * a live one is waited for. Partials nobody will resume (their file is already under its final name, a publish cut
 * off between link and unlink, or no sidecar at all) are removed by `sweepPartials` once no live process owns them.
 */
import {randomBytes} from 'node:crypto';
import {closeSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs';
import {link, readdir, readFile, rename, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {CcdlError, exitCodes} from '../errors.js';

/** What the sidecar says about the bytes in its partial, and who writes them. */
export interface PartialMeta {
	href: string;
	etag?: string;
	size?: number;
	sha256?: string;
	/** The final file's name (in the same folder): a partial whose final name exists is never resumed. */
	target?: string;
	/** The writer: host name, process ID and the process's start time (so a reused PID is not mistaken for it). */
	host?: string;
	pid?: number;
	start?: string;
}

/** Another ccdl process writes this partial and made no progress for a long time. */
export class PartialBusyError extends CcdlError {
	constructor(message: string) {
		super('partial-busy', message, exitCodes.someFailed);
		this.name = 'PartialBusyError';
	}
}

/** The hidden partial file for a final path: deterministic, so a later run finds it, and short, whatever the name. */
export const partialPattern = /^\.ccdl-[\da-f]{20}\.part$/;

/** Start time of a process (clock ticks since boot, field 22 of /proc/PID/stat), where /proc tells it. */
function startTimeOf(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: count from the last ')'.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

let self: {host: string; pid: number; start?: string} | undefined;

/** This process as a sidecar names its owner. */
export function ownerIdentity(): {host: string; pid: number; start?: string} {
	if (!self) {
		const start = startTimeOf(process.pid);
		self = {host: os.hostname(), pid: process.pid, ...(start ? {start} : {})};
	}

	return self;
}

function processRuns(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** How long an owner on another host (a shared folder) counts as alive without touching its partial. */
const foreignOwnerMs = 10 * 60 * 1000;

/**
 * Whether the sidecar's owner may still be writing. This process never owns a partial it did not create in this
 * call, so its own PID in a sidecar is a leftover (of an earlier process with the same PID).
 */
function ownerAlive(meta: PartialMeta, touchedMs: number): boolean {
	if (meta.pid === undefined || !Number.isSafeInteger(meta.pid) || meta.pid <= 0) {
		return false;
	}

	const me = ownerIdentity();
	if (meta.host !== undefined && meta.host !== me.host) {
		return Date.now() - touchedMs < foreignOwnerMs;
	}

	if (meta.pid === me.pid) {
		return false;
	}

	if (!processRuns(meta.pid)) {
		return false;
	}

	// A live process with this PID: the owner only if it started when the owner did.
	const start = startTimeOf(meta.pid);
	return meta.start === undefined || start === undefined || start === meta.start;
}

interface SidecarState {
	meta: PartialMeta | undefined;
	/** Last change of the sidecar or its partial, whichever is later. */
	touchedMs: number;
}

async function readSidecar(metaPath: string, partPath?: string): Promise<SidecarState | undefined> {
	let text: string;
	let touchedMs: number;
	try {
		[text, touchedMs] = await Promise.all([readFile(metaPath, 'utf8'), stat(metaPath).then(info => info.mtimeMs)]);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw error;
	}

	if (partPath) {
		const partTouched = await stat(partPath).then(info => info.mtimeMs, () => 0);
		touchedMs = Math.max(touchedMs, partTouched);
	}

	try {
		const value = JSON.parse(text) as PartialMeta;
		return {meta: typeof value?.href === 'string' ? value : undefined, touchedMs};
	} catch {
		return {meta: undefined, touchedMs};
	}
}

/**
 * Creates `file` holding `text`, failing with EEXIST when it is there. Synchronous: creating a small file is a few
 * tens of microseconds, while three thread-pool round trips (open, write, close) cost the main thread more than that
 * for every file of a run.
 */
function createExclusive(file: string, text: string): void {
	const fd = openSync(file, 'wx', 0o600);
	try {
		writeSync(fd, text);
	} catch (error) {
		closeSync(fd);
		rmSync(file, {force: true});
		throw error;
	}

	closeSync(fd);
}

/** A sidecar that does not parse yet may be one being written this instant (open O_EXCL, then write). */
const unreadableGraceMs = 2000;

/**
 * A partial nobody has written to for this long, and that this run does not download, is given up: its contact left
 * every plan (archived by someone else, a filter since changed), and it would hold its bytes in the folder forever.
 * Until then any run that plans its file resumes it.
 */
export const abandonedPartialMs = 7 * 24 * 3600 * 1000;

/** How long to wait for another live writer of the same partial that makes no progress. */
const busyTimeoutMs = 60_000;

export interface PartialClaim {
	/** The sidecar of a writer that is gone: describes the bytes it left in the partial (if any). */
	leftover?: PartialMeta;
	/** Another live process held the partial first; this call waited until it let go. */
	waited: boolean;
}

/**
 * Makes this process the one writer of `partPath`: creates the sidecar exclusively with `mine`. An earlier owner
 * that is gone is taken over (its sidecar returned as `leftover`, for resuming); a live one is waited for, as long
 * as its partial keeps changing. Only `wait: false` (the sweep) returns undefined instead of waiting.
 */
export async function claimPartial(metaPath: string, partPath: string, mine: PartialMeta, options: {signal?: AbortSignal; wait?: boolean} = {}): Promise<PartialClaim | undefined> {
	const wait = options.wait ?? true;
	const body = JSON.stringify(mine);
	let leftover: PartialMeta | undefined;
	let waited = false;
	let progress: {size: number | undefined; since: number} | undefined;
	for (let round = 0; ; round++) {
		options.signal?.throwIfAborted();
		try {
			createExclusive(metaPath, body);
			return {...leftover ? {leftover} : {}, waited};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}

		const current = await readSidecar(metaPath, partPath);
		if (!current) {
			continue;
		}

		const busy = current.meta ? ownerAlive(current.meta, current.touchedMs) : Date.now() - current.touchedMs < unreadableGraceMs;
		if (busy) {
			if (!wait) {
				return undefined;
			}

			waited = true;
			const size = await stat(partPath).then(info => info.size, () => undefined);
			if (!progress || progress.size !== size) {
				progress = {size, since: Date.now()};
			} else if (Date.now() - progress.since > busyTimeoutMs) {
				throw new PartialBusyError(`another ccdl process (${current.meta?.pid === undefined ? 'unknown' : `process ${current.meta.pid}`}) is writing this file into the same folder and made no progress for ${busyTimeoutMs / 1000} s`);
			}

			await delay(Math.min(1000, 50 * 2 ** Math.min(round, 5)), undefined, {signal: options.signal});
			continue;
		}

		// A gone owner's sidecar: move it aside (rename is atomic, so of two processes taking over only one gets
		// it), and check that what was moved is still the stale one, not a new owner's that appeared meanwhile.
		const aside = `${metaPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
		try {
			await rename(metaPath, aside);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				continue;
			}

			throw error;
		}

		const moved = await readSidecar(aside, partPath);
		if (moved?.meta && ownerAlive(moved.meta, moved.touchedMs)) {
			// Took a live owner's sidecar: put it back (link fails if yet another one was created: that one stands).
			await link(aside, metaPath).catch(() => undefined);
			await rm(aside, {force: true});
			continue;
		}

		await rm(aside, {force: true});
		leftover = moved?.meta;
	}
}

/** The sidecar and partial names in `folder` that a sweep looks at. */
function sidecarOf(part: string): string {
	return `${part}.json`;
}

/**
 * Removes partials in `folders` that nobody will resume and no live process owns: those whose final name already
 * exists (the file was finished, or a publish was cut off between link and unlink, leaving a hard-linked twin) or
 * that are in `finished` (files the run found already at the destination, which for a remote sink is elsewhere),
 * those without a usable sidecar, those untouched for `abandonedPartialMs`, sidecars without their partial, and
 * sidecars moved aside by a takeover that was cut off. Partials in `keep` (this run's own downloads, resumed by their transfer) are left alone. Returns how many
 * partials were removed.
 */
export async function sweepPartials(folders: Iterable<string>, keep: {has(part: string): boolean}, finished: {has(part: string): boolean} = {has: () => false}): Promise<number> {
	let removed = 0;
	for (const folder of folders) {
		let names: string[];
		try {
			names = await readdir(folder);
		} catch {
			continue;
		}

		const present = new Set(names);
		for (const name of names) {
			const full = path.join(folder, name);
			if (/^\.ccdl-[\da-f]{20}\.part\.json\.stale-/.test(name)) {
				// A takeover cut off mid-way: the sidecar it moved aside is no one's.
				const info = await stat(full).catch(() => undefined);
				if (info && Date.now() - info.mtimeMs > unreadableGraceMs * 30) {
					await rm(full, {force: true}).catch(() => undefined);
				}

				continue;
			}

			const isPart = partialPattern.test(name);
			const isLoneSidecar = name.endsWith('.part.json') && partialPattern.test(name.slice(0, -'.json'.length)) && !present.has(name.slice(0, -'.json'.length));
			if (!isPart && !isLoneSidecar) {
				continue;
			}

			const part = isPart ? full : full.slice(0, -'.json'.length);
			if (keep.has(part)) {
				continue;
			}

			const metaPath = sidecarOf(part);
			const state = await readSidecar(metaPath, part).catch(() => undefined);
			if (isPart) {
				const orphan = state === undefined || state.meta === undefined
					? Date.now() - (state?.touchedMs ?? await stat(part).then(info => info.mtimeMs, () => 0)) > unreadableGraceMs * 30
					: (state.meta.target !== undefined && present.has(state.meta.target)) || finished.has(part)
						|| Date.now() - await stat(part).then(info => info.mtimeMs, () => Date.now()) > abandonedPartialMs;
				if (!orphan) {
					continue;
				}
			}

			// Own it before removing it, so a process resuming it right now is never pulled from under.
			const claim = await claimPartial(metaPath, part, {href: '', ...ownerIdentity()}, {wait: false}).catch(() => undefined);
			if (!claim) {
				continue;
			}

			if (!isPart && await stat(part).then(() => true, () => false)) {
				// A partial appeared with it meanwhile: someone's; leave both (its owner sidecar is ours now: drop it).
				await rm(metaPath, {force: true}).catch(() => undefined);
				continue;
			}

			await rm(part, {force: true}).catch(() => undefined);
			await rm(metaPath, {force: true}).catch(() => undefined);
			removed += isPart ? 1 : 0;
		}
	}

	return removed;
}
