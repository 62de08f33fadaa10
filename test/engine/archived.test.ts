/**
 * Archived contacts: a default plan leaves them out and says how many; --include-archived adds them; a download
 * marks what it fetched archived on the server, so the next plan has nothing left to download.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, runCcdl, serverListing, tempDir} from '../helpers/ccdl.js';

interface PlanJson {
	contacts: number;
	files: number;
	downloadBytes: number;
	archivedSkipped: number;
	recycled: number;
	items: Array<{contactId: string; file: string}>;
}

let server: DemoProcess;
let out: string;
let before: Recording[];
const range = ['--from', '2026-10-21', '--to', '2026-10-23', '--timezone', 'UTC'];

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '20000']);
	out = await tempDir();
	before = await serverListing(server.url, {from: '2026-10-21T00:00:00Z', to: '2026-10-24T00:00:00Z'});
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

async function plan(...extra: string[]): Promise<PlanJson> {
	const result = await runCcdl(['list', ...connection(server.url), ...range, '--out', out, '--json', ...extra]);
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as PlanJson;
}

describe('archived contacts', () => {
	it('a default plan leaves archived contacts out and counts them; --include-archived lists them', async () => {
		const archived = before.filter(item => item.archived);
		expect(archived.length).toBeGreaterThan(2);
		const plain = await plan();
		expect(plain.archivedSkipped).toBe(archived.length);
		expect(plain.contacts).toBe(before.length - archived.length);
		const planned = new Set(plain.items.map(item => item.contactId));
		expect(archived.filter(item => planned.has(item.id))).toEqual([]);

		const all = await plan('--include-archived');
		expect(all.archivedSkipped).toBe(0);
		expect(all.contacts).toBe(before.length);
		const withArchived = new Set(all.items.map(item => item.contactId));
		expect(archived.filter(item => !withArchived.has(item.id)).map(item => item.id)).toEqual([]);
		expect(all.files).toBeGreaterThan(plain.files);
	});

	it('after a download the server lists the contacts archived, and a second plan has nothing to download', async () => {
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', out]);
		expect(result.code, result.stderr).toBe(0);
		const after = await serverListing(server.url, {from: '2026-10-21T00:00:00Z', to: '2026-10-24T00:00:00Z'});
		expect(after.filter(item => !item.recycled && !item.archived).map(item => item.id)).toEqual([]);

		const second = await plan();
		expect(second.files).toBe(0);
		expect(second.downloadBytes).toBe(0);
		expect(second.items).toEqual([]);
		// Only recycled contacts (never archived: there is nothing to download) are left in the plan.
		expect(second.contacts).toBe(second.recycled);
		expect(second.archivedSkipped).toBe(after.filter(item => !item.recycled).length);
	});
});
