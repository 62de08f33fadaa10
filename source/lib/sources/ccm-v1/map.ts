/**
 * "Contact Center Media API v1" listing items → the neutral Contact. The server is not trusted: every field is
 * type-checked, sizes must be safe non-negative integers, digests 64 hex digits, and an item without a usable ID is
 * dropped. Screenshot numbers are made unique, since two screenshots with one number would share a file name.
 */
import {type Channel, channels, type Contact, type MediaItem, type ScreenshotItem, type TranscriptFormat, type TranscriptOffer} from '../model.js';

/**
 * One copy of each repeated value (campaign, agent, group, termination, zone, …): a listing of a million contacts
 * repeats a few hundred of them, and holding each once roughly halves the listing's memory.
 */
const pool = new Map<string, string>();

function shared(value: string): string {
	if (value.length > 64) {
		return value;
	}

	const known = pool.get(value);
	if (known !== undefined) {
		return known;
	}

	if (pool.size > 200_000) {
		pool.clear();
	}

	pool.set(value, value);
	return value;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function size(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function sha(value: unknown): string | undefined {
	return typeof value === 'string' && /^[\da-f]{64}$/i.test(value) ? value.toLowerCase() : undefined;
}

function mediaItem(raw: unknown, fallbackType: string): MediaItem | undefined {
	if (typeof raw !== 'object' || raw === null) {
		return undefined;
	}

	const item = raw as Record<string, unknown>;
	const href = item['href'];
	if (typeof href !== 'string') {
		return undefined;
	}

	const bytes = size(item['size']);
	const digest = sha(item['sha256']);
	const etag = text(item['etag']);
	// Optional keys set one by one, in this order, rather than spread from temporary objects: one allocation a file.
	const media: MediaItem = {href, contentType: shared(text(item['contentType']) || fallbackType)};
	if (bytes !== undefined) {
		media.size = bytes;
	}

	if (digest) {
		media.sha256 = digest;
	}

	if (etag) {
		media.etag = etag;
	}

	return media;
}

function screenshotsOf(value: unknown): ScreenshotItem[] {
	const screenshots: ScreenshotItem[] = [];
	if (!Array.isArray(value) || value.length === 0) {
		return screenshots;
	}

	const used = new Set<number>();
	for (let position = 0; position < value.length; position++) {
		const shot: unknown = value[position];
		const media = mediaItem(shot, 'image/png');
		if (!media) {
			continue;
		}

		let index = size((shot as Record<string, unknown>)['index']) || position + 1;
		while (used.has(index)) {
			index++;
		}

		used.add(index);
		(media as ScreenshotItem).index = index;
		screenshots.push(media as ScreenshotItem);
	}

	return screenshots;
}

function transcriptOf(value: unknown): TranscriptOffer | null {
	const transcript = value as Record<string, unknown> | null | undefined;
	return transcript && typeof transcript === 'object' && typeof transcript['href'] === 'string'
		? {
			href: transcript['href'],
			formats: (Array.isArray(transcript['formats']) ? transcript['formats'] as unknown[] : ['json'])
				.filter((format): format is TranscriptFormat => format === 'json' || format === 'xml'),
		}
		: null;
}

/**
 * A listing item made safe to use, or undefined when it has no usable ID. One literal, keys in the model's order: a
 * contact filled key by key from a list of names costs a hidden-class transition and a megamorphic store per key, 31
 * times for each of 100,000 contacts.
 */
export function contactOf(raw: unknown): Contact | undefined {
	if (typeof raw !== 'object' || raw === null) {
		return undefined;
	}

	const item = raw as Record<string, unknown>;
	const id = text(item['id']);
	if (!id) {
		return undefined;
	}

	const channel = channels.includes(item['channel'] as Channel) ? item['channel'] as Channel : 'voice';
	const contact: Contact = {
		id,
		channel,
		recordId: text(item['recordId']),
		direction: shared(text(item['direction'])),
		campaignId: shared(text(item['campaignId'])),
		campaignName: shared(text(item['campaignName'])),
		operatorId: shared(text(item['operatorId'])),
		operatorName: shared(text(item['operatorName'])),
		agentLastName: shared(text(item['agentLastName'])),
		agentFirstName: shared(text(item['agentFirstName'])),
		groupName: shared(text(item['groupName'])),
		teamName: shared(text(item['teamName'])),
		phoneNumber: text(item['phoneNumber']),
		callingNumber: text(item['callingNumber']),
		calledNumber: text(item['calledNumber']),
		externalParty: text(item['externalParty']),
		subject: shared(text(item['subject'])),
		terminationId: shared(text(item['terminationId'])),
		terminationName: shared(text(item['terminationName'])),
		callStart: text(item['callStart']),
		connectedAt: text(item['connectedAt']),
		callEnd: text(item['callEnd']),
		timeZone: shared(text(item['timeZone'])),
		contactType: shared(text(item['contactType'])),
		durationSeconds: size(item['durationSeconds']) ?? 0,
		recycled: item['recycled'] === true,
		archived: item['archived'] === true,
		archivedAt: typeof item['archivedAt'] === 'string' ? item['archivedAt'] : null,
		media: null,
		screenshots: [],
		transcript: null,
	};
	contact.media = mediaItem(item['media'], 'audio/mpeg') ?? null;
	if (contact.media && contact.durationSeconds > 0) {
		contact.media.durationSeconds = contact.durationSeconds;
	}

	contact.screenshots = screenshotsOf(item['screenshots']);
	contact.transcript = transcriptOf(item['transcript']);
	return contact;
}
