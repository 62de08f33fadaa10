/**
 * `ccdl list --json` against the server's own listing, and `ccdl verify DIR` after a download: clean, then with one
 * file missing, one changed by a byte and one extra.
 */
import {readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, listedFiles, readManifestJsonl, runCcdl, serverListing, tempDir} from '../helpers/ccdl.js';

interface PlanJson {
	outDir: string;
	contacts: number;
	files: number;
	bytes: number;
	downloadBytes: number;
	archivedSkipped: number;
	recycled: number;
	unknownSizes?: number;
	byCampaign: Record<string, number>;
	byChannel: Record<string, number>;
	items: Array<{fileId: string; contactId: string; kind: string; channel: string; campaignId: string; file: string; size: number | null; sha256: string | null; action: string}>;
}

let server: DemoProcess;
let listing: Recording[];
const range = ['--from', '2026-10-02', '--to', '2026-10-11', '--timezone', 'UTC'];
const rangeQuery = {from: '2026-10-02T00:00:00Z', to: '2026-10-12T00:00:00Z'};

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '4000']);
	listing = await serverListing(server.url, rangeQuery);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

function countBy(items: readonly Recording[], key: (item: Recording) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const item of items) {
		counts[key(item)] = (counts[key(item)] ?? 0) + 1;
	}

	return counts;
}

describe('ccdl list --json', () => {
	it('is one valid JSON document whose counts per campaign and channel match the server listing', async () => {
		const out = await tempDir();
		for (const includeArchived of [false, true]) {
			const result = await runCcdl(['list', ...connection(server.url), ...range, '--out', out, '--json', ...includeArchived ? ['--include-archived'] : []]);
			expect(result.code, result.stderr).toBe(0);
			const plan = JSON.parse(result.stdout) as PlanJson;
			const wanted = listing.filter(item => includeArchived || !item.archived);
			expect(plan.outDir).toBe(out);
			expect(plan.contacts).toBe(wanted.length);
			expect(plan.archivedSkipped).toBe(listing.length - wanted.length);
			expect(plan.recycled).toBe(wanted.filter(item => item.recycled).length);
			expect(plan.byCampaign).toEqual(countBy(wanted, item => item.campaignName));
			expect(plan.byChannel).toEqual(countBy(wanted, item => item.channel));

			// Every listed media file and screenshot is planned once, with the listing's size and digest.
			const media = listedFiles(wanted);
			const plannedMedia = plan.items.filter(item => item.kind !== 'transcript');
			expect(plannedMedia.map(item => item.sha256).sort()).toEqual(media.map(file => file.sha256).sort());
			expect(plannedMedia.reduce((sum, item) => sum + item.size!, 0)).toBe(media.reduce((sum, file) => sum + file.size, 0));
			expect(plan.items.filter(item => item.kind === 'transcript').map(item => item.contactId).sort())
				.toEqual(wanted.filter(item => item.transcript).map(item => item.id).sort());
			expect(plan.files).toBe(plan.items.length);
			expect(plan.bytes).toBe(plannedMedia.reduce((sum, item) => sum + item.size!, 0));
			// Names are unique (case-insensitively, as on Windows and macOS) and stay inside the folder.
			const names = plan.items.map(item => item.file.normalize('NFC').toLowerCase());
			expect(new Set(names).size).toBe(names.length);
			for (const item of plan.items) {
				expect(item.file).not.toMatch(/^\/|(^|\/)\.\.(\/|$)|\\/);
				expect(item.action).toBe('download');
			}

			// Per campaign the items name the same campaigns as the listing.
			const campaignsOfItems = new Set(plan.items.map(item => item.campaignId));
			expect(campaignsOfItems).toEqual(new Set(wanted.filter(item => !item.recycled).map(item => item.campaignId)));
		}
	});

	it('filters by campaign (name or ID) and channel like the server does', async () => {
		const out = await tempDir();
		const result = await runCcdl(['list', ...connection(server.url), ...range, '--out', out, '--json', '--include-archived',
			'--campaign', '102', '--campaign', 'Közösségi média', '--channel', 'chat', '--channel', 'email']);
		expect(result.code, result.stderr).toBe(0);
		const plan = JSON.parse(result.stdout) as PlanJson;
		const wanted = await serverListing(server.url, {...rangeQuery, campaign: ['102', '108'], channel: ['chat', 'email']});
		expect(plan.contacts).toBe(wanted.length);
		expect(plan.byChannel).toEqual(countBy(wanted, item => item.channel));
		expect(Object.keys(plan.byChannel).every(channel => channel === 'chat' || channel === 'email')).toBe(true);
		expect(new Set(plan.items.map(item => item.campaignId))).toEqual(new Set(['102', '108']));
	});
});

describe('ccdl verify DIR', () => {
	let out: string;

	beforeAll(async () => {
		out = await tempDir();
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', out, '--template', '{campaignName}/{callStart}-{callId}']);
		expect(result.code, result.stderr).toBe(0);
	});

	it('after a download: exit 0, every file matches', async () => {
		const result = await runCcdl(['verify', out]);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(result.stdout).toContain(`${rows.length} of ${rows.length} files match the manifest; 0 missing, 0 changed, 0 extra.`);
		const report = await runCcdl(['verify', '--json', out]);
		expect(report.code).toBe(0);
		expect(JSON.parse(report.stdout)).toMatchObject({checked: rows.length, ok: rows.length, missing: [], changed: [], extra: []});
	});

	it('a missing, a changed (one byte) and an extra file: exit 1, each named', async () => {
		const rows = (await readManifestJsonl(out)).filter(row => row.file && row.status === 'valid');
		const missing = rows[0]!.file;
		const changed = rows.find(row => row.fileKind === 'recording' && row.file !== missing)!.file;
		const extra = `${path.posix.dirname(changed)}/notes from the user.txt`;
		await rm(path.join(out, missing));
		const bytes = await readFile(path.join(out, changed));
		const middle = Math.floor(bytes.length / 2);
		bytes[middle] = bytes[middle]! ^ 0x01;
		await writeFile(path.join(out, changed), bytes);
		await writeFile(path.join(out, extra), 'not from ccdl\n');

		const result = await runCcdl(['verify', out]);
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const lines = result.stdout.split('\n');
		expect(lines).toContain(`missing  ${missing}`);
		expect(lines.some(line => line.startsWith(`changed  ${changed}: `) && /SHA-256/.test(line))).toBe(true);
		expect(lines).toContain(`extra    ${extra}`);
		expect(result.stdout).toContain(`${rows.length - 2} of ${rows.length} files match the manifest; 1 missing, 1 changed, 1 extra.`);

		const report = await runCcdl(['verify', '--json', out]);
		expect(report.code).toBe(1);
		const json = JSON.parse(report.stdout) as {missing: string[]; changed: Array<{file: string}>; extra: string[]; ok: number};
		expect(json.missing).toEqual([missing]);
		expect(json.changed.map(item => item.file)).toEqual([changed]);
		expect(json.extra).toEqual([extra]);
		expect(json.ok).toBe(rows.length - 2);
	});

	it('a file cut short is reported changed by its size', async () => {
		const rows = (await readManifestJsonl(out)).filter(row => row.file && row.status === 'valid');
		const target = rows.find(row => row.fileKind === 'recording' && row.file !== rows[0]!.file)!;
		const bytes = await readFile(path.join(out, target.file));
		await writeFile(path.join(out, target.file), bytes.subarray(0, bytes.length - 10));
		const result = await runCcdl(['verify', out]);
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(new RegExp(`^changed  ${target.file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}: size ${bytes.length - 10}`, 'm'));
		await writeFile(path.join(out, target.file), bytes);
	});
});
