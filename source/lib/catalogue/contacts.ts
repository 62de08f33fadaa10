/**
 * Contacts as the rest of ccdl sees them, and the files each one offers. Listing data comes from a server we do
 * not control, so every record is checked and normalised here before anything is named or downloaded.
 */
import type {Channel, Recording, TranscriptFormat} from '../api/wire.js';
import {channels} from '../api/wire.js';
import type {NameFields} from '../naming/index.js';

export type FileKind = 'recording' | 'screenshot' | 'transcript';
export type TranscriptChoice = TranscriptFormat | 'none';

/** One file a contact offers for download. */
export interface RemoteFile {
	/** Unique in a run: contact ID, kind and number. */
	fileId: string;
	contactId: string;
	channel: Channel;
	kind: FileKind;
	/** Screenshot number, from 1. */
	index?: number;
	href: string;
	contentType: string;
	/** With the leading dot, e.g. `.mp3`. */
	extension: string;
	/** From the listing, when the server gives it. */
	size?: number;
	sha256?: string;
	etag?: string;
}

const extensions: Record<string, string> = {
	'audio/mpeg': '.mp3',
	'audio/mp3': '.mp3',
	'image/png': '.png',
	'image/jpeg': '.jpg',
	'application/json': '.json',
	'application/xml': '.xml',
	'text/xml': '.xml',
};

export function extensionFor(contentType: string): string {
	return extensions[contentType.split(';')[0]!.trim().toLowerCase()] ?? '.bin';
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function size(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function sha(value: unknown): string | undefined {
	return typeof value === 'string' && /^[\da-f]{64}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** A listing item made safe to use, or undefined when it has no usable ID. */
export function normaliseRecording(raw: unknown): Recording | undefined {
	if (typeof raw !== 'object' || raw === null) {
		return undefined;
	}

	const item = raw as Record<string, unknown>;
	const id = text(item['id']);
	if (!id) {
		return undefined;
	}

	const channel = channels.includes(item['channel'] as Channel) ? item['channel'] as Channel : 'voice';
	const media = item['media'] as Record<string, unknown> | null | undefined;
	const shots = Array.isArray(item['screenshots']) ? item['screenshots'] as Array<Record<string, unknown>> : [];
	const transcript = item['transcript'] as Record<string, unknown> | null | undefined;
	const stringKeys = [
		'recordId', 'direction', 'campaignId', 'campaignName', 'operatorId', 'operatorName', 'agentLastName', 'agentFirstName',
		'groupName', 'teamName', 'phoneNumber', 'callingNumber', 'calledNumber', 'externalParty', 'subject', 'terminationId',
		'terminationName', 'callStart', 'connectedAt', 'callEnd', 'timeZone', 'contactType',
	] as const;
	const recording = {id, channel} as Recording;
	for (const key of stringKeys) {
		(recording as unknown as Record<string, string>)[key] = text(item[key]);
	}

	recording.durationSeconds = size(item['durationSeconds']) ?? 0;
	recording.recycled = item['recycled'] === true;
	recording.archived = item['archived'] === true;
	recording.archivedAt = typeof item['archivedAt'] === 'string' ? item['archivedAt'] : null;
	recording.media = media && typeof media === 'object' && typeof media['href'] === 'string'
		? {href: media['href'], contentType: text(media['contentType']) || 'audio/mpeg', size: size(media['size']) ?? -1, sha256: sha(media['sha256']) ?? '', etag: text(media['etag'])}
		: null;
	recording.screenshots = shots.flatMap((shot, position) => typeof shot?.['href'] === 'string'
		? [{index: size(shot['index']) ?? position + 1, href: shot['href'], contentType: text(shot['contentType']) || 'image/png', size: size(shot['size']) ?? -1, sha256: sha(shot['sha256']) ?? '', etag: text(shot['etag'])}]
		: []);
	recording.transcript = transcript && typeof transcript === 'object' && typeof transcript['href'] === 'string'
		? {href: transcript['href'], formats: (Array.isArray(transcript['formats']) ? transcript['formats'] : ['json']).filter((format): format is TranscriptFormat => format === 'json' || format === 'xml')}
		: null;
	return recording;
}

/** The files a contact offers, given the transcript format chosen. Recycled contacts offer none. */
export function remoteFilesOf(contact: Recording, transcripts: TranscriptChoice): RemoteFile[] {
	if (contact.recycled) {
		return [];
	}

	const files: RemoteFile[] = [];
	const base = {contactId: contact.id, channel: contact.channel};
	if (contact.media) {
		files.push({
			...base, fileId: `${contact.id}:recording`, kind: 'recording', href: contact.media.href, contentType: contact.media.contentType,
			extension: extensionFor(contact.media.contentType), ...known(contact.media),
		});
	}

	for (const shot of contact.screenshots) {
		files.push({
			...base, fileId: `${contact.id}:screenshot:${shot.index}`, kind: 'screenshot', index: shot.index, href: shot.href,
			contentType: shot.contentType, extension: extensionFor(shot.contentType), ...known(shot),
		});
	}

	if (contact.transcript && transcripts !== 'none' && contact.transcript.formats.includes(transcripts)) {
		const separator = contact.transcript.href.includes('?') ? '&' : '?';
		files.push({
			...base, fileId: `${contact.id}:transcript`, kind: 'transcript', href: `${contact.transcript.href}${separator}format=${transcripts}`,
			contentType: transcripts === 'json' ? 'application/json' : 'application/xml', extension: `.${transcripts}`,
		});
	}

	return files;
}

function known(info: {size: number; sha256: string; etag: string}): Pick<RemoteFile, 'size' | 'sha256' | 'etag'> {
	return {
		...(info.size >= 0 ? {size: info.size} : {}),
		...(info.sha256 ? {sha256: info.sha256} : {}),
		...(info.etag ? {etag: info.etag} : {}),
	};
}

/** The 13 file-name fields of a contact. */
export function nameFieldsOf(contact: Recording): NameFields {
	return {
		callId: contact.id,
		recordId: contact.recordId,
		campaignId: contact.campaignId,
		campaignName: contact.campaignName,
		operatorId: contact.operatorId,
		operatorName: contact.operatorName,
		phoneNumber: contact.phoneNumber || contact.externalParty,
		terminationId: contact.terminationId,
		terminationName: contact.terminationName,
		callStart: contact.callStart,
		connectedAt: contact.connectedAt,
		callEnd: contact.callEnd,
		direction: contact.direction,
	};
}
