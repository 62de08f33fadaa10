/**
 * Files whose size the listing does not give (Twilio's and Webex's media): a server's own Content-Length does not
 * raise the 1 GiB such a file may take, and a body streamed without one is validated by its audio's duration.
 * Real HTTP on loopback into a real folder; the source is the thinnest one that fetches an href.
 */
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {readdir, readFile} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {RateGate} from '../../source/lib/api/retry.js';
import {VirtualMp3, mp3Shape} from '../../source/lib/demo-server/media/mp3.js';
import type {PlannedFile} from '../../source/lib/engine/plan.js';
import {maxUnlistedBytes, transferFile} from '../../source/lib/engine/transfer.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import type {Source} from '../../source/lib/sources/model.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';

const mp3 = new VirtualMp3({...mp3Shape(30), title: 'unlisted', artist: '', album: '', year: '2026', comment: ''});
const whole = Buffer.concat([...mp3.chunks(0, mp3.size - 1)]);
let server: http.Server;
let base: string;
/** Bytes the endless answer sent before ccdl let go of it. */
let endlessSent = 0;

beforeAll(async () => {
	server = http.createServer((request, response) => {
		const send = (bytes: Buffer) => {
			// Chunked: no Content-Length at all, as a streaming storage service may answer.
			response.writeHead(200, {'content-type': 'audio/mpeg'});
			response.end(bytes);
		};

		switch (request.url) {
			case '/announces-a-terabyte': {
				response.writeHead(200, {'content-type': 'audio/mpeg', 'content-length': '999999999999'});
				const block = Buffer.alloc(64 * 1024);
				const more = () => {
					while (!response.destroyed && response.write(block)) {
						endlessSent += block.length;
					}
				};

				response.on('drain', more);
				more();
				break;
			}

			case '/chunked': {
				send(whole);
				break;
			}

			case '/chunked-cut': {
				send(whole.subarray(0, Math.floor(whole.length / 3)));
				break;
			}

			default: {
				response.writeHead(404).end();
			}
		}
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	server.close();
	await cleanup();
});

/** A platform that lists neither size nor digest, and fetches an href as it is. */
const source = {
	baseUrl: 'http://127.0.0.1',
	capabilities: {digestGiven: false},
	gate: new RateGate(),
	retry: {attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxWaits: 1},
	async openMedia(href: string, options: {signal?: AbortSignal} = {}) {
		const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
			http.get(`${base}${href}`, {signal: options.signal}, resolve).on('error', reject);
		});
		return {status: response.statusCode!, headers: response.headers, body: response};
	},
} as unknown as Source;

function planned(folder: string, href: string, durationSeconds?: number): PlannedFile {
	return {
		fileId: `${href}:recording`, contactId: href, kind: 'recording', channel: 'voice', href, contentType: 'audio/mpeg', extension: '.mp3',
		...durationSeconds === undefined ? {} : {durationSeconds},
		relativePath: 'call.mp3', path: path.join(folder, 'call.mp3'), action: 'download', replaces: false, compareWith: [],
		contact: {id: href},
	} as unknown as PlannedFile;
}

async function transfer(href: string, durationSeconds?: number) {
	const folder = await tempDir('ccdl-unlisted-');
	const sink = new LocalSink(folder);
	await sink.prepare({dryRun: false});
	const outcome = await transferFile(source, sink, planned(folder, href, durationSeconds), {signal: new AbortController().signal, overwrite: false})
		.then(result => ({result}), (error: unknown) => ({error: error as Error & {code?: string}}));
	return {folder, outcome, left: await readdir(folder)};
}

describe('a file the listing gives no size', () => {
	it('is refused when the server announces more than it may take, before a byte is written', async () => {
		const {outcome, left} = await transfer('/announces-a-terabyte', 30);
		expect('error' in outcome && outcome.error.code).toBe('too-big');
		expect('error' in outcome && outcome.error.message).toBe(`the server announced 999999999999 bytes for a file the listing gave no size, more than the ${maxUnlistedBytes} bytes accepted without one`);
		// Nothing kept for a resume: no partial, no sidecar.
		expect(left).toEqual([]);
		expect(endlessSent).toBeLessThan(64 * 1024 * 1024);
	});

	it('streamed without a Content-Length, is valid when its audio lasts as long as the listing says', async () => {
		const {folder, outcome} = await transfer('/chunked', Math.round(mp3.durationSeconds));
		expect('result' in outcome ? outcome.result.sha256 : outcome.error.message).toBe(createHash('sha256').update(whole).digest('hex'));
		expect(await readFile(path.join(folder, 'call.mp3'))).toEqual(whole);
	});

	it('streamed without a Content-Length and cut short, fails saying it is cut short, and leaves nothing', async () => {
		const {outcome, left} = await transfer('/chunked-cut', Math.round(mp3.durationSeconds));
		expect('error' in outcome && outcome.error.message).toMatch(/^the bytes are an MP3 file cut short/);
		expect(left).toEqual([]);
	});

	it('without a size, a digest or a listed duration, nothing can check it: it fails saying so', async () => {
		const {outcome, left} = await transfer('/chunked');
		expect('error' in outcome && outcome.error.code).toBe('no-digest');
		expect('error' in outcome && outcome.error.message).toBe('the server gave neither a size nor a SHA-256 digest for this file, and the listing no duration to check it by, so it cannot be validated');
		expect(left).toEqual([]);
	});
});
