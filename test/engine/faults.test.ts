/**
 * Downloads under injected faults (resets, truncated bodies, 500/503, 429 with Retry-After), against the demo server
 * as a separate process and the real binary. The test hashes every final file itself and compares with the server's
 * listing and the manifest; no temporary file may be left except for files reported failed.
 */
import {createHash} from 'node:crypto';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, isPartial, listedFiles, type ManifestLine, readManifestJsonl, runCcdl, serverListing, serverToken, sha256File,
	tempDir, walk,
} from '../helpers/ccdl.js';

const faults = 'reset=0.1,truncate=0.1,500=0.05,503=0.03,429=0.05,max=3,retryAfter=1';
const range = ['--from', '2026-10-12', '--to', '2026-10-14', '--timezone', 'UTC'];
const rangeQuery = {from: '2026-10-12T00:00:00Z', to: '2026-10-15T00:00:00Z'};
const servers: DemoProcess[] = [];

afterAll(async () => {
	await Promise.all(servers.map(async server => server.stop()));
	await cleanup();
});

/** The partial-file name ccdl uses for a final path (transfer.ts: hidden, deterministic, short). */
function partialName(relative: string): string {
	return `.ccdl-${createHash('sha256').update(path.posix.basename(relative)).digest('hex').slice(0, 20)}.part`;
}

/** A transcript's bytes straight from the server, retried past injected faults until they match its Repr-Digest. */
async function transcriptDigest(url: string, token: string, href: string): Promise<string> {
	for (let attempt = 0; attempt < 12; attempt++) {
		try {
			const response = await fetch(`${url}${href}?format=json`, {headers: {authorization: `Bearer ${token}`}});
			const body = Buffer.from(await response.arrayBuffer());
			const announced = /sha-256=:([^:]+):/.exec(response.headers.get('repr-digest') ?? '')?.[1];
			const digest = createHash('sha256').update(body).digest('hex');
			if (response.status === 200 && announced && Buffer.from(announced, 'base64').toString('hex') === digest) {
				return digest;
			}
		} catch {}

		await new Promise(resolve => setTimeout(resolve, 100));
	}

	throw new Error(`could not fetch ${href} cleanly`);
}

/** Checks every valid manifest row against the file on disk (hashed here) and the server's listing. */
async function checkValidFiles(out: string, rows: ManifestLine[], expected: Recording[], url: string): Promise<void> {
	const token = await serverToken(url);
	const byContact = new Map(expected.map(item => [item.id, item]));
	for (const row of rows.filter(item => item.status === 'valid')) {
		const file = path.join(out, ...row.file.split('/'));
		const digest = await sha256File(file);
		expect(digest, row.file).toBe(row.sha256);
		const contact = byContact.get(row.contactId);
		expect(contact, row.file).toBeDefined();
		if (row.fileKind === 'transcript') {
			expect(digest, row.file).toBe(await transcriptDigest(url, token, contact!.transcript!.href));
		} else {
			const listed = listedFiles([contact!]).map(item => item.sha256);
			expect(listed, row.file).toContain(digest);
			expect(row.size).toBe(listedFiles([contact!]).find(item => item.sha256 === digest)!.size);
		}
	}
}

describe('download under injected faults', () => {
	it.concurrent('ends with exit 0 and every recording valid: hashes match the listing and the manifest, no partial files left', async () => {
		const server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '20000', '--faults', faults]);
		servers.push(server);
		const before = await serverListing(server.url, rangeQuery);
		const expected = before.filter(item => !item.archived && !item.recycled);
		expect(expected.length).toBeGreaterThan(20);
		const out = await tempDir();
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', out]);
		expect(result.code, result.stderr).toBe(0);
		const stats = await server.stats();
		// The faults really happened (the spec is deterministic per seed).
		const injected = stats.faultsInjected;
		expect((injected['reset'] ?? 0) + (injected['truncate'] ?? 0)).toBeGreaterThan(0);
		expect((injected['429'] ?? 0) + (injected['503'] ?? 0) + (injected['500'] ?? 0)).toBeGreaterThan(0);
		// Retries are reported one line each, and the run never had more transfers going than its concurrency (8).
		expect(result.stderr).toMatch(/^retry {4}/m);
		expect(Math.max(...Object.values(stats.maxInFlight))).toBeLessThanOrEqual(8);

		const rows = await readManifestJsonl(out);
		const fileRows = rows.filter(row => row.file);
		expect(fileRows.every(row => row.status === 'valid'), JSON.stringify(fileRows.filter(row => row.status !== 'valid'))).toBe(true);
		// Every listed media file and screenshot is on disk once, and every transcript.
		const wantedDigests = listedFiles(expected).map(item => item.sha256).sort();
		expect(fileRows.filter(row => row.fileKind !== 'transcript').map(row => row.sha256).sort()).toEqual(wantedDigests);
		expect(fileRows.filter(row => row.fileKind === 'transcript').map(row => row.contactId).sort())
			.toEqual(expected.filter(item => item.transcript).map(item => item.id).sort());
		await checkValidFiles(out, rows, expected, server.url);

		const onDisk = await walk(out);
		expect(onDisk.filter(isPartial)).toEqual([]);
		expect(onDisk.filter(file => file.includes('.ccdl-'))).toEqual([]);
		expect(onDisk.sort()).toEqual([...fileRows.map(row => row.file), 'manifest.csv', 'manifest.jsonl'].sort());

		// Every downloaded contact is now archived on the server.
		const after = await serverListing(server.url, rangeQuery);
		const archived = new Set(after.filter(item => item.archived).map(item => item.id));
		expect(expected.filter(item => !archived.has(item.id)).map(item => item.id)).toEqual([]);
	});

	it.concurrent('with broken recordings: those are reported failed (exit 1) with a reason in stderr and the manifest, the rest valid', async () => {
		const server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '20000', '--faults', 'broken=0.05,reset=0.05,500=0.05,max=3']);
		servers.push(server);
		const before = await serverListing(server.url, rangeQuery);
		const expected = before.filter(item => !item.archived && !item.recycled);
		const out = await tempDir();
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', out]);
		expect(result.code, result.stderr).toBe(1);

		const rows = await readManifestJsonl(out);
		const failed = rows.filter(row => row.status === 'failed');
		expect(failed.length).toBeGreaterThan(0);
		expect(rows.filter(row => row.file && row.status !== 'valid' && row.status !== 'failed')).toEqual([]);
		for (const row of failed) {
			expect(row.error, row.file).not.toBe('');
			expect(row.sha256, row.file).toBe('');
			// Named in stderr with its reason (the summary line "failed: FILE: REASON").
			expect(result.stderr).toContain(`failed: ${row.file}: ${row.error}`);
		}

		// A broken recording fails all of its files; every other contact's files are valid.
		const failedContacts = new Set(failed.map(row => row.contactId));
		expect(failedContacts.size).toBeLessThan(expected.length / 4);
		await checkValidFiles(out, rows, expected, server.url);
		const validDigests = rows.filter(row => row.status === 'valid' && row.fileKind !== 'transcript').map(row => row.sha256).sort();
		expect(validDigests).toEqual(listedFiles(expected.filter(item => !failedContacts.has(item.id))).map(item => item.sha256).sort());

		// Only failed files may leave partial files; no final file exists for them.
		const onDisk = await walk(out);
		const allowed = new Set(failed.flatMap(row => {
			const folder = path.posix.dirname(row.file) === '.' ? '' : `${path.posix.dirname(row.file)}/`;
			const part = `${folder}${partialName(row.file)}`;
			return [part, `${part}.json`];
		}));
		for (const file of onDisk.filter(item => item.includes('.ccdl-'))) {
			expect(allowed.has(file), `unexpected leftover ${file}`).toBe(true);
		}

		for (const row of failed) {
			expect(onDisk).not.toContain(row.file);
		}

		// Contacts with a failed file are not marked archived; the others are.
		const after = new Map((await serverListing(server.url, rangeQuery)).map(item => [item.id, item]));
		for (const item of expected) {
			expect(after.get(item.id)!.archived, item.id).toBe(!failedContacts.has(item.id));
		}
	});
});
