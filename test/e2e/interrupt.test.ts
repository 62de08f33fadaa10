/**
 * Ctrl-C in the middle of the interactive download, in a real terminal: the app stops cleanly (exit 130) keeping what
 * it has; then the headless `ccdl download` with the same choices finishes the job, and the server's byte counter
 * shows that what the first run got was not sent again.
 */
import {readdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, isPartial, readManifestJsonl, runCcdl, sha256File, tempDir, walk} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {killAllTmux} from '../helpers/tmux.js';
import {expectedContacts, expectedFiles, startApp, walkToList, type ExpectedFile} from './flow.js';

const from = '2026-10-25';
const to = '2026-10-31';
const template = '{callId}-{campaignName}';

let server: DemoProcess;

/**
 * ccdl's partial files in `folder` that really are partial: some bytes, fewer than the size their sidecar expects
 * (a complete one is being validated and is about to take its final name).
 */
async function partialFiles(folder: string): Promise<Array<{name: string; size: number; expected: number}>> {
	const found = [];
	for (const name of await readdir(folder)) {
		if (!/^\.ccdl-[^/]*\.part$/.test(name)) {
			continue;
		}

		try {
			const {size} = await stat(path.join(folder, name));
			const expected = (JSON.parse(await readFile(path.join(folder, `${name}.json`), 'utf8')) as {size?: number}).size;
			if (size > 0 && expected !== undefined && size < expected) {
				found.push({name, size, expected});
			}
		} catch {
			// Gone or not written yet: not a partial to count on.
		}
	}

	return found;
}

beforeAll(async () => {
	// Big recordings and a delay on every response: the download takes seconds, so Ctrl-C lands in the middle of it.
	// Some bodies are cut short (at most 3 times per file): ccdl keeps such a partial file and resumes it after a
	// back-off (≥ 125 ms) plus the response delay, so a partial file stays unchanged on disk long enough to press
	// Ctrl-C on it (a transfer that is streaming finishes its 4 MB within milliseconds on loopback).
	server = await startDemoProcess(['--calls', '300', '--seed', '3', '--media-size', '4000000', '--latency', '200', '--faults', 'truncate=0.3']);
});

afterAll(async () => {
	await killAllTmux();
	await server?.stop();
	await cleanup();
});

describe('Ctrl-C during the interactive download, then the headless command resumes', () => {
	it('exits 130 keeping the finished files; `ccdl download` then completes with ≤ 5 % extra media bytes', async () => {
		const contacts = await expectedContacts(server.url, from, to);
		const files: ExpectedFile[] = await expectedFiles(server.url, contacts);
		const datasetBytes = files.reduce((sum, file) => sum + file.size, 0);
		// Large against what can be in flight when Ctrl-C comes (two transfers of 4 MB at most).
		expect(datasetBytes).toBeGreaterThan(100_000_000);
		await server.resetStats();

		const out = await tempDir('ccdl-e2e-out-');
		const app = await startApp({server: server.url, out, args: ['--lang', 'en', '--concurrency', '2']});
		let validBefore = 0;
		let stalled: {name: string; size: number; expected: number} | undefined;
		try {
			await walkToList(app, {from, to, template});
			await app.press('d', /\[Download\]/, {resend: /\[List\]/});
			// q asks first (a second q while asking does nothing); n goes on downloading.
			await app.press('q', 'Cancel the download? (y/n)', {resend: true});
			await app.press('n', screen => screen.includes('Downloading, 2 at a time') && !screen.includes('Cancel the download?'));
			// A few files are done, most are not, and one waits on disk half-downloaded between two attempts: Ctrl-C
			// now. "Between two attempts": its size has not changed for 100–160 ms, so it is early in its back-off
			// (≥ 125 ms) plus the response delay (200 ms) — not a transfer that is streaming (those finish within
			// milliseconds, maybe before the Ctrl-C is read) nor one about to resume.
			const deadline = Date.now() + 30_000;
			const seen = new Map<string, {size: number; since: number}>();
			for (;;) {
				const screen = await app.capture();
				const valid = /\d+\/\d+ files · (\d+) valid/.exec(screen)?.[1];
				const now = Date.now();
				const partials = await partialFiles(out);
				for (const partial of partials) {
					if (seen.get(partial.name)?.size !== partial.size) {
						seen.set(partial.name, {size: partial.size, since: now});
					}
				}

				stalled = partials.find(partial => {
					const age = now - seen.get(partial.name)!.since;
					return age >= 100 && age <= 160;
				});
				if (valid !== undefined && Number(valid) >= 3 && stalled) {
					validBefore = Number(valid);
					break;
				}

				expect(Date.now() < deadline, `no partial file while the download ran; the screen:\n${screen}`).toBe(true);
				await delay(15);
			}

			expect(validBefore).toBeLessThan(files.length / 2);
			await app.send('C-c');
			expect(await app.exitCode(30_000)).toBe(130);
			// The app's screen is gone; what to do next stays on the terminal's own screen.
			// Broken at spaces to the terminal's width: read as one line.
			const farewell = (await app.capture({join: true, history: true})).replaceAll(/\s*\n\s*/g, ' ');
			expect(farewell).toContain(`run the same again to finish (bytes already downloaded into ${out} are kept)`);
		} finally {
			await app.kill();
		}

		// The finished files stay, valid; the rest is missing or partial (ccdl's temporary files, kept for the next run).
		const afterFirst = await walk(out);
		expect(afterFirst.filter(isPartial).length).toBeGreaterThan(0);
		const kept = (await partialFiles(out)).find(partial => partial.name === stalled!.name);
		expect(kept, `${stalled!.name} (${stalled!.size} of ${stalled!.expected} bytes) is kept`).toBeDefined();
		expect(kept!.size).toBeGreaterThanOrEqual(stalled!.size);
		const finished = afterFirst.filter(file => !isPartial(file) && !file.startsWith('manifest.'));
		expect(finished.length).toBeGreaterThanOrEqual(validBefore);
		expect(finished.length).toBeLessThan(files.length);
		const expectedDigests = new Set(files.map(file => file.sha256));
		for (const file of finished) {
			expect(expectedDigests.has(await sha256File(path.join(out, file))), file).toBe(true);
		}

		// The interrupted run wrote its manifest: the finished files as valid, the others as interrupted.
		const firstRows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(firstRows.filter(row => row.status === 'valid').map(row => row.file).sort()).toEqual([...finished].sort());
		expect(firstRows.some(row => row.status === 'interrupted')).toBe(true);

		// The same choices, headless.
		const second = await runCcdl([
			'download', '--server', server.url, '--user', 'admin', '--from', from, '--to', to, '--timezone', 'UTC',
			'--out', out, '--template', template,
		], {env: {CCDL_PASSWORD: 'demo', CCDL_CONFIG_DIR: await tempDir('ccdl-e2e-config-'), TZ: 'UTC'}});
		expect(second.code, second.stderr).toBe(0);

		// Everything is there and valid, nothing partial is left, the manifest describes every file.
		const onDisk = await walk(out);
		expect(onDisk.filter(isPartial)).toEqual([]);
		const downloaded = onDisk.filter(file => file !== 'manifest.csv' && file !== 'manifest.jsonl');
		expect(downloaded).toHaveLength(files.length);
		const digests = await Promise.all(downloaded.map(async file => sha256File(path.join(out, file))));
		expect(digests.sort()).toEqual(files.map(file => file.sha256).sort());
		for (const file of downloaded) {
			expect(file, file).toMatch(/^\d+-/);
		}

		const rows = (await readManifestJsonl(out)).filter(row => row.file);
		expect(rows.map(row => row.file).sort()).toEqual([...downloaded].sort());
		expect(rows.filter(row => row.status !== 'valid' && row.status !== 'skipped-identical')).toEqual([]);

		// Both runs together: every byte once, plus at most what was in flight at Ctrl-C.
		const stats = await server.stats();
		expect(stats.mediaBytesSent).toBeGreaterThanOrEqual(datasetBytes);
		expect(stats.mediaBytesSent).toBeLessThanOrEqual(datasetBytes * 1.05);
	});
});
