/**
 * Profiles and their assignments, kept in `profiles.json` in ccdl's config folder (CCDL_CONFIG_DIR, else the
 * folder conf uses: ~/.config/ccdl on Linux). The file has a version; it is replaced atomically (temporary file,
 * then rename), so a crash never leaves half a file. A damaged file, or one from a newer ccdl, is reported in one
 * sentence and never silently overwritten. The built-in default profile is not stored: it always exists.
 */
import {configDir} from '../settings/paths.js';
import {readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {type Channel, channels} from '../sources/model.js';
import {writeConfigFile} from '../settings/config-file.js';
import {FilesystemError} from '../errors.js';
import {
	checkCounts, checkDescription, checkMode, checkName, checkProfile, defaultProfile, defaultProfileName, foldName, type Profile,
	ProfileError, type ProfileMode,
} from './model.js';
import {type AssignmentLevel, type Assignments, companyKey, resolveProfile, type Resolved} from './resolve.js';

export const profilesFileName = 'profiles.json';
export const storeVersion = 1;

export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(configDir(env), profilesFileName);
}

interface StoredFile {
	version: number;
	profiles: Array<Omit<Profile, 'builtIn'>>;
	assignments: {global: string | null; companies: Record<string, string>; campaigns: Record<string, string>};
}

export interface ProfileInput {
	name: string;
	description?: string;
	mode: ProfileMode;
	counts: Partial<Record<Channel, number>>;
}

export interface ProfilePatch {
	rename?: string;
	/** An empty string removes the description. */
	description?: string;
	mode?: ProfileMode;
	counts?: Partial<Record<Channel, number>>;
}

function levelText(level: AssignmentLevel): string {
	switch (level.level) {
		case 'global': {
			return 'globally';
		}

		case 'company': {
			return `to company "${level.company}"`;
		}

		case 'campaign': {
			return `to campaign ${level.campaignId}`;
		}
	}
}

export function describeAssignment(level: AssignmentLevel): string {
	return levelText(level);
}

/** The flags that name a level: --global, --company NAME, --campaign ID. */
export function levelFlags(level: AssignmentLevel): string {
	const quote = (text: string) => /^[\w.-]+$/.test(text) ? text : `'${text}'`;
	switch (level.level) {
		case 'global': {
			return '--global';
		}

		case 'company': {
			return `--company ${quote(level.company)}`;
		}

		case 'campaign': {
			return `--campaign ${quote(level.campaignId)}`;
		}
	}
}

/** A campaign ID as the API gives it: 1–64 visible characters. */
export function checkCampaignId(raw: string): string {
	const id = raw.trim();
	if (id === '' || id.length > 64 || /[\p{C}\s]/u.test(id)) {
		throw new ProfileError('profile-assign', `${JSON.stringify(raw)} is not a campaign ID (1 to 64 visible characters, e.g. 101); "ccdl list" shows the IDs.`);
	}

	return id;
}

export function checkCompany(raw: string): string {
	const key = companyKey(raw);
	if (key === '' || key.length > 100 || /\p{C}/u.test(key)) {
		throw new ProfileError('profile-assign', `${JSON.stringify(raw)} is not a company name (1 to 100 visible characters).`);
	}

	return key;
}

export class ProfileStore {
	/** Where the store lives (read from and saved to). */
	readonly file: string;
	#profiles: Profile[];
	#assignments: Assignments;

	constructor(file: string, profiles: Profile[] = [], assignments: Assignments = {companies: {}, campaigns: {}}) {
		this.file = file;
		this.#profiles = profiles;
		this.#assignments = assignments;
	}

	/** Reads the store; a missing file is an empty store (only the default profile, nothing assigned). */
	static async load(file: string = profilesPath()): Promise<ProfileStore> {
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return new ProfileStore(file);
			}

			throw new FilesystemError('profiles-unreadable', `Cannot read the profiles file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions.`);
		}

		return ProfileStore.parse(file, text);
	}

	/** The store from a file's text; throws a ProfileError naming the file when it is damaged or too new. */
	static parse(file: string, text: string): ProfileStore {
		const damaged = (what: string) => new ProfileError('profiles-corrupt', `The profiles file ${file} is damaged (${what}); fix it, or move it away to start again with only ${defaultProfileName}.`);
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (error) {
			throw damaged(`not JSON: ${(error as Error).message.split('\n')[0]!.slice(0, 80)}`);
		}

		if (typeof data !== 'object' || data === null || Array.isArray(data)) {
			throw damaged('not a JSON object');
		}

		const stored = data as Partial<StoredFile>;
		if (typeof stored.version !== 'number' || !Number.isInteger(stored.version) || stored.version < 1) {
			throw damaged('no version');
		}

		if (stored.version > storeVersion) {
			throw new ProfileError('profiles-newer', `The profiles file ${file} was written by a newer ccdl (format ${stored.version}; this one reads ${storeVersion}); update ccdl to use it.`);
		}

		if (!Array.isArray(stored.profiles)) {
			throw damaged('"profiles" is not a list');
		}

		const profiles: Profile[] = [];
		const seen = new Set([foldName(defaultProfileName)]);
		for (const [index, raw] of stored.profiles.entries()) {
			if (typeof raw !== 'object' || raw === null || typeof raw.name !== 'string' || typeof raw.mode !== 'string'
				|| typeof raw.counts !== 'object' || raw.counts === null || typeof raw.active !== 'boolean'
				|| (raw.description !== undefined && typeof raw.description !== 'string')) {
				throw damaged(`profile ${index + 1} lacks a name, mode, counts or active flag`);
			}

			let profile: Profile;
			try {
				profile = checkProfile({
					name: raw.name, mode: raw.mode, active: raw.active, ...(raw.description === undefined ? {} : {description: raw.description}),
					counts: Object.fromEntries(channels.map(channel => [channel, (raw.counts as Record<string, unknown>)[channel] ?? 0])) as Profile['counts'],
				});
			} catch (error) {
				throw damaged(`profile ${JSON.stringify(raw.name)}: ${(error as Error).message.replace(/\.$/, '')}`);
			}

			if (seen.has(foldName(profile.name))) {
				throw damaged(`the name ${JSON.stringify(profile.name)} is there twice`);
			}

			seen.add(foldName(profile.name));
			profiles.push(profile);
		}

		const rawAssignments = stored.assignments ?? {global: null, companies: {}, campaigns: {}};
		if (typeof rawAssignments !== 'object' || rawAssignments === null) {
			throw damaged('"assignments" is not an object');
		}

		const store = new ProfileStore(file, profiles);
		const named = (name: unknown, where: string): string => {
			const profile = typeof name === 'string' ? store.#lookup(name) : undefined;
			if (!profile) {
				throw damaged(`${where} names no existing profile (${JSON.stringify(name)})`);
			}

			if (!profile.active) {
				throw damaged(`${where} names the inactive profile "${profile.name}"`);
			}

			return profile.name;
		};

		const assignments: Assignments = {companies: {}, campaigns: {}};
		if (rawAssignments.global !== null && rawAssignments.global !== undefined) {
			assignments.global = named(rawAssignments.global, 'the global assignment');
		}

		for (const [kind, target] of [['companies', assignments.companies], ['campaigns', assignments.campaigns]] as const) {
			const entries = rawAssignments[kind] ?? {};
			if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
				throw damaged(`"assignments.${kind}" is not an object`);
			}

			for (const [key, name] of Object.entries(entries)) {
				target[kind === 'companies' ? companyKey(key) : key] = named(name, `the assignment of ${kind === 'companies' ? 'company' : 'campaign'} "${key}"`);
			}
		}

		store.#assignments = assignments;
		return store;
	}

	/** Every profile, the default first, then by name. */
	list(): Profile[] {
		return [{...defaultProfile, counts: {...defaultProfile.counts}}, ...[...this.#profiles].sort((a, b) => a.name.localeCompare(b.name))];
	}

	/** The stored profile object (or a copy of the default). */
	#lookup(name: string): Profile | undefined {
		const folded = foldName(name);
		if (folded === foldName(defaultProfileName)) {
			return {...defaultProfile, counts: {...defaultProfile.counts}};
		}

		return this.#profiles.find(profile => foldName(profile.name) === folded);
	}

	#get(name: string): Profile {
		const profile = this.#lookup(name);
		if (!profile) {
			throw new ProfileError('profile-unknown', `There is no profile ${JSON.stringify(name)}; "ccdl profile list" shows them.`);
		}

		return profile;
	}

	/** The profile of this name (ignoring case), or undefined. */
	find(name: string): Profile | undefined {
		const profile = this.#lookup(name);
		return profile && {...profile, counts: {...profile.counts}};
	}

	/** The profile of this name, or a ProfileError. */
	get(name: string): Profile {
		const profile = this.#get(name);
		return {...profile, counts: {...profile.counts}};
	}

	get assignments(): Assignments {
		return {...this.#assignments, companies: {...this.#assignments.companies}, campaigns: {...this.#assignments.campaigns}};
	}

	/** Where a profile is assigned. */
	assignmentsOf(name: string): AssignmentLevel[] {
		const folded = foldName(name);
		const levels: AssignmentLevel[] = [];
		if (this.#assignments.global !== undefined && foldName(this.#assignments.global) === folded) {
			levels.push({level: 'global'});
		}

		for (const [company, assigned] of Object.entries(this.#assignments.companies)) {
			if (foldName(assigned) === folded) {
				levels.push({level: 'company', company});
			}
		}

		for (const [campaignId, assigned] of Object.entries(this.#assignments.campaigns)) {
			if (foldName(assigned) === folded) {
				levels.push({level: 'campaign', campaignId});
			}
		}

		return levels;
	}

	#protect(name: string, action: string): Profile {
		const profile = this.#get(name);
		if (profile.builtIn) {
			throw new ProfileError('profile-builtin', `${defaultProfileName} is built in and cannot be ${action}; create your own profile with "ccdl profile create" instead.`);
		}

		return profile;
	}

	#checkUnique(name: string, except?: Profile): void {
		const other = this.#lookup(name);
		if (other && other !== except) {
			throw new ProfileError('profile-duplicate', `A profile named "${other.name}" already exists (names are compared ignoring case); choose another name.`);
		}
	}

	create(input: ProfileInput): Profile {
		const name = checkName(input.name);
		this.#checkUnique(name);
		const description = checkDescription(input.description);
		const mode = checkMode(input.mode);
		const counts = checkCounts(mode, {voice: 0, video: 0, chat: 0, email: 0, social: 0, ...input.counts});
		const profile: Profile = {name, ...(description === undefined ? {} : {description}), mode, counts, active: true};
		this.#profiles.push(profile);
		return {...profile};
	}

	edit(name: string, patch: ProfilePatch): Profile {
		const profile = this.#protect(name, 'edited');
		const newName = patch.rename === undefined ? profile.name : checkName(patch.rename);
		this.#checkUnique(newName, profile);
		const description = patch.description === undefined ? profile.description : checkDescription(patch.description);
		const mode = patch.mode === undefined ? profile.mode : checkMode(patch.mode);
		const counts = checkCounts(mode, {...profile.counts, ...patch.counts});
		if (newName !== profile.name) {
			const folded = foldName(profile.name);
			const renamed = (assigned: string) => foldName(assigned) === folded ? newName : assigned;
			if (this.#assignments.global !== undefined) {
				this.#assignments.global = renamed(this.#assignments.global);
			}

			for (const table of [this.#assignments.companies, this.#assignments.campaigns]) {
				for (const [key, assigned] of Object.entries(table)) {
					table[key] = renamed(assigned);
				}
			}
		}

		profile.name = newName;
		profile.mode = mode;
		profile.counts = counts;
		if (description === undefined) {
			delete profile.description;
		} else {
			profile.description = description;
		}

		return {...profile};
	}

	/** Returns false when the profile already was in that state. */
	setActive(name: string, active: boolean): boolean {
		const found = this.#get(name);
		if (found.builtIn) {
			if (active) {
				return false;
			}

			throw new ProfileError('profile-builtin', `${defaultProfileName} is built in and always active; it cannot be deactivated.`);
		}

		const profile = this.#protect(name, active ? 'activated' : 'deactivated');
		if (profile.active === active) {
			return false;
		}

		if (!active) {
			const levels = this.assignmentsOf(profile.name);
			if (levels.length > 0) {
				const first = levels[0]!;
				throw new ProfileError('profile-assigned', `Profile "${profile.name}" is assigned ${levels.map(level => levelText(level)).join(', ')}; unassign it there first `
					+ `("ccdl profile unassign ${levelFlags(first)}"${levels.length > 1 ? ', …' : ''}), then deactivate it.`);
			}
		}

		profile.active = active;
		return true;
	}

	delete(name: string): Profile {
		const found = this.#get(name);
		if (found.builtIn) {
			throw new ProfileError('profile-builtin', `${defaultProfileName} is built in and cannot be deleted.`);
		}

		const profile = this.#protect(name, 'deleted');
		if (profile.active) {
			throw new ProfileError('profile-active', `Profile "${profile.name}" is active; only an inactive profile can be deleted: run "ccdl profile deactivate '${profile.name}'" first.`);
		}

		this.#profiles = this.#profiles.filter(item => item !== profile);
		return {...profile};
	}

	/** Assigns an active profile at a level; returns the profile that was assigned there before, if any. */
	assign(name: string, level: AssignmentLevel): {profile: Profile; previous?: string} {
		const profile = this.#get(name);
		if (!profile.active) {
			throw new ProfileError('profile-inactive', `Profile "${profile.name}" is inactive; only an active profile can be assigned: run "ccdl profile activate '${profile.name}'" first.`);
		}

		let previous: string | undefined;
		switch (level.level) {
			case 'global': {
				previous = this.#assignments.global;
				this.#assignments.global = profile.name;
				break;
			}

			case 'company': {
				const key = checkCompany(level.company);
				previous = this.#assignments.companies[key];
				this.#assignments.companies[key] = profile.name;
				break;
			}

			case 'campaign': {
				const key = checkCampaignId(level.campaignId);
				previous = this.#assignments.campaigns[key];
				this.#assignments.campaigns[key] = profile.name;
				break;
			}
		}

		return {profile: {...profile}, ...(previous === undefined ? {} : {previous})};
	}

	/** Removes the assignment at a level; returns the profile name that was there, if any. */
	unassign(level: AssignmentLevel): string | undefined {
		switch (level.level) {
			case 'global': {
				const previous = this.#assignments.global;
				delete this.#assignments.global;
				return previous;
			}

			case 'company': {
				const key = checkCompany(level.company);
				const previous = this.#assignments.companies[key];
				delete this.#assignments.companies[key];
				return previous;
			}

			case 'campaign': {
				const key = checkCampaignId(level.campaignId);
				const previous = this.#assignments.campaigns[key];
				delete this.#assignments.campaigns[key];
				return previous;
			}
		}
	}

	/** The effective profile for a company and campaign (campaign → company → global), or undefined for none. */
	resolve(company: string | undefined, campaignId: string | undefined): Resolved | undefined {
		return resolveProfile(this.#assignments, name => this.#lookup(name), company, campaignId);
	}

	toJSON(): StoredFile {
		return {
			version: storeVersion,
			profiles: this.#profiles.map(profile => ({
				name: profile.name, ...(profile.description === undefined ? {} : {description: profile.description}), mode: profile.mode,
				counts: {...profile.counts}, active: profile.active,
			})),
			assignments: {global: this.#assignments.global ?? null, companies: {...this.#assignments.companies}, campaigns: {...this.#assignments.campaigns}},
		};
	}

	/** Writes the store atomically: a private temporary file beside it, flushed, then renamed. */
	async save(): Promise<void> {
		try {
			await writeConfigFile(this.file, this.toJSON());
		} catch (error) {
			throw new FilesystemError('profiles-unwritable', `Cannot save the profiles file ${this.file} (${((error as {cause?: NodeJS.ErrnoException}).cause ?? error as NodeJS.ErrnoException).code ?? (error as Error).message}); check that the folder is writable, or set CCDL_CONFIG_DIR.`, {cause: error});
		}
	}
}
