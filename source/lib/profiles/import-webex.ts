/**
 * A Webex Contact Center tenant's multimedia profiles (`GET /organization/{orgid}/multimedia-profile`, every page)
 * as ccdl download profiles (seed 002 closes its loop: the profiles a Webex admin keeps decide how ccdl downloads).
 *
 * Same names (made valid for ccdl when they are not, and said so), the same mode (BLENDED → blended,
 * BLENDED_REALTIME → blended-realtime, EXCLUSIVE → exclusive), the same counts per channel (telephony → voice, chat,
 * email, social; video, which Webex does not have, 0), active or inactive. ccdl's rules stay: a profile whose counts
 * break ccdl's ranges is reported with its name and the rule and not imported — never clamped; the built-in
 * Default_Voice_Profile is never touched; an existing profile of the same name is updated only when asked
 * (`replace`), else reported. Webex's own system default (e.g. `Default_Telephony_Profile`) is imported as an ordinary
 * profile: ccdl's built-in default is its own.
 */
import {channels} from '../api/wire.js';
import {
	checkCounts, checkDescription, checkName, defaultProfileName, descriptionMaxLength, foldName, nameMaxLength, noCounts, type Profile,
	ProfileError, type ProfileMode,
} from './model.js';
import type {ProfileStore} from './store.js';

export interface ImportOutcome {
	/** The Webex profile's name and ID as the tenant has them (made visible by the caller before printing). */
	webexName: string;
	webexId: string;
	/** The ccdl profile's name (after any fix), when there is one. */
	name?: string;
	action: 'imported' | 'updated' | 'skipped';
	/** Why it was skipped, or what was adjusted on the way (a renamed profile, a description made valid). */
	reason?: string;
	notes: string[];
	/** Skipped for a broken rule (not for "already there"): the import is then incomplete. */
	broken?: boolean;
	profile?: Profile;
}

const modeOf: Record<string, ProfileMode> = {BLENDED: 'blended', BLENDED_REALTIME: 'blended-realtime', EXCLUSIVE: 'exclusive'};

function record(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** A name ccdl accepts, as close to the Webex one as possible, and what was changed (undefined: nothing). */
export function validName(raw: string, id: string): {name: string; change?: string} {
	try {
		return {name: checkName(raw)};
	} catch {}

	// Webex allows "." (and other ASCII punctuation ccdl does not); those become "_", as does any other character.
	let name = [...raw.normalize('NFC')].map(character => /[\p{L}\p{M}0-9 _-]/u.test(character) ? character : '_').join('');
	name = name.replaceAll(/ {2,}/g, ' ').trim();
	name = [...name].slice(0, nameMaxLength).join('').trim();
	if (name === '') {
		name = `Webex ${id.slice(0, 8)}`.trim();
	}

	return {name: checkName(name), change: `renamed from ${JSON.stringify(raw)}: ccdl names hold only letters, digits, spaces, "-" and "_" (1-${nameMaxLength} characters)`};
}

/** A description ccdl accepts: dashes become "-", other characters ccdl does not allow a space; cut to 200. */
export function validDescription(raw: string | undefined): {description?: string; change?: string} {
	if (raw === undefined) {
		return {};
	}

	try {
		const description = checkDescription(raw);
		return description === undefined ? {} : {description};
	} catch {}

	let text = [...raw.normalize('NFC')].map(character => /[\u2010-\u2015]/.test(character) ? '-' : /[\p{L}\p{M}0-9 _\-.,;:()']/u.test(character) ? character : ' ').join('');
	text = [...text.replaceAll(/ {2,}/g, ' ').trim()].slice(0, descriptionMaxLength).join('').trim();
	const description = checkDescription(text);
	return {...(description === undefined ? {} : {description}), change: 'description adjusted to the characters ccdl allows'};
}

/** One multimedia profile checked and mapped, or the reason it cannot be. */
function mapProfile(raw: unknown): {webexName: string; webexId: string; mode?: ProfileMode; counts?: Record<(typeof channels)[number], number>; active: boolean; description?: string; problem?: string} {
	const item = record(raw) ?? {};
	const webexName = typeof item['name'] === 'string' ? item['name'].slice(0, 200) : '';
	const webexId = typeof item['id'] === 'string' ? item['id'].slice(0, 64) : '';
	const active = item['active'] !== false;
	const description = typeof item['description'] === 'string' ? item['description'].slice(0, 1000) : undefined;
	const mode = typeof item['blendingMode'] === 'string' ? modeOf[item['blendingMode']] : undefined;
	if (!webexName) {
		return {webexName, webexId, active, problem: 'it has no name'};
	}

	if (!mode) {
		return {webexName, webexId, active, problem: `its blending mode ${JSON.stringify(String(item['blendingMode'] ?? ''))} is not BLENDED, BLENDED_REALTIME or EXCLUSIVE`};
	}

	const counts = noCounts();
	const fields = {voice: 'telephony', chat: 'chat', email: 'email', social: 'social'} as const;
	for (const [channel, field] of Object.entries(fields) as Array<[keyof typeof fields, string]>) {
		const value = item[field] ?? 0;
		if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
			return {webexName, webexId, active, problem: `its ${field} count is not a whole number`};
		}

		counts[channel] = value;
	}

	return {webexName, webexId, mode, counts, active, ...(description === undefined ? {} : {description})};
}

/**
 * Applies the tenant's profiles to the store (the caller saves it): creates, updates with `replace`, sets
 * active/inactive, and says what happened to each, in the tenant's order.
 */
export function importWebexProfiles(store: ProfileStore, raws: readonly unknown[], options: {replace: boolean}): ImportOutcome[] {
	const outcomes: ImportOutcome[] = [];
	const taken = new Set<string>();
	for (const raw of raws) {
		const mapped = mapProfile(raw);
		const base = {webexName: mapped.webexName, webexId: mapped.webexId, notes: [] as string[]};
		if (mapped.problem || !mapped.mode || !mapped.counts) {
			outcomes.push({...base, action: 'skipped', broken: true, reason: `not imported: ${mapped.problem ?? 'unreadable'}`});
			continue;
		}

		let name: string;
		try {
			const fixed = validName(mapped.webexName, mapped.webexId);
			name = fixed.name;
			if (fixed.change) {
				base.notes.push(fixed.change);
			}
		} catch (error) {
			outcomes.push({...base, action: 'skipped', broken: true, reason: `not imported: ${(error as Error).message}`});
			continue;
		}

		const nameBase = {...base, name};
		if (foldName(name) === foldName(defaultProfileName)) {
			outcomes.push({...nameBase, action: 'skipped', broken: true, reason: `${defaultProfileName} is ccdl's built-in profile and cannot be replaced; rename the profile in Webex to import it`});
			continue;
		}

		if (taken.has(foldName(name))) {
			outcomes.push({...nameBase, action: 'skipped', broken: true, reason: 'another profile of this tenant already took this name (names are compared ignoring case)'});
			continue;
		}

		taken.add(foldName(name));
		try {
			// The rule first, with the Webex name in the sentence: a profile breaking a range is reported, never clamped.
			checkCounts(mapped.mode, mapped.counts);
		} catch (error) {
			outcomes.push({...nameBase, action: 'skipped', broken: true, reason: `not imported: ${(error as Error).message}`});
			continue;
		}

		const {description, change} = validDescription(mapped.description);
		if (change) {
			nameBase.notes.push(change);
		}

		const existing = store.find(name);
		try {
			if (existing && !options.replace) {
				outcomes.push({...nameBase, action: 'skipped', reason: `a ccdl profile "${existing.name}" already exists; --replace updates it from Webex`});
				continue;
			}

			const profile = existing
				? store.edit(existing.name, {mode: mapped.mode, counts: mapped.counts, description: description ?? ''})
				: store.create({name, mode: mapped.mode, counts: mapped.counts, ...(description === undefined ? {} : {description})});
			try {
				store.setActive(profile.name, mapped.active);
			} catch (error) {
				// Only an assigned profile refuses to go inactive: it stays active, and the line says why.
				nameBase.notes.push(`kept active: ${(error as Error).message}`);
			}

			outcomes.push({...nameBase, name: profile.name, action: existing ? 'updated' : 'imported', profile: store.get(profile.name)});
		} catch (error) {
			if (!(error instanceof ProfileError)) {
				throw error;
			}

			outcomes.push({...nameBase, action: 'skipped', broken: true, reason: `not imported: ${error.message}`});
		}
	}

	return outcomes;
}

/** Every multimedia profile of the organisation, page by page (pages of 100 from 0; a short page is the last). */
export async function fetchMultimediaProfiles(get: (page: number) => Promise<unknown>, maxPages = 1000): Promise<unknown[]> {
	const profiles: unknown[] = [];
	for (let page = 0; page < maxPages; page++) {
		const answer = await get(page);
		if (!Array.isArray(answer)) {
			throw new ProfileError('webex-profiles', 'Webex answered the multimedia profile list with something that is not a list.');
		}

		profiles.push(...answer);
		if (answer.length < 100) {
			return profiles;
		}
	}

	throw new ProfileError('webex-profiles', `Webex listed more than ${maxPages} pages of multimedia profiles; ccdl stopped.`);
}
