/**
 * Webex gives a transcription as one JSON file behind a presigned URL; ccdl writes it as JSON or XML in the shape of
 * its other transcripts (`recordingId`/`taskId`, `channel`, `messages[]` of `at`, `from`, `author`, `text`), so a
 * reader of the folder sees one format whatever the platform. The file's layout is Webex's "Transcript Details
 * Guide", not the API document: who said what (`role`, `text`) and when (`timestamp`, epoch ms), with participants.
 * A file ccdl does not recognise is still written, as the document it is (JSON) or element by element (XML), rather
 * than lost. Everything in it is untrusted: XML is escaped, and characters XML 1.0 cannot hold are replaced.
 */
import type {Channel} from '../model.js';

export interface RenderedTranscript {
	taskId: string;
	conversationId: string;
	channel: Channel;
	languageCode: string;
	messages: Array<{at: string; from: string; author: string; text: string}>;
}

function record(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

function text(value: unknown, max = 100_000): string {
	return typeof value === 'string' ? value.slice(0, max) : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** The transcript in ccdl's shape, or undefined when the file is not the layout ccdl knows. */
export function normaliseTranscript(document: unknown, taskId: string, channel: Channel): RenderedTranscript | undefined {
	const root = record(document);
	if (!root || !Array.isArray(root['messages'])) {
		return undefined;
	}

	const names = new Map<string, string>();
	for (const participant of Array.isArray(root['participants']) ? root['participants'] as unknown[] : []) {
		const entry = record(participant);
		const role = text(entry?.['role'], 64);
		if (role && !names.has(role)) {
			names.set(role, text(entry?.['name'], 256));
		}
	}

	const messages: RenderedTranscript['messages'] = [];
	for (const raw of root['messages'] as unknown[]) {
		const message = record(raw);
		if (!message) {
			continue;
		}

		const timestamp = typeof message['timestamp'] === 'number' && Number.isFinite(message['timestamp']) && Math.abs(message['timestamp']) < 8.64e15 ? message['timestamp'] : undefined;
		const role = text(message['role'], 64);
		messages.push({
			at: timestamp === undefined ? '' : new Date(timestamp).toISOString(),
			from: role,
			author: names.get(role) ?? '',
			text: text(message['text']),
		});
	}

	return {
		taskId,
		conversationId: text(root['conversationId'], 256),
		channel,
		languageCode: text(root['languageCode'], 64),
		messages,
	};
}

/** Characters XML 1.0 cannot hold at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlSafe(value: string): string {
	return value.replaceAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function xmlEscape(value: string): string {
	return xmlSafe(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll('\'', '&apos;');
}

export function transcriptJson(transcript: RenderedTranscript): Buffer {
	return Buffer.from(`${JSON.stringify(transcript, null, 2)}\n`, 'utf8');
}

export function transcriptXml(transcript: RenderedTranscript): Buffer {
	const lines = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<transcript taskId="${xmlEscape(transcript.taskId)}" conversationId="${xmlEscape(transcript.conversationId)}" channel="${transcript.channel}" languageCode="${xmlEscape(transcript.languageCode)}">`,
		...transcript.messages.map(message =>
			`  <message at="${xmlEscape(message.at)}" from="${xmlEscape(message.from)}" author="${xmlEscape(message.author)}">${xmlEscape(message.text)}</message>`),
		'</transcript>',
		'',
	];
	return Buffer.from(lines.join('\n'), 'utf8');
}

/** A document of unknown layout as XML, element by element; names are fixed, keys and values are escaped text. */
function genericXml(value: unknown, indent: string, depth: number): string[] {
	if (depth > 64) {
		return [`${indent}<value/>`];
	}

	if (Array.isArray(value)) {
		return [`${indent}<array>`, ...value.flatMap(item => genericXml(item, `${indent}  `, depth + 1)), `${indent}</array>`];
	}

	const object = record(value);
	if (object) {
		return [
			`${indent}<object>`,
			...Object.entries(object).flatMap(([key, item]) => [`${indent}  <entry key="${xmlEscape(key)}">`, ...genericXml(item, `${indent}    `, depth + 1), `${indent}  </entry>`]),
			`${indent}</object>`,
		];
	}

	return value === null || value === undefined ? [`${indent}<value/>`] : [`${indent}<value>${xmlEscape(String(value))}</value>`];
}

/** The bytes to write for a transcript file in `format`. */
export function renderTranscript(document: unknown, taskId: string, channel: Channel, format: 'json' | 'xml'): Buffer {
	const known = normaliseTranscript(document, taskId, channel);
	if (known) {
		return format === 'json' ? transcriptJson(known) : transcriptXml(known);
	}

	if (format === 'json') {
		return Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
	}

	return Buffer.from([
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<transcript taskId="${xmlEscape(taskId)}" channel="${channel}" layout="unknown">`,
		...genericXml(document, '  ', 0),
		'</transcript>',
		'',
	].join('\n'), 'utf8');
}
