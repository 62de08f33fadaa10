/**
 * Wire types of "Contact Center Media API v1" (docs/api/openapi.yaml is the contract; these types mirror it).
 * Both the demo server and the HTTP client import them, so the two cannot drift apart silently.
 */

export type Role = 'admin' | 'supervisor';
export type Channel = 'voice' | 'video' | 'chat' | 'email' | 'social';
export const channels: readonly Channel[] = ['voice', 'video', 'chat', 'email', 'social'];
export type Direction = 'incoming' | 'outgoing';
export type TranscriptFormat = 'json' | 'xml';

/** The literal every field but the ID shows for a recycled contact (seed 004). */
export const recycledMask = '######';

export interface TokenRequest {
	/** Optional when the server URL already names the tenant. */
	company?: string;
	username: string;
	password: string;
}

export interface RefreshRequest {
	refreshToken: string;
}

export interface UserInfo {
	username: string;
	displayName: string;
	role: Role;
	company: string;
}

export interface TokenResponse {
	tokenType: 'Bearer';
	accessToken: string;
	/** Seconds until the access token expires. */
	expiresIn: number;
	refreshToken: string;
	user: UserInfo;
}

export interface Campaign {
	id: string;
	name: string;
	/** Channels this campaign carries. */
	channels: Channel[];
}

export interface CampaignList {
	items: Campaign[];
}

export interface MediaInfo {
	/** Path of the media resource relative to the API base, e.g. `/v1/recordings/100001/media`. */
	href: string;
	contentType: string;
	size: number;
	/** Lower-case hex SHA-256 of the whole representation (the same value as Repr-Digest, in hex). */
	sha256: string;
	etag: string;
}

export interface ScreenshotInfo extends MediaInfo {
	index: number;
}

export interface TranscriptInfo {
	formats: TranscriptFormat[];
	/** Path template; append `?format=json` or `?format=xml`. */
	href: string;
}

/**
 * One contact (call, video call, chat, e-mail or social contact). Times are ISO 8601 UTC.
 * For a recycled contact every string field but `id` is `######`, numbers are 0, and no media,
 * screenshots or transcript is offered.
 */
export interface Recording {
	id: string;
	recordId: string;
	channel: Channel;
	direction: Direction | typeof recycledMask;
	campaignId: string;
	campaignName: string;
	operatorId: string;
	operatorName: string;
	/** Agent's family and given name (seed 004's Last Name / First Name). */
	agentLastName: string;
	agentFirstName: string;
	groupName: string;
	teamName: string;
	phoneNumber: string;
	callingNumber: string;
	calledNumber: string;
	/** For chat, e-mail and social contacts: the customer's address or handle. */
	externalParty: string;
	subject: string;
	terminationId: string;
	terminationName: string;
	callStart: string;
	/** When the contact was connected to the operator; empty if it never was. */
	connectedAt: string;
	callEnd: string;
	durationSeconds: number;
	timeZone: string;
	contactType: string;
	recycled: boolean;
	archived: boolean;
	/** When the recording was marked archived, or null. */
	archivedAt: string | null;
	media: MediaInfo | null;
	screenshots: ScreenshotInfo[];
	transcript: TranscriptInfo | null;
}

export interface RecordingPage {
	items: Recording[];
	/** Opaque; pass as `cursor` for the next page. Null on the last page. */
	nextCursor: string | null;
	/** Number of recordings matching the query, all pages together. */
	total: number;
}

export interface ArchiveResult {
	id: string;
	archived: boolean;
	archivedAt: string;
}

export interface BatchArchiveRequest {
	ids: string[];
}

export interface BatchArchiveResponse {
	items: ArchiveResult[];
	errors: Array<{id: string; code: ProblemCode; detail: string}>;
}

export type ProblemCode =
	| 'bad-request'
	| 'invalid-json'
	| 'invalid-parameter'
	| 'invalid-credentials'
	| 'unknown-company'
	| 'unauthorized'
	| 'token-expired'
	| 'invalid-refresh-token'
	| 'campaign-not-assigned'
	| 'unknown-campaign'
	| 'not-found'
	| 'recycled'
	| 'conflict'
	| 'range-not-satisfiable'
	| 'method-not-allowed'
	| 'payload-too-large'
	| 'rate-limited'
	| 'unavailable'
	| 'internal';

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export interface Problem {
	type: string;
	title: string;
	status: number;
	code: ProblemCode;
	detail?: string;
	instance?: string;
	/** For 422: which parameter or field was wrong. */
	parameter?: string;
}

/** Demo server only: what the server has sent since start (or the last reset). */
export interface DemoStats {
	requests: number;
	bytesSent: number;
	mediaBytesSent: number;
	mediaRequests: number;
	faultsInjected: Record<string, number>;
	inFlight: Record<Channel, number>;
	maxInFlight: Record<Channel, number>;
	archiveCalls: number;
}
