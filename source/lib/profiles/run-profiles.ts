/**
 * Download profiles in a run: the store is read (and a `--profile` override checked) before the password is
 * asked; after login each file's effective profile comes from its campaign ID and the login's company
 * (campaign → company → global), or from the override for the whole run.
 */
import {isIP} from 'node:net';
import type {Plan, PlannedFile} from '../engine/plan.js';
import type {Source} from '../sources/model.js';
import {type Channel, channels} from '../sources/model.js';
import {visible} from '../text/visible.js';
import {describeCounts, describeMode, foldName, type Profile, ProfileError} from './model.js';
import {describeLevel, type Resolved} from './resolve.js';
import {ProfileStore} from './store.js';

export interface RunProfiles {
	/** The file's effective profile, with where it was assigned; undefined = no profile. */
	resolvedFor(file: PlannedFile): Resolved | undefined;
	profileFor(file: PlannedFile): Profile | undefined;
	/** Whether any profile can apply at all (an assignment exists or --profile was given). */
	readonly any: boolean;
	readonly company: string | undefined;
}

export interface PreparedProfiles {
	store: ProfileStore;
	override?: Profile;
}

/** Reads the store and checks `--profile`, before any network: a mistake costs no password prompt. */
export async function prepareProfiles(values: {profile?: string | undefined}): Promise<PreparedProfiles> {
	const store = await ProfileStore.load();
	if (values.profile === undefined) {
		return {store};
	}

	const override = store.get(values.profile);
	if (!override.active) {
		throw new ProfileError('profile-inactive', `--profile "${override.name}" is inactive; activate it first ("ccdl profile activate '${override.name}'") or choose another.`);
	}

	return {store, override};
}

/** The company the login is for: --company or CCDL_COMPANY, else what the server said at login, else the server's host name's first label. */
export function loginCompany(values: {company: string | undefined}, source: Pick<Source, 'user' | 'baseUrl'>): string | undefined {
	const given = values.company ?? process.env['CCDL_COMPANY'];
	if (given) {
		return given;
	}

	if (source.user.company) {
		return source.user.company;
	}

	const host = new URL(source.baseUrl).hostname.replace(/^\[|\]$/g, '');
	return host && isIP(host) === 0 ? host.split('.')[0] : undefined;
}

export function runProfiles(prepared: PreparedProfiles, company: string | undefined): RunProfiles {
	const byCampaign = new Map<string, Resolved | undefined>();
	const {store, override} = prepared;
	const assignments = store.assignments;
	const any = override !== undefined || assignments.global !== undefined
		|| Object.keys(assignments.companies).length > 0 || Object.keys(assignments.campaigns).length > 0;
	const resolvedFor = (file: PlannedFile): Resolved | undefined => {
		if (override) {
			return {profile: override, from: {level: 'override'}};
		}

		const campaignId = file.contact.campaignId;
		if (!byCampaign.has(campaignId)) {
			byCampaign.set(campaignId, store.resolve(company, campaignId));
		}

		return byCampaign.get(campaignId);
	};

	return {resolvedFor, profileFor: file => resolvedFor(file)?.profile, any, company};
}

export interface ProfileUse {
	/** null: no profile. */
	profile: string | null;
	mode: string | null;
	counts: Record<Channel, number> | null;
	/** Where it was assigned: global, company NAME, campaign ID, --profile. */
	from: string[];
	files: number;
	/** Files of channels at 0 in the profile: not downloaded. */
	skipped: Partial<Record<Channel, number>>;
}

/** Which profiles apply to a plan's files, and how many files each governs or leaves out, counted as they come. */
export class ProfileTally {
	readonly #profiles: RunProfiles;
	readonly #uses = new Map<string, ProfileUse>();

	constructor(profiles: RunProfiles) {
		this.#profiles = profiles;
	}

	add(file: PlannedFile): void {
		const resolved = this.#profiles.resolvedFor(file);
		const key = resolved ? foldName(resolved.profile.name) : '';
		let use = this.#uses.get(key);
		if (!use) {
			use = resolved
				? {profile: resolved.profile.name, mode: resolved.profile.mode, counts: {...resolved.profile.counts}, from: [], files: 0, skipped: {}}
				: {profile: null, mode: null, counts: null, from: [], files: 0, skipped: {}};
			this.#uses.set(key, use);
		}

		use.files++;
		if (resolved) {
			const level = describeLevel(resolved.from);
			if (!use.from.includes(level)) {
				use.from.push(level);
			}

			if (file.action === 'download' && resolved.profile.counts[file.channel] === 0) {
				use.skipped[file.channel] = (use.skipped[file.channel] ?? 0) + 1;
			}
		}
	}

	get uses(): ProfileUse[] {
		return [...this.#uses.values()];
	}
}

/** Which profiles apply to the plan's files, and how many files each governs or leaves out. */
export function profileUses(plan: Pick<Plan, 'files'>, profiles: RunProfiles): ProfileUse[] {
	const tally = new ProfileTally(profiles);
	for (const file of plan.files) {
		tally.add(file);
	}

	return tally.uses;
}

/** Lines for the plan summary: which profile governs how many files, and what it leaves out. */
export function profileSummaryLines(uses: readonly ProfileUse[], concurrency: number): string[] {
	if (uses.length === 0) {
		return [`profile: none — up to ${concurrency} files of any channel at once`];
	}

	const lines: string[] = [];
	for (const use of uses) {
		if (use.profile === null) {
			lines.push(`profile: none for ${use.files} files — up to ${concurrency} files of any channel at once`);
			continue;
		}

		const from = use.from.length > 3 ? `${use.from.slice(0, 3).join(', ')}, …` : use.from.join(', ');
		const profile = {name: use.profile, mode: use.mode as Profile['mode'], counts: use.counts!, active: true};
		lines.push(`profile: "${visible(use.profile)}" (${visible(from)}) for ${use.files} files — ${describeMode(profile.mode)}; at once: ${describeCounts(profile)}`);
		const skipped = channels.filter(channel => use.skipped[channel]).map(channel => [channel, use.skipped[channel]!] as const);
		if (skipped.length > 0) {
			const total = skipped.reduce((sum, [, count]) => sum + count, 0);
			lines.push(`  not downloaded under "${visible(use.profile)}" (channel at 0): ${total} files — ${skipped.map(([channel, count]) => `${channel} ${count}`).join(', ')}`);
		}
	}

	if (uses.length > 1) {
		lines.push('  each profile\'s files are downloaded in turn, one profile after another');
	}

	return lines;
}
