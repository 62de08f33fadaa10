/**
 * The engine honours download profiles, against the demo server as a separate process and the real binary:
 * - blended (assigned globally): the server's per-channel maxima of transfers in flight, and ccdl's own progress
 *   events, never exceed the profile's counts; every file valid, hashes as listed;
 * - exclusive (assigned to the login's company): never two channels in flight at once — the server only records
 *   maxima, so the intervals per channel are rebuilt from the order of the JSON-lines events;
 * - a channel at 0 (campaign profile over the global default): its files are skipped with reason "profile", not
 *   failed, not marked archived, and the exit code is 0.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Channel} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, listedFiles, type ManifestLine, readManifestJsonl, runCcdl, serverListing, sha256File, tempDir,
} from '../helpers/ccdl.js';

const channels: Channel[] = ['voice', 'video', 'chat', 'email', 'social'];
const range = ['--from', '2026-10-18', '--to', '2026-10-31', '--timezone', 'UTC'];
const rangeQuery = {from: '2026-10-18T00:00:00Z', to: '2026-11-01T00:00:00Z'};
let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '250', '--seed', '11', '--media-size', '150000', '--latency', '20']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

async function profile(config: string, ...args: string[]): Promise<void> {
	const result = await runCcdl(['profile', ...args], {env: {CCDL_CONFIG_DIR: config}});
	expect(result.code, result.stderr).toBe(0);
}

interface JsonEvent {
	type: string;
	fileId?: string;
	path?: string;
	reason?: string;
	[key: string]: unknown;
}

function parseEvents(stdout: string): JsonEvent[] {
	return stdout.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as JsonEvent);
}

/** fileId → channel, from the queued events' paths and the manifest's rows. */
function channelsOf(events: JsonEvent[], rows: ManifestLine[]): Map<string, Channel> {
	const byPath = new Map(rows.filter(row => row.file).map(row => [row.file, row.channel as Channel]));
	const result = new Map<string, Channel>();
	for (const event of events.filter(item => item.type === 'queued')) {
		const channel = byPath.get(event.path!);
		expect(channel, event.path).toBeDefined();
		result.set(event.fileId!, channel!);
	}

	return result;
}

/**
 * Files of each channel in flight as the events tell it: from a file's first "started" to its "validated" or
 * "failed". Returns the most at once per channel and every moment (event index) two channels overlapped.
 */
function replay(events: JsonEvent[], channelOf: Map<string, Channel>): {max: Partial<Record<Channel, number>>; overlaps: string[]; order: Channel[]} {
	const running = new Map<Channel, Set<string>>(channels.map(channel => [channel, new Set()]));
	const max: Partial<Record<Channel, number>> = {};
	const overlaps: string[] = [];
	const order: Channel[] = [];
	for (const [index, event] of events.entries()) {
		const channel = event.fileId === undefined ? undefined : channelOf.get(event.fileId);
		if (!channel) {
			continue;
		}

		if (event.type === 'started') {
			running.get(channel)!.add(event.fileId!);
			max[channel] = Math.max(max[channel] ?? 0, running.get(channel)!.size);
			const busy = channels.filter(other => other !== channel && running.get(other)!.size > 0);
			if (busy.length > 0) {
				overlaps.push(`event ${index}: ${channel} started while ${busy.join(', ')} in flight`);
			}

			if (order.at(-1) !== channel) {
				order.push(channel);
			}
		} else if (event.type === 'validated' || event.type === 'failed') {
			running.get(channel)!.delete(event.fileId!);
		}
	}

	return {max, overlaps, order};
}

async function expectValidFiles(out: string, rows: ManifestLine[]): Promise<void> {
	const listing = await serverListing(server.url, rangeQuery);
	const byContact = new Map(listing.map(item => [item.id, item]));
	for (const row of rows.filter(item => item.status === 'valid')) {
		const digest = await sha256File(path.join(out, ...row.file.split('/')));
		expect(digest, row.file).toBe(row.sha256);
		if (row.fileKind !== 'transcript') {
			expect(listedFiles([byContact.get(row.contactId)!]).map(file => file.sha256), row.file).toContain(digest);
		}
	}
}

describe('downloads under a profile', () => {
	it('blended, assigned globally: at most each channel\'s count in flight, everything valid', async () => {
		const config = await tempDir();
		const counts = {voice: 2, video: 1, chat: 1, email: 1, social: 1};
		await profile(config, 'create', 'Blend', '--mode', 'blended', ...Object.entries(counts).flatMap(([channel, count]) => [`--${channel}`, String(count)]));
		await profile(config, 'assign', 'Blend', '--global');
		await server.resetStats();
		const out = await tempDir();
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--include-archived', '--no-archive', '--out', out, '--json'],
			{env: {CCDL_CONFIG_DIR: config}});
		expect(result.code, result.stderr).toBe(0);
		const stats = await server.stats();
		for (const channel of channels) {
			expect(stats.maxInFlight[channel], channel).toBeLessThanOrEqual(counts[channel]);
			expect(stats.maxInFlight[channel], channel).toBeGreaterThan(0);
		}

		const events = parseEvents(result.stdout);
		const rows = await readManifestJsonl(out);
		expect(rows.filter(row => row.file).length).toBeGreaterThan(60);
		expect(rows.filter(row => row.file && row.status !== 'valid')).toEqual([]);
		const summary = events.at(-1)!;
		expect(summary).toMatchObject({type: 'summary', failed: 0, skipped: 0, skippedByProfile: 0});
		expect(summary['valid']).toBe(rows.filter(row => row.file).length);
		const {max, overlaps} = replay(events, channelsOf(events, rows));
		for (const channel of channels) {
			expect(max[channel] ?? 0, channel).toBeLessThanOrEqual(counts[channel]);
		}

		// Blended really runs channels side by side (what the exclusive test rules out).
		expect(overlaps.length).toBeGreaterThan(0);
		await expectValidFiles(out, rows);
	});

	it('exclusive, assigned to the login\'s company: never two channels in flight at once, in the documented order', async () => {
		const config = await tempDir();
		const counts = {voice: 3, video: 1, chat: 2, email: 1, social: 2};
		await profile(config, 'create', 'Egyenként', '--mode', 'exclusive', ...Object.entries(counts).flatMap(([channel, count]) => [`--${channel}`, String(count)]));
		await profile(config, 'create', 'Unused global', '--mode', 'blended', '--voice', '8', '--chat', '8');
		await profile(config, 'assign', 'Unused global', '--global');
		// The demo server's tenant is "demo": the company level wins over the global one.
		await profile(config, 'assign', 'egyenként', '--company', 'DEMO');
		await server.resetStats();
		const out = await tempDir();
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--include-archived', '--no-archive', '--out', out, '--json'],
			{env: {CCDL_CONFIG_DIR: config}});
		expect(result.code, result.stderr).toBe(0);
		const stats = await server.stats();
		for (const channel of channels) {
			expect(stats.maxInFlight[channel], channel).toBeLessThanOrEqual(counts[channel]);
		}

		const events = parseEvents(result.stdout);
		const rows = await readManifestJsonl(out);
		expect(rows.filter(row => row.file && row.status !== 'valid')).toEqual([]);
		const {max, overlaps, order} = replay(events, channelsOf(events, rows));
		expect(overlaps).toEqual([]);
		expect(order).toEqual(channels);
		for (const channel of channels) {
			expect(max[channel] ?? 0, channel).toBeLessThanOrEqual(counts[channel]);
		}

		expect(max.voice).toBeGreaterThan(1);
	});

	it('a channel at 0: files skipped with reason "profile", not failed, not archived; exit 0; the plan says which profiles apply', async () => {
		const config = await tempDir();
		// Globally the built-in voice-only profile; campaign 108 (social, chat, email) its own: chat and social, no e-mail.
		await profile(config, 'assign', 'Default_Voice_Profile', '--global');
		await profile(config, 'create', 'Social and chat', '--mode', 'blended', '--chat', '2', '--social', '1');
		await profile(config, 'assign', 'Social and chat', '--campaign', '108');
		const out = await tempDir();
		const before = (await serverListing(server.url, rangeQuery)).filter(item => !item.recycled);
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--include-archived', '--out', out],
			{env: {CCDL_CONFIG_DIR: config}});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toMatch(/^profile: "Default_Voice_Profile" \(global\) for \d+ files — blended: .*; at once: voice 8; not downloaded: video, chat, email, social$/m);
		expect(result.stderr).toMatch(/^profile: "Social and chat" \(campaign 108\) for \d+ files/m);
		expect(result.stderr).toMatch(/^ {2}not downloaded under "Social and chat" \(channel at 0\): (\d+) files — email \1$/m);
		expect(result.stderr).toMatch(/^Done: \d+ valid, 0 already there, \d+ skipped by profile, 0 failed;/m);

		const expectedSkipped = (row: ManifestLine) => row.campaignId === '108' ? row.channel === 'email' : row.channel !== 'voice';
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		const skipped = rows.filter(row => expectedSkipped(row));
		expect(skipped.length).toBeGreaterThan(10);
		expect(rows.filter(row => row.campaignId === '108' && row.channel === 'email').length).toBeGreaterThan(0);
		expect(rows.filter(row => row.campaignId === '108' && row.channel !== 'email' && row.status === 'valid').length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.status, `${row.campaignId} ${row.channel} ${row.file}`).toBe(expectedSkipped(row) ? 'skipped-profile' : 'valid');
		}

		// One line per skipped file in the progress log, with its reason.
		expect(result.stderr.match(/^skipped {2}.* \(profile\)$/gm)?.length).toBe(skipped.length);
		// Skipped contacts stay unarchived on the server; downloaded ones are archived.
		const after = new Map((await serverListing(server.url, rangeQuery)).map(item => [item.id, item]));
		for (const row of rows) {
			const wasArchived = before.find(item => item.id === row.contactId)?.archived;
			if (row.status === 'skipped-profile' && !wasArchived) {
				expect(after.get(row.contactId)!.archived, row.contactId).toBe(false);
			}

			if (row.status === 'valid') {
				expect(after.get(row.contactId)!.archived, row.contactId).toBe(true);
			}
		}

		// The folder verifies: skipped files are not expected on disk.
		const verify = await runCcdl(['verify', out]);
		expect(verify.code, verify.stdout + verify.stderr).toBe(0);
		await expectValidFiles(out, rows);

		// --profile overrides every assignment for one run: now everything is downloaded.
		const all = await runCcdl(['download', ...connection(server.url), ...range, '--include-archived', '--no-archive', '--out', out, '--profile', 'Social and chat', '--json'],
			{env: {CCDL_CONFIG_DIR: config}});
		expect(all.code, all.stderr).toBe(0);
		const overridden = parseEvents(all.stdout);
		const byProfile = overridden.filter(event => event.type === 'skipped' && event.reason === 'profile').length;
		expect(overridden.at(-1)).toMatchObject({type: 'summary', failed: 0, skippedByProfile: byProfile});
		const afterOverride = (await readManifestJsonl(out)).filter(row => row.file);
		for (const row of afterOverride) {
			const zero = row.channel === 'voice' || row.channel === 'video' || row.channel === 'email';
			// A file valid from the first run stays valid in the manifest even when this run skipped its channel.
			expect(row.status, `${row.channel} ${row.file}`).toBe(zero && !rows.some(first => first.file === row.file && first.status === 'valid') ? 'skipped-profile' : 'valid');
		}
	});
});
