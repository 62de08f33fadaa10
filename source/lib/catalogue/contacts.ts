/**
 * The files each contact offers, and its file-name fields. Contacts come checked and mapped by their source
 * (source/lib/sources/); this works on the neutral model only.
 */
import type {NameFields} from '../naming/index.js';
import type {Channel, Contact, MediaItem, TranscriptChoice} from '../sources/model.js';

export type {TranscriptChoice} from '../sources/model.js';
export type FileKind = 'recording' | 'screenshot' | 'transcript';

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
	/** Seconds of audio or video, when the listing says: the container check compares it. */
	durationSeconds?: number;
}

const extensions: Record<string, string> = {
	'audio/mpeg': '.mp3',
	'audio/mp3': '.mp3',
	'image/png': '.png',
	'image/jpeg': '.jpg',
	'application/json': '.json',
	'application/xml': '.xml',
	'text/xml': '.xml',
	'audio/wav': '.wav',
	'audio/x-wav': '.wav',
	'audio/wave': '.wav',
};

export function extensionFor(contentType: string): string {
	return extensions[contentType.split(';')[0]!.trim().toLowerCase()] ?? '.bin';
}

/** The files a contact offers, given the transcript format chosen. Recycled contacts offer none. */
export function remoteFilesOf(contact: Contact, transcripts: TranscriptChoice): RemoteFile[] {
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

function known(info: MediaItem): Pick<RemoteFile, 'size' | 'sha256' | 'etag' | 'durationSeconds'> {
	return {
		...(info.size === undefined ? {} : {size: info.size}),
		...(info.sha256 ? {sha256: info.sha256} : {}),
		...(info.etag ? {etag: info.etag} : {}),
		...(info.durationSeconds === undefined ? {} : {durationSeconds: info.durationSeconds}),
	};
}

/** The 13 file-name fields of a contact. */
export function nameFieldsOf(contact: Contact): NameFields {
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
