/** Role scoping: the supervisor sees and touches only the campaigns assigned to them (101, 102, 105). */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {call, listAll, login, pick} from './support.js';

const assigned = ['101', '102', '105'];
let server: DemoProcess;
let base: string;
let adminToken: string;
let token: string;
let everything: Recording[];

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '800', '--seed', '21']);
	base = server.url;
	adminToken = (await login(base)).accessToken;
	token = (await login(base, 'supervisor')).accessToken;
	everything = await listAll(base, adminToken);
});

afterAll(async () => {
	await server?.stop();
});

const foreign = () => pick(everything, 'foreign voice call', item => item.channel === 'voice' && !item.recycled && !assigned.includes(item.campaignId));

describe('role scoping', () => {
	it('GET /v1/campaigns lists only the assigned campaigns for a supervisor, all for an admin', async () => {
		const mine = await call(base, 'GET', '/v1/campaigns', '/v1/campaigns', {token});
		expect(mine.json.items.map((campaign: {id: string}) => campaign.id)).toEqual(assigned);
		const all = await call(base, 'GET', '/v1/campaigns', '/v1/campaigns', {token: adminToken});
		expect(all.json.items.length).toBe(8);
		expect(all.json.items.filter((campaign: {id: string}) => assigned.includes(campaign.id))).toEqual(mine.json.items);
	});

	it('an unscoped listing holds exactly the admin\'s recordings of the assigned campaigns', async () => {
		const mine = await listAll(base, token, 'includeArchived=true', 97);
		const expected = everything.filter(item => item.recycled || assigned.includes(item.campaignId));
		const visible = mine.filter(item => !item.recycled);
		expect(visible.length).toBeGreaterThan(100);
		expect(visible.every(item => assigned.includes(item.campaignId))).toBe(true);
		expect(new Set(visible.map(item => item.campaignId))).toEqual(new Set(assigned));
		expect(visible.map(item => item.id)).toEqual(expected.filter(item => !item.recycled).map(item => item.id));
		// Recycled contacts hide their campaign, so they can only be checked against the admin's listing: each is one
		// of the admin's recycled contacts, and the whole listing keeps the admin's order.
		const adminPosition = new Map(everything.map((item, position) => [item.id, position]));
		const positions = mine.map(item => adminPosition.get(item.id) ?? -1);
		expect(positions).not.toContain(-1);
		expect(positions).toEqual([...positions].sort((a, b) => a - b));
		expect(mine.filter(item => item.recycled).every(item => everything[adminPosition.get(item.id)!]!.recycled)).toBe(true);
		expect(new Set(mine.map(item => item.id)).size).toBe(mine.length);
		const firstPage = await call(base, 'GET', '/v1/recordings', '/v1/recordings?includeArchived=true&limit=1', {token});
		expect(firstPage.json.total).toBe(mine.length);
	});

	it('naming a foreign campaign in a listing is 403 campaign-not-assigned', async () => {
		for (const query of ['campaign=103', 'campaign=101&campaign=104', 'campaign=102,108', 'campaign=101&campaign=105&campaign=106']) {
			const {reply, json} = await call(base, 'GET', '/v1/recordings', `/v1/recordings?${query}`, {token});
			expect(reply.status, query).toBe(403);
			expect(json).toMatchObject({code: 'campaign-not-assigned', parameter: 'campaign'});
		}

		const own = await call(base, 'GET', '/v1/recordings', '/v1/recordings?campaign=105&includeArchived=true&limit=1000', {token});
		expect(own.reply.status).toBe(200);
		expect(own.json.items.length).toBeGreaterThan(0);
		expect(own.json.items.filter((item: Recording) => !item.recycled).every((item: Recording) => item.campaignId === '105')).toBe(true);
		// The admin may name any campaign.
		expect((await call(base, 'GET', '/v1/recordings', '/v1/recordings?campaign=103', {token: adminToken})).reply.status).toBe(200);
	});

	it('reading, downloading or archiving a foreign recording is 403', async () => {
		const call1 = foreign();
		const video = pick(everything, 'foreign video call', item => item.channel === 'video' && !item.recycled && !assigned.includes(item.campaignId));
		const text = pick(everything, 'foreign transcript', item => item.transcript !== null && !assigned.includes(item.campaignId));
		const attempts: Array<[string, string, string]> = [
			['GET', '/v1/recordings/{id}', `/v1/recordings/${call1.id}`],
			['GET', '/v1/recordings/{id}/media', `/v1/recordings/${call1.id}/media`],
			['HEAD', '/v1/recordings/{id}/media', `/v1/recordings/${call1.id}/media`],
			['GET', '/v1/recordings/{id}/screenshots/{index}', video.screenshots[0]!.href],
			['HEAD', '/v1/recordings/{id}/screenshots/{index}', video.screenshots[0]!.href],
			['GET', '/v1/recordings/{id}/transcript', text.transcript!.href],
			['POST', '/v1/recordings/{id}/archive', `/v1/recordings/${call1.id}/archive`],
		];
		for (const [method, template, path] of attempts) {
			const {reply, json} = await call(base, method, template, path, {token, headers: {range: 'bytes=0-9'}});
			expect(reply.status, `${method} ${path}`).toBe(403);
			if (method !== 'HEAD') {
				expect(json.code).toBe('campaign-not-assigned');
			}
		}

		// Nothing was archived by the refused attempt; the admin can still read and download it.
		const after = await call(base, 'GET', '/v1/recordings/{id}', `/v1/recordings/${call1.id}`, {token: adminToken});
		expect(after.json.archived).toBe(call1.archived);
		expect((await call(base, 'GET', '/v1/recordings/{id}/media', `/v1/recordings/${call1.id}/media`, {token: adminToken})).reply.status).toBe(200);
		const batch = await call(base, 'POST', '/v1/recordings/archive', '/v1/recordings/archive', {token, body: {ids: [call1.id]}});
		expect(batch.json).toEqual({items: [], errors: [{id: call1.id, code: 'campaign-not-assigned', detail: expect.any(String)}]});
	});

	it('the supervisor can download recordings of an assigned campaign', async () => {
		const own = pick(everything, 'assigned voice call', item => item.channel === 'voice' && !item.recycled && item.campaignId === '101');
		const {reply} = await call(base, 'GET', '/v1/recordings/{id}/media', `/v1/recordings/${own.id}/media`, {token});
		expect(reply.status).toBe(200);
		expect(reply.body.length).toBe(own.media!.size);
	});
});
