/**
 * Download profiles (after the contact-center "multimedia profiles"): how many files of each channel the engine
 * transfers at once, and in which mode. This module holds the types, the documented ranges and the rules; every
 * broken rule is a ProfileError with one sentence that says what to do.
 *
 * - blended: several channels at once, each with its own count (0–16, at least one above 0);
 * - blended-realtime: voice always on (1–16), chat 1–16, video/e-mail/social 0–16;
 * - exclusive: one channel at a time, in the order voice, video, chat, email, social; the engine finishes one
 *   channel before it starts the next; the count (0–16, at least one above 0) is how many files of it at once.
 *
 * A channel at 0 is not downloaded while the profile applies.
 */
import {type Channel, channels} from '../api/wire.js';
import {CcdlError, type CcdlErrorOptions, exitCodes} from '../errors.js';
import {phrased} from '../i18n/index.js';

export type ProfileMode = 'blended' | 'blended-realtime' | 'exclusive';
export const profileModes: readonly ProfileMode[] = ['blended', 'blended-realtime', 'exclusive'];

export type ChannelCounts = Record<Channel, number>;

export interface Profile {
	name: string;
	description?: string;
	mode: ProfileMode;
	counts: ChannelCounts;
	active: boolean;
	/** The built-in default: cannot be edited, deactivated or deleted. */
	builtIn?: boolean;
}

/** A broken profile rule (bad name, count out of range, default protected, …): a usage error, exit code 2. */
export class ProfileError extends CcdlError {
	constructor(code: string, message: string, options?: CcdlErrorOptions) {
		super(code, message, exitCodes.usage, options);
		this.name = 'ProfileError';
	}
}

export const defaultProfileName = 'Default_Voice_Profile';

/** Voice only, eight recordings at once; always active, never editable. */
export const defaultProfile: Readonly<Profile> = Object.freeze({
	name: defaultProfileName,
	description: 'Built in: voice recordings only, 8 at once',
	mode: 'blended' as const,
	counts: Object.freeze({voice: 8, video: 0, chat: 0, email: 0, social: 0}),
	active: true,
	builtIn: true,
}) as Readonly<Profile>;

/** The order exclusive mode goes through the channels. */
export const exclusiveOrder: readonly Channel[] = ['voice', 'video', 'chat', 'email', 'social'];

export const maxCount = 16;
export const nameMaxLength = 64;
export const descriptionMaxLength = 200;

export interface CountRange {
	min: number;
	max: number;
}

/** The documented count ranges per mode and channel. */
export const countRanges: Record<ProfileMode, Record<Channel, CountRange>> = {
	blended: {voice: {min: 0, max: 16}, video: {min: 0, max: 16}, chat: {min: 0, max: 16}, email: {min: 0, max: 16}, social: {min: 0, max: 16}},
	'blended-realtime': {voice: {min: 1, max: 16}, video: {min: 0, max: 16}, chat: {min: 1, max: 16}, email: {min: 0, max: 16}, social: {min: 0, max: 16}},
	exclusive: {voice: {min: 0, max: 16}, video: {min: 0, max: 16}, chat: {min: 0, max: 16}, email: {min: 0, max: 16}, social: {min: 0, max: 16}},
};

/** Folded form for comparing names: NFC, lower case. */
export function foldName(name: string): string {
	return name.normalize('NFC').toLocaleLowerCase('en');
}

const nameCharacter = /[\p{L}\p{M}0-9 _-]/u;
const descriptionCharacter = /[\p{L}\p{M}0-9 _\-.,;:()']/u;

function shown(text: string): string {
	// Control characters would garble the terminal: show them as code points.
	return JSON.stringify(text).replaceAll(/[\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

function firstBad(text: string, allowed: RegExp): string | undefined {
	return [...text].find(character => !allowed.test(character));
}

/** A valid profile name, NFC-normalised; throws a ProfileError saying what is wrong. */
export function checkName(raw: string): string {
	const name = raw.normalize('NFC');
	const length = [...name].length;
	if (length === 0) {
		throw new ProfileError('profile-name', 'A profile needs a name: letters, digits, spaces, "-" and "_", 1 to 64 characters.');
	}

	if (length > nameMaxLength) {
		throw new ProfileError('profile-name', `A profile name may be at most ${nameMaxLength} characters; ${shown(name.slice(0, 20))}… has ${length}.`);
	}

	const bad = firstBad(name, nameCharacter);
	if (bad !== undefined) {
		throw new ProfileError('profile-name', `A profile name may hold only letters, digits, spaces, "-" and "_"; ${shown(name)} has ${shown(bad)}.`);
	}

	if (name.trim() !== name) {
		throw new ProfileError('profile-name', `A profile name may not start or end with a space: ${shown(name)}.`);
	}

	return name;
}

/** A valid description (undefined when empty), NFC-normalised. */
export function checkDescription(raw: string | undefined): string | undefined {
	if (raw === undefined) {
		return undefined;
	}

	const description = raw.normalize('NFC');
	if (description.trim() === '') {
		return undefined;
	}

	const length = [...description].length;
	if (length > descriptionMaxLength) {
		throw new ProfileError('profile-description', `A profile description may be at most ${descriptionMaxLength} characters, not ${length}.`);
	}

	const bad = firstBad(description, descriptionCharacter);
	if (bad !== undefined) {
		throw new ProfileError('profile-description', `A profile description may hold only letters, digits, spaces, "-", "_" and . , ; : ( ) '; it has ${shown(bad)}.`);
	}

	return description;
}

export function checkMode(raw: string): ProfileMode {
	if (!(profileModes as readonly string[]).includes(raw)) {
		throw new ProfileError('profile-mode', `The mode must be ${profileModes.join(', ')}, not ${shown(raw)}.`);
	}

	return raw as ProfileMode;
}

/** A count typed on the command line (`--voice 3`) as a number; the range is checked with the mode. */
export function parseCount(channel: Channel, text: string): number {
	const value = /^\s*\d{1,4}\s*$/.test(text) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(value)) {
		// The sentence puts the value in quotes; shown() already did, with its escapes.
		throw new ProfileError('profile-count', ...phrased('cli.error.whole-number', {flag: `--${channel}`, min: 0, max: maxCount, value: shown(text).slice(1, -1)}));
	}

	return value;
}

/** Checks counts against the mode's documented ranges. */
export function checkCounts(mode: ProfileMode, counts: ChannelCounts): ChannelCounts {
	const ranges = countRanges[mode];
	for (const channel of channels) {
		const value = counts[channel];
		const {min, max} = ranges[channel];
		if (!Number.isSafeInteger(value) || value < min || value > max) {
			const why = mode === 'blended-realtime' && channel === 'voice' ? ' (voice is always on; give --voice N)'
				: mode === 'blended-realtime' && channel === 'chat' ? ' (give --chat N)' : '';
			throw new ProfileError('profile-count', `In ${mode} mode ${channel} must be from ${min} to ${max}${why}, not ${String(value)}.`);
		}
	}

	if (channels.every(channel => counts[channel] === 0)) {
		throw new ProfileError('profile-count', `${mode === 'exclusive' ? 'An' : 'A'} ${mode} profile needs at least one channel above 0 (--voice, --video, --chat, --email or --social).`);
	}

	return {...counts};
}

/** A whole profile, checked; returns a clean copy. */
export function checkProfile(profile: Profile): Profile {
	const name = checkName(profile.name);
	const description = checkDescription(profile.description);
	const mode = checkMode(profile.mode);
	const counts = checkCounts(mode, profile.counts);
	return {name, ...(description === undefined ? {} : {description}), mode, counts, active: profile.active};
}

/** Zero for every channel. */
export function noCounts(): ChannelCounts {
	return {voice: 0, video: 0, chat: 0, email: 0, social: 0};
}

/** The channels a profile downloads, with their counts: "voice 2, video 1" (exclusive: in its order). */
export function describeCounts(profile: Profile): string {
	const order = profile.mode === 'exclusive' ? exclusiveOrder : channels;
	const on = order.filter(channel => profile.counts[channel] > 0).map(channel => `${channel} ${profile.counts[channel]}`);
	const off = order.filter(channel => profile.counts[channel] === 0);
	return `${on.join(', ')}${off.length > 0 ? `; not downloaded: ${off.join(', ')}` : ''}`;
}

/** One line about how a profile runs, for plans and `profile show`. */
export function describeMode(mode: ProfileMode): string {
	switch (mode) {
		case 'blended': {
			return 'blended: channels at once, each with its own count';
		}

		case 'blended-realtime': {
			return 'blended-realtime: voice always on, the other channels with their counts';
		}

		case 'exclusive': {
			return 'exclusive: one channel at a time (voice, video, chat, email, social), each finished before the next';
		}
	}
}
