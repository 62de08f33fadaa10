/**
 * ccdl against the Twilio test server (`ccdl demo-server --platform twilio`), both as separate processes, the way a
 * Twilio customer runs it: `ccdl download --platform twilio --server URL --user AC…` with the Auth Token in
 * CCDL_PASSWORD. What the server saw is read from its /_test/stats; what ccdl wrote from the folder and the manifest.
 * Every test has its own config and data folder (journal), so "archived" of one never leaks into another.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ffprobe} from '../contract/support.js';
import {parseXml} from '../contract/xml.js';
import {cleanup, readManifestJsonl, runCcdl, tempDir, walk, type ManifestLine} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {TwilioSource} from '../../source/lib/sources/twilio/source.js';
import {transcriptDocument, transcriptXmlBytes} from '../../source/lib/sources/twilio/transcript.js';

interface Stats {
	apiRequests: number;
	redirects: number;
	storageRequests: number;
	storageRequestsWithAuthorization: number;
	expiredUrls: number;
	tooManyRequests: number;
	deletions: number;
	deleted: string[];
	faults: Record<string, number>;
}

async function stats(server: VendorServer): Promise<Stats> {
	return await (await fetch(`${server.url}/_test/stats`)).json() as Stats;
}

function basic(server: VendorServer): string {
	return `Basic ${Buffer.from(`${server.user}:${server.password}`).toString('base64')}`;
}

/** The server's own recordings (all pages, followed by next_page_uri), straight over HTTP: what ccdl must match. */
async function serverRecordings(server: VendorServer, query: Record<string, string> = {}): Promise<any[]> {
	const items: any[] = [];
	let next: string | null = `/2010-04-01/Accounts/${server.user}/Recordings.json?${new URLSearchParams({PageSize: '1000', ...query}).toString()}`;
	while (next) {
		// Page URIs are absolute (the document's `format: uri`); the first is a path.
		const response = await fetch(new URL(next, server.url), {headers: {authorization: basic(server)}});
		expect(response.status).toBe(200);
		const page = await response.json() as {recordings: any[]; next_page_uri: string | null};
		items.push(...page.recordings);
		next = page.next_page_uri;
	}

	return items;
}

/** A journal, config folder and download folder of their own. */
async function isolated() {
	const home = await tempDir('ccdl-twilio-');
	return {out: path.join(home, 'out'), env: {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data')}};
}

function twilioArgs(server: VendorServer): string[] {
	return ['--platform', 'twilio', '--server', server.url, '--user', server.user, '--timezone', 'UTC'];
}

function secret(server: VendorServer, env: Record<string, string>): Record<string, string> {
	return {...env, CCDL_PASSWORD: server.password};
}

const servers: VendorServer[] = [];

async function server(args: string[]): Promise<VendorServer> {
	const started = await startVendorServer('twilio', args);
	servers.push(started);
	return started;
}

let shared: VendorServer;

beforeAll(async () => {
	shared = await server(['--calls', '40', '--days', '3', '--seed', '5']);
});

afterAll(async () => {
	await Promise.all(servers.map(async running => running.stop()));
	await cleanup();
});

describe('ccdl download --platform twilio', () => {
	it('downloads every recording and transcript valid, ffprobe reads each MP3 with its listed length, the manifest is filled, and no storage request carries credentials', async () => {
		const {out, env} = await isolated();
		const before = await stats(shared);
		const result = await runCcdl(['download', ...twilioArgs(shared), '--out', out], {env: secret(shared, env)});
		expect(result.code, result.stderr).toBe(0);
		const after = await stats(shared);
		expect(after.storageRequestsWithAuthorization).toBe(0);
		expect(after.redirects).toBeGreaterThan(before.redirects);

		const listed = (await serverRecordings(shared)).filter(recording => recording.status === 'completed');
		const rows = await readManifestJsonl(out);
		expect(rows.every(row => row.status === 'valid'), JSON.stringify(rows.filter(row => row.status !== 'valid'))).toBe(true);
		const recordings = rows.filter(row => row.fileKind === 'recording');
		expect(new Set(recordings.map(row => row.contactId))).toEqual(new Set(listed.map(recording => recording.sid)));
		const files = await walk(out);
		expect(files.filter(file => file.endsWith('.mp3'))).toHaveLength(listed.length);

		for (const row of recordings) {
			const recording = listed.find(item => item.sid === row.contactId)!;
			expect(row).toMatchObject({channel: 'voice', recordId: recording.call_sid, campaignName: ''});
			expect(row['direction']).toMatch(/^(incoming|outgoing)$/);
			expect(row['callingNumber']).toMatch(/^\+\d+$/);
			expect(row['calledNumber']).toMatch(/^\+\d+$/);
			expect(Date.parse(row.callStart)).toBeLessThanOrEqual(Date.parse(recording.date_created));
			expect(Date.parse(String(row['callEnd']))).toBeGreaterThan(Date.parse(row.callStart));
			expect(row.sha256).toMatch(/^[\da-f]{64}$/);
			const probe = await ffprobe(path.join(out, row.file), 'format=format_name,duration:stream=channels');
			expect(probe.format.format_name).toBe('mp3');
			expect(Math.abs(Number(probe.format.duration) - Number(recording.duration))).toBeLessThan(1.5);
			expect(probe.streams[0].channels).toBe(recording.channels);
		}

		// Voice Intelligence transcripts: one JSON per completed transcript, sentences with speaker and time.
		const transcripts = rows.filter(row => row.fileKind === 'transcript');
		expect(transcripts.length).toBeGreaterThan(0);
		for (const row of transcripts) {
			const document = JSON.parse(await readFile(path.join(out, row.file), 'utf8'));
			expect(document.recordingId).toBe(row.contactId);
			expect(document.messages.length).toBeGreaterThan(0);
			expect(document.messages[0]).toMatchObject({from: expect.stringMatching(/^(agent|customer)$/), author: expect.any(String), text: expect.any(String)});
		}
	});

	it('--audio-format wav downloads WAV files ffprobe reads, dual-channel where recorded; --transcripts xml gives well-formed XML', async () => {
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...twilioArgs(shared), '--audio-format', 'wav', '--transcripts', 'xml', '--out', out], {env: secret(shared, env)});
		expect(result.code, result.stderr).toBe(0);
		const listed = (await serverRecordings(shared)).filter(recording => recording.status === 'completed');
		const rows = await readManifestJsonl(out);
		const recordings = rows.filter(row => row.fileKind === 'recording');
		expect(recordings).toHaveLength(listed.length);
		expect(recordings.every(row => row.status === 'valid' && row.file.endsWith('.wav'))).toBe(true);
		for (const row of recordings) {
			const recording = listed.find(item => item.sid === row.contactId)!;
			const probe = await ffprobe(path.join(out, row.file), 'format=format_name,duration:stream=channels,codec_name');
			expect(probe.format.format_name).toBe('wav');
			expect(probe.streams[0].channels).toBe(recording.channels);
			expect(Math.abs(Number(probe.format.duration) - Number(recording.duration))).toBeLessThan(1.5);
		}

		const transcripts = rows.filter(row => row.fileKind === 'transcript');
		expect(transcripts.length).toBeGreaterThan(0);
		for (const row of transcripts) {
			const root = parseXml(await readFile(path.join(out, row.file), 'utf8'));
			expect(root.name).toBe('transcript');
			expect(root.attributes['recordingId']).toBe(row.contactId);
			expect(root.children.filter(child => child.name === 'message').length).toBeGreaterThan(0);
		}
	});

	it('a second run without --include-archived lists nothing already exported (the journal is Twilio\'s "archived")', async () => {
		const {out, env} = await isolated();
		const first = await runCcdl(['download', ...twilioArgs(shared), '--transcripts', 'none', '--out', out], {env: secret(shared, env)});
		expect(first.code, first.stderr).toBe(0);
		const before = await stats(shared);
		const second = await runCcdl(['download', ...twilioArgs(shared), '--transcripts', 'none', '--out', path.join(out, 'again')], {env: secret(shared, env)});
		expect(second.code, second.stderr).toBe(0);
		expect((await stats(shared)).redirects).toBe(before.redirects);
		expect(await walk(path.join(out, 'again')).catch(() => [])).not.toContainEqual(expect.stringMatching(/\.mp3$/));
	});

	it('a --campaign is a usage error (Twilio has none), a wrong Auth Token exits 3, a server that is not Twilio exits 4', async () => {
		const {out, env} = await isolated();
		const campaign = await runCcdl(['download', ...twilioArgs(shared), '--campaign', 'Sales', '--out', out], {env: secret(shared, env)});
		expect(campaign.code, campaign.stderr).toBe(2);
		expect(campaign.stderr).toMatch(/campaign/i);

		const wrong = await runCcdl(['download', ...twilioArgs(shared), '--out', out], {env: {...env, CCDL_PASSWORD: 'not-the-token'}});
		expect(wrong.code, wrong.stderr).toBe(3);
		expect(wrong.stderr).not.toContain('not-the-token');

		const notSid = await runCcdl(['download', '--platform', 'twilio', '--server', shared.url, '--user', 'admin', '--out', out], {env: secret(shared, env)});
		expect(notSid.code, notSid.stderr).toBe(2);

		// The storage origin answers every API path with an XML 404: not Twilio's error body.
		const storage = (await shared.waitForInfo(line => line.startsWith('media:'))).match(/http:\/\/[\d.:]+/)![0];
		const notTwilio = await runCcdl(['download', '--platform', 'twilio', '--server', storage, '--user', shared.user, '--out', out], {env: secret(shared, env)});
		expect(notTwilio.code, notTwilio.stderr).toBe(4);
	});

	it('an API key (--user SK…, --company AC…) logs in to the same account', async () => {
		const {out, env} = await isolated();
		const key = /user=(SK\w+) password=(\S+)/.exec(await shared.waitForInfo(line => line.startsWith('api key:')))!;
		const result = await runCcdl(['list', '--platform', 'twilio', '--server', shared.url, '--user', key[1]!, '--company', shared.user, '--json', '--out', out],
			{env: {...env, CCDL_PASSWORD: key[2]!}});
		expect(result.code, result.stderr).toBe(0);
		const listed = (await serverRecordings(shared)).filter(recording => recording.status === 'completed');
		expect(result.stdout).toContain(listed[0].sid);
	});
});

describe('listing', () => {
	it('follows next_page_uri past Twilio\'s 1000-item page and keeps to the date range to the second', async () => {
		const big = await server(['--calls', '1300', '--days', '4', '--seed', '9']);
		const {out, env} = await isolated();
		const all = (await serverRecordings(big)).filter(recording => recording.status === 'completed');
		expect(all.length).toBeGreaterThan(1000);
		const listAll = await runCcdl(['list', ...twilioArgs(big), '--json', '--out', out], {env: secret(big, env)});
		expect(listAll.code, listAll.stderr).toBe(0);
		const ids = (text: string) => new Set(text.match(/RE[\da-f]{32}/g));
		expect(ids(listAll.stdout)).toEqual(new Set(all.map(recording => recording.sid)));

		// A range that starts and ends inside a day, exactly at two recordings' creation times: the first is in, the
		// second is not (ccdl's `to` is exclusive; Twilio's `DateCreated<` takes in that whole second).
		const times = all.map(recording => Date.parse(recording.date_created)).sort((a, b) => a - b);
		const fromMs = times[200]!;
		const toMs = times.find(time => time > times[600]!)!;
		const format = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
		const expected = all.filter(recording => Date.parse(recording.date_created) >= fromMs && Date.parse(recording.date_created) < toMs);
		expect(all.some(recording => Date.parse(recording.date_created) === toMs)).toBe(true);
		const ranged = await runCcdl(['list', ...twilioArgs(big), '--from', format(fromMs), '--to', format(toMs), '--json', '--out', out], {env: secret(big, env)});
		expect(ranged.code, ranged.stderr).toBe(0);
		expect(ids(ranged.stdout)).toEqual(new Set(expected.map(recording => recording.sid)));
		await big.stop();
	}, 120_000);

	it('under a 429 storm on the API and the storage (Twilio error 20429) every file still arrives valid', async () => {
		const stormy = await server(['--calls', '25', '--days', '2', '--seed', '11', '--faults', '429=0.3,scope=all,retryAfter=1']);
		const {out, env} = await isolated();
		const result = await runCcdl(['download', ...twilioArgs(stormy), '--out', out], {env: secret(stormy, env), timeoutMs: 110_000});
		expect(result.code, result.stderr).toBe(0);
		const seen = await stats(stormy);
		expect(seen.tooManyRequests).toBeGreaterThan(0);
		expect(seen.storageRequestsWithAuthorization).toBe(0);
		const rows = await readManifestJsonl(out);
		const listed = (await serverRecordings(stormy)).filter(recording => recording.status === 'completed');
		expect(rows.filter(row => row.fileKind === 'recording' && row.status === 'valid')).toHaveLength(listed.length);
		expect(rows.every(row => row.status === 'valid')).toBe(true);
		await stormy.stop();
	}, 120_000);
});

describe('media', () => {
	it('a storage URL that expired before a resume is fetched again through the API, without credentials at the storage', async () => {
		const media = await server(['--calls', '6', '--days', '1', '--seed', '13']);
		const recording = (await serverRecordings(media)).find(item => item.status === 'completed')!;
		const source = await TwilioSource.login({server: media.url, username: media.user, secret: media.password});
		const contacts = [];
		for await (const page of source.contactPages({})) {
			contacts.push(...page.contacts);
		}

		const contact = contacts.find(item => item.id === recording.sid)!;
		const read = async (body: NodeJS.ReadableStream, limit = Infinity): Promise<Buffer> => {
			const chunks: Buffer[] = [];
			let size = 0;
			for await (const chunk of body as AsyncIterable<Buffer>) {
				chunks.push(chunk);
				size += chunk.length;
				if (size >= limit) {
					break;
				}
			}

			return Buffer.concat(chunks);
		};

		const first = await source.openMedia(contact.media!.href);
		expect(first.status).toBe(200);
		const etag = String(first.headers['etag']);
		const head = (await read(first.body, 1000)).subarray(0, 1000);
		first.body.destroy();
		const before = await stats(media);
		// The storage URL the first request got expires: an hour passes on the server's clock.
		await fetch(`${media.url}/_test/clock?advance=3600`, {method: 'POST'});
		const resumed = await source.openMedia(contact.media!.href, {offset: head.length, ifRange: etag});
		expect(resumed.status).toBe(206);
		expect(resumed.headers['content-range']).toMatch(new RegExp(`^bytes ${head.length}-`));
		const rest = await read(resumed.body);
		const after = await stats(media);
		expect(after.expiredUrls).toBe(before.expiredUrls + 1);
		expect(after.redirects).toBe(before.redirects + 1);
		expect(after.storageRequestsWithAuthorization).toBe(0);

		const whole = await source.openMedia(contact.media!.href);
		expect(Buffer.concat([head, rest]).equals(await read(whole.body))).toBe(true);
		await media.stop();
	});

	it('transcript XML stays well-formed whatever the sentences hold', () => {
		const hostile = 'a < b && c > "d" \'e\' \u0000\u0007\u001B[31m \uD800 ]]> <!-- --> \u2028 ünnep';
		const xml = transcriptXmlBytes(transcriptDocument({
			sid: `GT${'0'.repeat(32)}`, recordingSid: `RE${'1'.repeat(32)}`, status: 'completed', languageCode: 'hu-HU"><x', mediaStartMs: 0,
			participants: [{channel: 1, role: 'Customer', name: hostile}],
		}, `CA${'2'.repeat(32)}`, [{index: 0, channel: 1, startSeconds: 1.5, endSeconds: 2, text: hostile, confidence: 0.9}])).toString('utf8');
		const root = parseXml(xml);
		expect(root.attributes['languageCode']).toBe('hu-HU"><x');
		const message = root.children.find(child => child.name === 'message')!;
		expect(message.text).toContain('a < b && c > "d"');
		expect(message.text).not.toMatch(/[\u0000-\u0008]/);
		expect(message.attributes['author']).toContain('ünnep');
	});
});

describe('--delete-after', () => {
	it('--dry-run deletes nothing and lists what it would; then --delete-after deletes only the recordings whose files are valid, never a broken one', async () => {
		const doomed = await server(['--calls', '30', '--days', '2', '--seed', '17', '--faults', 'broken=0.15']);
		const {out, env} = await isolated();
		const args = ['download', ...twilioArgs(doomed), '--transcripts', 'none', '--include-archived', '--out', out];
		const dry = await runCcdl([...args, '--delete-after', '--dry-run'], {env: secret(doomed, env)});
		expect(dry.code, dry.stderr).toBe(1);
		expect((await stats(doomed)).deleted).toEqual([]);
		const dryRows = await readManifestJsonl(out);
		const failed = new Set(dryRows.filter(row => row.status === 'failed').map(row => row.contactId));
		const valid = new Set(dryRows.filter(row => row.status === 'valid').map(row => row.contactId));
		expect(failed.size).toBeGreaterThan(0);
		expect(valid.size).toBeGreaterThan(0);
		const wouldDelete = /Dry run: would delete (\d+) recordings/.exec(dry.stderr);
		expect(wouldDelete?.[1], dry.stderr).toBe(String(valid.size));

		// The same folder: the files are there, identical, so they count as exported; the broken ones fail again.
		const real = await runCcdl([...args, '--delete-after'], {env: secret(doomed, env)});
		expect(real.code, real.stderr).toBe(1);
		const deleted = new Set((await stats(doomed)).deleted);
		expect(deleted).toEqual(valid);
		for (const id of failed) {
			expect(deleted.has(id)).toBe(false);
		}

		const rows: ManifestLine[] = await readManifestJsonl(out);
		for (const row of rows.filter(item => item.fileKind === 'recording' && valid.has(item.contactId))) {
			expect(row['deletedAt'], row.contactId).toMatch(/^\d{4}-\d\d-\d\dT/);
		}

		// Gone from Twilio: the listing no longer has them.
		const left = new Set((await serverRecordings(doomed)).map(recording => recording.sid));
		for (const id of valid) {
			expect(left.has(id)).toBe(false);
		}

		await doomed.stop();
	}, 120_000);
});
