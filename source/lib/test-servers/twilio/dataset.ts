/**
 * The Twilio test account's data: calls, their recordings and Voice Intelligence transcripts, all a pure function
 * of the seed, so two runs with the same flags list the same SIDs. Deletion is the only state that changes.
 */
import {hash32, hashString, Random} from '../../demo-server/random.js';
import {customerFirstNames, customerLastNames, operators} from '../../demo-server/people.js';

export type CallDirection = 'inbound' | 'outbound-api' | 'outbound-dial';
export type CallStatus = 'completed' | 'no-answer' | 'busy';
export type RecordingSource = 'DialVerb' | 'RecordVerb' | 'OutboundAPI' | 'StartCallRecordingAPI';

export interface TwilioCall {
	sid: string;
	direction: CallDirection;
	status: CallStatus;
	from: string;
	to: string;
	/** Caller ID name (CNAM) of inbound callers, where the lookup found one. */
	callerName: string | null;
	phoneNumberSid: string | null;
	start: Date;
	end: Date;
	/** Whole seconds, as Twilio counts them. */
	duration: number;
	created: Date;
	updated: Date;
	price: string | null;
}

export interface TwilioRecording {
	sid: string;
	callSid: string;
	source: RecordingSource;
	start: Date;
	created: Date;
	updated: Date;
	/** Whole seconds; the media files last exactly this long (MP3 to within one frame). */
	duration: number;
	channels: 1 | 2;
	price: string;
	transcriptSid: string | null;
}

export interface TranscriptParticipant {
	channel_participant: number;
	role: 'Customer' | 'Agent';
	full_name: string;
	media_participant_id: string;
	user_id: string | null;
	image_url: null;
	email: null;
}

export interface TwilioTranscript {
	sid: string;
	recordingSid: string;
	status: 'completed' | 'failed';
	languageCode: string;
	created: Date;
	updated: Date;
	mediaStart: Date;
	duration: number;
	participants: TranscriptParticipant[];
}

export interface TwilioSentence {
	sid: string;
	index: number;
	channel: number;
	start: number;
	end: number;
	text: string;
	confidence: number;
	words: Array<{word: string; start: number; end: number}>;
}

export interface TwilioCredentials {
	accountSid: string;
	authToken: string;
	apiKeySid: string;
	apiKeySecret: string;
}

export interface DatasetOptions {
	seed: number;
	calls: number;
	days: number;
	/** The data ends just before this instant. */
	until: Date;
}

/** Twilio's SID: two letters and 32 lowercase hex digits; here derived from the seed, a kind and an index. */
export function makeSid(prefix: string, seed: number, kind: string, index: number): string {
	let hex = '';
	for (let part = 0; part < 4; part++) {
		hex += hash32(hashString(seed, `${kind}/${part}`), index).toString(16).padStart(8, '0');
	}

	return `${prefix}${hex}`;
}

function secret(seed: number, kind: string): string {
	return makeSid('', seed, kind, 0);
}

/** The company's own Twilio number: inbound calls reach it, outbound calls show it. */
export const companyNumber = '+3614567890';
const mobilePrefixes = ['+3620', '+3630', '+3631', '+3650', '+3670'];
const directionWeights: Array<[CallDirection, number]> = [['inbound', 0.5], ['outbound-api', 0.25], ['outbound-dial', 0.25]];
const recordingSources: Record<CallDirection, RecordingSource[]> = {
	inbound: ['DialVerb', 'RecordVerb', 'StartCallRecordingAPI'],
	'outbound-api': ['OutboundAPI', 'StartCallRecordingAPI'],
	'outbound-dial': ['DialVerb'],
};
const customerLines = [
	'Jó napot kívánok, a múlt havi számlámmal kapcsolatban hívom önöket.',
	'Nem érkezett meg a csomagom, pedig a visszaigazolás szerint tegnap kellett volna.',
	'Szeretném módosítani a szerződésemet, ha lehetséges.',
	'Az ügyfélazonosítóm négy, öt, hat, hét.',
	'Értem, köszönöm szépen, így már világos.',
	'Délután három és öt között érnek el a legkönnyebben.',
	'Igen, ez a helyes cím, Győr, Szövetség utca tizenkettő.',
];
const agentLines = [
	'Jó napot kívánok, miben segíthetek?',
	'Kérem, mondja meg az ügyfélazonosítóját.',
	'Utánanézek, egy pillanat türelmet kérek.',
	'A módosítást rögzítettem, e-mailben visszaigazoljuk.',
	'Köszönöm a türelmét, további szép napot kívánok!',
	'Látom a rendelését, a futárszolgálat holnap délelőtt szállítja ki.',
];

/** Tomorrow, midnight UTC: the default end of the data, so today's calls are in it. */
export function defaultUntil(now = new Date()): Date {
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function phoneNumber(random: Random): string {
	return `${random.pick(mobilePrefixes)}${random.digits(7)}`;
}

function price(random: Random, seconds: number, perMinute: number): string {
	const minutes = Math.max(1, Math.ceil(seconds / 60));
	return `-${(minutes * perMinute * (0.9 + random.next() * 0.2)).toFixed(5)}`;
}

export class TwilioDataset {
	readonly credentials: TwilioCredentials;
	/** Voice Intelligence service that owns every transcript. */
	readonly serviceSid: string;
	/** Newest first (Twilio's order), ties by SID. */
	readonly calls: TwilioCall[] = [];
	/** Newest first by date_created, ties by SID; deleted ones stay here, marked in `deleted`. */
	readonly recordings: TwilioRecording[] = [];
	readonly transcripts: TwilioTranscript[] = [];
	readonly deleted = new Map<string, Date>();
	readonly #callsBySid = new Map<string, TwilioCall>();
	readonly #recordingsBySid = new Map<string, TwilioRecording>();
	readonly #transcriptsBySid = new Map<string, TwilioTranscript>();
	readonly #seed: number;

	constructor(options: DatasetOptions) {
		const {seed} = options;
		this.#seed = seed;
		this.credentials = {
			accountSid: makeSid('AC', seed, 'account', 0),
			authToken: secret(seed, 'auth-token'),
			apiKeySid: makeSid('SK', seed, 'api-key', 0),
			apiKeySecret: secret(seed, 'api-key-secret'),
		};
		this.serviceSid = makeSid('GA', seed, 'service', 0);
		const spanMs = options.days * 86_400_000;
		const firstMs = options.until.getTime() - spanMs;
		const stepMs = spanMs / Math.max(1, options.calls);
		for (let index = 0; index < options.calls; index++) {
			const random = new Random(hash32(seed, index));
			let roll = random.next();
			let direction: CallDirection = 'inbound';
			for (const [candidate, weight] of directionWeights) {
				direction = candidate;
				if (roll < weight) {
					break;
				}

				roll -= weight;
			}

			const outcome = random.next();
			const status: CallStatus = outcome < 0.88 ? 'completed' : (outcome < 0.95 ? 'no-answer' : 'busy');
			// Whole seconds, so Twilio's RFC 2822 dates (no fractions) say exactly when a call started.
			const startMs = Math.floor((firstMs + (index + random.next() * 0.9) * stepMs) / 1000) * 1000;
			// Most calls are a few minutes, a few are long: squaring the roll skews towards short ones.
			const duration = status === 'completed' ? 15 + Math.floor(random.next() ** 2 * 885) : 0;
			const ringing = random.int(2, 20);
			const start = new Date(startMs);
			const end = new Date(startMs + duration * 1000);
			const customer = phoneNumber(random);
			const named = direction === 'inbound' && random.next() < 0.7;
			const call: TwilioCall = {
				sid: makeSid('CA', seed, 'call', index),
				direction,
				status,
				from: direction === 'inbound' ? customer : companyNumber,
				to: direction === 'inbound' ? companyNumber : customer,
				callerName: named ? `${random.pick(customerLastNames)} ${random.pick(customerFirstNames)}` : null,
				phoneNumberSid: direction === 'inbound' ? makeSid('PN', seed, 'number', 0) : null,
				start,
				end,
				duration,
				created: new Date(startMs - ringing * 1000),
				updated: new Date(end.getTime() + 1000),
				price: status === 'completed' ? price(random, duration, 0.0085) : null,
			};
			this.calls.push(call);
			this.#callsBySid.set(call.sid, call);
			if (status !== 'completed' || random.next() < 0.04) {
				continue;
			}

			const recordingStart = new Date(startMs + 1000);
			const recording: TwilioRecording = {
				sid: makeSid('RE', seed, 'recording', index),
				callSid: call.sid,
				source: random.pick(recordingSources[direction]),
				start: recordingStart,
				created: recordingStart,
				updated: new Date(end.getTime() + random.int(2, 9) * 1000),
				duration: Math.max(1, duration - 1),
				channels: random.next() < 0.6 ? 2 : 1,
				price: price(random, duration, 0.0025),
				transcriptSid: null,
			};
			if (random.next() < 0.5) {
				const agent = operators[random.int(0, operators.length - 1)]!;
				const transcript: TwilioTranscript = {
					sid: makeSid('GT', seed, 'transcript', index),
					recordingSid: recording.sid,
					status: random.next() < 0.05 ? 'failed' : 'completed',
					languageCode: 'hu-HU',
					created: new Date(recording.updated.getTime() + 5000),
					updated: new Date(recording.updated.getTime() + 5000 + random.int(10, 120) * 1000),
					mediaStart: recording.start,
					duration: recording.duration,
					participants: [
						{
							channel_participant: 1,
							role: 'Customer',
							full_name: call.callerName ?? `${random.pick(customerLastNames)} ${random.pick(customerFirstNames)}`,
							media_participant_id: customer,
							user_id: null,
							image_url: null,
							email: null,
						},
						{
							channel_participant: 2,
							role: 'Agent',
							full_name: `${agent.lastName} ${agent.firstName}`,
							media_participant_id: companyNumber,
							user_id: agent.id,
							image_url: null,
							email: null,
						},
					],
				};
				recording.transcriptSid = transcript.sid;
				this.transcripts.push(transcript);
				this.#transcriptsBySid.set(transcript.sid, transcript);
			}

			this.recordings.push(recording);
			this.#recordingsBySid.set(recording.sid, recording);
		}

		const newestFirst = (a: {sid: string}, b: {sid: string}, aTime: number, bTime: number) =>
			bTime - aTime || (a.sid < b.sid ? -1 : (a.sid > b.sid ? 1 : 0));
		this.calls.sort((a, b) => newestFirst(a, b, a.start.getTime(), b.start.getTime()));
		this.recordings.sort((a, b) => newestFirst(a, b, a.created.getTime(), b.created.getTime()));
		this.transcripts.sort((a, b) => newestFirst(a, b, a.created.getTime(), b.created.getTime()));
	}

	call(sid: string): TwilioCall | undefined {
		return this.#callsBySid.get(sid);
	}

	/** A recording, deleted or not; callers check `isDeleted`. */
	recording(sid: string): TwilioRecording | undefined {
		return this.#recordingsBySid.get(sid);
	}

	transcript(sid: string): TwilioTranscript | undefined {
		return this.#transcriptsBySid.get(sid);
	}

	isDeleted(recordingSid: string): boolean {
		return this.deleted.has(recordingSid);
	}

	/** Marks a recording deleted. Its transcript stays: at Twilio a Voice Intelligence transcript is a resource of its own. */
	delete(recordingSid: string, at: Date): boolean {
		if (!this.#recordingsBySid.has(recordingSid) || this.deleted.has(recordingSid)) {
			return false;
		}

		this.deleted.set(recordingSid, at);
		return true;
	}

	/** The sentences of a transcript: none for a failed one; speakers take turns, one per channel. */
	sentences(transcript: TwilioTranscript): TwilioSentence[] {
		if (transcript.status !== 'completed') {
			return [];
		}

		const random = new Random(hashString(this.#seed, transcript.sid));
		const count = Math.max(2, Math.min(80, Math.floor(transcript.duration / 9)));
		const slot = transcript.duration / count;
		const sentences: TwilioSentence[] = [];
		for (let index = 0; index < count; index++) {
			const isAgent = index % 2 === 0;
			const text = random.pick(isAgent ? agentLines : customerLines);
			const start = index * slot + random.next() * slot * 0.2;
			const end = Math.min(transcript.duration, start + slot * (0.5 + random.next() * 0.3));
			const words = text.split(' ');
			const wordSpan = (end - start) / words.length;
			sentences.push({
				sid: makeSid('GX', this.#seed, `sentence/${transcript.sid}`, index),
				index,
				channel: isAgent ? 2 : 1,
				start: round2(start),
				end: round2(end),
				text,
				confidence: round2(0.8 + random.next() * 0.19),
				words: words.map((word, position) => ({
					word,
					start: round2(start + position * wordSpan),
					end: round2(start + (position + 1) * wordSpan),
				})),
			});
		}

		return sentences;
	}
}

function round2(value: number): number {
	return Math.round(value * 100) / 100;
}
