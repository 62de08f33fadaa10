/**
 * Length and digest of every media type, real files (ffprobe reads the MP3s and images), parseable transcripts,
 * and unique bytes for every recording.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {documentedMethods, validateSchema} from '../helpers/openapi.js';
import {call, ffprobe, listAll, login, mapLimit, pick, reprDigest, sha256, type Reply} from './support.js';
import {parseXml} from './xml.js';

let server: DemoProcess;
let base: string;
let token: string;
let recordings: Recording[];
let directory: string;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '13']);
	base = server.url;
	token = (await login(base)).accessToken;
	recordings = await listAll(base, token);
	directory = await mkdtemp(join(tmpdir(), 'ccdl-contract-'));
});

afterAll(async () => {
	await server?.stop();
	if (directory) {
		await rm(directory, {recursive: true, force: true});
	}
});

const live = () => recordings.filter(item => !item.recycled);

/** Downloads with validation, then checks length and digest against the body and, if given, the listing. */
async function download(template: string, path: string, listed?: {size: number; sha256: string; etag: string; contentType: string}): Promise<Reply> {
	const {reply} = await call(base, 'GET', template, path, {token});
	expect(reply.status, path).toBe(200);
	expect(reply.complete).toBe(true);
	expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
	expect(reply.headers['repr-digest'], path).toBe(reprDigest(reply.body));
	if (listed) {
		expect(reply.body.length, path).toBe(listed.size);
		expect(sha256(reply.body).toString('hex'), path).toBe(listed.sha256);
		expect(reply.headers.etag).toBe(listed.etag);
		expect(reply.headers['content-type']).toBe(listed.contentType);
	}

	// HEAD is documented for media and screenshots (not for transcripts).
	if (documentedMethods(template).includes('HEAD')) {
		const head = await call(base, 'HEAD', template, path, {token});
		expect(head.reply.status).toBe(200);
		expect(head.reply.headers['content-length']).toBe(String(reply.body.length));
		expect(head.reply.headers['repr-digest']).toBe(reply.headers['repr-digest']);
		expect(head.reply.headers.etag).toBe(reply.headers.etag);
	}

	return reply;
}

describe('length and digest', () => {
	it('audio/mpeg: every recording\'s media matches Content-Length, Repr-Digest and the listing; all bytes unique', async () => {
		const calls = live().filter(item => item.media);
		expect(calls.length).toBeGreaterThan(150);
		const digests = await mapLimit(calls, 6, async item => {
			const reply = await download('/v1/recordings/{id}/media', item.media!.href, item.media!);
			expect(reply.headers['content-type']).toBe('audio/mpeg');
			return sha256(reply.body).toString('hex');
		});
		expect(new Set(digests).size).toBe(calls.length);
	});

	it('image/png and image/jpeg: every screenshot matches; all bytes unique', async () => {
		const shots = live().flatMap(item => item.screenshots);
		expect(new Set(shots.map(shot => shot.contentType))).toEqual(new Set(['image/png', 'image/jpeg']));
		const digests = await mapLimit(shots, 6, async shot => {
			const reply = await download('/v1/recordings/{id}/screenshots/{index}', shot.href, shot);
			return sha256(reply.body).toString('hex');
		});
		expect(new Set(digests).size).toBe(shots.length);
		// Media and screenshots together: no two files of the tenant are the same.
		const mediaDigests = live().filter(item => item.media).map(item => item.media!.sha256);
		expect(new Set([...digests, ...mediaDigests]).size).toBe(digests.length + mediaDigests.length);
	});

	it('application/json and application/xml transcripts match their headers, parse, agree, and are unique', async () => {
		const texts = live().filter(item => item.transcript);
		expect(new Set(texts.map(item => item.channel))).toEqual(new Set(['chat', 'email', 'social']));
		const bodies = await mapLimit(texts, 6, async item => {
			expect(item.transcript!.formats).toEqual(['json', 'xml']);
			const jsonReply = await download('/v1/recordings/{id}/transcript', `${item.transcript!.href}?format=json`);
			expect(jsonReply.headers['content-type']).toMatch(/^application\/json/);
			const xmlReply = await download('/v1/recordings/{id}/transcript', `${item.transcript!.href}?format=xml`);
			expect(xmlReply.headers['content-type']).toMatch(/^application\/xml/);
			const transcript = JSON.parse(jsonReply.body.toString('utf8'));
			expect(validateSchema('Transcript', transcript)).toEqual([]);
			expect(transcript).toMatchObject({recordingId: item.id, channel: item.channel});
			expect(transcript.messages.length).toBeGreaterThan(0);
			const root = parseXml(xmlReply.body.toString('utf8'));
			expect(root.name).toBe('transcript');
			expect(root.attributes).toEqual({recordingId: item.id, channel: item.channel});
			expect(root.children.map(message => ({...message.attributes, text: message.text}))).toEqual(transcript.messages);
			expect(root.children.every(message => message.name === 'message')).toBe(true);
			return [jsonReply.body.toString('base64'), xmlReply.body.toString('base64')] as const;
		});
		expect(new Set(bodies.map(([json]) => json)).size).toBe(texts.length);
		expect(new Set(bodies.map(([, xml]) => xml)).size).toBe(texts.length);
		// The transcripts exercise escaping: some text carries "<", ">" or "&".
		expect(bodies.some(([, xml]) => Buffer.from(xml, 'base64').toString('utf8').includes('&amp;'))).toBe(true);
	});

	it('the XML reader rejects what is not well-formed', () => {
		for (const bad of ['<a>', '<a></b>', '<a>x & y</a>', '<a b=c/>', '<a><b></a></b>', '<a/><b/>', '<a>1 < 2</a>', '<a b="1" b="2"/>']) {
			expect(() => parseXml(bad), bad).toThrow(SyntaxError);
		}

		expect(parseXml('<?xml version="1.0"?>\n<a x="&lt;1&gt;"><b>t&amp;u</b></a>\n')).toEqual({
			name: 'a', attributes: {x: '<1>'}, text: '', children: [{name: 'b', attributes: {}, children: [], text: 't&u'}],
		});
	});
});

describe('real media files', () => {
	it('ffprobe reads the MP3s with a duration within 2 s of durationSeconds', async () => {
		const calls = live().filter(item => item.media).sort((a, b) => a.durationSeconds - b.durationSeconds);
		// The shortest, the longest, and a few between; video calls too.
		const chosen = [...new Set([calls[0]!, calls.at(-1)!, calls[Math.floor(calls.length / 3)]!, calls[Math.floor(calls.length * 2 / 3)]!,
			pick(calls, 'video call', item => item.channel === 'video')])];
		await mapLimit(chosen, 3, async item => {
			const {reply} = await call(base, 'GET', '/v1/recordings/{id}/media', item.media!.href, {token});
			const file = join(directory, `${item.id}.mp3`);
			await writeFile(file, reply.body);
			const probe = await ffprobe(file, 'format=duration,format_name:stream=codec_name,codec_type');
			expect(probe.format.format_name).toBe('mp3');
			expect(probe.streams.map((stream: {codec_type: string; codec_name: string}) => `${stream.codec_type}/${stream.codec_name}`)).toContain('audio/mp3');
			const duration = Number(probe.format.duration);
			expect(Math.abs(duration - item.durationSeconds), `${item.id}: ffprobe ${duration} s, listed ${item.durationSeconds} s`).toBeLessThanOrEqual(2);
		});
	});

	it('ffprobe reads the PNG and JPEG screenshots', async () => {
		const shots = live().flatMap(item => item.screenshots);
		const chosen = [pick(shots, 'PNG', shot => shot.contentType === 'image/png'), pick(shots, 'JPEG', shot => shot.contentType === 'image/jpeg')];
		for (const shot of chosen) {
			const {reply} = await call(base, 'GET', '/v1/recordings/{id}/screenshots/{index}', shot.href, {token});
			const file = join(directory, `${shot.sha256}.${shot.contentType === 'image/png' ? 'png' : 'jpg'}`);
			await writeFile(file, reply.body);
			const probe = await ffprobe(file, 'stream=codec_name,width,height');
			const [stream] = probe.streams as Array<{codec_name: string; width: number; height: number}>;
			expect(stream!.codec_name).toBe(shot.contentType === 'image/png' ? 'png' : 'mjpeg');
			expect(stream!.width).toBeGreaterThan(0);
			expect(stream!.height).toBeGreaterThan(0);
		}
	});
});
