/**
 * The sweep of partials an earlier run left in a folder: a partial whose file is finished goes, one nobody has
 * written to for a week and that this run does not download goes, a recent one stays for the run that will resume
 * it, and this run's own partials are never touched. Real files in a real folder.
 */
import {mkdtemp, readdir, rm, utimes, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {abandonedPartialMs, sweepPartials} from '../../source/lib/engine/partial.js';

let folder: string;

beforeAll(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-sweep-'));
});

afterAll(async () => {
	await rm(folder, {recursive: true, force: true});
});

/** A partial and its sidecar, as a writer that is gone left them (a PID that is not running on this host). */
async function leftPartial(hex: string, target: string, ageMs: number): Promise<string> {
	const part = path.join(folder, `.ccdl-${hex}.part`);
	await writeFile(part, 'partial bytes');
	await writeFile(`${part}.json`, JSON.stringify({href: '/v1/recordings/1/media', size: 100, target, host: os.hostname(), pid: 2 ** 22 + 7}));
	const when = new Date(Date.now() - ageMs);
	await utimes(part, when, when);
	await utimes(`${part}.json`, when, when);
	return part;
}

describe('sweepPartials', () => {
	it('removes finished and abandoned partials, keeps recent ones and this run\'s own', async () => {
		await writeFile(path.join(folder, 'finished.mp3'), 'done');
		await leftPartial('a'.repeat(20), 'finished.mp3', 60_000);
		const recent = await leftPartial('b'.repeat(20), 'recent.mp3', 3600 * 1000);
		await leftPartial('c'.repeat(20), 'abandoned.mp3', abandonedPartialMs + 3600 * 1000);
		const own = await leftPartial('d'.repeat(20), 'own.mp3', abandonedPartialMs + 3600 * 1000);
		const removed = await sweepPartials([folder], new Set([own]));
		expect(removed).toBe(2);
		expect((await readdir(folder)).sort()).toEqual([
			path.basename(recent), `${path.basename(recent)}.json`, path.basename(own), `${path.basename(own)}.json`, 'finished.mp3',
		].sort());
	});

	it('removes a partial of a file the run found already at the destination, though its final name is elsewhere (a remote sink\'s staging)', async () => {
		const staging = await mkdtemp(path.join(folder, 'staging-'));
		const leftIn = async (hex: string, target: string) => {
			const part = path.join(staging, `.ccdl-${hex}.part`);
			await writeFile(part, 'uploaded bytes');
			await writeFile(`${part}.json`, JSON.stringify({href: '/media/1', size: 100, target, host: os.hostname(), pid: 2 ** 22 + 7}));
			return part;
		};

		const uploaded = await leftIn('e'.repeat(20), 'uploaded.mp3');
		const resumable = await leftIn('f'.repeat(20), 'resumable.mp3');
		expect(await sweepPartials([staging], new Set(), new Set([uploaded]))).toBe(1);
		expect((await readdir(staging)).sort()).toEqual([path.basename(resumable), `${path.basename(resumable)}.json`]);
	});
});
