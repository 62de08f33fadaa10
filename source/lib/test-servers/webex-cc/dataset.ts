/**
 * The Webex Contact Center test tenant: an organization, its queues and agents, and tasks whose every field is a
 * pure function of the seed and the task's index, so a listing of any window is computed on demand, in any order,
 * and is the same on every run. Task times strictly increase with the index, which makes "tasks created in
 * [from, to)" a binary search.
 */
import {hash32, hashString, Random} from '../../demo-server/random.js';
import {mp3Shape, VirtualMp3} from '../../demo-server/media/mp3.js';

/** Channel types of the document's `channelTypes` enum. */
export const channelTypes = ['telephony', 'chat', 'email', 'social'] as const;
export type ChannelType = (typeof channelTypes)[number];

export interface WebexQueue {
	id: string;
	name: string;
	channels: readonly ChannelType[];
}

export interface WebexAgent {
	id: string;
	/** "Family Given", as Hungarians write it. */
	name: string;
	teamId: string;
	teamName: string;
}

export interface WebexRecording {
	id: string;
	/** True for one piece of a call that was split (transfer); false for the stitched whole. */
	segment: boolean;
	fileName: string;
	startTime: number;
	stopTime: number;
	audio: VirtualMp3;
}

export interface WebexTranscription {
	id: string;
	/** `recording` for a voice transcript; the channel (`facebook` for social) for a digital one. */
	source: 'recording' | 'chat' | 'email' | 'facebook';
	fileName: string;
	startTime: number;
	createTime: number;
	languageCode: string;
}

export interface WebexTask {
	index: number;
	id: string;
	channelType: ChannelType;
	status: 'completed' | 'abandoned';
	createdTime: number;
	lastUpdatedTime: number;
	/** Talk or conversation time in milliseconds (for telephony: exactly the stitched recording's length). */
	durationMs: number;
	queue: WebexQueue;
	owner: WebexAgent;
	origin: string;
	destination: string;
	direction: 'inbound' | 'outbound' | 'outdial';
	/** The wrap-up the agent chose; the document's nearest field is `reasonCode`. */
	reasonCode: string;
	captureRequested: boolean;
	/** The stitched recording (telephony with a capture only). */
	recording: WebexRecording | undefined;
	/** The pieces of a transferred call; empty when the call was never split. */
	segments: WebexRecording[];
	transcription: WebexTranscription | undefined;
	/** Customer's display name, for transcripts. */
	customerName: string;
}

export interface DatasetOptions {
	seed: number;
	calls: number;
	days: number;
	/** End of the data (exclusive), epoch ms. */
	untilMs: number;
}

/** A UUID-shaped id (version 4 layout) from a seed and a label. */
export function uuidFrom(seed: number, label: string): string {
	const words = [0, 1, 2, 3].map(part => hashString(hash32(seed, part), label).toString(16).padStart(8, '0'));
	const hex = words.join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Number.parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const queueSpecs: Array<{name: string; channels: ChannelType[]}> = [
	{name: 'Ügyfélszolgálat – Bejövő hívások', channels: ['telephony']},
	{name: 'Számlázás és díjtételek', channels: ['telephony', 'email']},
	{name: 'Műszaki hibabejelentés', channels: ['telephony', 'chat']},
	{name: 'Webes csevegés – Értékesítés', channels: ['chat']},
	{name: 'E-mail ügyintézés', channels: ['email']},
	{name: 'Közösségi média (Facebook, Instagram)', channels: ['social', 'chat']},
	{name: 'Visszahívások – Kintlévőség', channels: ['telephony']},
];

const teamNames = ['Alfa csapat', 'Béta csapat', 'Éjszakai műszak', 'Kiemelt ügyfelek'];
const familyNames = ['Kovács', 'Nagy', 'Tóth', 'Szabó', 'Horváth', 'Varga', 'Kiss', 'Molnár', 'Németh', 'Farkas', 'Balogh', 'Szőke', 'Győri', 'Mészáros'];
const givenNames = ['Éva', 'Ödön', 'Gergő', 'Árpád', 'Zsófia', 'Ünige', 'Bálint', 'Réka', 'Győző', 'Lőrinc', 'Tünde', 'Ildikó', 'Emőke', 'Örs', 'Ákos', 'Hédi'];
const customerFamilies = ['Bognár', 'Csonka', 'Dudás', 'Erdős', 'Fodor', 'Gál', 'Hegedűs', 'Illés', 'Jakab', 'Katona', 'Lengyel', 'Pásztor'];
const customerGivens = ['Anna', 'Béla', 'Cecília', 'Dénes', 'Erzsébet', 'Ferenc', 'Gizella', 'Huba', 'Irén', 'János', 'Kálmán', 'Lívia'];
export const wrapUps = [
	'Sikeres megrendelés', 'Nem érdekli', 'Visszahívást kért', 'Téves szám', 'Panasz rögzítve', 'Szerződésmódosítás',
	'Információkérés', 'Számlareklamáció', 'Hibabejelentés lezárva',
];
const abandonedWrapUp = 'Hívó bontott a sorban';

function asciiFold(text: string): string {
	return text.normalize('NFD').replaceAll(/[\u0300-\u036F]/g, '').toLowerCase();
}

/** The tenant and its tasks. */
export class WebexDataset {
	readonly orgId: string;
	readonly queues: WebexQueue[];
	readonly agents: WebexAgent[];
	readonly size: number;
	readonly startMs: number;
	readonly untilMs: number;
	readonly #seed: number;
	readonly #slotMs: number;
	readonly #spanMs: number;
	readonly #cache = new Map<number, WebexTask>();
	readonly #idMask: number;

	constructor(options: DatasetOptions) {
		this.#seed = options.seed >>> 0;
		this.size = options.calls;
		this.untilMs = options.untilMs;
		this.#spanMs = options.days * 86_400_000;
		this.startMs = this.untilMs - this.#spanMs;
		this.#slotMs = this.size > 0 ? Math.floor(this.#spanMs / this.size) : this.#spanMs;
		this.#idMask = hash32(this.#seed, 0x1d_5a_5c);
		this.orgId = uuidFrom(this.#seed, 'organization');
		this.queues = queueSpecs.map((spec, index) => ({id: uuidFrom(this.#seed, `queue:${index}`), ...spec}));
		this.agents = Array.from({length: 16}, (_, index) => {
			const team = index % teamNames.length;
			return {
				id: uuidFrom(this.#seed, `agent:${index}`),
				name: `${familyNames[(index * 5) % familyNames.length]!} ${givenNames[(index * 7) % givenNames.length]!}`,
				teamId: uuidFrom(this.#seed, `team:${team}`),
				teamName: teamNames[team]!,
			};
		});
	}

	/**
	 * Task ids carry their index in the last eight hex digits (masked by the seed) and hashes in the rest, so an id
	 * from a client is looked up without a table of every id, and a made-up UUID does not match.
	 */
	taskId(index: number): string {
		const head = uuidFrom(this.#seed, `task:${index}`);
		const check = (hash32(this.#seed ^ 0x1d_1d, index) & 0xff_ff).toString(16).padStart(4, '0');
		const tail = ((index ^ this.#idMask) >>> 0).toString(16).padStart(8, '0');
		return `${head.slice(0, 24)}${check}${tail}`;
	}

	/** The index of a task id, or -1. */
	indexOf(id: string): number {
		const match = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{4}([0-9a-f]{8})$/.exec(id.toLowerCase());
		if (!match) {
			return -1;
		}

		const index = (Number.parseInt(match[1]!, 16) ^ this.#idMask) >>> 0;
		return index < this.size && this.taskId(index) === id.toLowerCase() ? index : -1;
	}

	/** Created time of task `index`; strictly increasing in the index (slots of at least 1 ms). */
	createdTime(index: number): number {
		const base = this.startMs + Math.floor(index * this.#spanMs / this.size);
		return base + (this.#slotMs > 1 ? hash32(this.#seed ^ 0x71_3e, index) % this.#slotMs : 0);
	}

	/** The first index whose created time is at least `ms` (size if none). */
	firstAtOrAfter(ms: number): number {
		let low = 0;
		let high = this.size;
		while (low < high) {
			const middle = Math.floor((low + high) / 2);
			if (this.createdTime(middle) < ms) {
				low = middle + 1;
			} else {
				high = middle;
			}
		}

		return low;
	}

	task(index: number): WebexTask {
		let cached = this.#cache.get(index);
		if (!cached) {
			cached = this.#build(index);
			if (this.#cache.size > 50_000) {
				this.#cache.clear();
			}

			this.#cache.set(index, cached);
		}

		return cached;
	}

	#build(index: number): WebexTask {
		const random = new Random(hash32(this.#seed, index));
		const id = this.taskId(index);
		const roll = random.next();
		const channelType: ChannelType = roll < 0.6 ? 'telephony' : roll < 0.75 ? 'chat' : roll < 0.9 ? 'email' : 'social';
		const queue = random.pick(this.queues.filter(candidate => candidate.channels.includes(channelType)));
		const owner = random.pick(this.agents);
		const createdTime = this.createdTime(index);
		const abandoned = channelType === 'telephony' && random.next() < 0.08;
		const customerFamily = random.pick(customerFamilies);
		const customerGiven = random.pick(customerGivens);
		const customerName = `${customerFamily} ${customerGiven}`;
		const customerMail = `${asciiFold(customerGiven)}.${asciiFold(customerFamily)}${random.int(1, 99)}@pelda.hu`;
		const direction = channelType === 'telephony' ? (random.next() < 0.75 ? 'inbound' : random.next() < 0.5 ? 'outbound' : 'outdial') : 'inbound';
		const mobile = `+36${random.pick(['20', '30', '70'])}${random.digits(7)}`;
		const [origin, destination] = channelType === 'telephony'
			? (direction === 'inbound' ? [mobile, `+361${random.digits(7)}`] : [`+361${random.digits(7)}`, mobile])
			: channelType === 'chat'
				? [customerMail, 'https://www.pelda.hu/ugyfelszolgalat/cseveges']
				: channelType === 'email'
					? [customerMail, 'ugyfelszolgalat@pelda.hu']
					: [`facebook:${random.digits(15)}`, 'https://www.facebook.com/peldaszolgaltato'];
		const waitMs = random.int(3, 90) * 1000;
		const {bitRateKbps, frames} = mp3Shape(abandoned ? 0 : random.int(20, 900));
		// Telephony talk time is exactly the recording's length, so ffprobe and the capture's times agree.
		const durationMs = abandoned ? 0 : channelType === 'telephony' ? frames * 36 : random.int(60, 3600) * 1000;
		const talkStart = createdTime + waitMs;
		const wrapUpMs = random.int(5, 120) * 1000;
		const captureRequested = !abandoned && random.next() < 0.95;
		let recording: WebexRecording | undefined;
		const segments: WebexRecording[] = [];
		let transcription: WebexTranscription | undefined;
		if (channelType === 'telephony' && captureRequested) {
			const title = `${queue.name} ${id.slice(0, 8)}`;
			const album = owner.name;
			recording = {
				id: uuidFrom(this.#seed, `recording:${index}`),
				segment: false,
				fileName: `${id}.mp3`,
				startTime: talkStart,
				stopTime: talkStart + durationMs,
				audio: new VirtualMp3({bitRateKbps, frames, title, artist: origin, album, year: String(new Date(createdTime).getUTCFullYear()), comment: id}),
			};
			if (frames >= 1000 && random.next() < 0.25) {
				// A transfer split the call in two; the pieces add up to the stitched whole.
				const first = random.int(Math.floor(frames / 4), Math.floor(frames * 3 / 4));
				let offset = talkStart;
				for (const [part, pieceFrames] of [first, frames - first].entries()) {
					segments.push({
						id: uuidFrom(this.#seed, `segment:${index}:${part}`),
						segment: true,
						fileName: `${id}_segment_${part + 1}.mp3`,
						startTime: offset,
						stopTime: offset + pieceFrames * 36,
						audio: new VirtualMp3({bitRateKbps, frames: pieceFrames, title, artist: origin, album, year: String(new Date(createdTime).getUTCFullYear()), comment: `${id.slice(0, 24)}#${part + 1}`}),
					});
					offset += pieceFrames * 36;
				}
			}

			if (random.next() < 0.4) {
				transcription = {
					id: `cfg-${uuidFrom(this.#seed, `ccai:${index % 3}`).slice(0, 8)}`,
					source: 'recording',
					fileName: 'voiceTranscript.json',
					startTime: talkStart,
					createTime: talkStart + durationMs + random.int(30, 600) * 1000,
					languageCode: 'hu-HU',
				};
			}
		} else if (channelType !== 'telephony' && captureRequested) {
			transcription = {
				id: `C${random.digits(4)}${uuidFrom(this.#seed, `conversation:${index}`).replaceAll('-', '').slice(0, 12).toUpperCase()}`,
				source: channelType === 'social' ? 'facebook' : channelType,
				fileName: channelType === 'social' ? 'facebookTranscript.json' : `${channelType}Transcript.json`,
				startTime: talkStart,
				createTime: talkStart + durationMs + random.int(5, 120) * 1000,
				languageCode: 'hu-HU',
			};
		}

		return {
			index,
			id,
			channelType,
			status: abandoned ? 'abandoned' : 'completed',
			createdTime,
			lastUpdatedTime: createdTime + waitMs + durationMs + (abandoned ? 0 : wrapUpMs),
			durationMs,
			queue,
			owner,
			origin,
			destination,
			direction,
			reasonCode: abandoned ? abandonedWrapUp : random.pick(wrapUps),
			captureRequested,
			recording,
			segments,
			transcription,
			customerName,
		};
	}
}
