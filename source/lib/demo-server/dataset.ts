/**
 * The demo tenant's contacts. A contact is a pure function of (seed, index), so a million of them cost a few typed
 * arrays; the full record is built only when a page or a download asks for it. The only mutable state is which
 * contacts are archived and which have been revised (their media changed, for resume tests).
 */
import {hash} from 'node:crypto';
import type {Campaign, Channel, Recording} from '../api/wire.js';
import {channels as allChannels, recycledMask} from '../api/wire.js';
import {ByteWriter} from './byte-writer.js';
import {jpegImage, pngImage} from './media/images.js';
import {frameSeconds, type Mp3Spec, mp3Digest, mp3Shape, VirtualMp3} from './media/mp3.js';
import {makeTranscript, type Transcript} from './media/transcripts.js';
import {
	campaigns as baseCampaigns, customerFirstNames, customerLastNames, type DemoCampaign, type DemoOperator, type DemoTermination,
	hostileCampaigns, operators, terminations,
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
	/** Totals by query key, valid while the data version is unchanged. */
	readonly #totals = new Map<string, {version: number; total: number}>();
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
	 *
	 * `key` names the query (same key, same filters): its total is counted once per data version, not once per page,
	 * and each page scans only from `after` on, so listing N contacts costs O(N), not O(N²/limit).
	 */
	query(query: RecordingQuery, after: number, limit: number, key?: string): {indices: number[]; next: number | null; total: number} {
		const low = query.fromMs === undefined ? 0 : this.#lowerBound(query.fromMs);
		const high = query.toMs === undefined ? this.size : this.#lowerBound(query.toMs);
		const channelMask = query.channels ? allChannels.map(channel => query.channels!.has(channel)) : undefined;
		const campaigns = query.campaigns ? Array.from(this.campaigns, (_, position) => query.campaigns!.has(position)) : undefined;
		const skipArchived = !query.includeArchived;
		const matches = (index: number): boolean => (campaigns === undefined || campaigns[this.#campaign[index]!] === true)
			&& (channelMask === undefined || channelMask[this.#channel[index]!] === true)
			&& (!skipArchived || (this.#flags[index]! & flagArchived) === 0);
		let total: number | undefined;
		const cached = key === undefined ? undefined : this.#totals.get(key);
		if (cached?.version === this.#version) {
			total = cached.total;
		}

		if (total === undefined) {
			total = 0;
			for (let index = low; index < high; index++) {
				if (matches(index)) {
					total++;
				}
			}

			if (key !== undefined) {
				if (this.#totals.size >= 256) {
					this.#totals.clear();
				}

				this.#totals.set(key, {version: this.#version, total});
			}
		}

		const indices: number[] = [];
		let more = false;
		for (let index = Math.max(low, after + 1); index < high; index++) {
			if (!matches(index)) {
				continue;
			}

			if (indices.length < limit) {
				indices.push(index);
			} else {
				more = true;
				break;
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

	/**
	 * Everything about a contact that its record and its files are made of, drawn from its own random stream (in an
	 * order that must never change: the same seed gives the same data in every version).
	 */
	#core(index: number): ContactCore {
		const {seed} = this.options;
		const random = new Random(hash32(seed ^ 0x5b_d1_e9_95, index));
		const id = this.idOf(index);
		const channel = this.channelOf(index);
		const campaign = this.campaignOf(index);
		const operator = random.pick(operators);
		const termination = random.pick(terminations);
		const direction = random.next() < 0.6 ? 'incoming' : 'outgoing';
		const customerPhone = `+36${random.pick(phonePrefixes)}${random.digits(7)}`;
		const customer = `${random.pick(customerLastNames)} ${random.pick(customerFirstNames)}`;
		const recordId = String(500_000 + (hash32(seed ^ 0x1f_2e_3d_4c, index) % Math.max(1, Math.ceil(this.size * 0.7))));
		const startMs = this.#starts[index]!;
		const ringSeconds = random.int(2, 30);
		const isCall = channel === 'voice' || channel === 'video';
		let durationSeconds = isCall ? Math.round(15 + 885 * random.next() ** 2) : random.int(60, 1800);
		const revision = this.#versions.get(index);
		const version = revision?.version ?? 1;
		let mp3: Mp3Spec | undefined;
		if (isCall) {
			const shape = mp3Shape(durationSeconds, this.options.mediaSize);
			mp3 = {
				...shape,
				title: `Call ${id} v${version}`,
				artist: operatorNames.get(operator)!,
				album: campaign.name,
				year: String(new Date(startMs).getUTCFullYear()),
				comment: `record ${recordId} ${hash32(seed, index).toString(16)}`,
			};
			durationSeconds = Math.round(shape.frames * frameSeconds);
		}

		const shotCount = channel === 'video' ? random.int(1, 5) : 0;
		const shotHue = random.int(0, 15);
		const externalParty = channel === 'email'
			? `${customer.normalize('NFD').replaceAll(/[\u0300-\u036F]/g, '').toLowerCase().replace(' ', '.')}@example.hu`
			: channel === 'chat' || channel === 'social' ? `@${customer.split(' ')[1]!.toLowerCase()}${random.digits(3)}` : '';
		const offsetMs = isCall ? ringSeconds * 1000 : 0;
		const connected = !termination.unanswered || !isCall;
		return {
			index, id, channel, campaign, operator, termination, direction, customerPhone, customer, recordId, startMs,
			connectedMs: connected ? startMs + offsetMs : undefined,
			endMs: startMs + offsetMs + durationSeconds * 1000,
			isCall, durationSeconds, version, revisedAt: revision?.at, mp3, shotCount, shotHue, externalParty,
			label: `ccdl demo ${id} v${version}`,
		};
	}

	#build(index: number): ContactMedia {
		const core = this.#core(index);
		const {id, channel, campaign, operator, termination, direction, customerPhone, isCall, version, mp3} = core;
		const audio = mp3 ? new VirtualMp3(mp3) : undefined;
		const screenshots = Array.from({length: core.shotCount}, (_, shot) => ({
			contentType: shot % 2 === 0 ? 'image/png' : 'image/jpeg',
			bytes: () => screenshotBytes(core, shot),
		}));
		const transcriptSeed = hash32(this.options.seed ^ 0x7e_57_7e_57, index) ^ version;
		const operatorName = operatorNames.get(operator)!;
		const start = new Date(core.startMs);
		const transcript = isCall ? undefined : () => makeTranscript(id, channel, start, operatorName, core.customer, transcriptSeed);
		const archivedAt = this.#archivedAtOf(index);
		const recording: Recording = {
			id,
			recordId: core.recordId,
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
			externalParty: core.externalParty,
			subject: channel === 'email' ? `Ügyintézés #${core.recordId}: ${termination.name}` : '',
			terminationId: termination.id,
			terminationName: termination.name,
			callStart: start.toISOString(),
			connectedAt: core.connectedMs === undefined ? '' : new Date(core.connectedMs).toISOString(),
			callEnd: new Date(core.endMs).toISOString(),
			durationSeconds: core.durationSeconds,
			timeZone: 'Europe/Budapest',
			contactType: contactTypes[channel],
			recycled: false,
			archived: archivedAt !== null,
			archivedAt,
			media: null,
			screenshots: [],
			transcript: null,
		};
		const lastModified = core.revisedAt ?? new Date(core.endMs);
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

	/** The JSON text of `recording(index)`: the same characters JSON.stringify gives. */
	listingJson(index: number): string {
		const out = new ByteWriter(4096);
		this.writeListing(index, out);
		return out.view().toString('utf8');
	}

	/**
	 * Appends the JSON of `recording(index)` (the same bytes as JSON.stringify, UTF-8) to `out`, written straight
	 * from the contact's core: no record object, no Dates, no closures, the MP3 digest without a tag of its own,
	 * and the JSON of the tenant's fixed cast (campaigns, operators, terminations) encoded once. Listing pages are
	 * made of this; a listing of 100,000 contacts spends most of its time here.
	 */
	writeListing(index: number, out: ByteWriter): void {
		const cached = this.#cache.get(index);
		if (cached) {
			out.text(JSON.stringify(cached.recording));
			return;
		}

		if (this.isRecycled(index)) {
			// maskRecycled: every string but the ID and the channel masked, nothing to download.
			const mask = recycledMaskJson;
			out.text(`{"id":${JSON.stringify(this.idOf(index))},"recordId":${mask},"channel":"${this.channelOf(index)}","direction":${mask},"campaignId":${mask},"campaignName":${mask},`
				+ `"operatorId":${mask},"operatorName":${mask},"agentLastName":${mask},"agentFirstName":${mask},"groupName":${mask},"teamName":${mask},"phoneNumber":${mask},`
				+ `"callingNumber":${mask},"calledNumber":${mask},"externalParty":${mask},"subject":${mask},"terminationId":${mask},"terminationName":${mask},"callStart":${mask},`
				+ `"connectedAt":${mask},"callEnd":${mask},"durationSeconds":0,"timeZone":${mask},"contactType":${mask},"recycled":true,"archived":false,"archivedAt":null,`
				+ '"media":null,"screenshots":[],"transcript":null}');
			return;
		}

		const core = this.#core(index);
		const {id, channel, direction, customerPhone, isCall, version, mp3} = core;
		const archivedAt = this.#archivedAtOf(index);
		const phone = isCall ? JSON.stringify(customerPhone) : '""';
		const calling = isCall ? (direction === 'incoming' ? phone : companyNumberJson) : '""';
		const called = isCall ? (direction === 'incoming' ? companyNumberJson : phone) : '""';
		out.text(`{"id":${JSON.stringify(id)},"recordId":"${core.recordId}","channel":"${channel}","direction":"${direction}",`)
			.bytes(castJson(core.campaign)).bytes(castJson(core.operator))
			.text(`"phoneNumber":${phone},"callingNumber":${calling},"calledNumber":${called},"externalParty":${JSON.stringify(core.externalParty)},"subject":`
				+ `${channel === 'email' ? JSON.stringify(`Ügyintézés #${core.recordId}: ${core.termination.name}`) : '""'},`)
			.bytes(castJson(core.termination))
			.text(`"callStart":"${new Date(core.startMs).toISOString()}","connectedAt":"${core.connectedMs === undefined ? '' : new Date(core.connectedMs).toISOString()}",`
				+ `"callEnd":"${new Date(core.endMs).toISOString()}","durationSeconds":${core.durationSeconds},"timeZone":"Europe/Budapest","contactType":"${contactTypes[channel]}",`
				+ `"recycled":false,"archived":${archivedAt !== null},"archivedAt":${archivedAt === null ? 'null' : `"${archivedAt}"`},"media":`);
		if (mp3) {
			const {size, sha256} = mp3Digest(mp3);
			out.text(`{"href":"/v1/recordings/${id}/media","contentType":"audio/mpeg","size":${size},"sha256":"${sha256}","etag":${JSON.stringify(etagOf(id, version, sha256))}}`);
		} else {
			out.text('null');
		}

		out.text(',"screenshots":[');
		for (let shot = 0; shot < core.shotCount; shot++) {
			const bytes = screenshotBytes(core, shot);
			const sha256 = sha256Hex(bytes);
			out.text(`${shot === 0 ? '' : ','}{"index":${shot + 1},"href":"/v1/recordings/${id}/screenshots/${shot + 1}","contentType":"${shot % 2 === 0 ? 'image/png' : 'image/jpeg'}",`
				+ `"size":${bytes.length},"sha256":"${sha256}","etag":${JSON.stringify(etagOf(id, version, sha256))}}`);
		}

		out.text(isCall ? '],"transcript":null}' : `],"transcript":{"formats":["json","xml"],"href":"/v1/recordings/${id}/transcript"}}`);
	}
}

interface ContactCore {
	index: number;
	id: string;
	channel: Channel;
	campaign: DemoCampaign;
	operator: DemoOperator;
	termination: DemoTermination;
	direction: 'incoming' | 'outgoing';
	customerPhone: string;
	customer: string;
	recordId: string;
	startMs: number;
	connectedMs: number | undefined;
	endMs: number;
	isCall: boolean;
	durationSeconds: number;
	version: number;
	revisedAt: Date | undefined;
	mp3: Mp3Spec | undefined;
	shotCount: number;
	shotHue: number;
	externalParty: string;
	label: string;
}

const phonePrefixes = ['20', '30', '70', '1'];
const contactTypes: Record<Channel, string> = {voice: 'CALL', video: 'CALL', chat: 'CHAT', email: 'EMAIL', social: 'TEXT'};
const companyNumberJson = JSON.stringify(companyNumber);
const recycledMaskJson = JSON.stringify(recycledMask);
const operatorNames = new Map(operators.map(operator => [operator, `${operator.lastName} ${operator.firstName}`]));

function screenshotBytes(core: ContactCore, shot: number): Buffer {
	const label = `${core.label} screenshot ${shot + 1}`;
	return shot % 2 === 0 ? pngImage(label, core.shotHue + shot) : jpegImage(label);
}

/** The JSON members of a campaign, operator or termination and the comma after them, as UTF-8, made once per member. */
const castFragments = new WeakMap<object, Buffer>();

function castJson(member: DemoCampaign | DemoOperator | DemoTermination): Buffer {
	let bytes = castFragments.get(member);
	if (bytes === undefined) {
		let text: string;
		if ('channels' in member) {
			text = `"campaignId":${JSON.stringify(member.id)},"campaignName":${JSON.stringify(member.name)},`;
		} else if ('lastName' in member) {
			text = `"operatorId":${JSON.stringify(member.id)},"operatorName":${JSON.stringify(operatorNames.get(member) ?? `${member.lastName} ${member.firstName}`)},`
				+ `"agentLastName":${JSON.stringify(member.lastName)},"agentFirstName":${JSON.stringify(member.firstName)},"groupName":${JSON.stringify(member.group)},"teamName":${JSON.stringify(member.team)},`;
		} else {
			text = `"terminationId":${JSON.stringify(member.id)},"terminationName":${JSON.stringify(member.name)},`;
		}

		bytes = Buffer.from(text);
		castFragments.set(member, bytes);
	}

	return bytes;
}

export function sha256Hex(bytes: Buffer): string {
	return hash('sha256', bytes, 'hex');
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
