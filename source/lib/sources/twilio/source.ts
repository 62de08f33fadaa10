/**
 * Twilio as a source: call recordings of one account (REST API 2010-04-01), joined with their calls, plus Voice
 * Intelligence transcripts (v2). The reference is Twilio's OpenAPI documents (../shared/vendor-apis/twilio); where they
 * say nothing (media URLs, the storage redirect, error bodies) Twilio's public docs are followed, as comments say.
 *
 * What Twilio lacks, and what stands in:
 * - No campaigns or queues: `groups: 'none'`, the campaign step has nothing to choose.
 * - No "archived" mark: the pipeline counts a recording archived once the journal holds it exported and verified.
 *   The journal's server key is this source's `baseUrl`, the account's own URL, so that record is per account.
 * - No digest: the transfer checks the length and the container; the SHA-256 computed locally goes in the manifest.
 */
import {Readable} from 'node:stream';
import {normaliseServerUrl} from '../../api/client.js';
import {ApiProblemError, AuthError, ServerError} from '../../api/errors.js';
import {defaultRetryPolicy} from '../../api/retry.js';
import {type Phrase, UsageError} from '../../errors.js';
import {phrased} from '../../i18n/index.js';
import {FingerprintSet} from '../../text/fingerprint-set.js';
import {visible} from '../../text/visible.js';
import type {
	AudioFormat, Campaign, Contact, ContactPage, ContactQuery, MediaResponse, OpenMediaOptions, Source, SourceCapabilities, SourceLogin,
	SourceUser,
} from '../model.js';
import {TwilioHttp, TwilioProblemError, wrongCredentials} from './http.js';
import {
	callOf, contactOf, isSid, recordingOf, sentenceOf, transcriptOf, type TwilioCallInfo, type TwilioRecordingInfo, type TwilioSentenceInfo,
	type TwilioTranscriptInfo,
} from './map.js';
import {transcriptDocument, transcriptJsonBytes, transcriptXmlBytes} from './transcript.js';

const capabilities: SourceCapabilities = {
	markArchived: false, delete: true, digestGiven: false, transcriptFormats: ['json', 'xml'], groups: 'none',
};

/** Twilio's public REST API, and where its Voice Intelligence API lives beside it (Twilio's docs). */
const twilioApi = 'https://api.twilio.com';
const twilioIntelligence = 'https://intelligence.twilio.com';

/** Twilio's largest page (PageSize 1–1000 in both documents). */
const pageSize = 1000;
/** A call starts before its recording is created; calls are listed from this long before the range. */
const callLead = 2 * 3600_000;
/** Clock skew allowed between a call's and its recording's times. */
const skewMs = 60_000;
/** Calls fetched one by one at once, for recordings whose call the time-range listing did not hold. */
const callFetchConcurrency = 4;
/** Storage URLs remembered for resumes (one per file being transferred). */
const maxCachedStorageUrls = 1024;
/** Bounds of a transcript's sentences: a server that pages forever must stop. */
const maxSentencePages = 200;
const maxSentences = 100_000;

const transcriptHref = /^\/v2\/Transcripts\/(GT[\da-fA-F]{32})\?format=(json|xml)$/;

interface Paged {
	/** The page's items less those listed before (by SID). */
	items: unknown[];
	/** Items the server sent, repeats included. */
	received: number;
	next: URL | undefined;
}

/** The login check's refusal of a server that does not answer as Twilio does; `answer` says what it answered. */
function notTwilio(origin: string, answer: string | Phrase, cause?: unknown): ServerError {
	return new ServerError('not-an-api', ...phrased('cli.error.not-twilio', {url: origin, answer}, cause === undefined ? {} : {cause}));
}

/** `request answered status without a Twilio error`: the catalogue's clause, whose {status} is three digits; any other status stays English. */
function noTwilioError(request: string, status: number): string | Phrase {
	return /^\d{3}$/.test(String(status)) ? {key: 'cli.part.answer.no-twilio-error', params: {request, status}} : `${request} answered ${status} without a Twilio error`;
}

export class TwilioSource implements Source {
	readonly platform = 'twilio';
	readonly capabilities = capabilities;
	/** The account's URL on the API (`…/2010-04-01/Accounts/AC…`): the journal's key, so "archived" is per account. */
	readonly baseUrl: string;
	readonly user: SourceUser;
	readonly #http: TwilioHttp;
	/** Origin and path prefix of the REST API (a --server may sit under a path). */
	readonly #api: URL;
	readonly #intelligence: URL;
	readonly #accountPath: string;
	readonly #format: AudioFormat;
	/** Last storage URL per media href: a resume goes straight there until it has expired. */
	readonly #storage = new Map<string, URL>();
	/** Transcripts seen while listing, by transcript SID, with the call of their recording. */
	readonly #transcripts = new Map<string, {info: TwilioTranscriptInfo; callSid: string}>();

	private constructor(options: {api: URL; intelligence: URL; accountSid: string; username: string; http: TwilioHttp; format: AudioFormat}) {
		this.#api = options.api;
		this.#intelligence = options.intelligence;
		this.#http = options.http;
		this.#format = options.format;
		this.#accountPath = `/2010-04-01/Accounts/${options.accountSid}`;
		this.baseUrl = `${this.#prefixed(options.api, this.#accountPath)}`;
		this.user = {username: options.username, displayName: options.username, role: 'admin', company: options.accountSid};
	}

	/**
	 * Logs in with HTTP Basic: an Account SID and its Auth Token (`--user AC…`), or an API Key SID and its secret
	 * (`--user SK…` with the account as `--company AC…`). One cheap call checks the credentials: the account's recording
	 * list, one item long (a listing both kinds of credential may read; Accounts/{Sid}.json would do too at Twilio).
	 */
	static async login(login: SourceLogin): Promise<TwilioSource> {
		const server = normaliseServerUrl(login.server);
		const username = login.username.trim();
		const company = login.company?.trim() ?? '';
		let accountSid: string;
		if (isSid('AC', username)) {
			if (isSid('AC', company) && company !== username) {
				throw new UsageError(`--company ${company} is another account than --user ${username}; with an Account SID as --user, leave --company out.`);
			}

			accountSid = username;
		} else if (isSid('SK', username)) {
			if (!isSid('AC', company)) {
				throw new UsageError('With an API Key SID (SK…) as --user, give the account\'s SID as --company AC… (Twilio console, Account Info).');
			}

			accountSid = company;
		} else {
			throw new UsageError(`--user for Twilio is an Account SID (AC and 32 hex digits) or an API Key SID (SK…), not "${visible(username.slice(0, 40))}".`);
		}

		const api = new URL(server);
		const intelligence = server === twilioApi ? new URL(twilioIntelligence) : new URL(server);
		const http = new TwilioHttp({
			apiOrigins: [api.origin, intelligence.origin],
			authorization: `Basic ${Buffer.from(`${username}:${login.secret}`, 'utf8').toString('base64')}`,
			retry: login.retry ?? defaultRetryPolicy,
		});
		const source = new TwilioSource({api, intelligence, accountSid, username, http, format: login.audioFormat ?? 'mp3'});
		await source.#check(login.signal);
		return source;
	}

	async #check(signal?: AbortSignal): Promise<void> {
		const url = this.#apiUrl(`${this.#accountPath}/Recordings.json`);
		url.searchParams.set('PageSize', '1');
		let body: unknown;
		try {
			({body} = await this.#http.json('GET', url, {signal, failFast: true, maxBytes: 256 * 1024}));
		} catch (error) {
			if (error instanceof TwilioProblemError) {
				// Only Twilio's own error body (a Twilio error code) makes a 401 or 404 mean the credentials or the account.
				if (error.twilioCode !== undefined && (error.status === 401 || error.status === 403)) {
					throw wrongCredentials();
				}

				if (error.twilioCode !== undefined && error.status === 404) {
					throw new AuthError('unknown-account', ...phrased('cli.error.twilio-account', {account: this.user.company}));
				}

				if (error.twilioCode === undefined && !error.isTransient) {
					throw notTwilio(this.#api.origin, noTwilioError(`GET ${url.pathname}`, error.status));
				}
			} else if (error instanceof ServerError && (error.code === 'bad-response' || error.code.startsWith('body-'))) {
				// The answer stays English: no catalogue clause says what these errors say.
				throw notTwilio(this.#api.origin, error.message, error);
			}

			throw error;
		}

		if (!body || typeof body !== 'object' || !Array.isArray((body as Record<string, unknown>)['recordings'])) {
			throw notTwilio(this.#api.origin, {key: 'cli.part.answer.no-recordings', params: {request: `GET ${url.pathname}`}});
		}
	}

	get gate() {
		return this.#http.gate;
	}

	get retry() {
		return this.#http.retry;
	}

	/** Twilio has no campaigns or queues: nothing to choose. */
	async campaigns(): Promise<Campaign[]> {
		return [];
	}

	/** `path` (absolute, from the API root) under the server's own path prefix. */
	#prefixed(base: URL, path: string): string {
		return `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
	}

	#apiUrl(path: string): URL {
		return new URL(this.#prefixed(this.#api, path));
	}

	/**
	 * The next page of a 2010-04-01 listing: `next_page_uri` is a path relative to the API root (Twilio's examples, and
	 * Twilio itself), or an absolute URL on the API's own origin (the document's schema says `format: uri`). Anything
	 * that leaves the API's origin, or is neither, is refused.
	 */
	#nextOf2010(page: Record<string, unknown>): URL | undefined {
		const next = page['next_page_uri'];
		if (next === null || next === undefined || next === '') {
			return undefined;
		}

		if (typeof next !== 'string' || next.length > 8192) {
			throw new ServerError('bad-response', 'Twilio sent a next_page_uri that is not a path on the API; the listing cannot continue.');
		}

		if (next.startsWith('/') && !next.startsWith('//')) {
			return this.#apiUrl(next);
		}

		let url: URL | undefined;
		try {
			url = /^https?:\/\//i.test(next) ? new URL(next) : undefined;
		} catch {}

		if (!url) {
			throw new ServerError('bad-response', 'Twilio sent a next_page_uri that is not a path on the API; the listing cannot continue.');
		}

		if (url.origin !== this.#api.origin || url.username !== '' || url.password !== '') {
			throw new ServerError('foreign-url', `Twilio sent a next page outside ${this.#api.origin}; ccdl does not send your credentials there.`);
		}

		return url;
	}

	/** The next page of a v2 listing: `meta.next_page_url` is absolute, and must stay on Voice Intelligence's origin. */
	#nextOfV2(page: Record<string, unknown>): URL | undefined {
		const meta = page['meta'];
		const next = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)['next_page_url'] : undefined;
		if (next === null || next === undefined || next === '') {
			return undefined;
		}

		let url: URL | undefined;
		try {
			url = typeof next === 'string' && next.length <= 8192 ? new URL(next) : undefined;
		} catch {}

		if (!url || url.origin !== this.#intelligence.origin) {
			throw new ServerError('foreign-url', `Twilio sent a next page outside ${this.#intelligence.origin}; ccdl does not send your credentials there.`);
		}

		return url;
	}

	/**
	 * Every page of a listing from `first`, bounded: pages, items, a page URL that comes round again, and a page that
	 * brings nothing not listed before (a server repeating itself under fresh page URLs). Items already listed, on this
	 * page or an earlier one, are left out here, before anything is fetched for them.
	 */
	async *#pages(first: URL, key: string, version: '2010' | 'v2', signal?: AbortSignal): AsyncGenerator<Paged> {
		const seen = new Set<string>();
		// Wide: a false match would drop a recording (odds in text/fingerprint-set.ts).
		const listed = new FingerprintSet({wide: true});
		let url: URL | undefined = first;
		let pages = 0;
		let items = 0;
		while (url) {
			const {body} = await this.#http.json('GET', url, {signal, maxBytes: this.#http.limits.maxPageBytes});
			const page = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
			const list = page?.[key];
			if (!page || !Array.isArray(list)) {
				throw new ServerError('bad-response', `A page of Twilio's ${key} list is malformed (no "${key}" array).`);
			}

			if (list.length > pageSize) {
				throw new ServerError('bad-response', `Twilio sent a page of ${list.length} ${key} where at most ${pageSize} were asked for; the listing cannot be trusted.`);
			}

			pages++;
			items += list.length;
			if (items > this.#http.limits.maxListedItems || pages > this.#http.limits.maxPages) {
				throw new ServerError('listing-too-long', `Twilio's ${key} list went past ${this.#http.limits.maxListedItems.toLocaleString('en')} items or ${this.#http.limits.maxPages.toLocaleString('en')} pages; narrow the dates.`);
			}

			let fresh = 0;
			const kept = (list as unknown[]).filter(item => {
				const sid = item && typeof item === 'object' ? (item as Record<string, unknown>)['sid'] : undefined;
				if (typeof sid !== 'string') {
					// Without a SID the mapping decides; it is nothing new either way.
					return true;
				}

				if (listed.add(sid)) {
					fresh++;
					return true;
				}

				return false;
			});
			if (pages > 1 && list.length > 0 && fresh === 0) {
				throw new ServerError('listing-repeats', `Twilio sent a page of ${key} with nothing it had not listed already; the server repeats itself, so ccdl stopped.`);
			}

			seen.add(url.href);
			const next = list.length === 0 ? undefined : version === '2010' ? this.#nextOf2010(page) : this.#nextOfV2(page);
			if (next && seen.has(next.href)) {
				throw new ServerError('listing-repeats', `Twilio's ${key} list pointed back to a page it had already sent; the listing would not end, so ccdl stopped.`);
			}

			yield {items: kept, received: list.length, next};
			url = next;
		}
	}

	/**
	 * Completed Voice Intelligence transcripts whose media started in the range (widened), by recording SID: one listing
	 * for the whole query instead of one request per recording. An account without Voice Intelligence (or a key not
	 * allowed to read it) simply has no transcripts to offer.
	 */
	async #transcriptIndex(query: ContactQuery, signal?: AbortSignal): Promise<Map<string, TwilioTranscriptInfo>> {
		const index = new Map<string, TwilioTranscriptInfo>();
		const url = new URL(this.#prefixed(this.#intelligence, '/v2/Transcripts'));
		if (query.from) {
			url.searchParams.set('AfterStartTime', new Date(Date.parse(query.from) - callLead).toISOString());
		}

		if (query.to) {
			url.searchParams.set('BeforeStartTime', new Date(Date.parse(query.to) + callLead).toISOString());
		}

		url.searchParams.set('Status', 'completed');
		url.searchParams.set('PageSize', String(pageSize));
		try {
			for await (const page of this.#pages(url, 'transcripts', 'v2', signal)) {
				for (const raw of page.items) {
					const transcript = transcriptOf(raw);
					if (transcript?.recordingSid && transcript.status === 'completed') {
						index.set(transcript.recordingSid, transcript);
					}
				}
			}
		} catch (error) {
			if (error instanceof TwilioProblemError && [401, 403, 404].includes(error.status)) {
				return index;
			}

			throw error;
		}

		return index;
	}

	async *contactPages(query: ContactQuery, signal?: AbortSignal): AsyncGenerator<ContactPage> {
		if ((query.campaigns?.length ?? 0) > 0) {
			throw new UsageError('Twilio has no campaigns or queues; leave --campaign out (every recording of the account is listed).');
		}

		// Twilio holds call recordings only.
		if (query.channels && query.channels.length > 0 && !query.channels.includes('voice')) {
			return;
		}

		const fromMs = query.from === undefined ? undefined : Date.parse(query.from);
		const toMs = query.to === undefined ? undefined : Date.parse(query.to);
		if ((fromMs !== undefined && !Number.isFinite(fromMs)) || (toMs !== undefined && !Number.isFinite(toMs))) {
			throw new UsageError('The date range is not a pair of instants ccdl can send to Twilio.');
		}

		const transcripts = await this.#transcriptIndex(query, signal);
		const calls = this.#callWindow(fromMs, toMs, signal);
		const first = this.#apiUrl(`${this.#accountPath}/Recordings.json`);
		// Full date-times (Twilio reads `DateCreated>` as "on or after", `DateCreated<` as "on or before"); the exact
		// instants are checked again below, since a server may read them to the day.
		if (query.from) {
			first.searchParams.set('DateCreated>', new Date(fromMs!).toISOString());
		}

		if (query.to) {
			first.searchParams.set('DateCreated<', new Date(toMs!).toISOString());
		}

		first.searchParams.set('PageSize', String(pageSize));
		for await (const page of this.#pages(first, 'recordings', '2010', signal)) {
			const recordings: TwilioRecordingInfo[] = [];
			for (const raw of page.items) {
				const recording = recordingOf(raw);
				// Only a completed recording has media; in-progress, processing, absent or deleted ones have none yet or any more.
				if (recording && recording.status === 'completed'
					&& (fromMs === undefined || recording.createdMs >= fromMs) && (toMs === undefined || recording.createdMs < toMs)) {
					recordings.push(recording);
				}
			}

			const joined = await calls.join(recordings);
			const contacts: Contact[] = recordings.map(recording => {
				const transcript = transcripts.get(recording.sid);
				if (transcript) {
					this.#transcripts.set(transcript.sid, {info: transcript, callSid: recording.callSid});
				}

				return contactOf(recording, joined.get(recording.callSid), {accountPath: this.#accountPath, format: this.#format, transcript});
			});
			yield {contacts, received: page.received};
		}
	}

	/**
	 * The calls of the range, listed by start time (newest first, as Twilio lists them) and consumed alongside the
	 * recordings, which come newest first too: each page of recordings pulls call pages until the calls reach back past
	 * its oldest recording, and calls that no later recording can belong to are dropped, so memory stays at about a
	 * page's worth. A recording whose call was not listed (ordered otherwise, or started long before) is fetched alone.
	 */
	#callWindow(fromMs: number | undefined, toMs: number | undefined, signal?: AbortSignal) {
		const first = this.#apiUrl(`${this.#accountPath}/Calls.json`);
		if (fromMs !== undefined) {
			first.searchParams.set('StartTime>', new Date(fromMs - callLead).toISOString());
		}

		if (toMs !== undefined) {
			first.searchParams.set('StartTime<', new Date(toMs + skewMs).toISOString());
		}

		first.searchParams.set('PageSize', String(pageSize));
		const pages = this.#pages(first, 'calls', '2010', signal);
		const held = new Map<string, TwilioCallInfo>();
		let oldestMs = Infinity;
		let done = false;
		const fetchOne = async (sid: string): Promise<TwilioCallInfo | undefined> => {
			try {
				const {body} = await this.#http.json('GET', this.#apiUrl(`${this.#accountPath}/Calls/${sid}.json`), {signal});
				return callOf(body);
			} catch (error) {
				// A call Twilio no longer has: the recording is listed without its call's details.
				if (error instanceof TwilioProblemError && error.status === 404) {
					return undefined;
				}

				throw error;
			}
		};

		return {
			join: async (recordings: readonly TwilioRecordingInfo[]): Promise<Map<string, TwilioCallInfo>> => {
				const joined = new Map<string, TwilioCallInfo>();
				if (recordings.length === 0) {
					return joined;
				}

				const oldestRecording = Math.min(...recordings.map(recording => recording.createdMs));
				while (!done && oldestMs >= oldestRecording - callLead) {
					const next = await pages.next();
					if (next.done) {
						done = true;
						break;
					}

					for (const raw of next.value.items) {
						const call = callOf(raw);
						if (call) {
							held.set(call.sid, call);
							oldestMs = Math.min(oldestMs, call.startMs ?? oldestMs);
						}
					}

					if (!next.value.next) {
						done = true;
					}
				}

				const missing = new Set<string>();
				for (const recording of recordings) {
					const call = recording.callSid ? held.get(recording.callSid) : undefined;
					if (call) {
						joined.set(call.sid, call);
					} else if (recording.callSid) {
						missing.add(recording.callSid);
					}
				}

				const queue = [...missing];
				await Promise.all(Array.from({length: Math.min(callFetchConcurrency, queue.length)}, async () => {
					for (let sid = queue.shift(); sid; sid = queue.shift()) {
						const call = await fetchOne(sid);
						if (call) {
							joined.set(sid, call);
						}
					}
				}));
				// Later recordings were created before this page's oldest one; their calls started before that too.
				for (const [sid, call] of held) {
					if (call.startMs === undefined || call.startMs > oldestRecording + skewMs) {
						held.delete(sid);
					}
				}

				return joined;
			},
		};
	}

	async openMedia(href: string, options: OpenMediaOptions = {}): Promise<MediaResponse> {
		const transcript = transcriptHref.exec(href);
		if (transcript) {
			return this.#openTranscript(transcript[1]!, transcript[2] as 'json' | 'xml', options.signal);
		}

		if (!href.startsWith(`${this.#accountPath}/Recordings/`)) {
			throw new ServerError('foreign-url', `"${visible(href.slice(0, 100))}" is not a recording of account ${this.user.company}.`);
		}

		const range: Record<string, string> = {};
		if (options.offset) {
			range['range'] = `bytes=${options.offset}-`;
			if (options.ifRange) {
				range['if-range'] = options.ifRange;
			}
		}

		// A resume goes straight to the storage URL it came from; once that has expired (403), or is gone, the API
		// gives a fresh one.
		const cached = this.#storage.get(href);
		if (cached) {
			const {response} = await this.#http.openFollowing(cached, range, options.signal);
			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				return {status, headers: response.headers, body: response};
			}

			const problem = await this.#http.problemOfResponse(response, 'The media storage');
			this.#storage.delete(href);
			if (![400, 403, 404, 410].includes(status)) {
				throw problem;
			}
		}

		// A fresh URL refused at once (clock skew, a signature the storage rejects) is asked for once more.
		for (let tries = 1; ; tries++) {
			const {response, url, redirected} = await this.#http.openFollowing(this.#apiUrl(href), range, options.signal);
			const status = response.statusCode ?? 0;
			if (status >= 200 && status < 300) {
				if (redirected) {
					this.#remember(href, url);
				}

				return {status, headers: response.headers, body: response};
			}

			const problem = await this.#http.problemOfResponse(response, redirected ? 'The media storage' : 'Twilio');
			if (!redirected && status === 401) {
				throw wrongCredentials();
			}

			if (redirected && status === 403 && tries < 2) {
				continue;
			}

			throw problem;
		}
	}

	#remember(href: string, url: URL): void {
		this.#storage.delete(href);
		this.#storage.set(href, url);
		if (this.#storage.size > maxCachedStorageUrls) {
			this.#storage.delete(this.#storage.keys().next().value!);
		}
	}

	async #openTranscript(sid: string, format: 'json' | 'xml', signal?: AbortSignal): Promise<MediaResponse> {
		let known = this.#transcripts.get(sid);
		if (!known) {
			const {body} = await this.#http.json('GET', new URL(this.#prefixed(this.#intelligence, `/v2/Transcripts/${sid}`)), {signal});
			const info = transcriptOf(body);
			if (!info || info.sid !== sid) {
				throw new ServerError('bad-response', `Twilio answered transcript ${sid} with something that is not that transcript.`);
			}

			known = {info, callSid: ''};
		}

		const sentences: TwilioSentenceInfo[] = [];
		const first = new URL(this.#prefixed(this.#intelligence, `/v2/Transcripts/${sid}/Sentences`));
		first.searchParams.set('PageSize', String(pageSize));
		let pages = 0;
		for await (const page of this.#pages(first, 'sentences', 'v2', signal)) {
			for (const raw of page.items) {
				const sentence = sentenceOf(raw);
				if (sentence) {
					sentences.push(sentence);
				}
			}

			if (++pages > maxSentencePages || sentences.length > maxSentences) {
				throw new ServerError('listing-too-long', `Twilio's transcript ${sid} went past ${maxSentences.toLocaleString('en')} sentences; ccdl stopped reading it.`);
			}
		}

		const document = transcriptDocument(known.info, known.callSid, sentences);
		const bytes = format === 'json' ? transcriptJsonBytes(document) : transcriptXmlBytes(document);
		return {
			status: 200,
			headers: {'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8', 'content-length': String(bytes.length)},
			body: Readable.from([bytes]),
		};
	}

	/** Deletes the recording (Twilio's DELETE answers 204); one already gone (404) is what was wanted. */
	async deleteRecording(contact: Pick<Contact, 'id'>, signal?: AbortSignal): Promise<void> {
		if (!isSid('RE', contact.id)) {
			throw new ServerError('bad-id', `"${visible(contact.id.slice(0, 40))}" is not a Twilio recording SID; nothing was deleted.`);
		}

		try {
			const {status} = await this.#http.json('DELETE', this.#apiUrl(`${this.#accountPath}/Recordings/${contact.id}.json`), {signal});
			if (status !== 204 && status !== 200) {
				throw new ApiProblemError(status, undefined, `Twilio answered the deletion of ${contact.id} with ${status}, not 204; it may not be deleted.`);
			}
		} catch (error) {
			if (error instanceof TwilioProblemError && error.status === 404 && error.twilioCode !== undefined) {
				return;
			}

			if (error instanceof TwilioProblemError && error.status === 401) {
				throw wrongCredentials();
			}

			throw error;
		}
	}
}
