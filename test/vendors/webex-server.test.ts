/**
 * The Webex Contact Center test server (`ccdl demo-server --platform webex-cc`), started as a separate process and
 * checked against Webex's own API document: every JSON response these tests read is validated with Ajv against the
 * operation's response schema in webex-contact-center.json, not against our reading of it.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {validateComponent, validateWebexResponse} from './webex-support.js';

const run = promisify(execFile);
const until = '2026-11-01';
const untilMs = Date.UTC(2026, 10, 1);
const days = 10;
const fromMs = untilMs - days * 86_400_000;
/** Tasks of a server whose data ends tomorrow are in the future; `to` defaults to now. */
const farFuture = Date.UTC(2100, 0, 1);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Reply {
	status: number;
	headers: Headers;
	body: any;
}

/** Waits until the describe() line starting with `prefix` has arrived (it follows the first two lines). */
async function infoLine(server: VendorServer, prefix: string): Promise<string> {
	for (let attempt = 0; attempt < 500; attempt++) {
		const line = server.info.find(candidate => candidate.startsWith(prefix));
		if (line) {
			return line;
		}

		await delay(10);
	}

	throw new Error(`no "${prefix}" line among ${JSON.stringify(server.info)}`);
}

function fields(line: string): Record<string, string> {
	return Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map(match => [match[1]!, match[2]!]));
}

/** A Webex test server with its bearer token, and requests validated against the document. */
class Webex {
	token: string;

	constructor(readonly server: VendorServer) {
		this.token = server.password;
	}

	get orgId(): string {
		return this.server.user;
	}

	async call(method: string, path: string, template: string, body?: unknown, token: string | null = this.token): Promise<Reply> {
		const response = await fetch(`${this.server.url}${path}`, {
			method,
			headers: {
				...(token === null ? {} : {authorization: `Bearer ${token}`}),
				...(body === undefined ? {} : {'content-type': 'application/json'}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		const parsed = text === '' ? undefined : JSON.parse(text) as unknown;
		validateWebexResponse(method, template, {status: response.status, contentType: response.headers.get('content-type'), body: parsed});
		return {status: response.status, headers: response.headers, body: parsed};
	}

	/** A list value is sent exploded (`key=a&key=b`), the default style of an array parameter. */
	async tasks(query: Record<string, string | number | string[]>): Promise<Reply> {
		const search = new URLSearchParams(Object.entries(query).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map(item => [key, String(item)])));
		return this.call('GET', `/v1/tasks?${search.toString()}`, '/v1/tasks');
	}

	/** Every task of a window, page by page: the next page starts just after the last task's createdTime. */
	async allTasks(query: Record<string, string | number | string[]>, pageSize: number): Promise<{tasks: any[]; pages: number}> {
		const tasks: any[] = [];
		let from = Number(query.from);
		let pages = 0;
		for (;;) {
			const {status, body} = await this.tasks({...query, from, pageSize});
			expect(status).toBe(200);
			pages++;
			tasks.push(...body.data);
			if (body.data.length < pageSize) {
				return {tasks, pages};
			}

			from = body.data.at(-1).attributes.createdTime + 1;
		}
	}

	async captures(query: Record<string, unknown>): Promise<Reply> {
		return this.call('POST', '/v1/captures/query', '/v1/captures/query', {query});
	}

	async stats(): Promise<any> {
		return await (await fetch(`${this.server.url}/_test/stats`)).json();
	}
}

async function ffprobeSeconds(bytes: Uint8Array, directory: string, name: string): Promise<number> {
	const file = join(directory, name);
	await writeFile(file, bytes);
	const {stdout} = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file]);
	return Number(stdout.trim());
}

/**
 * ffprobe estimates an MP3's length from its size and bit rate, so the 128-byte ID3v1 tag at the end reads as
 * 0.064 s more at 16 kbit/s; anything within 0.1 s (under three frames) is the capture's own length.
 */
function expectDuration(seconds: number, attributes: {startTime: number; stopTime: number}): void {
	const expected = (attributes.stopTime - attributes.startTime) / 1000;
	expect(Math.abs(seconds - expected), `ffprobe ${seconds} s, capture ${expected} s`).toBeLessThanOrEqual(0.1);
}

let directory: string;
beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'ccdl-webex-'));
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('a Webex tenant (seed 7, 300 tasks over 10 days)', () => {
	let webex: Webex;
	let everything: any[];
	beforeAll(async () => {
		webex = new Webex(await startVendorServer('webex-cc', ['--seed', '7', '--calls', '300', '--days', String(days), '--until', until]));
		everything = (await webex.tasks({from: fromMs, to: untilMs, pageSize: 1000})).body.data;
	});
	afterAll(async () => {
		await webex.server.stop();
	});

	test('prints its URL, then user=<orgId> password=<an access token the API takes as it is>', async () => {
		expect(webex.orgId).toMatch(uuid);
		expect(fields(await infoLine(webex.server, 'oauth:')).refresh_token).toBeTruthy();
		const reply = await webex.tasks({from: fromMs, to: untilMs, pageSize: 1});
		expect(reply.status).toBe(200);
		expect(reply.body.meta.orgId).toBe(webex.orgId);
	});

	test('tasks carry the document\'s fields, with Hungarian names and real numbers', () => {
		expect(everything).toHaveLength(300);
		const channels = new Set(everything.map(task => task.attributes.channelType));
		expect([...channels].sort()).toEqual(['chat', 'email', 'social', 'telephony']);
		const telephony = everything.filter(task => task.attributes.channelType === 'telephony');
		for (const task of telephony) {
			expect(task.attributes.origin).toMatch(/^\+36\d{8,9}$/);
			expect(task.attributes.destination).toMatch(/^\+36\d{8,9}$/);
		}

		expect(everything.some(task => /[áéíóöőúüű]/i.test(task.attributes.owner.name))).toBe(true);
		expect(everything.some(task => /[áéíóöőúüű]/i.test(task.attributes.queue.name))).toBe(true);
		expect(new Set(everything.map(task => task.attributes.queue.id)).size).toBeGreaterThan(3);
		expect(everything.every(task => typeof task.attributes.reasonCode === 'string')).toBe(true);
		expect(everything.some(task => task.attributes.status === 'abandoned')).toBe(true);
	});

	test('paging covers every task of the window exactly once, in createdTime order', async () => {
		const {tasks, pages} = await webex.allTasks({from: fromMs, to: untilMs}, 37);
		expect(pages).toBeGreaterThan(8);
		const ids = tasks.map(task => task.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual(everything.map(task => task.id));
		const times = tasks.map(task => task.attributes.createdTime);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	test('the same seed gives the same tasks; another seed other ones', async () => {
		const again = new Webex(await startVendorServer('webex-cc', ['--seed', '7', '--calls', '300', '--days', String(days), '--until', until]));
		const other = new Webex(await startVendorServer('webex-cc', ['--seed', '8', '--calls', '300', '--days', String(days), '--until', until]));
		try {
			const same = (await again.tasks({from: fromMs, to: untilMs, pageSize: 1000})).body.data;
			const different = (await other.tasks({from: fromMs, to: untilMs, pageSize: 1000})).body.data;
			expect(same).toEqual(everything);
			expect(different.map((task: any) => task.id)).not.toEqual(everything.map(task => task.id));
		} finally {
			await again.server.stop();
			await other.server.stop();
		}
	});

	test('channelTypes filters, exploded (the array parameter\'s default form style) or as one comma-separated value (the document\'s prose); the channels add up to the whole', async () => {
		const digital = await webex.allTasks({from: fromMs, to: untilMs, channelTypes: ['chat', 'email']}, 50);
		expect(digital.tasks.length).toBeGreaterThan(0);
		expect(new Set(digital.tasks.map(task => task.attributes.channelType))).toEqual(new Set(['chat', 'email']));
		const joined = await webex.allTasks({from: fromMs, to: untilMs, channelTypes: 'chat,email'}, 50);
		expect(joined.tasks.map(task => task.id)).toEqual(digital.tasks.map(task => task.id));
		let total = 0;
		for (const channel of ['telephony', 'chat', 'email', 'social']) {
			const {tasks} = await webex.allTasks({from: fromMs, to: untilMs, channelTypes: channel}, 100);
			expect(tasks.every(task => task.attributes.channelType === channel)).toBe(true);
			expect(tasks.map(task => task.id)).toEqual(everything.filter(task => task.attributes.channelType === channel).map(task => task.id));
			total += tasks.length;
		}

		expect(total).toBe(everything.length);
	});

	test('from and to select tasks created in [from, to)', async () => {
		const from = everything[40].attributes.createdTime;
		const to = everything[90].attributes.createdTime;
		const {tasks} = await webex.allTasks({from, to}, 1000);
		expect(tasks.map(task => task.id)).toEqual(everything.slice(40, 90).map(task => task.id));
	});

	test('bad task queries get 400 in the document\'s error shape', async () => {
		for (const query of [{to: untilMs}, {from: fromMs, pageSize: 0}, {from: fromMs, pageSize: 1001}, {from: fromMs, channelTypes: 'TELEPHONY'}, {from: fromMs, channelTypes: 'video'}, {from: 'yesterday'}]) {
			const reply = await webex.tasks(query as Record<string, string | number>);
			expect(reply.status, JSON.stringify(query)).toBe(400);
			expect(reply.body.error.key).toBe('400');
			expect(reply.body.error.message[0].description).toBeTruthy();
		}
	});

	test('HEAD answers wherever GET does, with the same status and headers and no body (RFC 9110)', async () => {
		const profiles = (await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile`, '/organization/{orgid}/multimedia-profile')).body as any[];
		const paths = [
			`/v1/tasks?from=${fromMs}&to=${untilMs}&pageSize=5`,
			`/organization/${webex.orgId}/multimedia-profile`,
			`/organization/${webex.orgId}/multimedia-profile/${profiles[0].id}`,
			`/organization/${webex.orgId}/multimedia-profile/00000000-0000-4000-8000-000000000000`,
			'/_test/stats',
		];
		for (const path of paths) {
			for (const token of [webex.token, null]) {
				const headers: Record<string, string> = token === null ? {} : {authorization: `Bearer ${token}`};
				const get = await fetch(`${webex.server.url}${path}`, {headers});
				const getBody = Buffer.from(await get.arrayBuffer());
				const head = await fetch(`${webex.server.url}${path}`, {method: 'HEAD', headers});
				const headBody = Buffer.from(await head.arrayBuffer());
				expect(head.status, `HEAD ${path}`).toBe(get.status);
				expect(head.status, `HEAD ${path}`).not.toBe(405);
				expect(headBody.length, `HEAD ${path}`).toBe(0);
				expect(head.headers.get('content-type'), `HEAD ${path}`).toBe(get.headers.get('content-type'));
				if (!path.startsWith('/_test/')) {
					expect(head.headers.get('content-length'), `HEAD ${path}`).toBe(String(getBody.length));
				}
			}
		}

		const put = await fetch(`${webex.server.url}/v1/tasks?from=${fromMs}`, {method: 'PUT', headers: {authorization: `Bearer ${webex.token}`}});
		expect(put.status).toBe(405);
		expect(put.headers.get('allow')).toBe('GET, HEAD');
	});

	test('a wrong method is 405 with Allow; an unknown path 404; both in the document\'s error shape', async () => {
		const wrong = await fetch(`${webex.server.url}/v1/captures/query`, {headers: {authorization: `Bearer ${webex.token}`}});
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('POST');
		validateComponent('ApiErrorResponse', await wrong.json());
		const missing = await fetch(`${webex.server.url}/v1/nothing-here`, {headers: {authorization: `Bearer ${webex.token}`}});
		expect(missing.status).toBe(404);
		validateComponent('ApiErrorResponse', await missing.json());
	});

	describe('captures', () => {
		let recorded: any[];
		let captured: Map<string, any>;
		beforeAll(async () => {
			recorded = everything.filter(task => task.attributes.channelType === 'telephony' && task.attributes.captureRequested);
			captured = new Map();
			for (let index = 0; index < recorded.length; index += 10) {
				const reply = await webex.captures({taskIds: recorded.slice(index, index + 10).map(task => task.id)});
				expect(reply.status).toBe(200);
				for (const item of reply.body.data) {
					captured.set(item.taskId, item);
				}
			}
		});

		test('every telephony task with a capture has one stitched recording on the storage origin', () => {
			expect(captured.size).toBe(recorded.length);
			const api = new URL(webex.server.url);
			for (const item of captured.values()) {
				expect(item.recording).toHaveLength(1);
				expect(item.recording[0].segment).toBe(false);
				const filePath = new URL(item.recording[0].attributes.filePath);
				expect(filePath.hostname).toBe(api.hostname);
				expect(filePath.port).not.toBe(api.port);
			}
		});

		test('more than 10 task IDs are refused with 400, in the document\'s error shape; 10 pass', async () => {
			const eleven = recorded.slice(0, 11).map(task => task.id);
			const refused = await webex.captures({taskIds: eleven});
			expect(refused.status).toBe(400);
			expect(refused.body.error.message[0].description).toMatch(/10/);
			expect((await webex.captures({taskIds: eleven.slice(0, 10)})).status).toBe(200);
			const stats = await webex.stats();
			expect(stats.api.captureBatchSizes['11']).toBe(1);
			expect(stats.api.maxCaptureBatch).toBe(11);
			expect(stats.api.captureQueriesRefused).toBeGreaterThanOrEqual(1);
		});

		test('urlExpiration above 60 minutes, or not above 0, is refused; a valid one is echoed in meta', async () => {
			const id = recorded[0].id;
			expect((await webex.captures({taskIds: [id], urlExpiration: 61})).status).toBe(400);
			expect((await webex.captures({taskIds: [id], urlExpiration: 0})).status).toBe(400);
			const reply = await webex.captures({taskIds: [id], urlExpiration: 5});
			expect(reply.status).toBe(200);
			expect(reply.body.meta).toEqual({orgId: webex.orgId, urlExpiration: 5});
			expect(new URL(reply.body.data[0].recording[0].attributes.filePath).searchParams.get('X-Amz-Expires')).toBe('300');
		});

		test('an unmatched task ID gives an empty capture, not an error', async () => {
			const unknown = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
			const reply = await webex.captures({taskIds: [recorded[0].id, unknown]});
			expect(reply.status).toBe(200);
			expect(reply.body.data[1]).toEqual({taskId: unknown, recording: [], transcription: []});
			expect(reply.body.data[0].recording).toHaveLength(1);
		});

		test('a presigned URL works without Authorization; ffprobe reads the task\'s duration', async () => {
			const before = (await webex.stats()).storage.authorizationHeaders;
			for (const task of recorded.slice(0, 3)) {
				const {attributes} = captured.get(task.id).recording[0];
				const response = await fetch(attributes.filePath);
				expect(response.status).toBe(200);
				expect(response.headers.get('content-type')).toBe('audio/mpeg');
				expect(response.headers.get('accept-ranges')).toBe('bytes');
				expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
				const bytes = new Uint8Array(await response.arrayBuffer());
				expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
				const seconds = await ffprobeSeconds(bytes, directory, `${task.id}.mp3`);
				expectDuration(seconds, attributes);
			}

			const stats = await webex.stats();
			expect(stats.storage.authorizationHeaders).toBe(before);
			expect(stats.storage.mediaBytes).toBeGreaterThan(0);
		});

		test('a tampered signature or a missing one is 403 in S3\'s XML', async () => {
			const filePath = new URL(captured.get(recorded[0].id).recording[0].attributes.filePath);
			const signature = filePath.searchParams.get('X-Amz-Signature')!;
			filePath.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
			const tampered = await fetch(filePath);
			expect(tampered.status).toBe(403);
			expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
			const bare = await fetch(`${filePath.origin}${filePath.pathname}`);
			expect(bare.status).toBe(403);
			expect(await bare.text()).toContain('<Code>AccessDenied</Code>');
		});

		test('Range gives 206 with the same bytes; If-Range with a stale ETag gives the whole file', async () => {
			const {filePath} = captured.get(recorded[1].id).recording[0].attributes;
			const whole = await fetch(filePath);
			const full = new Uint8Array(await whole.arrayBuffer());
			const etag = whole.headers.get('etag')!;
			const lastModified = whole.headers.get('last-modified')!;
			const part = await fetch(filePath, {headers: {range: 'bytes=1000-1999', 'if-range': etag}});
			expect(part.status).toBe(206);
			expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${full.length}`);
			expect(new Uint8Array(await part.arrayBuffer())).toEqual(full.subarray(1000, 2000));
			const byDate = await fetch(filePath, {headers: {range: 'bytes=-128', 'if-range': lastModified}});
			expect(byDate.status).toBe(206);
			expect(new Uint8Array(await byDate.arrayBuffer())).toEqual(full.subarray(full.length - 128));
			const stale = await fetch(filePath, {headers: {range: 'bytes=1000-1999', 'if-range': '"0123456789abcdef0123456789abcdef"'}});
			expect(stale.status).toBe(200);
			expect(Number(stale.headers.get('content-length'))).toBe(full.length);
			await stale.arrayBuffer();
			const beyond = await fetch(filePath, {headers: {range: `bytes=${full.length}-`}});
			expect(beyond.status).toBe(416);
			expect(beyond.headers.get('content-range')).toBe(`bytes */${full.length}`);
			await beyond.arrayBuffer();
		});

		test('with includeSegments a transferred call comes as its segments, which add up to the whole', async () => {
			let found = 0;
			for (let index = 0; index < recorded.length && found < 2; index += 10) {
				const ids = recorded.slice(index, index + 10).map(task => task.id);
				const reply = await webex.captures({taskIds: ids, includeSegments: true});
				for (const item of reply.body.data) {
					if (item.recording.length < 2) {
						continue;
					}

					found++;
					const whole = captured.get(item.taskId).recording[0].attributes;
					expect(item.recording.every((recording: any) => recording.segment === true)).toBe(true);
					const total = item.recording.reduce((sum: number, recording: any) => sum + recording.attributes.stopTime - recording.attributes.startTime, 0);
					expect(total).toBe(whole.stopTime - whole.startTime);
					const first = item.recording[0].attributes;
					const bytes = new Uint8Array(await (await fetch(first.filePath)).arrayBuffer());
					expectDuration(await ffprobeSeconds(bytes, directory, first.fileName), first);
				}
			}

			expect(found).toBeGreaterThan(0);
		});

		test('chat, e-mail and social tasks have transcriptions; so do some calls', async () => {
			const digital = everything.filter(task => task.attributes.channelType !== 'telephony' && task.attributes.captureRequested).slice(0, 10);
			expect(digital).toHaveLength(10);
			const reply = await webex.captures({taskIds: digital.map(task => task.id)});
			for (const [index, item] of reply.body.data.entries()) {
				expect(item.recording).toEqual([]);
				expect(item.transcription).toHaveLength(1);
				const transcription = item.transcription[0];
				expect(transcription.Source).toBe({chat: 'chat', email: 'email', social: 'facebook'}[digital[index].attributes.channelType as string]);
				const response = await fetch(transcription.filePath);
				expect(response.status).toBe(200);
				const file = await response.json() as any;
				expect(file.taskId).toBe(item.taskId);
				expect(file.messages.length).toBeGreaterThan(2);
			}

			expect([...captured.values()].some(item => item.transcription[0]?.Source === 'recording')).toBe(true);
		});

		test('a request with Authorization at the storage origin is refused (as S3 does) and counted', async () => {
			const {filePath} = captured.get(recorded[2].id).recording[0].attributes;
			const before = (await webex.stats()).storage.authorizationHeaders;
			const leaked = await fetch(filePath, {headers: {authorization: `Bearer ${webex.token}`}});
			expect(leaked.status).toBe(400);
			expect(await leaked.text()).toContain('<Code>InvalidArgument</Code>');
			const stats = await webex.stats();
			expect(stats.storage.authorizationHeaders).toBe(before + 1);
			expect(stats.storage.authorizationHeaderPaths).toContain(new URL(filePath).pathname);
		});

		test('the test hook expires every URL issued so far: 403, and a fresh query gives a working one', async () => {
			const {filePath} = captured.get(recorded[3].id).recording[0].attributes;
			expect((await fetch(filePath, {method: 'HEAD'})).status).toBe(200);
			expect((await fetch(`${webex.server.url}/_test/urls/expire`, {method: 'POST'})).status).toBe(204);
			const refused = await fetch(filePath);
			expect(refused.status).toBe(403);
			expect(await refused.text()).toContain('Request has expired');
			const fresh = (await webex.captures({taskIds: [recorded[3].id]})).body.data[0].recording[0].attributes.filePath;
			expect(fresh).not.toBe(filePath);
			const again = await fetch(fresh);
			expect(again.status).toBe(200);
			await again.arrayBuffer();
		});
	});

	describe('multimedia profiles', () => {
		test('the list validates against the document, with every mode and a profile that breaks ccdl\'s ranges', async () => {
			const reply = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile`, '/organization/{orgid}/multimedia-profile');
			expect(reply.status).toBe(200);
			const profiles = reply.body as any[];
			expect(profiles.length).toBeGreaterThanOrEqual(5);
			expect(new Set(profiles.map(profile => profile.blendingMode))).toEqual(new Set(['BLENDED', 'BLENDED_REALTIME', 'EXCLUSIVE']));
			const counts = (profile: any) => [profile.telephony, profile.chat, profile.email, profile.social];
			expect(profiles.some(profile => counts(profile).some(count => count > 16))).toBe(true);
			expect(profiles.some(profile => counts(profile).every(count => count === 0))).toBe(true);
			expect(profiles.some(profile => profile.systemDefault === true)).toBe(true);
			expect(profiles.some(profile => profile.active === false)).toBe(true);
			expect(profiles.every(profile => profile.organizationId === webex.orgId)).toBe(true);
		});

		test('one profile by id; a filter on id; paging', async () => {
			const list = (await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile`, '/organization/{orgid}/multimedia-profile')).body as any[];
			const one = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile/${list[2].id}`, '/organization/{orgid}/multimedia-profile/{id}');
			expect(one.body).toEqual(list[2]);
			const filtered = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile?filter=${encodeURIComponent(`id=in=("${list[1].id}","${list[3].id}")`)}`, '/organization/{orgid}/multimedia-profile');
			expect(filtered.body.map((profile: any) => profile.id)).toEqual([list[1].id, list[3].id]);
			const page = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile?page=1&pageSize=2`, '/organization/{orgid}/multimedia-profile');
			expect(page.body).toEqual(list.slice(2, 4));
		});

		test('page and pageSize outside the usual range, and a filter it cannot read, still answer 200 (the only success documented); a page that is no integer is 400', async () => {
			const path = `/organization/${webex.orgId}/multimedia-profile`;
			const template = '/organization/{orgid}/multimedia-profile';
			const list = (await webex.call('GET', path, template)).body as any[];
			// The schema allows any integer and this operation documents no 400: the values are brought into range.
			const sizeZero = await webex.call('GET', `${path}?pageSize=0`, template);
			expect(sizeZero.status).toBe(200);
			expect(sizeZero.body).toEqual(list.slice(0, 1));
			const negativePage = await webex.call('GET', `${path}?page=-1&pageSize=2`, template);
			expect(negativePage.status).toBe(200);
			expect(negativePage.body).toEqual(list.slice(0, 2));
			const negativeSize = await webex.call('GET', `${path}?pageSize=-5`, template);
			expect(negativeSize.body).toEqual(list.slice(0, 1));
			const huge = await webex.call('GET', `${path}?page=${'9'.repeat(30)}&pageSize=${'9'.repeat(30)}`, template);
			expect(huge.status).toBe(200);
			expect(huge.body).toEqual([]);
			const garbage = await webex.call('GET', `${path}?filter=garbage`, template);
			expect(garbage.status).toBe(200);
			expect(garbage.body).toEqual([]);
			// A page that is not an integer breaks the schema: refused, in the document's error shape.
			for (const query of ['page=abc', 'pageSize=1.5', 'page=']) {
				const response = await fetch(`${webex.server.url}${path}?${query}`, {headers: {authorization: `Bearer ${webex.token}`}});
				expect(response.status, query).toBe(400);
				validateComponent('ApiErrorResponse', await response.json());
			}
		});

		test('an unknown id is 404, another organization 403, no token 401: all as documented', async () => {
			const missing = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile/00000000-0000-4000-8000-000000000000`, '/organization/{orgid}/multimedia-profile/{id}');
			expect(missing.status).toBe(404);
			const foreign = await webex.call('GET', '/organization/f53c8b54-46ca-43f6-ba05-08426a46e23d/multimedia-profile', '/organization/{orgid}/multimedia-profile');
			expect(foreign.status).toBe(403);
			const anonymous = await webex.call('GET', `/organization/${webex.orgId}/multimedia-profile`, '/organization/{orgid}/multimedia-profile', undefined, null);
			expect(anonymous.status).toBe(401);
		});
	});
});

describe('OAuth: access tokens that really expire', () => {
	let webex: Webex;
	let oauth: Record<string, string>;
	beforeAll(async () => {
		webex = new Webex(await startVendorServer('webex-cc', ['--calls', '20', '--token-ttl', '1']));
		oauth = fields(await infoLine(webex.server, 'oauth:'));
	});
	afterAll(async () => {
		await webex.server.stop();
	});

	async function refresh(form: Record<string, string>): Promise<{status: number; body: any}> {
		const response = await fetch(oauth.token_url!, {
			method: 'POST',
			headers: {'content-type': 'application/x-www-form-urlencoded'},
			body: new URLSearchParams(form).toString(),
		});
		return {status: response.status, body: await response.json()};
	}

	test('an expired token gets 401 in the document\'s shape; the refresh token gives a new pair', async () => {
		let reply: Reply;
		do {
			await delay(200);
			reply = await webex.tasks({from: 0, pageSize: 1});
		} while (reply.status === 200);

		expect(reply.status).toBe(401);
		expect(reply.body.error.key).toBe('401');
		expect(reply.body.error.message[0].description).toMatch(/expired/);
		const wrongSecret = await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: 'nope', refresh_token: oauth.refresh_token!});
		expect(wrongSecret.status).toBe(401);
		expect(wrongSecret.body.error).toBe('invalid_client');
		const badGrant = await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: oauth.client_secret!, refresh_token: 'nope'});
		expect(badGrant.status).toBe(400);
		expect(badGrant.body.error).toBe('invalid_grant');
		const {status, body} = await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: oauth.client_secret!, refresh_token: oauth.refresh_token!});
		expect(status).toBe(200);
		expect(body).toMatchObject({token_type: 'Bearer', expires_in: 1});
		expect(body.access_token).not.toBe(webex.token);
		expect(body.refresh_token).toBeTruthy();
		webex.token = body.access_token;
		// The new token lives one second; refreshing again until a request gets through keeps this free of timing.
		let fresh: Reply;
		do {
			webex.token = (await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: oauth.client_secret!, refresh_token: body.refresh_token})).body.access_token;
			fresh = await webex.tasks({from: 0, pageSize: 1});
		} while (fresh.status === 401);

		expect(fresh.status).toBe(200);
		expect((await webex.stats()).api.tokensRefreshed).toBeGreaterThanOrEqual(2);
	});

	test('the test hook expires every access token at once; a refresh brings access back', async () => {
		const pair = (await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: oauth.client_secret!, refresh_token: oauth.refresh_token!})).body;
		expect((await fetch(`${webex.server.url}/_test/tokens/expire`, {method: 'POST'})).status).toBe(204);
		webex.token = pair.access_token;
		const refused = await webex.captures({taskIds: ['3fa85f64-5717-4562-b3fc-2c963f66afa6']});
		expect(refused.status).toBe(401);
		expect(refused.body.error.message[0].description).toMatch(/expired/);
		let again: Reply;
		do {
			webex.token = (await refresh({grant_type: 'refresh_token', client_id: oauth.client_id!, client_secret: oauth.client_secret!, refresh_token: pair.refresh_token})).body.access_token;
			again = await webex.captures({taskIds: ['3fa85f64-5717-4562-b3fc-2c963f66afa6']});
		} while (again.status === 401);

		expect(again.status).toBe(200);
	});
});

describe('presigned URLs that really expire (--url-ttl 1)', () => {
	let webex: Webex;
	beforeAll(async () => {
		webex = new Webex(await startVendorServer('webex-cc', ['--calls', '60', '--url-ttl', '1', '--seed', '3']));
	});
	afterAll(async () => {
		await webex.server.stop();
	});

	test('an expired URL gives 403 and is counted; a re-query gives a fresh one that works', async () => {
		const everything = (await webex.tasks({from: 0, to: farFuture, pageSize: 1000})).body.data as any[];
		const task = everything.find(candidate => candidate.attributes.channelType === 'telephony' && candidate.attributes.captureRequested);
		expect(task).toBeDefined();
		const first = (await webex.captures({taskIds: [task.id], urlExpiration: 60})).body.data[0].recording[0].attributes.filePath;
		let response: Response;
		do {
			await delay(200);
			response = await fetch(first);
			await response.arrayBuffer();
		} while (response.status === 200);

		expect(response.status).toBe(403);
		expect((await webex.stats()).storage.expiredRefused).toBeGreaterThanOrEqual(1);
		// The fresh URL too lives one second; asking again until one gets through keeps this free of timing.
		let fresh: Response;
		do {
			const filePath = (await webex.captures({taskIds: [task.id]})).body.data[0].recording[0].attributes.filePath;
			expect(filePath).not.toBe(first);
			fresh = await fetch(filePath);
		} while (fresh.status === 403);

		expect(fresh.status).toBe(200);
		expect(Number(fresh.headers.get('content-length'))).toBe((await fresh.arrayBuffer()).byteLength);
	});
});

describe('faults (--faults), the same for the same seed', () => {
	test('two servers with the same seed fail the same requests', async () => {
		const args = ['--calls', '40', '--seed', '11', '--faults', '500=0.5,max=100,scope=all'];
		const servers = [new Webex(await startVendorServer('webex-cc', args)), new Webex(await startVendorServer('webex-cc', args))];
		try {
			const statuses: number[][] = [];
			for (const webex of servers) {
				const seen: number[] = [];
				for (let pageSize = 1; pageSize <= 16; pageSize++) {
					seen.push((await webex.tasks({from: 0, to: farFuture, pageSize})).status);
				}

				statuses.push(seen);
			}

			expect(statuses[0]).toEqual(statuses[1]);
			expect(new Set(statuses[0])).toEqual(new Set([200, 500]));
		} finally {
			await Promise.all(servers.map(async webex => webex.server.stop()));
		}
	});

	test('503 with Retry-After on the API, then success; a reset at the storage origin, then the whole file', async () => {
		const webex = new Webex(await startVendorServer('webex-cc', ['--calls', '40', '--faults', '503=1,max=1,retryAfter=2,scope=all']));
		try {
			const busy = await webex.tasks({from: 0, to: farFuture, pageSize: 1000});
			expect(busy.status).toBe(503);
			expect(busy.headers.get('retry-after')).toBe('2');
			validateComponent('ApiErrorResponse', busy.body);
			const tasks = (await webex.tasks({from: 0, to: farFuture, pageSize: 1000})).body.data as any[];
			expect(tasks.length).toBe(40);
		} finally {
			await webex.server.stop();
		}

		const storage = new Webex(await startVendorServer('webex-cc', ['--calls', '40', '--faults', 'reset=1,max=1']));
		try {
			const tasks = (await storage.tasks({from: 0, to: farFuture, pageSize: 1000})).body.data as any[];
			const task = tasks.find(candidate => candidate.attributes.channelType === 'telephony' && candidate.attributes.captureRequested);
			const {filePath} = (await storage.captures({taskIds: [task.id]})).body.data[0].recording[0].attributes;
			await expect((async () => (await fetch(filePath)).arrayBuffer())()).rejects.toThrow();
			const whole = await fetch(filePath);
			expect(whole.status).toBe(200);
			expect((await whole.arrayBuffer()).byteLength).toBe(Number(whole.headers.get('content-length')));
			expect((await storage.stats()).faultsInjected.reset).toBe(1);
		} finally {
			await storage.server.stop();
		}
	});
});

describe('the validator itself rejects what the document rejects', () => {
	const task = {id: 'a', attributes: {owner: {id: '1', name: 'n'}, queue: {id: 'q', name: 'Q'}, channelType: 'chat', status: 'completed', createdTime: 1, lastUpdatedTime: 2}};
	const tasks = (body: unknown) => validateWebexResponse('GET', '/v1/tasks', {status: 200, contentType: 'application/json', body});
	const captures = (status: number, body: unknown) => validateWebexResponse('POST', '/v1/captures/query', {status, contentType: 'application/json', body});

	test('a required field missing, a value outside an enum, a non-UUID task ID, a string for an integer', () => {
		expect(() => tasks({meta: {}, data: [task]})).not.toThrow();
		expect(() => tasks({meta: {}, data: [{...task, attributes: {...task.attributes, owner: undefined}}]})).toThrow(/owner/);
		expect(() => tasks({meta: {}, data: [{...task, attributes: {...task.attributes, status: 'done'}}]})).toThrow(/allowed values/);
		expect(() => captures(200, {meta: {}, data: [{taskId: 'not-a-uuid', recording: [], transcription: []}]})).toThrow(/uuid/);
		expect(() => captures(200, {meta: {}, data: [{recording: [{attributes: {startTime: '12'}}], transcription: []}]})).toThrow(/integer/);
	});

	test('an undocumented status; an error body that is not ApiErrorResponse; a profile name with an accent', () => {
		expect(() => validateWebexResponse('GET', '/v1/tasks', {status: 418, contentType: 'application/json', body: {}})).toThrow(/not documented/);
		expect(() => captures(400, {error: {key: 400}})).toThrow();
		const profile = {name: 'Hang és chat', active: true, blendingMode: 'BLENDED', blendingModeEnabled: true, chat: 1, email: 1, social: 1, telephony: 1};
		expect(() => validateComponent('MultimediaProfileDTO', {...profile, name: 'Hang es chat'})).not.toThrow();
		expect(() => validateComponent('MultimediaProfileDTO', profile)).toThrow(/pattern/);
	});
});
