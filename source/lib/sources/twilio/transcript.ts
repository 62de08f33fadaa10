/**
 * A Voice Intelligence transcript (sentences with speaker and times) as the JSON or XML file ccdl writes, shaped like
 * the demo server's chat transcripts (`recordingId`, `channel`, `messages` with `at`, `from`, `author`, `text`) plus
 * what a call transcript adds (offsets in seconds, the media channel, confidence). The text is the server's: JSON.stringify
 * escapes it for JSON; for XML every markup character is escaped and characters XML 1.0 cannot hold are replaced, so
 * the file is always well-formed whatever the server sent.
 */
import type {TwilioSentenceInfo, TwilioTranscriptInfo} from './map.js';

export interface TranscriptDocument {
	recordingId: string;
	callId: string;
	transcriptId: string;
	channel: 'voice';
	languageCode: string;
	mediaStartTime: string | null;
	participants: Array<{mediaChannel: number; role: string; name: string}>;
	messages: Array<{
		at: string | null;
		from: 'agent' | 'customer' | 'unknown';
		author: string;
		mediaChannel: number;
		start: number | null;
		end: number | null;
		confidence: number | null;
		text: string;
	}>;
}

export function transcriptDocument(transcript: TwilioTranscriptInfo, callId: string, sentences: readonly TwilioSentenceInfo[]): TranscriptDocument {
	const ordered = [...sentences].sort((a, b) => a.index - b.index);
	const speaker = (channel: number) => transcript.participants.find(participant => participant.channel === channel);
	return {
		recordingId: transcript.recordingSid,
		callId,
		transcriptId: transcript.sid,
		channel: 'voice',
		languageCode: transcript.languageCode,
		mediaStartTime: transcript.mediaStartMs === undefined ? null : new Date(transcript.mediaStartMs).toISOString(),
		participants: transcript.participants.map(participant => ({mediaChannel: participant.channel, role: participant.role, name: participant.name})),
		messages: ordered.map(sentence => {
			const who = speaker(sentence.channel);
			const role = who?.role.toLowerCase() ?? '';
			const at = transcript.mediaStartMs !== undefined && sentence.startSeconds !== undefined
				? new Date(transcript.mediaStartMs + Math.round(sentence.startSeconds * 1000)).toISOString() : null;
			return {
				at,
				from: role === 'agent' ? 'agent' : role === 'customer' ? 'customer' : 'unknown',
				author: who?.name ?? '',
				mediaChannel: sentence.channel,
				start: sentence.startSeconds ?? null,
				end: sentence.endSeconds ?? null,
				confidence: sentence.confidence ?? null,
				text: sentence.text,
			};
		}),
	};
}

export function transcriptJsonBytes(document: TranscriptDocument): Buffer {
	return Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
}

// Characters XML 1.0 does not allow at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF).
// eslint-disable-next-line no-control-regex
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an element or a double-quoted attribute; line breaks in attributes kept as character references. */
export function xmlEscape(text: string): string {
	return text.replace(notXml, '\uFFFD')
		.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll('\'', '&apos;')
		.replaceAll('\t', '&#9;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;');
}

function attributes(values: Record<string, string | number | null>): string {
	return Object.entries(values).filter(([, value]) => value !== null && value !== '')
		.map(([name, value]) => ` ${name}="${xmlEscape(String(value))}"`).join('');
}

export function transcriptXmlBytes(document: TranscriptDocument): Buffer {
	const lines = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<transcript${attributes({
			recordingId: document.recordingId, callId: document.callId, transcriptId: document.transcriptId, channel: document.channel,
			languageCode: document.languageCode, mediaStartTime: document.mediaStartTime,
		})}>`,
		...document.participants.map(participant =>
			`  <participant${attributes({mediaChannel: participant.mediaChannel, role: participant.role, name: participant.name})}/>`),
		...document.messages.map(message => `  <message${attributes({
			at: message.at, from: message.from, author: message.author, mediaChannel: message.mediaChannel, start: message.start, end: message.end,
			confidence: message.confidence,
		})}>${xmlEscape(message.text)}</message>`),
		'</transcript>',
		'',
	];
	return Buffer.from(lines.join('\n'), 'utf8');
}
