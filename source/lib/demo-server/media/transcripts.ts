/** Demo transcripts of chat, e-mail and social contacts, as JSON or XML. */
import type {Channel} from '../../api/wire.js';
import {Random} from '../random.js';

export interface TranscriptMessage {
	at: string;
	from: 'agent' | 'customer';
	author: string;
	text: string;
}

export interface Transcript {
	recordingId: string;
	channel: Channel;
	messages: TranscriptMessage[];
}

const customerLines = [
	'Jó napot! A számlámmal kapcsolatban írok.',
	'Nem érkezett meg a rendelésem, mi a teendő?',
	'Szeretném módosítani a szerződésemet.',
	'Köszönöm, így már érthető.',
	'Mikor tudnak visszahívni? Délután 3 és 5 között érek rá.',
	'A díjtétel <25 000 Ft> volt, nem 35 000 & nem is több.',
];
const agentLines = [
	'Jó napot kívánok, miben segíthetek?',
	'Kérem, adja meg az ügyfélazonosítóját.',
	'Utánanézek, egy pillanat türelmet kérek.',
	'A módosítást rögzítettem, e-mailben visszaigazoljuk.',
	'Köszönöm a türelmét, további szép napot!',
];

export function makeTranscript(recordingId: string, channel: Channel, start: Date, agent: string, customer: string, seed: number): Transcript {
	const random = new Random(seed);
	const count = random.int(3, 12);
	const messages: TranscriptMessage[] = [];
	let time = start.getTime();
	for (let index = 0; index < count; index++) {
		const fromAgent = index % 2 === 1;
		time += random.int(5, 240) * 1000;
		messages.push({
			at: new Date(time).toISOString(),
			from: fromAgent ? 'agent' : 'customer',
			author: fromAgent ? agent : customer,
			text: fromAgent ? random.pick(agentLines) : random.pick(customerLines),
		});
	}

	return {recordingId, channel, messages};
}

function xmlEscape(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function transcriptJson(transcript: Transcript): Buffer {
	return Buffer.from(`${JSON.stringify(transcript, null, 2)}\n`, 'utf8');
}

export function transcriptXml(transcript: Transcript): Buffer {
	const lines = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<transcript recordingId="${xmlEscape(transcript.recordingId)}" channel="${transcript.channel}">`,
		...transcript.messages.map(message =>
			`  <message at="${message.at}" from="${message.from}" author="${xmlEscape(message.author)}">${xmlEscape(message.text)}</message>`),
		'</transcript>',
		'',
	];
	return Buffer.from(lines.join('\n'), 'utf8');
}
