/**
 * Webex Contact Center answers → the neutral model. Every field is checked on the way in: a task without a usable ID
 * or creation time is dropped, strings are strings, times are finite epoch milliseconds. Shapes follow the
 * document (vendor-apis/webex-contact-center): `TaskApiResponse` of `GET /v1/tasks` and
 * `DownloadMultipleInteractionsResponse` of `POST /v1/captures/query`.
 */
import type {Channel, Contact, MediaItem} from '../model.js';

/** ccdl channels → Webex `channelTypes` (video has no Webex channel). */
export const channelTypeOf: Partial<Record<Channel, string>> = {voice: 'telephony', chat: 'chat', email: 'email', social: 'social'};
const channelOf: Record<string, Channel> = {telephony: 'voice', chat: 'chat', email: 'email', social: 'social'};

/** Task IDs go back to the API in capture queries (which take UUIDs only) and into hrefs: nothing else is used. */
const taskIdPattern = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

export function isTaskId(value: unknown): value is string {
	return typeof value === 'string' && taskIdPattern.test(value);
}

/** A task ID as a key: UUIDs are the same in either case, and Webex may answer a capture in another case than it listed. */
export function taskKey(id: string): string {
	return id.toLowerCase();
}

function text(value: unknown, max = 1000): string {
	return typeof value === 'string' ? [...value].slice(0, max).join('') : '';
}

/** Epoch milliseconds (a number, or digits as the captures' transcriptions send them), or undefined. */
export function epochMs(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
	return Number.isSafeInteger(number) && number >= 0 && number < 8.64e15 ? number : undefined;
}

function iso(ms: number | undefined): string {
	return ms === undefined ? '' : new Date(ms).toISOString();
}

function record(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** The parts of a task the source needs after mapping. */
export interface TaskInfo {
	contact: Contact;
	createdTime: number;
	queueId: string;
	queueName: string;
	/** False only when the task says no capture was requested (then no capture query is spent on it). */
	captureRequested: boolean;
}

/** A `GET /v1/tasks` item, checked and mapped; undefined when unusable (no UUID, no time, a channel ccdl lacks). */
export function taskOf(raw: unknown): TaskInfo | undefined {
	const item = record(raw);
	const attributes = record(item?.['attributes']);
	const id = item?.['id'];
	const createdTime = epochMs(attributes?.['createdTime']);
	if (!attributes || !isTaskId(id) || createdTime === undefined) {
		return undefined;
	}

	const channel = channelOf[text(attributes['channelType'])];
	if (!channel) {
		return undefined;
	}

	const queue = record(attributes['queue']);
	const owner = record(attributes['owner']);
	const origin = text(attributes['origin'], 256);
	const destination = text(attributes['destination'], 256);
	const rawDirection = text(attributes['direction']).toLowerCase();
	const direction = rawDirection === 'inbound' ? 'incoming' : rawDirection === 'outbound' || rawDirection === 'outdial' ? 'outgoing' : '';
	// The customer's side: the caller of an inbound call, the one called on an outbound one.
	const customer = direction === 'outgoing' ? destination : origin;
	const reasonCode = text(attributes['reasonCode'], 256);
	const queueId = text(queue?.['id'], 128);
	const queueName = text(queue?.['name'], 256);
	const contact: Contact = {
		id,
		recordId: '',
		channel,
		direction,
		campaignId: queueId,
		campaignName: queueName,
		operatorId: text(owner?.['id'], 128),
		operatorName: text(owner?.['name'], 256),
		// Webex gives one display name and no order of its parts; splitting it would be a guess, so it stays whole.
		agentLastName: text(owner?.['name'], 256),
		agentFirstName: '',
		groupName: queueName,
		teamName: '',
		phoneNumber: channel === 'voice' ? customer : '',
		callingNumber: origin,
		calledNumber: destination,
		externalParty: channel === 'voice' ? '' : customer,
		subject: '',
		terminationId: '',
		terminationName: reasonCode,
		callStart: iso(createdTime),
		connectedAt: '',
		callEnd: '',
		durationSeconds: 0,
		timeZone: 'UTC',
		contactType: text(attributes['channelType']),
		recycled: false,
		archived: false,
		archivedAt: null,
		media: null,
		screenshots: [],
		transcript: null,
	};
	return {contact, createdTime, queueId, queueName, captureRequested: attributes['captureRequested'] !== false};
}

/** The recording and transcription files of one capture: file paths are presigned URLs that expire. */
export interface CaptureFiles {
	recording?: {url: string; fileName: string; id: string; startTime?: number; stopTime?: number; segments: number};
	transcript?: {url: string; fileName: string};
}

/**
 * One `DownloadMultipleInteractionsResponse` item. ccdl does not ask for segments (`includeSegments`), so Webex
 * gives the stitched whole; should it send several recordings anyway, the first that is not a segment is taken
 * (else the first), and `segments` says how many there were.
 */
export function captureOf(raw: unknown): {taskId: string; files: CaptureFiles} | undefined {
	const item = record(raw);
	if (!item || !isTaskId(item['taskId'])) {
		return undefined;
	}

	const files: CaptureFiles = {};
	const recordings = (Array.isArray(item['recording']) ? item['recording'] as unknown[] : [])
		.map(entry => record(entry))
		.filter((entry): entry is Record<string, unknown> => typeof record(entry?.['attributes'])?.['filePath'] === 'string');
	const chosen = recordings.find(entry => entry['segment'] !== true) ?? recordings[0];
	if (chosen) {
		const attributes = record(chosen['attributes'])!;
		const startTime = epochMs(attributes['startTime']);
		const stopTime = epochMs(attributes['stopTime']);
		files.recording = {
			url: attributes['filePath'] as string,
			fileName: text(attributes['fileName'], 512),
			id: text(chosen['id'], 128),
			...(startTime === undefined ? {} : {startTime}),
			...(stopTime === undefined ? {} : {stopTime}),
			segments: recordings.length,
		};
	}

	const transcription = (Array.isArray(item['transcription']) ? item['transcription'] as unknown[] : [])
		.map(entry => record(entry))
		.find(entry => typeof entry?.['filePath'] === 'string');
	if (transcription) {
		files.transcript = {url: transcription['filePath'] as string, fileName: text(transcription['fileName'], 512)};
	}

	return {taskId: item['taskId'], files};
}

const audioTypes: Record<string, string> = {'.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.opus': 'audio/ogg', '.m4a': 'audio/mp4', '.mp4': 'video/mp4'};

/** The media type of a recording from its file name (Webex gives no type and no size before the download). */
export function contentTypeOf(fileName: string): string {
	const extension = /\.[a-z\d]{1,5}$/i.exec(fileName)?.[0]?.toLowerCase() ?? '';
	return audioTypes[extension] ?? 'audio/mpeg';
}

/** The opaque hrefs openMedia resolves to the current presigned URL: a fresh URL never changes the file's identity. */
export function recordingHref(taskId: string): string {
	return `webex-capture:${taskId}:recording`;
}

export function transcriptHref(taskId: string): string {
	return `webex-capture:${taskId}:transcript`;
}

/** `webex-capture:<taskId>:<kind>[?format=json|xml]` → its parts, or undefined. */
export function parseHref(href: string): {taskId: string; kind: 'recording' | 'transcript'; format: 'json' | 'xml'} | undefined {
	const match = /^webex-capture:([\da-f-]{36}):(recording|transcript)(?:\?format=(json|xml))?$/i.exec(href);
	if (!match || !isTaskId(match[1])) {
		return undefined;
	}

	// As written: the ID goes back to Webex as Webex gave it, and lookups go through taskKey.
	return {taskId: match[1]!, kind: match[2] as 'recording' | 'transcript', format: (match[3] ?? 'json') as 'json' | 'xml'};
}

/** Fills a contact's media, record ID and times from its capture (none: the contact stays, without media). */
export function attachCapture(contact: Contact, files: CaptureFiles | undefined, offersTranscripts: boolean): void {
	const recording = files?.recording;
	if (recording) {
		const seconds = recording.startTime !== undefined && recording.stopTime !== undefined && recording.stopTime >= recording.startTime
			? (recording.stopTime - recording.startTime) / 1000 : undefined;
		const media: MediaItem = {
			href: recordingHref(contact.id),
			contentType: contentTypeOf(recording.fileName),
			...(seconds === undefined ? {} : {durationSeconds: seconds}),
		};
		contact.media = media;
		contact.recordId = recording.id;
		contact.connectedAt = iso(recording.startTime);
		contact.callEnd = iso(recording.stopTime);
		contact.durationSeconds = seconds === undefined ? 0 : Math.round(seconds);
	}

	if (files?.transcript && offersTranscripts) {
		contact.transcript = {href: transcriptHref(contact.id), formats: ['json', 'xml']};
	}
}
