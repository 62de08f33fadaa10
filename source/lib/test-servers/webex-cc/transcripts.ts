/**
 * The bytes behind a transcription's `filePath`. Their layout is described only in Webex's "Transcript Details
 * Guide", which is not part of the API document, so this is a plain, documented-here JSON shape: who said what and
 * when, in Hungarian, with characters (accents, `<`, `&`, quotes) that a careless writer of XML would break on.
 */
import {hash32, Random} from '../../demo-server/random.js';
import type {WebexTask, WebexTranscription} from './dataset.js';

export interface TranscriptFile {
	taskId: string;
	conversationId: string;
	source: WebexTranscription['source'];
	languageCode: string;
	participants: Array<{role: 'agent' | 'customer'; id: string; name: string}>;
	messages: Array<{timestamp: number; role: 'agent' | 'customer'; text: string}>;
}

const customerLines = [
	'Jó napot! A számlámmal kapcsolatban keresem önöket.',
	'Nem érkezett meg a rendelésem, mi a teendő?',
	'Szeretném módosítani a szerződésemet.',
	'Köszönöm, így már érthető.',
	'Mikor tudnak visszahívni? Délután 3 és 5 között érek rá.',
	'A díjtétel <25 000 Ft> volt, nem 35 000 & nem is több – "ez így nem stimmel".',
];
const agentLines = [
	'Jó napot kívánok, miben segíthetek?',
	'Kérem, adja meg az ügyfélazonosítóját.',
	'Utánanézek, egy pillanat türelmet kérek.',
	'A módosítást rögzítettem, e-mailben visszaigazoljuk.',
	'Köszönöm a türelmét, további szép napot!',
];

export function transcriptFile(task: WebexTask, transcription: WebexTranscription, seed: number): TranscriptFile {
	const random = new Random(hash32(seed ^ 0x7a_17, task.index));
	const count = random.int(3, 12);
	const span = Math.max(count * 1000, task.durationMs);
	const messages: TranscriptFile['messages'] = [];
	for (let index = 0; index < count; index++) {
		const role = index % 2 === 1 ? 'agent' : 'customer';
		messages.push({
			timestamp: transcription.startTime + Math.floor(index * span / count),
			role,
			text: role === 'agent' ? random.pick(agentLines) : random.pick(customerLines),
		});
	}

	return {
		taskId: task.id,
		conversationId: transcription.id,
		source: transcription.source,
		languageCode: transcription.languageCode,
		participants: [
			{role: 'agent', id: task.owner.id, name: task.owner.name},
			{role: 'customer', id: task.origin, name: task.customerName},
		],
		messages,
	};
}

export function transcriptBytes(task: WebexTask, transcription: WebexTranscription, seed: number): Buffer {
	return Buffer.from(`${JSON.stringify(transcriptFile(task, transcription, seed), null, 2)}\n`, 'utf8');
}
