/**
 * Resume from partial files left by an earlier run (made here byte-exactly, so the test does not depend on when a
 * Ctrl-C lands): a good partial continues with Range and only the rest comes over the network; a partial of a
 * recording that has since changed on the server restarts cleanly; a corrupt partial is detected by the digest and
 * replaced. Every final file is valid.
 */
import {createHash} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {
	cleanup, connection, isPartial, readManifestJsonl, runCcdl, serverListing, serverToken, sha256File, startCcdl, tempDir, walk,
} from '../helpers/ccdl.js';

let server: DemoProcess | undefined;
let slow: DemoProcess | undefined;

afterAll(async () => {
	await Promise.all([server?.stop(), slow?.stop()]);
	await cleanup();
});

function partialOf(finalPath: string): string {
	return path.join(path.dirname(finalPath), `.ccdl-${createHash('sha256').update(path.basename(finalPath)).digest('hex').slice(0, 20)}.part`);
}

async function firstBytes(url: string, token: string, href: string, count: number): Promise<Buffer> {
	const response = await fetch(`${url}${href}`, {headers: {authorization: `Bearer ${token}`, range: `bytes=0-${count - 1}`}});
	expect(response.status).toBe(206);
	return Buffer.from(await response.arrayBuffer());
}

describe('resume from partial files', () => {
	it('continues a good partial, restarts a changed or corrupt one; all files valid, only the missing bytes sent', async () => {
		server = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '200000']);
		const out = await tempDir();
		const args = ['--from', '2026-10-12', '--to', '2026-10-14', '--timezone', 'UTC', '--channel', 'voice', '--out', out];
		const planned = await runCcdl(['list', ...connection(server.url), ...args, '--json']);
		expect(planned.code, planned.stderr).toBe(0);
		const items = (JSON.parse(planned.stdout) as {items: Array<{contactId: string; file: string; size: number}>}).items;
		const listing = new Map((await serverListing(server.url, {channel: 'voice'})).map(item => [item.id, item]));
		expect(items.length).toBeGreaterThan(8);
		const [good, changed, corrupt] = items.map(item => ({...item, contact: listing.get(item.contactId)!})) as Array<{contactId: string; file: string; size: number; contact: Recording}>;
		const token = await serverToken(server.url);
		const half = (item: {size: number}) => Math.floor(item.size / 2);
		for (const [item, bytes] of [
			[good!, await firstBytes(server.url, token, good!.contact.media!.href, half(good!))],
			[changed!, await firstBytes(server.url, token, changed!.contact.media!.href, half(changed!))],
			[corrupt!, Buffer.alloc(half(corrupt!), 0x55)],
		] as const) {
			const part = partialOf(path.join(out, item.file));
			const media = item.contact.media!;
			await writeFile(part, bytes);
			await writeFile(`${part}.json`, JSON.stringify({href: media.href, etag: media.etag, size: media.size, sha256: media.sha256}));
		}

		const revised = await fetch(`${server.url}/_demo/recordings/${changed!.contactId}/revise`, {method: 'POST'});
		expect(revised.status).toBe(200);
		const now = new Map((await serverListing(server.url, {channel: 'voice'})).map(item => [item.id, item]));
		expect(now.get(changed!.contactId)!.media!.sha256).not.toBe(changed!.contact.media!.sha256);
		await server.resetStats();

		const result = await runCcdl(['download', ...connection(server.url), ...args]);
		expect(result.code, result.stderr).toBe(0);
		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows).toHaveLength(items.length);
		for (const row of rows) {
			expect(row.status).toBe('valid');
			expect(await sha256File(path.join(out, row.file)), row.file).toBe(row.sha256);
			expect(row.sha256, row.file).toBe(now.get(row.contactId)!.media!.sha256);
		}

		expect((await walk(out)).filter(isPartial)).toEqual([]);
		// The good partial's first half was not sent again; the corrupt one cost its second half once more.
		const total = items.reduce((sum, item) => sum + now.get(item.contactId)!.media!.size, 0);
		const stats = await server.stats();
		expect(stats.mediaBytesSent).toBe(total - half(good!) + (corrupt!.size - half(corrupt!)));
	});

	it('a recording that changes on the server after the listing: the old half is not spliced, the file fails as changed, and a rerun fetches the new one', async () => {
		slow = await startDemoProcess(['--calls', '300', '--seed', '5', '--media-size', '200000', '--latency', '100']);
		const out = await tempDir();
		const args = ['--from', '2026-10-15', '--to', '2026-10-15', '--timezone', 'UTC', '--channel', 'voice', '--out', out];
		const planned = await runCcdl(['list', ...connection(slow.url), ...args, '--json']);
		expect(planned.code, planned.stderr).toBe(0);
		const items = (JSON.parse(planned.stdout) as {items: Array<{contactId: string; file: string; size: number}>}).items;
		expect(items.length).toBeGreaterThan(5);
		const last = items.at(-1)!;
		const before = (await serverListing(slow.url, {channel: 'voice'})).find(item => item.id === last.contactId)!;
		const token = await serverToken(slow.url);
		const part = partialOf(path.join(out, last.file));
		await writeFile(part, await firstBytes(slow.url, token, before.media!.href, Math.floor(last.size / 2)));
		await writeFile(`${part}.json`, JSON.stringify({href: before.media!.href, etag: before.media!.etag, size: before.media!.size, sha256: before.media!.sha256}));

		// Revised once ccdl has listed (its plan is printed), long before it gets to the last file.
		const run = startCcdl(['download', ...connection(slow.url), ...args, '--concurrency', '1']);
		await run.waitFor(({stderr}) => stderr.includes('by campaign:'));
		const revised = await fetch(`${slow.url}/_demo/recordings/${last.contactId}/revise`, {method: 'POST'});
		expect(revised.status).toBe(200);
		const result = await run.done;
		// The listing named the old version: the new bytes cannot be validated against it, and must not be called valid.
		expect(result.code, result.stderr).toBe(1);
		expect(result.stderr).toMatch(/another version of this file than it listed/);
		expect((result.stderr.match(/^valid {4}/gm) ?? []).length).toBe(items.length - 1);
		const rerun = await runCcdl(['download', ...connection(slow.url), ...args, '--concurrency', '1', '--include-archived']);
		expect(rerun.code, rerun.stderr).toBe(0);
		const after = (await serverListing(slow.url, {channel: 'voice'})).find(item => item.id === last.contactId)!;
		expect(after.media!.sha256).not.toBe(before.media!.sha256);
		const row = (await readManifestJsonl(out)).find(item => item.contactId === last.contactId)!;
		expect(row.status).toBe('valid');
		expect(row.sha256).toBe(after.media!.sha256);
		expect(await sha256File(path.join(out, row.file))).toBe(after.media!.sha256);
		expect((await walk(out)).filter(isPartial)).toEqual([]);
	});
});
