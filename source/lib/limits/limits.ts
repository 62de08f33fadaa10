/**
 * Limits on the number of contacts exported, after the bulk contact export's licences (seed 004): "standard",
 * 1,000 contacts a day; "performance", 10,000 a run and 40,000 a day; or custom numbers. The day's usage comes from
 * the journal — contacts of that server exported since midnight by every ccdl process, plus what runs still going
 * have reserved — so two runs at once cannot pass the limit together. A run that would pass a limit is told how
 * many contacts it can still take, and takes only those.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {systemTimeZone} from '../dates.js';
import {FilesystemError, UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {type Journal, serverKey} from '../journal/journal.js';
import {configDir} from '../settings/paths.js';
import {ConfigFileError, damaged, readConfigFile, writeConfigFile} from '../settings/config-file.js';

export type LimitPreset = 'none' | 'standard' | 'performance' | 'custom';

export interface LimitSettings {
	preset: LimitPreset;
	/** Contacts a day per server (undefined: no daily limit). */
	daily?: number;
	/** Contacts a run (undefined: no per-run limit). */
	perRun?: number;
}

export const limitPresets = {
	none: {preset: 'none'},
	standard: {preset: 'standard', daily: 1000},
	performance: {preset: 'performance', perRun: 10_000, daily: 40_000},
} as const satisfies Record<string, LimitSettings>;

export const maxLimit = 100_000_000;

export interface LimitCheck {
	/** How many of the wanted contacts the run may take (0 … wanted). */
	allowed: number;
	wanted: number;
	/** Whether all wanted contacts fit. */
	ok: boolean;
	/** One sentence when the run cannot take everything: which limit, how much is used, how many it can still take. */
	reason?: string;
	/** Which limit held the run back. */
	limitedBy?: 'daily' | 'per-run';
	/** Contacts exported today plus those other running runs reserved. */
	usedToday: number;
	/** What the daily limit still allows today (undefined: no daily limit). */
	leftToday?: number;
	settings: LimitSettings;
}

const number = (value: number) => value.toLocaleString('en-US');

/** "standard: 1,000 contacts a day", "performance: 10,000 a run, 40,000 a day", "no limits". */
export function describeLimits(settings: LimitSettings): string {
	const parts = [
		...settings.perRun === undefined ? [] : [`${number(settings.perRun)} contacts a run`],
		...settings.daily === undefined ? [] : [`${number(settings.daily)} contacts a day`],
	];
	if (parts.length === 0) {
		return 'no limits';
	}

	return `${settings.preset === 'custom' || settings.preset === 'none' ? 'custom' : settings.preset}: ${parts.join(', ')}`;
}

/** The pure arithmetic: how many of `wanted` contacts fit, given what is used today. */
export function computeAllowance(input: {wanted: number; usedToday: number; settings: LimitSettings; server?: string}): LimitCheck {
	const {settings} = input;
	const wanted = Math.max(0, Math.floor(input.wanted));
	const usedToday = Math.max(0, Math.floor(input.usedToday));
	const leftToday = settings.daily === undefined ? undefined : Math.max(0, settings.daily - usedToday);
	const byRun = settings.perRun ?? Number.POSITIVE_INFINITY;
	const byDay = leftToday ?? Number.POSITIVE_INFINITY;
	const allowed = Math.min(wanted, byRun, byDay);
	const result: LimitCheck = {allowed, wanted, ok: allowed >= wanted, usedToday, ...(leftToday === undefined ? {} : {leftToday}), settings};
	if (allowed >= wanted) {
		return result;
	}

	const where = input.server ? ` on ${input.server}` : '';
	const limitedBy = byDay <= byRun ? 'daily' : 'per-run';
	result.limitedBy = limitedBy;
	if (limitedBy === 'daily') {
		result.reason = allowed === 0
			? `The daily limit of ${number(settings.daily!)} contacts (${describeLimits(settings)}) is reached${where}: ${number(usedToday)} exported or reserved today, so none of the ${number(wanted)} contacts can be taken; run again tomorrow.`
			: `The daily limit of ${number(settings.daily!)} contacts (${describeLimits(settings)}) leaves ${number(allowed)} of the ${number(wanted)} contacts for today${where} (${number(usedToday)} exported or reserved today); the other ${number(wanted - allowed)} are left for tomorrow.`;
	} else {
		result.reason = `The per-run limit of ${number(settings.perRun!)} contacts (${describeLimits(settings)}) takes ${number(allowed)} of the ${number(wanted)} contacts; run again for the other ${number(wanted - allowed)}.`;
	}

	return result;
}

export interface CheckLimitOptions {
	/** @default the limits saved in the config folder (loadLimitsSync) */
	settings?: LimitSettings;
	/** The zone whose midnight starts "today". @default the system's */
	timeZone?: string;
	/** The run asking: its own reservation is not counted as used. */
	runId?: number;
}

/**
 * How many of `wanted` contacts a run against `server` may export now: the limits (saved ones unless given)
 * against the journal's count of contacts exported today by every process and those reserved by runs still going.
 * Reads only; `reserveWithinLimits` also holds the allowance for the run.
 */
export function checkLimit(journal: Journal, server: string, wanted: number, now: Date = new Date(), options: CheckLimitOptions = {}): LimitCheck {
	const settings = options.settings ?? loadLimitsSync();
	if (settings.daily === undefined && settings.perRun === undefined) {
		return computeAllowance({wanted, usedToday: 0, settings});
	}

	const usage = journal.usage(server, now, options.timeZone ?? systemTimeZone(), options.runId);
	return computeAllowance({wanted, usedToday: usage.exportedToday + usage.reservedByOthers, settings, server: serverKey(server)});
}

/**
 * `checkLimit` and, in the same journal transaction, reserves the allowed number for `runId` (which must be
 * running): another process checking at the same moment sees this reservation. `finishRun` drops it.
 */
export function reserveWithinLimits(journal: Journal, runId: number, server: string, wanted: number, now: Date = new Date(), options: Omit<CheckLimitOptions, 'runId'> = {}): LimitCheck {
	const settings = options.settings ?? loadLimitsSync();
	return journal.transaction(() => {
		const check = checkLimit(journal, server, wanted, now, {...options, settings, runId});
		journal.setReservation(runId, check.allowed);
		return check;
	});
}

// --- Where the limits are kept -------------------------------------------------------------------------------

export const limitsFileName = 'limits.json';
export const limitsVersion = 1;

export function limitsPath(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(configDir(env), limitsFileName);
}

function fromStored(file: string, stored: Record<string, unknown> | undefined): LimitSettings {
	if (!stored) {
		return {preset: 'none'};
	}

	const preset = stored['preset'];
	if (preset !== 'none' && preset !== 'standard' && preset !== 'performance' && preset !== 'custom') {
		throw damaged(file, 'limits', `the preset ${JSON.stringify(preset)} is unknown`);
	}

	if (preset !== 'custom') {
		return {...limitPresets[preset]};
	}

	const read = (key: 'daily' | 'perRun') => {
		const value = stored[key];
		if (value === undefined || value === null) {
			return undefined;
		}

		if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > maxLimit) {
			throw damaged(file, 'limits', `"${key}" is not a whole number from 1 to ${maxLimit}`);
		}

		return value;
	};

	const daily = read('daily');
	const perRun = read('perRun');
	return {preset, ...daily === undefined ? {} : {daily}, ...perRun === undefined ? {} : {perRun}};
}

/** The saved limits; none saved = no limits. */
export async function loadLimits(file: string = limitsPath()): Promise<LimitSettings> {
	return fromStored(file, await readConfigFile(file, limitsVersion, 'limits'));
}

/** Synchronous variant (for `checkLimit` without settings). */
export function loadLimitsSync(file: string = limitsPath()): LimitSettings {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {preset: 'none'};
		}

		throw new FilesystemError('config-unreadable', `Cannot read the limits file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions.`);
	}

	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		throw damaged(file, 'limits', 'not JSON');
	}

	if (typeof data !== 'object' || data === null || typeof (data as {version?: unknown}).version !== 'number') {
		throw damaged(file, 'limits', 'no version');
	}

	if ((data as {version: number}).version > limitsVersion) {
		throw new ConfigFileError('config-newer', `The limits file ${file} was written by a newer ccdl (format ${(data as {version: number}).version}; this one reads ${limitsVersion}); update ccdl to use it.`);
	}

	return fromStored(file, data as Record<string, unknown>);
}

export async function saveLimits(settings: LimitSettings, file: string = limitsPath()): Promise<void> {
	await writeConfigFile(file, {version: limitsVersion, ...settings});
}

/** Settings from flags: a preset name, or custom numbers (`--daily N`, `--per-run N`). */
export function limitsFromFlags(flags: {preset?: string | undefined; daily?: number | undefined; perRun?: number | undefined}): LimitSettings {
	if (flags.preset !== undefined && (flags.daily !== undefined || flags.perRun !== undefined)) {
		throw new UsageError('Give either --preset or custom numbers (--daily N, --per-run N), not both.');
	}

	if (flags.preset !== undefined) {
		if (!Object.hasOwn(limitPresets, flags.preset)) {
			const allowed = {key: 'cli.part.allowed.or', params: {first: 'standard (1,000 contacts a day), performance (10,000 a run, 40,000 a day)', last: 'none'}};
			throw new UsageError(...phrased('cli.error.must-be', {flag: '--preset', allowed, value: flags.preset}));
		}

		return {...limitPresets[flags.preset as keyof typeof limitPresets]};
	}

	if (flags.daily === undefined && flags.perRun === undefined) {
		throw new UsageError('Say which limits: --preset standard|performance|none, or --daily N and/or --per-run N.');
	}

	if (flags.daily !== undefined && flags.perRun !== undefined && flags.perRun > flags.daily) {
		throw new UsageError(`--per-run ${number(flags.perRun)} is more than --daily ${number(flags.daily)}; a run can never take more than a day allows.`);
	}

	return {preset: 'custom', ...flags.daily === undefined ? {} : {daily: flags.daily}, ...flags.perRun === undefined ? {} : {perRun: flags.perRun}};
}
