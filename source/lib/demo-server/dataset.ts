/**
 * The demo tenant's contacts. A contact is a pure function of (seed, index), so a million of them cost a few typed
 * arrays; the full record is built only when a page or a download asks for it. The only mutable state is which
 * contacts are archived and which have been revised (their media changed, for resume tests).
 */
import {createHash} from 'node:crypto';
import type {Campaign, Channel, Recording} from '../api/wire.js';
import {channels as allChannels, recycledMask} from '../api/wire.js';
import {jpegImage, pngImage} from './media/images.js';
import {mp3Shape, VirtualMp3} from './media/mp3.js';
import {makeTranscript, type Transcript} from './media/transcripts.js';
import {
	campaigns as baseCampaigns, customerFirstNames, customerLastNames, type DemoCampaign, hostileCampaigns, operators,
	terminations,
} from './people.js';
import {hash32, Random} from './random.js';

export interface DatasetOptions {
	/** Same seed, same data. */
	seed: number;
	/** Number of contacts (all channels together). */
	calls: number;
	/** Contacts start before this instant... */
	until: Date;
	/** ...and after `until` minus this many days. */
	days: number;
	/** Give every audio recording about this many bytes (the call length follows from it). */
	mediaSize?: number;
	/** Add campaigns whose names try path traversal, reserved names, terminal escapes and overlong names. */
	hostile?: boolean;
}

/** Share of contacts per channel, in `allChannels` order. */
const channelWeights = [0.7, 0.1, 0.08, 0.07, 0.05];
const recycledShare = 0.01;
const archivedShare = 0.1;
const flagRecycled = 1;
const flagArchived = 2;
const companyNumber = '+3612345678';

/** Everything about a contact's downloadable parts, beyond what the listing shows. */
export interface ContactMedia {
	recording: Recording;
	audio?: VirtualMp3;
	screenshots: Array<{bytes: () => Buffer; contentType: string}>;
	transcript?: () => Transcript;
	version: number;
	lastModified: Date;
}

export interface RecordingQuery {
	fromMs?: number;
	toMs?: number;
	/** Campaign positions in `campaigns`; undefined = all. */
	campaigns?: ReadonlySet<number>;
	channels?: ReadonlySet<Channel>;
	includeArchived: boolean;
}

export class Dataset {
	readonly options: DatasetOptions;
	readonly campaigns: DemoCampaign[];
	readonly size: number;
	readonly #starts: Float64Array;
	readonly #campaign: Uint8Array;
	readonly #channel: Uint8Array;
	readonly #flags: Uint8Array;
	readonly #archivedAt = new Map<number, string>();
	readonly #versions = new Map<number, {version: number; at: Date}>();
	readonly #cache = new Map<number, ContactMedia>();
	readonly #firstId = 100_001;
	#version = 0;

	constructor(options: DatasetOptions) {
		this.options = options;
		this.campaigns = options.hostile ? [...baseCampaigns, ...hostileCampaigns] : [...baseCampaigns];
		this.size = options.calls;
		this.#starts = new Float64Array(options.calls);
		this.#campaign = new Uint8Array(options.calls);
		this.#channel = new Uint8Array(options.calls);
		this.#flags = new Uint8Array(options.calls);
		const byChannel = allChannels.map(channel =>
			this.campaigns.flatMap((campaign, position) => campaign.channels.includes(channel) ? [position] : []));
		const spanMs = options.days * 86_400_000;
		const firstMs = options.until.getTime() - spanMs;
		const stepMs = spanMs / Math.max(1, options.calls);
		for (let index = 0; index < options.calls; index++) {
			const random = new Random(hash32(options.seed, index));
			let roll = random.next();
			let channel = 0;
			while (channel < channelWeights.length - 1 && roll >= channelWeights[channel]!) {
				roll -= channelWeights[channel]!;
				channel++;
			}

			this.#channel[index] = channel;
			this.#campaign[index] = random.pick(byChannel[channel]!);
			const recycled = random.next() < recycledShare;
			const archived = !recycled && random.next() < archivedShare;
			this.#flags[index] = (recycled ? flagRecycled : 0) | (archived ? flagArchived : 0);
			this.#starts[index] = Math.floor((firstMs + (index + random.next() * 0.9) * stepMs) / 1000) * 1000;
		}
	}

	/** Goes up whenever a contact is archived or revised, so prepared pages know they are stale. */
	get version(): number {
		return this.#version;
	}

	campaignList(): Campaign[] {
		return this.campaigns.map(({id, name, channels}) => ({id, name, channels: [...channels]}));
	}

	campaignPosition(id: string): number {
		return this.campaigns.findIndex(campaign => campaign.id === id);
	}

	idOf(index: number): string {
		return String(this.#firstId + index);
	}

	/** The index of a contact ID, or -1. */
	indexOf(id: string): number {
		if (!/^\d{1,9}$/.test(id)) {
			return -1;
		}

		const index = Number(id) - this.#firstId;
		return index >= 0 && index < this.size ? index : -1;
	}

	campaignOf(index: number): DemoCampaign {
		return this.campaigns[this.#campaign[index]!]!;
	}

	channelOf(index: number): Channel {
		return allChannels[this.#channel[index]!]!;
	}

	isRecycled(index: number): boolean {
		return (this.#flags[index]! & flagRecycled) !== 0;
	}

	isArchived(index: number): boolean {
		return (this.#flags[index]! & flagArchived) !== 0;
	}

	/** First index whose call start is at or after `ms`. */
	#lowerBound(ms: number): number {
		let low = 0;
		let high = this.size;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.#starts[middle]! < ms) {
				low = middle + 1;
			} else {
				high = middle;
			}
		}

		return low;
	}

	/**
	 * Matching indices after position `after` (exclusive), at most `limit`, in call-start order. `next` is the last
	 * index returned when more matches follow, else null. Positions are stable, so a cursor built from them neither
	 * skips nor repeats contacts when others are archived between pages.
	 */
	query(query: RecordingQuery, after: number, limit: number): {indices: number[]; next: number | null; total: number} {
		const low = query.fromMs === undefined ? 0 : this.#lowerBound(query.fromMs);
		const high = query.toMs === undefined ? this.size : this.#lowerBound(query.toMs);
		const channelMask = query.channels ? allChannels.map(channel => query.channels!.has(channel)) : undefined;
		const indices: number[] = [];
		let total = 0;
		let more = false;
		for (let index = low; index < high; index++) {
			if (query.campaigns && !query.campaigns.has(this.#campaign[index]!)) {
				continue;
			}

			if (channelMask && !channelMask[this.#channel[index]!]) {
				continue;
			}

			if (!query.includeArchived && (this.#flags[index]! & flagArchived) !== 0) {
				continue;
			}

			total++;
			if (index > after) {
				if (indices.length < limit) {
					indices.push(index);
				} else {
					more = true;
				}
			}
		}

		return {indices, next: more ? indices.at(-1)! : null, total};
	}

	/** Marks a contact archived; returns the (first) archive time. */
	archive(index: number, now = new Date()): string {
		if (!this.isArchived(index)) {
			this.#version++;
			this.#flags[index] = this.#flags[index]! | flagArchived;
			this.#archivedAt.set(index, now.toISOString());
			this.#cache.delete(index);
		}

		return this.#archivedAtOf(index)!;
	}

	/** Changes a contact's media bytes (as if re-encoded on the server): new digest, new ETag. */
	revise(index: number, now = new Date()): void {
		const current = this.#versions.get(index)?.version ?? 1;
		this.#versions.set(index, {version: current + 1, at: now});
		this.#version++;
		this.#cache.delete(index);
	}

	#archivedAtOf(index: number): string | null {
		if (!this.isArchived(index)) {
			return null;
		}

		const marked = this.#archivedAt.get(index);
		if (marked) {
			return marked;
		}

		// Archived before the server started: a few hours after the call.
		const hours = 1 + (hash32(this.options.seed ^ 0xa5_a5_a5_a5, index) % 48);
		return new Date(this.#starts[index]! + hours * 3_600_000).toISOString();
	}

	recording(index: number): Recording {
		return this.contact(index).recording;
	}

	contact(index: number): ContactMedia {
		let cached = this.#cache.get(index);
		if (!cached) {
			cached = this.#build(index);
			if (this.#cache.size >= 2000) {
				this.#cache.clear();
			}

			this.#cache.set(index, cached);
		}

		return cached;
	}

	#build(index: number): ContactMedia {
		const {seed} = this.options;
		const random = new Random(hash32(seed ^ 0x5b_d1_e9_95, index));
		const id = this.idOf(index);
		const channel = this.channelOf(index);
		const campaign = this.campaignOf(index);
		const operator = random.pick(operators);
		const termination = random.pick(terminations);
		const direction = random.next() < 0.6 ? 'incoming' : 'outgoing';
		const customerPhone = `+36${random.pick(['20', '30', '70', '1'])}${random.digits(7)}`;
		const customer = `${random.pick(customerLastNames)} ${random.pick(customerFirstNames)}`;
		const recordId = String(500_000 + (hash32(seed ^ 0x1f_2e_3d_4c, index) % Math.max(1, Math.ceil(this.size * 0.7))));
		const start = new Date(this.#starts[index]!);
		const ringSeconds = random.int(2, 30);
		const isCall = channel === 'voice' || channel === 'video';
		let durationSeconds = isCall ? Math.round(15 + 885 * random.next() ** 2) : random.int(60, 1800);
		const revision = this.#versions.get(index);
		const version = revision?.version ?? 1;
		const label = `ccdl demo ${id} v${version}`;
		let audio: VirtualMp3 | undefined;
		if (isCall) {
			const shape = mp3Shape(durationSeconds, this.options.mediaSize);
			audio = new VirtualMp3({
				...shape,
				title: `Call ${id} v${version}`,
				artist: `${operator.lastName} ${operator.firstName}`,
				album: campaign.name,
				year: String(start.getUTCFullYear()),
				comment: `record ${recordId} ${hash32(seed, index).toString(16)}`,
			});
			durationSeconds = Math.round(audio.durationSeconds);
		}

		const connected = !termination.unanswered || !isCall;
		const connectedAt = connected ? new Date(start.getTime() + (isCall ? ringSeconds * 1000 : 0)) : undefined;
		const end = new Date(start.getTime() + (isCall ? ringSeconds * 1000 : 0) + durationSeconds * 1000);
		const shotCount = channel === 'video' ? random.int(1, 5) : 0;
		const shotHue = random.int(0, 15);
		const screenshots = Array.from({length: shotCount}, (_, shot) => {
			const isPng = shot % 2 === 0;
			const shotLabel = `${label} screenshot ${shot + 1}`;
			return {
				contentType: isPng ? 'image/png' : 'image/jpeg',
				bytes: () => isPng ? pngImage(shotLabel, shotHue + shot) : jpegImage(shotLabel),
			};
		});
		const transcriptSeed = hash32(seed ^ 0x7e_57_7e_57, index) ^ version;
		const operatorName = `${operator.lastName} ${operator.firstName}`;
		const transcript = isCall ? undefined : () => makeTranscript(id, channel, start, operatorName, customer, transcriptSeed);
		const externalParty = channel === 'email'
			? `${customer.normalize('NFD').replaceAll(/[\u0300-\u036F]/g, '').toLowerCase().replace(' ', '.')}@example.hu`
			: channel === 'chat' || channel === 'social' ? `@${customer.split(' ')[1]!.toLowerCase()}${random.digits(3)}` : '';
		const archivedAt = this.#archivedAtOf(index);
		const recording: Recording = {
			id,
			recordId,
			channel,
			direction,
			campaignId: campaign.id,
			campaignName: campaign.name,
			operatorId: operator.id,
			operatorName,
			agentLastName: operator.lastName,
			agentFirstName: operator.firstName,
			groupName: operator.group,
			teamName: operator.team,
			phoneNumber: isCall ? customerPhone : '',
			callingNumber: isCall ? (direction === 'incoming' ? customerPhone : companyNumber) : '',
			calledNumber: isCall ? (direction === 'incoming' ? companyNumber : customerPhone) : '',
			externalParty,
			subject: channel === 'email' ? `Ügyintézés #${recordId}: ${termination.name}` : '',
			terminationId: termination.id,
			terminationName: termination.name,
			callStart: start.toISOString(),
			connectedAt: connectedAt ? connectedAt.toISOString() : '',
			callEnd: end.toISOString(),
			durationSeconds,
			timeZone: 'Europe/Budapest',
			contactType: {voice: 'CALL', video: 'CALL', chat: 'CHAT', email: 'EMAIL', social: 'TEXT'}[channel],
			recycled: false,
			archived: archivedAt !== null,
			archivedAt,
			media: null,
			screenshots: [],
			transcript: null,
		};
		const lastModified = revision?.at ?? end;
		const contact: ContactMedia = {recording, audio, screenshots, transcript, version, lastModified};
		if (this.isRecycled(index)) {
			return {...contact, recording: maskRecycled(recording), audio: undefined, screenshots: [], transcript: undefined};
		}

		if (audio) {
			const sha256 = audio.sha256.toString('hex');
			recording.media = {
				href: `/v1/recordings/${id}/media`, contentType: 'audio/mpeg', size: audio.size, sha256, etag: etagOf(id, version, sha256),
			};
		}

		recording.screenshots = screenshots.map((shot, position) => {
			const bytes = shot.bytes();
			const sha256 = sha256Hex(bytes);
			return {
				index: position + 1,
				href: `/v1/recordings/${id}/screenshots/${position + 1}`,
				contentType: shot.contentType,
				size: bytes.length,
				sha256,
				etag: etagOf(id, version, sha256),
			};
		});
		if (transcript) {
			recording.transcript = {formats: ['json', 'xml'], href: `/v1/recordings/${id}/transcript`};
		}

		return contact;
	}
}


export function sha256Hex(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export function etagOf(id: string, version: number, sha256: string): string {
	return `"${id}-${version}-${sha256.slice(0, 16)}"`;
}

function maskRecycled(recording: Recording): Recording {
	const masked = {...recording};
	for (const key of Object.keys(masked) as Array<keyof Recording>) {
		if (key !== 'id' && key !== 'channel' && typeof masked[key] === 'string') {
			(masked as Record<string, unknown>)[key] = recycledMask;
		}
	}

	return {...masked, durationSeconds: 0, recycled: true, archived: false, archivedAt: null, media: null, screenshots: [], transcript: null};
}
