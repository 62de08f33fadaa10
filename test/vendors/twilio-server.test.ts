/**
 * The Twilio test server (`ccdl demo-server --platform twilio`), run as a separate process: every JSON answer is
 * checked against Twilio's own OpenAPI documents (twilio-support.ts), media against ffprobe, and what the server
 * saw against its /_test/stats.
 */
import type {TwilioStats} from '../../source/lib/test-servers/twilio/stats.js';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ffprobe, send, type Reply} from '../contract/support.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {
	basic, checkReply, convert, documentExamples, schemaErrors, twilioClient, twilioDocuments, type TwilioClient, type TwilioReply,
} from './twilio-support.js';

const recordingsPath = '/2010-04-01/Accounts/{AccountSid}/Recordings.json';
const recordingPath = '/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json';
const callsPath = '/2010-04-01/Accounts/{AccountSid}/Calls.json';
const callPath = '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json';
const transcriptsPath = '/v2/Transcripts';
const transcriptPath = '/v2/Transcripts/{Sid}';
const sentencesPath = '/v2/Transcripts/{TranscriptSid}/Sentences';

/** What `GET /_test/stats` answers: the server's counters and the SIDs it deleted. */
type Stats = TwilioStats & {deleted: string[]};

let server: VendorServer;
let client: TwilioClient;
let account: string;
let recordings: any[];
let folder: string;

async function stats(of: VendorServer = server): Promise<Stats> {
	return await (await fetch(`${of.url}/_test/stats`)).json() as Stats;
}

function accountBase(): string {
	return `/2010-04-01/Accounts/${account}`;
}

/** A page URI of an answer: absolute (the schemas' `format: uri`), on the origin asked; its path and query. */
function local(uri: string, origin = server.url): string {
	const url = new URL(uri);
	expect(url.origin).toBe(new URL(origin).origin);
	return `${url.pathname}${url.search}`;
}

/** Follows `next_page_uri` from `first` to the end, validating every page; returns the pages. */
async function allPages(c: TwilioClient, template: string, first: string, key: string): Promise<any[]> {
	const pages = [];
	let next: string | null = first;
	while (next) {
		const reply: TwilioReply = await c.call('GET', 'api', template, next);
		expect(reply.status, next).toBe(200);
		pages.push(reply.json);
		expect(Array.isArray(reply.json[key])).toBe(true);
		next = reply.json.next_page_uri === null ? null : local(reply.json.next_page_uri as string, c.base);
		expect(pages.length).toBeLessThan(1000);
	}

	return pages;
}

/** The media redirect: a 302 whose Location is on another origin. */
async function redirect(c: TwilioClient, sid: string, suffix: string): Promise<URL> {
	const reply = await c.raw(`${accountBase()}/Recordings/${sid}${suffix}`);
	expect(reply.status, reply.body.toString()).toBe(302);
	return new URL(reply.headers.location!);
}

/** Fetches a storage URL the way a careful client does: no Authorization header. */
async function fromStorage(location: URL, headers: Record<string, string> = {}): Promise<Reply> {
	return await send(location.origin, `${location.pathname}${location.search}`, {headers});
}

function pickRecording(what: string, predicate: (recording: any) => boolean): any {
	const found = recordings.find(recording => predicate(recording));
	if (!found) {
		throw new Error(`the test data has no ${what}`);
	}

	return found;
}

beforeAll(async () => {
	server = await startVendorServer('twilio', ['--calls', '150', '--seed', '7', '--until', '2026-11-01', '--days', '10']);
	account = server.user;
	client = twilioClient(server.url, server.user, server.password);
	const reply = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=1000`);
	recordings = reply.json.recordings as any[];
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-twilio-'));
});

afterAll(async () => {
	await server?.stop();
	if (folder) {
		await rm(folder, {recursive: true, force: true});
	}
});

describe('the validator itself', () => {
	it('accepts every example Twilio gives in its documents for the operations the server answers', () => {
		const examples = [
			...documentExamples('api', [recordingsPath, recordingPath, callsPath, callPath]),
			...documentExamples('intelligence', [transcriptsPath, transcriptPath, sentencesPath]),
		];
		expect(examples.length).toBeGreaterThan(8);
		for (const example of examples) {
			const document = example.path.startsWith('/v2/') ? 'intelligence' : 'api';
			expect(schemaErrors(document, example.method, example.path, example.status, example.value, {relativeUris: true}), example.where).toBe('');
		}
	});

	it('rejects a recording without its sid, with an ISO date where Twilio writes RFC 2822, or with an extra field', () => {
		const valid = recordings[0];
		expect(schemaErrors('api', 'GET', recordingPath, 200, valid)).toBe('');
		const {sid: _sid, ...withoutSid} = valid;
		expect(schemaErrors('api', 'GET', recordingPath, 200, withoutSid)).toMatch(/sid/);
		expect(schemaErrors('api', 'GET', recordingPath, 200, {...valid, date_created: '2026-10-30T10:00:00Z'})).toMatch(/date_created/);
		expect(schemaErrors('api', 'GET', recordingPath, 200, {...valid, surprise: 1})).toMatch(/additional/);
		expect(schemaErrors('api', 'GET', recordingPath, 200, {...valid, channels: null})).toBe('');
		expect(schemaErrors('api', 'GET', recordingPath, 200, {...valid, status: 'archived'})).toMatch(/status/);
	});

	it('turns OpenAPI nullable into a null type', () => {
		expect(convert('api', {type: 'string', nullable: true})).toEqual({type: ['string', 'null']});
		expect(twilioDocuments.api.openapi).toBe('3.0.1');
	});
});

describe('credentials', () => {
	it('prints the URL alone, then the Account SID and Auth Token; the API key is in the notes', async () => {
		expect(server.user).toMatch(/^AC[\da-f]{32}$/);
		expect(server.password).toMatch(/^[\da-f]{32}$/);
		expect(await server.waitForInfo(line => line.startsWith('api key: '))).toMatch(/^api key: user=SK[\da-f]{32} password=\S+$/);
	});

	it('accepts an API Key SID with its secret for the same account', async () => {
		const line = await server.waitForInfo(text => text.startsWith('api key: '));
		const [, keySid, secret] = /user=(\S+) password=(\S+)/.exec(line)!;
		const byKey = twilioClient(server.url, keySid!, secret!);
		const reply = await byKey.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=2`);
		expect(reply.status).toBe(200);
		expect(reply.json.recordings).toHaveLength(2);
		// The key's secret is not the account's token, and a key is not an account.
		const mixed = await twilioClient(server.url, account, secret!).call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json`);
		expect(mixed.status).toBe(401);
	});

	it('answers wrong or missing credentials with Twilio\'s 401 (code 20003) and a Basic challenge', async () => {
		const wrong = await twilioClient(server.url, account, 'f'.repeat(32)).call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json`);
		expect(wrong.status).toBe(401);
		expect(wrong.json.code).toBe(20_003);
		expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
		const none = await send(server.url, `${accountBase()}/Recordings.json`);
		expect(none.status).toBe(401);
		expect(checkReply('api', 'GET', recordingsPath, none).code).toBe(20_003);
		// The media redirect is behind the same credentials.
		const media = await send(server.url, `${accountBase()}/Recordings/${recordings[0].sid}.mp3`);
		expect(media.status).toBe(401);
		expect(media.headers['www-authenticate']).toMatch(/^Basic /);
		// Valid credentials on another account's path: 401 as well, with the same challenge.
		for (const path of [`/2010-04-01/Accounts/AC${'f'.repeat(32)}/Recordings.json`, `/2010-04-01/Accounts/AC${'f'.repeat(32)}/Calls.json`]) {
			const other = await client.call('GET', 'api', path.endsWith('Calls.json') ? callsPath : recordingsPath, path);
			expect(other.status, path).toBe(401);
			expect(other.json.code).toBe(20_003);
			expect(other.headers['www-authenticate'], path).toMatch(/^Basic realm="/);
		}
	});
});

describe('recordings', () => {
	it('lists newest first, and next_page_uri visits every recording exactly once', async () => {
		expect(recordings.length).toBeGreaterThan(100);
		const created = recordings.map(recording => Date.parse(recording.date_created));
		expect(created).toEqual([...created].sort((a, b) => b - a));
		const pages = await allPages(client, recordingsPath, `${accountBase()}/Recordings.json?PageSize=7`, 'recordings');
		const sids = pages.flatMap(page => page.recordings.map((recording: any) => recording.sid));
		expect(new Set(sids).size).toBe(sids.length);
		expect(sids).toEqual(recordings.map(recording => recording.sid));
		expect(pages).toHaveLength(Math.ceil(recordings.length / 7));
		expect(pages.at(-1).next_page_uri).toBeNull();
		expect(pages[0].previous_page_uri).toBeNull();
		expect(pages.map(page => page.page)).toEqual(pages.map((_, index) => index));
		expect(pages[1].start).toBe(7);
		expect(pages[1].end).toBe(13);
		expect(pages[1].first_page_uri).toBe(pages[0].uri);
	});

	it('previous_page_uri leads back to the page before', async () => {
		const first = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=5`);
		const second = await client.call('GET', 'api', recordingsPath, local(first.json.next_page_uri as string));
		const back = await client.call('GET', 'api', recordingsPath, local(second.json.previous_page_uri as string));
		expect(back.json.recordings.map((recording: any) => recording.sid)).toEqual(first.json.recordings.map((recording: any) => recording.sid));
	});

	it('writes every page URI and link absolute, on the origin the client asked (its Host), so they lead back through a proxy', async () => {
		// The list schemas say `format: uri` (absolute); the documents' examples, and Twilio, write paths.
		const proxy = 'proxy.example:8443';
		const viaProxy = {headers: {host: proxy}};
		const at = `http://${proxy}`;
		const listed = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=2&Page=0`, viaProxy);
		expect(listed.status).toBe(200);
		for (const key of ['uri', 'first_page_uri', 'next_page_uri']) {
			expect(listed.json[key], key).toMatch(new RegExp(`^${at}${accountBase()}/Recordings\\.json\\?`));
		}

		expect(listed.json.recordings[0].media_url).toBe(`${at}${accountBase()}/Recordings/${listed.json.recordings[0].sid}`);
		const second = await client.call('GET', 'api', recordingsPath, local(listed.json.next_page_uri as string, at), viaProxy);
		expect(second.json.previous_page_uri).toMatch(new RegExp(`^${at}/`));
		const calls = await client.call('GET', 'api', callsPath, `${accountBase()}/Calls.json?PageSize=2`, viaProxy);
		expect([calls.json.uri, calls.json.first_page_uri, calls.json.next_page_uri].every(uri => uri.startsWith(`${at}${accountBase()}/Calls.json?`))).toBe(true);
		const transcripts = await client.call('GET', 'intelligence', transcriptsPath, '/v2/Transcripts?PageSize=2', viaProxy);
		const {meta} = transcripts.json;
		expect([meta.url, meta.first_page_url, meta.next_page_url].every((url: string) => url.startsWith(`${at}/v2/Transcripts?`))).toBe(true);
		const transcript = transcripts.json.transcripts[0];
		expect(transcript.url).toBe(`${at}/v2/Transcripts/${transcript.sid}`);
		expect(Object.values(transcript.links).every(link => String(link).startsWith(`${transcript.url}/`))).toBe(true);
		const sentences = await client.call('GET', 'intelligence', sentencesPath, `/v2/Transcripts/${transcript.sid}/Sentences?PageSize=1`, viaProxy);
		expect(sentences.json.meta.url).toMatch(new RegExp(`^${at}/v2/Transcripts/${transcript.sid}/Sentences\\?`));
		// Asked directly, the same links name the server itself.
		const direct = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=2`);
		expect(direct.json.uri.startsWith(`${server.url}${accountBase()}/Recordings.json?`)).toBe(true);
		// A Host that is not a host name is not copied into the answer.
		const odd = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?PageSize=2`, {headers: {host: 'evil.example/x?'}});
		expect(odd.status).toBe(200);
		expect(odd.json.uri.startsWith(`${server.url}/`)).toBe(true);
	});

	it('filters by DateCreated>, DateCreated< and DateCreated, in GMT', async () => {
		const from = '2026-10-25T06:00:00Z';
		const to = '2026-10-27T18:00:00Z';
		const query = new URLSearchParams({'DateCreated>': from, 'DateCreated<': to, PageSize: '9'});
		const pages = await allPages(client, recordingsPath, `${accountBase()}/Recordings.json?${query}`, 'recordings');
		const listed = pages.flatMap(page => page.recordings.map((recording: any) => recording.sid));
		const expected = recordings.filter(recording => {
			const time = Date.parse(recording.date_created);
			return time >= Date.parse(from) && time <= Date.parse(to);
		}).map(recording => recording.sid);
		expect(expected.length).toBeGreaterThan(10);
		expect(listed).toEqual(expected);
		// The filters travel in every page URI, so following them never widens the listing.
		expect(pages[0].next_page_uri).toContain('DateCreated%3E=');

		const day = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?DateCreated=2026-10-26&PageSize=1000`);
		const onDay = recordings.filter(recording => new Date(recording.date_created).toISOString().startsWith('2026-10-26'));
		expect(onDay.length).toBeGreaterThan(0);
		expect(day.json.recordings.map((recording: any) => recording.sid)).toEqual(onDay.map(recording => recording.sid));

		const bad = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?DateCreated%3E=yesterday`);
		expect(bad.status).toBe(400);
	});

	it('filters by CallSid and fetches one recording', async () => {
		const recording = recordings[3];
		const byCall = await client.call('GET', 'api', recordingsPath, `${accountBase()}/Recordings.json?CallSid=${recording.call_sid}`);
		expect(byCall.json.recordings.map((item: any) => item.sid)).toEqual([recording.sid]);
		const one = await client.call('GET', 'api', recordingPath, `${accountBase()}/Recordings/${recording.sid}.json`);
		expect(one.json).toEqual(recording);
	});

	it('answers unknown resources with Twilio\'s 404 (code 20404) and wrong methods with 405', async () => {
		const missing = await client.call('GET', 'api', recordingPath, `${accountBase()}/Recordings/RE${'0'.repeat(32)}.json`);
		expect(missing.status).toBe(404);
		expect(missing.json.code).toBe(20_404);
		// The documents have no POST on the list of recordings; the answer is an error in Twilio's shape.
		const wrongMethod = await client.raw(`${accountBase()}/Recordings.json`, {method: 'POST', body: 'Foo=bar', headers: {'content-type': 'application/x-www-form-urlencoded'}});
		expect(wrongMethod.status).toBe(405);
		expect(checkReply('api', 'GET', recordingsPath, wrongMethod).code).toBe(20_004);
		expect(wrongMethod.headers.allow).toContain('GET');
		const nowhere = await client.raw('/2010-04-01/Accounts/nothing-here.json');
		expect(nowhere.status).toBe(404);
		expect(checkReply('api', 'GET', recordingsPath, nowhere).code).toBe(20_404);
	});
});

describe('methods', () => {
	it('answers a CORS preflight (OPTIONS, no credentials) with 204 on every path it serves, and advertises only methods it serves', async () => {
		const transcript = (await client.call('GET', 'intelligence', transcriptsPath, '/v2/Transcripts?PageSize=1')).json.transcripts[0];
		const missing = `RE${'0'.repeat(32)}`;
		const paths: Array<[string, string[]]> = [
			[`${accountBase()}/Recordings.json`, ['GET', 'HEAD', 'OPTIONS']],
			[`${accountBase()}/Recordings/${missing}.json`, ['GET', 'DELETE', 'HEAD', 'OPTIONS']],
			[`${accountBase()}/Recordings/${missing}.mp3`, ['GET', 'HEAD', 'OPTIONS']],
			[`${accountBase()}/Calls.json`, ['GET', 'HEAD', 'OPTIONS']],
			[`/v2/Transcripts/${transcript.sid}/Sentences`, ['GET', 'HEAD', 'OPTIONS']],
		];
		for (const [path, methods] of paths) {
			const preflight = await send(server.url, path, {method: 'OPTIONS', headers: {origin: 'https://app.example', 'access-control-request-method': 'GET'}});
			expect(preflight.status, path).toBe(204);
			expect(preflight.body.length).toBe(0);
			expect(preflight.headers['access-control-allow-origin']).toBe('*');
			expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
			expect(preflight.headers['access-control-allow-methods']?.split(', ').sort(), path).toEqual([...methods].sort());
			expect(preflight.headers.allow?.split(', ').sort(), path).toEqual([...methods].sort());
			// Every answer advertises the same methods, and each of them is served (a missing SID is 404, never 405).
			const got = await client.raw(path);
			expect(got.headers['access-control-allow-methods']?.split(', ').sort(), path).toEqual([...methods].sort());
			for (const method of methods.filter(name => name !== 'OPTIONS')) {
				expect((await client.raw(path, {method})).status, `${method} ${path}`).not.toBe(405);
			}

			const post = await client.raw(path, {method: 'POST', body: 'Foo=bar', headers: {'content-type': 'application/x-www-form-urlencoded'}});
			expect(post.status, path).toBe(405);
		}

		// A path the server does not serve gets no preflight answer: without credentials 401, as any request there.
		expect((await send(server.url, '/2010-04-01/Nothing.json', {method: 'OPTIONS'})).status).toBe(401);
	});
});

describe('calls', () => {
	it('lists calls by StartTime with paging, so recordings join to their calls without a request each', async () => {
		const window = recordings.slice(10, 40);
		const newest = Date.parse(window[0].date_created);
		const oldest = Date.parse(window.at(-1).date_created);
		// A recording starts just after its call: an hour of slack before the oldest covers every call.
		const query = new URLSearchParams({
			'StartTime>': new Date(oldest - 3_600_000).toISOString(), 'StartTime<': new Date(newest).toISOString(), PageSize: '8',
		});
		const pages = await allPages(client, callsPath, `${accountBase()}/Calls.json?${query}`, 'calls');
		const calls = new Map<string, any>(pages.flatMap(page => page.calls.map((call: any) => [call.sid, call] as const)));
		expect(calls.size).toBe(pages.reduce((sum, page) => sum + page.calls.length, 0));
		for (const recording of window) {
			const call = calls.get(recording.call_sid);
			expect(call, recording.call_sid).toBeDefined();
			expect(Date.parse(call.start_time)).toBeLessThanOrEqual(Date.parse(recording.start_time));
			expect(Number(call.duration)).toBeGreaterThanOrEqual(Number(recording.duration));
		}

		for (const call of calls.values()) {
			const time = Date.parse(call.start_time);
			expect(time).toBeGreaterThanOrEqual(oldest - 3_600_000);
			expect(time).toBeLessThanOrEqual(newest);
		}
	});

	it('has the three directions, caller names in Hungarian, and fetches one call', async () => {
		const reply = await client.call('GET', 'api', callsPath, `${accountBase()}/Calls.json?PageSize=1000`);
		const calls = reply.json.calls as any[];
		expect(calls).toHaveLength(150);
		expect(new Set(calls.map(call => call.direction))).toEqual(new Set(['inbound', 'outbound-api', 'outbound-dial']));
		expect(calls.some(call => /[áéíóöőúüű]/i.test(call.caller_name ?? ''))).toBe(true);
		expect(calls.some(call => call.status !== 'completed')).toBe(true);
		const one = await client.call('GET', 'api', callPath, `${accountBase()}/Calls/${calls[5].sid}.json`);
		expect(one.json).toEqual(calls[5]);
	});
});

describe('media', () => {
	it('redirects to another origin, which serves real MP3 and WAV without credentials', async () => {
		const mono = pickRecording('mono recording', recording => recording.channels === 1);
		const dual = pickRecording('dual-channel recording', recording => recording.channels === 2);
		for (const [recording, suffix, channels, codec] of [
			[mono, '.mp3', 1, 'mp3'], [mono, '.wav', 1, 'pcm_s16le'], [dual, '.mp3', 2, 'mp3'], [dual, '.wav', 2, 'pcm_s16le'],
			[dual, '.wav?RequestedChannels=1', 1, 'pcm_s16le'], [dual, '.mp3?RequestedChannels=2', 2, 'mp3'],
			// Twilio's media URL without an extension is WAV.
			[mono, '', 1, 'pcm_s16le'],
		] as const) {
			const location = await redirect(client, recording.sid, suffix);
			expect(location.origin).not.toBe(new URL(server.url).origin);
			expect(['127.0.0.1', '[::1]', 'localhost']).toContain(location.hostname);
			const reply = await fromStorage(location);
			expect(reply.status).toBe(200);
			expect(reply.headers['content-type']).toBe(codec === 'mp3' ? 'audio/mpeg' : 'audio/x-wav');
			expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
			expect(reply.headers['accept-ranges']).toBe('bytes');
			expect(reply.headers.etag).toMatch(/^"[^"]+"$/);
			const file = path.join(folder, `${recording.sid}-${channels}.${codec === 'mp3' ? 'mp3' : 'wav'}`);
			await writeFile(file, reply.body);
			const probe = await ffprobe(file, 'format=duration:stream=codec_name,channels');
			expect(probe.streams[0].codec_name).toBe(codec);
			expect(probe.streams[0].channels).toBe(channels);
			// WAV is exact; MP3 rounds to whole frames of 36 ms.
			expect(Math.abs(Number(probe.format.duration) - Number(recording.duration))).toBeLessThan(codec === 'mp3' ? 0.1 : 0.001);
		}

		const refused = await client.raw(`${accountBase()}/Recordings/${mono.sid}.wav?RequestedChannels=2`);
		expect(refused.status).toBe(400);
		expect(checkReply('api', 'GET', recordingPath, refused).status).toBe(400);
		expect((await stats()).storageRequestsWithAuthorization).toBe(0);
	});

	it('answers Range with 206 and honours If-Range', async () => {
		const recording = recordings[1];
		const location = await redirect(client, recording.sid, '.mp3');
		const whole = await fromStorage(location);
		const etag = whole.headers.etag!;
		const part = await fromStorage(location, {range: 'bytes=100-1099'});
		expect(part.status).toBe(206);
		expect(part.headers['content-range']).toBe(`bytes 100-1099/${whole.body.length}`);
		expect(part.body.equals(whole.body.subarray(100, 1100))).toBe(true);
		const tail = await fromStorage(location, {range: 'bytes=-128'});
		expect(tail.status).toBe(206);
		expect(tail.body.subarray(0, 3).toString('latin1')).toBe('TAG');
		const same = await fromStorage(location, {range: 'bytes=500-', 'if-range': etag});
		expect(same.status).toBe(206);
		expect(same.body.equals(whole.body.subarray(500))).toBe(true);
		const changed = await fromStorage(location, {range: 'bytes=500-', 'if-range': '"something-else"'});
		expect(changed.status).toBe(200);
		expect(changed.body.equals(whole.body)).toBe(true);
		const beyond = await fromStorage(location, {range: `bytes=${whole.body.length}-`});
		expect(beyond.status).toBe(416);
		expect(beyond.headers['content-range']).toBe(`bytes */${whole.body.length}`);
	});

	it('refuses an expired or altered storage URL with 403; a fresh redirect from the API works again', async () => {
		const recording = recordings[2];
		const location = await redirect(client, recording.sid, '.wav');
		const tampered = new URL(location);
		tampered.searchParams.set('Expires', String(Number(location.searchParams.get('Expires')) + 3600));
		expect((await fromStorage(tampered)).status).toBe(403);
		const otherChannels = new URL(location);
		otherChannels.searchParams.set('channels', recording.channels === 1 ? '2' : '1');
		expect((await fromStorage(otherChannels)).status).toBe(403);
		const otherRecording = new URL(location.href.replace(recording.sid, recordings[3].sid));
		expect((await fromStorage(otherRecording)).status).toBe(403);

		// Move the server's clock past the URL's lifetime (600 s by default) instead of waiting.
		const clock = await fetch(`${server.url}/_test/clock?advance=601`, {method: 'POST'});
		expect(clock.status).toBe(200);
		const expired = await fromStorage(location);
		expect(expired.status).toBe(403);
		expect(expired.body.toString()).toContain('expired');
		const fresh = await redirect(client, recording.sid, '.wav');
		expect(fresh.href).not.toBe(location.href);
		const again = await fromStorage(fresh);
		expect(again.status).toBe(200);
		expect(again.body.subarray(0, 4).toString('latin1')).toBe('RIFF');
		// 8 kHz, 16-bit samples per channel, after a header of well under a kilobyte.
		const header = again.body.length - Number(recording.duration) * 16_000 * recording.channels;
		expect(header).toBeGreaterThanOrEqual(44);
		expect(header).toBeLessThan(1024);
		const counted = await stats();
		expect(counted.expiredUrls).toBeGreaterThanOrEqual(1);
		expect(counted.badSignatures).toBeGreaterThanOrEqual(3);
	});

	it('counts a request that brings an Authorization header to the storage origin', async () => {
		const before = await stats();
		const location = await redirect(client, recordings[4].sid, '.mp3');
		await fromStorage(location, {authorization: basic(server.user, server.password)});
		const after = await stats();
		expect(after.storageRequestsWithAuthorization).toBe(before.storageRequestsWithAuthorization + 1);
		expect(after.redirects).toBe(before.redirects + 1);
		expect(after.mediaBytes).toBeGreaterThan(before.mediaBytes);
	});
});

describe('Voice Intelligence transcripts', () => {
	it('lists transcripts page by page through meta.next_page_url and finds one by SourceSid', async () => {
		const sids: string[] = [];
		let next: string | null = `${server.url}/v2/Transcripts?PageSize=6`;
		let transcripts: any[] = [];
		while (next) {
			const url = new URL(next);
			expect(url.origin).toBe(new URL(server.url).origin);
			const reply = await client.call('GET', 'intelligence', transcriptsPath, `${url.pathname}${url.search}`);
			expect(reply.json.meta.key).toBe('transcripts');
			transcripts = [...transcripts, ...reply.json.transcripts];
			sids.push(...reply.json.transcripts.map((transcript: any) => transcript.sid));
			next = reply.json.meta.next_page_url as string | null;
		}

		expect(new Set(sids).size).toBe(sids.length);
		expect(transcripts.length).toBeGreaterThan(20);
		const recordingSids = new Set(recordings.map(recording => recording.sid));
		for (const transcript of transcripts) {
			expect(recordingSids.has(transcript.channel.media_properties.source_sid)).toBe(true);
		}

		const wanted = transcripts[4];
		const source = wanted.channel.media_properties.source_sid as string;
		const bySource = await client.call('GET', 'intelligence', transcriptsPath, `/v2/Transcripts?SourceSid=${source}`);
		expect(bySource.json.transcripts.map((transcript: any) => transcript.sid)).toEqual([wanted.sid]);
		const none = await client.call('GET', 'intelligence', transcriptsPath, `/v2/Transcripts?SourceSid=RE${'0'.repeat(32)}`);
		expect(none.json.transcripts).toEqual([]);
		const one = await client.call('GET', 'intelligence', transcriptPath, `/v2/Transcripts/${wanted.sid}`);
		expect(one.json).toEqual(wanted);
		const participants = wanted.channel.participants as any[];
		expect(participants.map(participant => participant.role).sort()).toEqual(['Agent', 'Customer']);
	});

	it('pages sentences with speakers\' channels and times inside the recording', async () => {
		const list = await client.call('GET', 'intelligence', transcriptsPath, '/v2/Transcripts?Status=completed&PageSize=1');
		const transcript = list.json.transcripts[0];
		const sentences: any[] = [];
		let next: string | null = `${transcript.links.sentences}?PageSize=3&WordTimestamps=true`;
		while (next) {
			const url = new URL(next);
			const reply = await client.call('GET', 'intelligence', sentencesPath, `${url.pathname}${url.search}`);
			expect(reply.json.meta.key).toBe('sentences');
			sentences.push(...reply.json.sentences);
			next = reply.json.meta.next_page_url as string | null;
		}

		expect(sentences.length).toBeGreaterThan(1);
		expect(sentences.map(sentence => sentence.sentence_index)).toEqual(sentences.map((_, index) => index));
		expect(new Set(sentences.map(sentence => sentence.media_channel))).toEqual(new Set([1, 2]));
		for (const sentence of sentences) {
			expect(Number(sentence.start_time)).toBeLessThanOrEqual(Number(sentence.end_time));
			expect(Number(sentence.end_time)).toBeLessThanOrEqual(transcript.duration);
			expect(sentence.transcript.length).toBeGreaterThan(0);
			expect(sentence.words.map((word: any) => word.word).join(' ')).toBe(sentence.transcript);
		}

		const plain = await client.call('GET', 'intelligence', sentencesPath, `/v2/Transcripts/${transcript.sid}/Sentences`);
		expect(plain.json.sentences[0].words).toBeNull();
		const missing = await client.call('GET', 'intelligence', transcriptPath, `/v2/Transcripts/GT${'0'.repeat(32)}`);
		expect(missing.status).toBe(404);
		expect(missing.json.code).toBe(20_404);
	});
});

describe('deletion', () => {
	let small: VendorServer;
	let smallClient: TwilioClient;

	beforeAll(async () => {
		small = await startVendorServer('twilio', ['--calls', '30', '--seed', '11', '--until', '2026-11-01', '--url-ttl', '30']);
		smallClient = twilioClient(small.url, small.user, small.password);
	});

	afterAll(async () => {
		await small?.stop();
	});

	it('DELETE answers 204, and the recording is gone from fetches, listings and media', async () => {
		const base = `/2010-04-01/Accounts/${small.user}`;
		const before = (await smallClient.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=1000`)).json.recordings as any[];
		const victim = before[2];
		const location = new URL((await smallClient.raw(`${base}/Recordings/${victim.sid}.mp3`)).headers.location!);
		// --url-ttl 30: the storage URL lives 30 s on the server's clock.
		const lifetime = Number(location.searchParams.get('Expires')) - (await stats(small) as Stats & {now: number}).now;
		expect(lifetime).toBeGreaterThanOrEqual(29);
		expect(lifetime).toBeLessThanOrEqual(30);
		const gone = await smallClient.call('DELETE', 'api', recordingPath, `${base}/Recordings/${victim.sid}.json`);
		expect(gone.status).toBe(204);
		expect(gone.body.length).toBe(0);

		const fetched = await smallClient.call('GET', 'api', recordingPath, `${base}/Recordings/${victim.sid}.json`);
		expect(fetched.status).toBe(404);
		expect(fetched.json.code).toBe(20_404);
		const after = (await smallClient.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=1000`)).json.recordings as any[];
		expect(after.map(recording => recording.sid)).toEqual(before.filter(recording => recording.sid !== victim.sid).map(recording => recording.sid));
		expect((await smallClient.raw(`${base}/Recordings/${victim.sid}.mp3`)).status).toBe(404);
		// A storage URL handed out before the deletion no longer serves the bytes.
		expect((await send(location.origin, `${location.pathname}${location.search}`)).status).toBe(404);
		const twice = await smallClient.call('DELETE', 'api', recordingPath, `${base}/Recordings/${victim.sid}.json`);
		expect(twice.status).toBe(404);

		const soft = await smallClient.call('GET', 'api', recordingsPath, `${base}/Recordings.json?IncludeSoftDeleted=true&PageSize=1000`);
		expect(soft.json.recordings.find((recording: any) => recording.sid === victim.sid).status).toBe('deleted');
		const counted = await stats(small);
		expect(counted.deletions).toBe(1);
		expect(counted.deleted).toEqual([victim.sid]);
	});

	it('a listing followed across a deletion still visits every other recording once', async () => {
		const base = `/2010-04-01/Accounts/${small.user}`;
		const all = (await smallClient.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=1000`)).json.recordings as any[];
		const first = await smallClient.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=4`);
		// Delete the last one on the page already read: the next page must neither skip nor repeat.
		const lastSeen = first.json.recordings.at(-1).sid as string;
		await smallClient.call('DELETE', 'api', recordingPath, `${base}/Recordings/${lastSeen}.json`);
		const rest = await allPages(smallClient, recordingsPath, local(first.json.next_page_uri as string, small.url), 'recordings');
		const seen = [...first.json.recordings, ...rest.flatMap(page => page.recordings)].map((recording: any) => recording.sid);
		expect(seen).toEqual(all.map(recording => recording.sid));
	});
});

describe('faults', () => {
	const faultArgs = ['--calls', '40', '--seed', '5', '--until', '2026-11-01', '--faults', '429=0.4,reset=0.3,scope=all,max=2,retryAfter=2'];

	/** Asks every path until it succeeds (at most `max` + 1 tries); returns each answer's status, or 'reset'. */
	async function storm(target: VendorServer): Promise<{outcomes: string[]; tooMany: TwilioReply[]; bodies: Map<string, Buffer>}> {
		const c = twilioClient(target.url, target.user, target.password);
		const base = `/2010-04-01/Accounts/${target.user}`;
		const outcomes: string[] = [];
		const tooMany: TwilioReply[] = [];
		const bodies = new Map<string, Buffer>();
		const pages = [1, 2, 3, 4, 5, 6, 7, 8].map(size => `${base}/Recordings.json?PageSize=${size}`);
		let listing: any[] = [];
		for (const page of pages) {
			for (let attempt = 0; ; attempt++) {
				expect(attempt).toBeLessThanOrEqual(2);
				const reply = await c.call('GET', 'api', recordingsPath, page);
				outcomes.push(String(reply.status));
				if (reply.status === 200) {
					listing = reply.json.recordings as any[];
					break;
				}

				tooMany.push(reply);
			}
		}

		for (const recording of listing) {
			for (let attempt = 0; ; attempt++) {
				expect(attempt).toBeLessThanOrEqual(4);
				const location = await c.raw(`${base}/Recordings/${recording.sid}.mp3`);
				if (location.status !== 302) {
					outcomes.push(String(location.status));
					continue;
				}

				const url = new URL(location.headers.location!);
				const media = await send(url.origin, `${url.pathname}${url.search}`);
				outcomes.push(media.complete ? String(media.status) : 'reset');
				if (media.status === 200 && media.complete) {
					bodies.set(recording.sid, media.body);
					break;
				}
			}
		}

		return {outcomes, tooMany, bodies};
	}

	it('sends 429 with Retry-After and code 20429, resets bodies mid-way, and a retry gets through', async () => {
		const faulty = await startVendorServer('twilio', faultArgs);
		try {
			const {outcomes, tooMany, bodies} = await storm(faulty);
			expect(tooMany.length).toBeGreaterThan(0);
			for (const reply of tooMany) {
				expect(reply.status).toBe(429);
				expect(reply.json.code).toBe(20_429);
				expect(reply.headers['retry-after']).toBe('2');
			}

			expect(outcomes).toContain('reset');
			expect(bodies.size).toBe(8);
			for (const body of bodies.values()) {
				expect(body.subarray(-128, -125).toString('latin1')).toBe('TAG');
			}

			const counted = await stats(faulty);
			expect(counted.tooManyRequests).toBe(outcomes.filter(outcome => outcome === '429').length);
			expect(counted.faults.reset).toBe(outcomes.filter(outcome => outcome === 'reset').length);
			expect(counted.storageRequestsWithAuthorization).toBe(0);

			// The same seed and flags meet the same faults in the same places.
			const again = await startVendorServer('twilio', faultArgs);
			try {
				expect((await storm(again)).outcomes).toEqual(outcomes);
			} finally {
				await again.stop();
			}
		} finally {
			await faulty.stop();
		}
	});

	it('sends 500 and 503 in Twilio\'s shape on the API, and object-store errors on the storage origin', async () => {
		const failing = await startVendorServer('twilio', ['--calls', '10', '--seed', '3', '--faults', '500=0.5,503=0.5,scope=all,max=1,retryAfter=3']);
		try {
			const c = twilioClient(failing.url, failing.user, failing.password);
			const base = `/2010-04-01/Accounts/${failing.user}`;
			const seen = new Set<number>();
			let listing: any[] = [];
			for (const size of [1, 2, 3, 4, 5, 6]) {
				const first = await c.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=${size}`);
				expect([500, 503]).toContain(first.status);
				expect(first.json.code).toBe(first.status === 500 ? 20_500 : 20_503);
				if (first.status === 503) {
					expect(first.headers['retry-after']).toBe('3');
				}

				seen.add(first.status);
				// max=1: the same request a second time gets through.
				const second = await c.call('GET', 'api', recordingsPath, `${base}/Recordings.json?PageSize=${size}`);
				expect(second.status).toBe(200);
				listing = second.json.recordings as any[];
			}

			expect(seen).toEqual(new Set([500, 503]));
			const sid = listing[0].sid as string;
			expect((await c.raw(`${base}/Recordings/${sid}.mp3`)).status).toBeGreaterThanOrEqual(500);
			const location = new URL((await c.raw(`${base}/Recordings/${sid}.mp3`)).headers.location!);
			const stored = await send(location.origin, `${location.pathname}${location.search}`);
			expect([500, 503]).toContain(stored.status);
			expect(stored.headers['content-type']).toBe('application/xml');
			expect(stored.body.toString()).toMatch(/<Error><Code>(InternalError|SlowDown)<\/Code>/);
			expect((await send(location.origin, `${location.pathname}${location.search}`)).status).toBe(200);
		} finally {
			await failing.stop();
		}
	});

	it('rejects a bad fault spec and an unknown platform with a usage error', async () => {
		await expect(startVendorServer('twilio', ['--faults', '429=2'])).rejects.toThrow(/exited with 2/);
		await expect(startVendorServer('asterisk')).rejects.toThrow(/exited with 2.*twilio/s);
	});
});
