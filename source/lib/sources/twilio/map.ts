/**
 * Twilio's JSON (shapes of twilio_api_v2010.json and twilio_intelligence_v2.json) → checked values and the neutral
 * Contact. Nothing is trusted: SIDs must match Twilio's pattern (they go into URLs), numbers must be finite and
 * non-negative, dates must parse; an item without a usable SID is dropped. Text is kept as sent, only bounded, as the
 * other sources keep it: the manifest holds the data, the naming layer turns control and bidi characters into `_`,
 * and what is printed escapes them (text/visible.ts) on the way out.
 */
import type {AudioFormat, Contact, MediaItem, TranscriptOffer} from '../model.js';

export const sidPattern = (prefix: string): RegExp => new RegExp(`^${prefix}[\\da-fA-F]{32}$`);
const recordingSid = sidPattern('RE');
const callSid = sidPattern('CA');
const transcriptSid = sidPattern('GT');

export function isSid(prefix: string, value: unknown): boolean {
	return typeof value === 'string' && sidPattern(prefix).test(value);
}

function record(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Short server text, bounded (phone numbers, names). */
function text(value: unknown, max = 200): string {
	return typeof value === 'string' ? [...value].slice(0, max).join('') : '';
}

/** Whole seconds from Twilio's `duration` (a string in 2010-04-01, a number in Intelligence), or undefined. */
export function seconds(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
	return Number.isFinite(number) && number >= 0 && number < 1e9 ? number : undefined;
}

/** A Twilio date (RFC 2822 in 2010-04-01, ISO 8601 in Intelligence) as epoch milliseconds, or undefined. */
export function dateMs(value: unknown): number | undefined {
	if (typeof value !== 'string' || value.length > 64) {
		return undefined;
	}

	const time = Date.parse(value);
	return Number.isFinite(time) ? time : undefined;
}

function iso(ms: number | undefined): string {
	return ms === undefined ? '' : new Date(ms).toISOString();
}

export interface TwilioRecordingInfo {
	sid: string;
	callSid: string;
	createdMs: number;
	startMs: number | undefined;
	durationSeconds: number | undefined;
	channels: 1 | 2;
	status: string;
}

/** A recording of a listing page, checked; undefined when it cannot be used (no SID, no creation date). */
export function recordingOf(raw: unknown): TwilioRecordingInfo | undefined {
	const item = record(raw);
	if (!item || !recordingSid.test(String(item['sid'])) || typeof item['sid'] !== 'string') {
		return undefined;
	}

	const createdMs = dateMs(item['date_created']);
	if (createdMs === undefined) {
		return undefined;
	}

	return {
		sid: item['sid'],
		callSid: typeof item['call_sid'] === 'string' && callSid.test(item['call_sid']) ? item['call_sid'] : '',
		createdMs,
		startMs: dateMs(item['start_time']),
		durationSeconds: seconds(item['duration']),
		channels: item['channels'] === 2 ? 2 : 1,
		status: typeof item['status'] === 'string' ? item['status'] : '',
	};
}

export interface TwilioCallInfo {
	sid: string;
	from: string;
	to: string;
	direction: string;
	startMs: number | undefined;
	endMs: number | undefined;
	durationSeconds: number | undefined;
	callerName: string;
}

export function callOf(raw: unknown): TwilioCallInfo | undefined {
	const item = record(raw);
	if (!item || typeof item['sid'] !== 'string' || !callSid.test(item['sid'])) {
		return undefined;
	}

	return {
		sid: item['sid'],
		from: text(item['from'], 64),
		to: text(item['to'], 64),
		direction: typeof item['direction'] === 'string' ? item['direction'] : '',
		startMs: dateMs(item['start_time']),
		endMs: dateMs(item['end_time']),
		durationSeconds: seconds(item['duration']),
		callerName: text(item['caller_name'], 100),
	};
}

export interface TranscriptParticipant {
	channel: number;
	role: string;
	name: string;
}

export interface TwilioTranscriptInfo {
	sid: string;
	recordingSid: string;
	status: string;
	languageCode: string;
	mediaStartMs: number | undefined;
	participants: TranscriptParticipant[];
}

/**
 * A Voice Intelligence transcript, checked. Its `channel` is free-form in the document; Twilio's docs put the source
 * recording in `channel.media_properties.source_sid` and who spoke on which channel in `channel.participants`.
 */
export function transcriptOf(raw: unknown): TwilioTranscriptInfo | undefined {
	const item = record(raw);
	if (!item || typeof item['sid'] !== 'string' || !transcriptSid.test(item['sid'])) {
		return undefined;
	}

	const channel = record(item['channel']);
	const source = record(channel?.['media_properties'])?.['source_sid'];
	const participants = Array.isArray(channel?.['participants']) ? channel['participants'] as unknown[] : [];
	return {
		sid: item['sid'],
		recordingSid: typeof source === 'string' && recordingSid.test(source) ? source : '',
		status: typeof item['status'] === 'string' ? item['status'] : '',
		languageCode: text(item['language_code'], 35),
		mediaStartMs: dateMs(item['media_start_time']),
		participants: participants.slice(0, 16).flatMap(entry => {
			const fields = record(entry);
			const number = fields?.['channel_participant'];
			return fields && typeof number === 'number' && Number.isSafeInteger(number)
				? [{channel: number, role: text(fields['role'], 40), name: text(fields['full_name'], 100)}]
				: [];
		}),
	};
}

export interface TwilioSentenceInfo {
	index: number;
	channel: number;
	startSeconds: number | undefined;
	endSeconds: number | undefined;
	text: string;
	confidence: number | undefined;
}

/** A sentence, checked; its text is kept as sent (the renderer escapes it for JSON or XML), only bounded. */
export function sentenceOf(raw: unknown): TwilioSentenceInfo | undefined {
	const item = record(raw);
	if (!item) {
		return undefined;
	}

	const index = item['sentence_index'];
	const channel = item['media_channel'];
	const confidence = seconds(item['confidence']);
	return {
		index: typeof index === 'number' && Number.isSafeInteger(index) && index >= 0 ? index : -1,
		channel: typeof channel === 'number' && Number.isSafeInteger(channel) ? channel : 0,
		startSeconds: seconds(item['start_time']),
		endSeconds: seconds(item['end_time']),
		text: typeof item['transcript'] === 'string' ? [...item['transcript']].slice(0, 20_000).join('') : '',
		confidence: confidence !== undefined && confidence <= 1 ? confidence : undefined,
	};
}

/** Twilio's call direction in ccdl's words: `inbound` → incoming, `outbound-api` / `outbound-dial` → outgoing. */
export function directionOf(direction: string): string {
	return direction === 'inbound' ? 'incoming' : direction.startsWith('outbound') ? 'outgoing' : '';
}

/** The media path of a recording (Twilio's docs: append `.mp3` or `.wav` to the recording's URI; the document has no media paths). */
export function mediaPath(accountPath: string, recording: TwilioRecordingInfo, format: AudioFormat): string {
	// RequestedChannels=2 asks for both legs of a dual-channel recording (Twilio's docs); mono ones take no parameter.
	return `${accountPath}/Recordings/${recording.sid}.${format}${recording.channels === 2 ? '?RequestedChannels=2' : ''}`;
}

/** A listed recording with its call (when known) and transcript (when one completed) as a neutral Contact. */
export function contactOf(recording: TwilioRecordingInfo, call: TwilioCallInfo | undefined, options: {
	accountPath: string;
	format: AudioFormat;
	transcript: TwilioTranscriptInfo | undefined;
}): Contact {
	const direction = directionOf(call?.direction ?? '');
	// Calls give the precise start and end; without the call, the recording's own start and length stand in.
	const startMs = call?.startMs ?? recording.startMs ?? recording.createdMs;
	const durationSeconds = call?.durationSeconds ?? recording.durationSeconds ?? 0;
	const endMs = call?.endMs ?? (recording.durationSeconds === undefined ? undefined : (recording.startMs ?? recording.createdMs) + recording.durationSeconds * 1000);
	// The customer's number: the caller on inbound calls, the called party on outbound ones.
	const customer = direction === 'outgoing' ? call?.to ?? '' : call?.from ?? '';
	const media: MediaItem = {
		href: mediaPath(options.accountPath, recording, options.format),
		contentType: options.format === 'mp3' ? 'audio/mpeg' : 'audio/wav',
		...(recording.durationSeconds === undefined ? {} : {durationSeconds: recording.durationSeconds}),
	};
	const transcript: TranscriptOffer | null = options.transcript
		? {href: `/v2/Transcripts/${options.transcript.sid}`, formats: ['json', 'xml']}
		: null;
	const agent = options.transcript?.participants.find(participant => /agent/i.test(participant.role))?.name ?? '';
	return {
		id: recording.sid,
		recordId: recording.callSid,
		channel: 'voice',
		direction,
		campaignId: '',
		campaignName: '',
		operatorId: '',
		// Twilio has no agent on a call; a Voice Intelligence transcript may name one.
		operatorName: agent,
		agentLastName: '',
		agentFirstName: '',
		groupName: '',
		teamName: '',
		phoneNumber: customer,
		callingNumber: call?.from ?? '',
		calledNumber: call?.to ?? '',
		externalParty: '',
		subject: '',
		terminationId: '',
		terminationName: '',
		callStart: iso(startMs),
		connectedAt: '',
		callEnd: iso(endMs),
		durationSeconds: Math.round(durationSeconds),
		timeZone: 'UTC',
		contactType: 'CALL',
		recycled: false,
		archived: false,
		archivedAt: null,
		media,
		screenshots: [],
		transcript,
	};
}
