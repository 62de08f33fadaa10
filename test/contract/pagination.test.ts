/**
 * Cursor pagination while recordings are archived between pages. The invariant (the document's "Listing" section):
 * no recording is returned twice; every recording that matched the query for the whole walk is returned exactly once;
 * one archived before the walk reached it (with includeArchived=false) is not returned; pages keep the
 * (callStart, id) order.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording, RecordingPage} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {call, listAll, login} from './support.js';

let server: DemoProcess;
let base: string;
let token: string;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '1500', '--seed', '5']);
	base = server.url;
	token = (await login(base)).accessToken;
});

afterAll(async () => {
	await server?.stop();
});

async function page(query: string, cursor: string | null, limit: number, as = token): Promise<RecordingPage> {
	const path = `/v1/recordings?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
	const {reply, json} = await call(base, 'GET', '/v1/recordings', path, {token: as});
	expect(reply.status, reply.body.toString('utf8')).toBe(200);
	return json as RecordingPage;
}

async function archive(ids: string[]): Promise<void> {
	const {reply, json} = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids}});
	expect(reply.status).toBe(200);
	expect(json.errors).toEqual([]);
}

/** Deterministic choice without Math.random, so a failure can be replayed. */
function* numbers(seed: number): Generator<number> {
	let state = seed;
	for (;;) {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		yield state / 2_147_483_648;
	}
}

describe('cursor pagination', () => {
	it('is sorted by callStart, then id', async () => {
		const all = (await listAll(base, token, 'includeArchived=true', 250)).filter(item => !item.recycled);
		for (let index = 1; index < all.length; index++) {
			const [previous, current] = [all[index - 1]!, all[index]!];
			const order = Date.parse(previous.callStart) - Date.parse(current.callStart) || (previous.id < current.id ? -1 : 1);
			expect(order, `${previous.id} ${previous.callStart} before ${current.id} ${current.callStart}`).toBeLessThan(0);
		}
	});

	it('neither skips nor repeats while recordings are archived between pages (limit 7)', async () => {
		const query = 'from=2026-10-01&to=2026-10-31';
		const listed = await listAll(base, token, query);
		const before = listed.map(item => item.id);
		// Recycled contacts cannot be archived (409); they are listed like the others.
		const recycled = new Set(listed.filter(item => item.recycled).map(item => item.id));
		const position = new Map(before.map((id, index) => [id, index]));
		expect(before.length).toBeGreaterThan(1000);
		const random = numbers(7);
		const next = () => random.next().value as number;
		const seen: string[] = [];
		const archivedAhead = new Set<string>();
		const archivedBehind = new Set<string>();
		let cursor: string | null = null;
		let pages = 0;
		do {
			// `limit` may differ between pages of the same walk.
			const current: RecordingPage = await page(query, cursor, pages % 5 === 4 ? 3 : 7);
			pages++;
			expect(current.total).toBe(before.length - archivedAhead.size - archivedBehind.size);
			for (const item of current.items) {
				expect(item.archived, `${item.id} is archived but listed`).toBe(false);
			}

			seen.push(...current.items.map(item => item.id));
			cursor = current.nextCursor;
			if (!cursor) {
				break;
			}

			// Archive between pages: the cursor's own anchor (the last item shown), the very next one, one far ahead, one
			// already seen. The anchor being archived must not lose the position.
			const reached = position.get(seen.at(-1)!)!;
			const candidates = [seen.at(-1)!, before[reached + 1], before[reached + 1 + Math.floor(next() * 200)], seen[Math.floor(next() * seen.length)]];
			const fresh = [...new Set(candidates.filter((id): id is string => id !== undefined && !recycled.has(id) && !archivedAhead.has(id) && !archivedBehind.has(id)))]
				.filter(() => next() < 0.6);
			if (fresh.length > 0) {
				await archive(fresh);
				for (const id of fresh) {
					(position.get(id)! > reached ? archivedAhead : archivedBehind).add(id);
				}
			}
		} while (cursor);

		expect(pages).toBeGreaterThan(100);
		expect(archivedAhead.size).toBeGreaterThan(50);
		expect(archivedBehind.size).toBeGreaterThan(50);
		expect(new Set(seen).size, 'an id was returned twice').toBe(seen.length);
		const expected = before.filter(id => !archivedAhead.has(id));
		expect(seen).toEqual(expected);
		// The listing afterwards no longer holds anything archived during the walk.
		const after = new Set((await listAll(base, token, query)).map(item => item.id));
		expect(before.filter(id => after.has(id))).toEqual(before.filter(id => !archivedAhead.has(id) && !archivedBehind.has(id)));
	});

	it('with includeArchived=true, archiving between pages changes nothing: every recording exactly once', async () => {
		const query = 'includeArchived=true';
		const before = (await listAll(base, token, query)).map(item => item.id);
		const seen: string[] = [];
		let cursor: string | null = null;
		let shown = 0;
		do {
			const current: RecordingPage = await page(query, cursor, 7);
			expect(current.total).toBe(before.length);
			seen.push(...current.items.map(item => item.id));
			cursor = current.nextCursor;
			const ahead = before.slice(seen.length, seen.length + 3).filter((_, index) => (shown + index) % 2 === 0);
			const live = current.items.filter(item => !item.recycled && !item.archived).map(item => item.id).slice(0, 1);
			const ids = [...ahead, ...live];
			shown++;
			if (ids.length > 0 && cursor) {
				const {json} = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids}});
				// Recycled contacts cannot be archived (conflict); everything else can.
				expect(json.errors.every((error: {code: string}) => error.code === 'conflict')).toBe(true);
			}
		} while (cursor);

		expect(seen).toEqual(before);
	});

	it('a cursor is tied to its query and user: 409 conflict otherwise; another limit is fine', async () => {
		const query = 'channel=voice&from=2026-10-02';
		const first = await page(query, null, 5);
		expect(first.nextCursor).toEqual(expect.any(String));
		const cursor = encodeURIComponent(first.nextCursor!);
		const second = await page(query, first.nextCursor, 11);
		expect(second.items.length).toBe(11);
		const supervisor = (await login(base, 'supervisor')).accessToken;
		const different = [
			'channel=video&from=2026-10-02', 'channel=voice&from=2026-10-03', 'channel=voice', 'channel=voice&from=2026-10-02&to=2026-10-20',
			'channel=voice&from=2026-10-02&campaign=101', 'channel=voice&from=2026-10-02&includeArchived=true',
		];
		for (const other of different) {
			const {reply, json} = await call(base, 'GET', '/v1/recordings', `/v1/recordings?${other}&limit=5&cursor=${cursor}`, {token});
			expect(reply.status, other).toBe(409);
			expect(json).toMatchObject({code: 'conflict', parameter: 'cursor'});
		}

		const foreignUser = await call(base, 'GET', '/v1/recordings', `/v1/recordings?${query}&limit=5&cursor=${cursor}`, {token: supervisor});
		expect(foreignUser.reply.status).toBe(409);
		// The same query spelled differently (repeated vs comma-separated channels) is the same query.
		const listed = await page('channel=voice,video', null, 3);
		const respelled = await call(base, 'GET', '/v1/recordings', `/v1/recordings?channel=video&channel=voice&limit=3&cursor=${encodeURIComponent(listed.nextCursor!)}`, {token});
		expect(respelled.reply.status).toBe(200);
	});

	it('a garbage cursor is 422 invalid-parameter', async () => {
		const forged = Buffer.from(JSON.stringify({after: 'x', key: 1})).toString('base64url');
		for (const cursor of ['garbage', '!!!', '%00', forged, 'eyJ9', Buffer.from('[]').toString('base64url')]) {
			const {reply, json} = await call(base, 'GET', '/v1/recordings', `/v1/recordings?limit=5&cursor=${encodeURIComponent(cursor)}`, {token});
			expect(reply.status, cursor).toBe(422);
			expect(json).toMatchObject({code: 'invalid-parameter', parameter: 'cursor'});
		}
	});

	it('the last page has nextCursor null, and a page never exceeds limit', async () => {
		const items: Recording[] = [];
		let cursor: string | null = null;
		let last: RecordingPage;
		do {
			last = await page('channel=email', cursor, 13);
			expect(last.items.length).toBeLessThanOrEqual(13);
			items.push(...last.items);
			cursor = last.nextCursor;
		} while (cursor);

		expect(last.nextCursor).toBeNull();
		expect(items.length).toBe(last.total);
	});
});
