/**
 * Which profile applies to a file: a campaign's own assignment, else its company's, else the global one, else
 * none (then `--concurrency` files of any channel go at once, as without profiles).
 */
import {foldName, type Profile} from './model.js';

/** Profile names by level. Company keys are folded to lower case; campaign keys are campaign IDs as given. */
export interface Assignments {
	global?: string;
	companies: Record<string, string>;
	campaigns: Record<string, string>;
}

export type AssignmentLevel =
	| {level: 'global'}
	| {level: 'company'; company: string}
	| {level: 'campaign'; campaignId: string};

export interface Resolved {
	profile: Profile;
	/** Where the profile was assigned (or 'override' for `--profile`). */
	from: AssignmentLevel | {level: 'override'};
}

export function companyKey(company: string): string {
	return company.normalize('NFC').trim().toLocaleLowerCase('en');
}

export function describeLevel(from: Resolved['from']): string {
	switch (from.level) {
		case 'global': {
			return 'global';
		}

		case 'company': {
			return `company ${from.company}`;
		}

		case 'campaign': {
			return `campaign ${from.campaignId}`;
		}

		case 'override': {
			return '--profile';
		}
	}
}

/**
 * The effective profile for (company, campaign ID): campaign → company → global. `lookup` finds a profile by name;
 * undefined means no profile applies.
 */
export function resolveProfile(assignments: Assignments, lookup: (name: string) => Profile | undefined, company: string | undefined, campaignId: string | undefined): Resolved | undefined {
	if (campaignId !== undefined && Object.hasOwn(assignments.campaigns, campaignId)) {
		const profile = lookup(assignments.campaigns[campaignId]!);
		if (profile) {
			return {profile, from: {level: 'campaign', campaignId}};
		}
	}

	if (company !== undefined) {
		const key = companyKey(company);
		if (Object.hasOwn(assignments.companies, key)) {
			const profile = lookup(assignments.companies[key]!);
			if (profile) {
				return {profile, from: {level: 'company', company: key}};
			}
		}
	}

	if (assignments.global !== undefined) {
		const profile = lookup(assignments.global);
		if (profile) {
			return {profile, from: {level: 'global'}};
		}
	}

	return undefined;
}

/** Same profile? (names are unique ignoring case) */
export function sameProfile(a: Profile | undefined, b: Profile | undefined): boolean {
	return a === b || (a !== undefined && b !== undefined && foldName(a.name) === foldName(b.name));
}
