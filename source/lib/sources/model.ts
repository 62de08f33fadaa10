/**
 * The vendor-neutral model every part of ccdl past the source works with: contacts, the media items they offer,
 * the groups they belong to ("campaigns": a campaign, a queue, or nothing), and what a platform can do. Nothing here
 * knows a wire format; each source maps its platform's answers to these types and checks them on the way in.
 */
import type {Readable} from 'node:stream';
import type {RateGate, RetryPolicy} from '../api/retry.js';

export type Channel = 'voice' | 'video' | 'chat' | 'email' | 'social';
export const channels: readonly Channel[] = ['voice', 'video', 'chat', 'email', 'social'];
export type TranscriptFormat = 'json' | 'xml';
export type TranscriptChoice = TranscriptFormat | 'none';

/** The literal every field but the ID shows for a recycled contact (seed 004). */
export const recycledMask = '######';

/** One downloadable representation: a recording's media or a screenshot. */
export interface MediaItem {
	/** Opaque to everyone but the source that made it: a path, a URL or a key the source resolves. */
	href: string;
	contentType: string;
	/** Bytes, when the platform says. */
	size?: number;
	/** Lower-case hex SHA-256, when the platform gives one (then the file must match it). */
	sha256?: string;
	/** The platform's validator for resuming (ETag). */
	etag?: string;
	/** Seconds of audio or video, when known: a container check can compare it. */
	durationSeconds?: number;
}

export interface ScreenshotItem extends MediaItem {
	/** From 1. */
	index: number;
}

export interface TranscriptOffer {
	href: string;
	formats: TranscriptFormat[];
}

/**
 * One contact (call, video call, chat, e-mail or social contact) with its metadata: the 13 file-name fields and the
 * manifest's columns. Times are ISO 8601; fields a platform does not have are empty strings.
 */
export interface Contact {
	id: string;
	recordId: string;
	channel: Channel;
	/** incoming, outgoing (or `######` when recycled). */
	direction: string;
	campaignId: string;
	campaignName: string;
	operatorId: string;
	operatorName: string;
	agentLastName: string;
	agentFirstName: string;
	groupName: string;
	teamName: string;
	phoneNumber: string;
	callingNumber: string;
	calledNumber: string;
	/** Chat, e-mail and social: the customer's address or handle. */
	externalParty: string;
	subject: string;
	terminationId: string;
	terminationName: string;
	callStart: string;
	connectedAt: string;
	callEnd: string;
	durationSeconds: number;
	timeZone: string;
	contactType: string;
	recycled: boolean;
	/** Marked archived on the platform, or (where the platform has no such mark) exported and verified before. */
	archived: boolean;
	archivedAt: string | null;
	media: MediaItem | null;
	screenshots: ScreenshotItem[];
	transcript: TranscriptOffer | null;
}

/** A campaign, a queue, or whatever a platform groups contacts by. */
export interface Campaign {
	id: string;
	name: string;
	channels: Channel[];
}

export interface SourceUser {
	username: string;
	displayName: string;
	role: 'admin' | 'supervisor';
	company: string;
}

export interface SourceCapabilities {
	/** The platform keeps an "archived" mark of its own; otherwise the journal's record of verified exports stands in. */
	markArchived: boolean;
	/** Recordings can be deleted on the platform after a verified export. */
	delete: boolean;
	/** The listing gives each file's SHA-256. */
	digestGiven: boolean;
	transcriptFormats: readonly TranscriptFormat[];
	/** What the campaign step chooses from: the platform's campaigns, its queues, or nothing. */
	groups: 'campaigns' | 'queues' | 'none';
}

export interface ContactQuery {
	/** ISO instants. */
	from?: string;
	to?: string;
	/** Group IDs; empty = every one the user may see. */
	campaigns?: readonly string[];
	channels?: readonly Channel[];
	/** List contacts already archived too (the plan then says how many it leaves out). */
	includeArchived?: boolean;
}

/** A page of contacts as the platform sent it: already checked and mapped. */
export interface ContactPage {
	contacts: Contact[];
	/** Items the server sent on this page, usable or not (caps count what the server sends). */
	received: number;
	/** The platform's total for the whole query, when it says. */
	total?: number;
}

export interface MediaResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable;
}

export interface OpenMediaOptions {
	/** Resume from this byte (a Range request). */
	offset?: number;
	/** The validator the partial was fetched under; a 206 is only spliced on when it matches. */
	ifRange?: string;
	signal?: AbortSignal;
}

/** Result of marking a batch archived: when each ID was marked, and why others were not. */
export interface ArchiveBatchResult {
	archived: Array<{id: string; archivedAt: string}>;
	errors: Array<{id: string; detail: string}>;
}

/**
 * A platform ccdl downloads from, logged in. The engine, the plan, naming, manifest, journal and screens use only
 * this and the model above; each platform's HTTP lives behind it in its own folder.
 */
export interface Source {
	/** The platform's key in the registry, e.g. `ccm`. */
	readonly platform: string;
	/** The API's base URL: the journal's server key and the one origin credentials go to. */
	readonly baseUrl: string;
	readonly user: SourceUser;
	readonly capabilities: SourceCapabilities;
	/** Shared "slow down" gate and retry policy of the platform's requests. */
	readonly gate: RateGate;
	readonly retry: RetryPolicy;
	campaigns(signal?: AbortSignal): Promise<Campaign[]>;
	/** Every page of the query, checked and mapped. */
	contactPages(query: ContactQuery, signal?: AbortSignal): AsyncIterable<ContactPage>;
	/** Opens one file (media, screenshot or a transcript in `format`). Non-2xx answers throw ApiProblemError. */
	openMedia(href: string, options?: OpenMediaOptions): Promise<MediaResponse>;
	/** Marks contacts archived on the platform (only when `capabilities.markArchived`). */
	markArchived?(ids: readonly string[], signal?: AbortSignal): Promise<ArchiveBatchResult>;
	/** Deletes a contact's recording on the platform (only when `capabilities.delete`). */
	deleteRecording?(contact: Pick<Contact, 'id'>, signal?: AbortSignal): Promise<void>;
}

/** What a user gives to log in to a platform. The secret is never from argv. */
export interface SourceLogin {
	/** API base URL. */
	server: string;
	company?: string;
	username: string;
	secret: string;
	signal?: AbortSignal;
	retry?: RetryPolicy;
	/** Audio container to ask for where the platform offers several (Twilio: mp3 or wav). */
	audioFormat?: AudioFormat;
	/**
	 * Further named secrets from a credentials file (e.g. CCDL_WEBEX_REFRESH_TOKEN): the platform reads them as it
	 * would the environment, so unattended runs need them neither in a crontab line nor in the process environment.
	 */
	secrets?: Readonly<Record<string, string>>;
}

export type AudioFormat = 'mp3' | 'wav';
export const audioFormats: readonly AudioFormat[] = ['mp3', 'wav'];

/** A platform of the registry (./registry.ts): its key, its name, where its API usually is, and how to log in. */
export interface Platform {
	/** What `--platform` takes. */
	key: string;
	/** For people: the platform's name. */
	label: string;
	/** The API base when neither --server nor --company is given. */
	defaultServer?: string;
	login(login: SourceLogin): Promise<Source>;
}
