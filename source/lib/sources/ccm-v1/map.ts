/**
 * "Contact Center Media API v1" listing items → the neutral Contact. The server is not trusted: every field is
 * type-checked, sizes must be safe non-negative integers, digests 64 hex digits, and an item without a usable ID is
 * dropped. Screenshot numbers are made unique, since two screenshots with one number would share a file name.
 */
import {type Channel, channels, type Contact, type MediaItem, type ScreenshotItem, type TranscriptFormat} from '../model.js';

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

/** Fields whose values repeat across contacts. */
const repeated = new Set([
	'direction', 'campaignId', 'campaignName', 'operatorId', 'operatorName', 'agentLastName', 'agentFirstName', 'groupName', 'teamName',
	'terminationId', 'terminationName', 'timeZone', 'contactType', 'subject',
]);

function size(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function sha(value: unknown): string | undefined {
	return typeof value === 'string' && /^[\da-f]{64}$/i.test(value) ? value.toLowerCase() : undefined;
}

function mediaItem(raw: unknown, fallbackType: string): MediaItem | undefined {
	if (typeof raw !== 'object' || raw === null || typeof (raw as Record<string, unknown>)['href'] !== 'string') {
		return undefined;
	}

	const item = raw as Record<string, unknown>;
	const bytes = size(item['size']);
	const digest = sha(item['sha256']);
	const etag = text(item['etag']);
	return {
		href: item['href'] as string,
		contentType: shared(text(item['contentType']) || fallbackType),
		...(bytes === undefined ? {} : {size: bytes}),
		...(digest ? {sha256: digest} : {}),
		...(etag ? {etag} : {}),
	};
}

const stringKeys = [
	'recordId', 'direction', 'campaignId', 'campaignName', 'operatorId', 'operatorName', 'agentLastName', 'agentFirstName',
	'groupName', 'teamName', 'phoneNumber', 'callingNumber', 'calledNumber', 'externalParty', 'subject', 'terminationId',
	'terminationName', 'callStart', 'connectedAt', 'callEnd', 'timeZone', 'contactType',
] as const;

/** A listing item made safe to use, or undefined when it has no usable ID. */
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
	const contact = {id, channel} as Contact;
	for (const key of stringKeys) {
		contact[key] = repeated.has(key) ? shared(text(item[key])) : text(item[key]);
	}

	contact.durationSeconds = size(item['durationSeconds']) ?? 0;
	contact.recycled = item['recycled'] === true;
	contact.archived = item['archived'] === true;
	contact.archivedAt = typeof item['archivedAt'] === 'string' ? item['archivedAt'] : null;
	contact.media = mediaItem(item['media'], 'audio/mpeg') ?? null;
	if (contact.media && contact.durationSeconds > 0) {
		contact.media.durationSeconds = contact.durationSeconds;
	}

	const shots = Array.isArray(item['screenshots']) ? item['screenshots'] as unknown[] : [];
	const used = new Set<number>();
	contact.screenshots = [];
	for (const [position, shot] of shots.entries()) {
		const media = mediaItem(shot, 'image/png');
		if (!media) {
			continue;
		}

		let index = size((shot as Record<string, unknown>)['index']) || position + 1;
		while (used.has(index)) {
			index++;
		}

		used.add(index);
		contact.screenshots.push({...media, index} satisfies ScreenshotItem);
	}

	const transcript = item['transcript'] as Record<string, unknown> | null | undefined;
	contact.transcript = transcript && typeof transcript === 'object' && typeof transcript['href'] === 'string'
		? {
			href: transcript['href'],
			formats: (Array.isArray(transcript['formats']) ? transcript['formats'] as unknown[] : ['json'])
				.filter((format): format is TranscriptFormat => format === 'json' || format === 'xml'),
		}
		: null;
	return contact;
}
