import {createHash} from 'node:crypto';
import {mkdir, symlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';

afterAll(async () => {
	await cleanup();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('LocalSink.digest', () => {
	it('hashes small files (read at once) and large ones (read through the thread pool) to the same SHA-256 as their bytes', async () => {
		const dir = await tempDir();
		const sizes = [0, 1, 2048, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024 + 7];
		for (const size of sizes) {
			const bytes = Buffer.alloc(size, size % 251);
			await writeFile(path.join(dir, `f${size}.bin`), bytes);
			expect(await new LocalSink(dir).digest(`f${size}.bin`)).toBe(sha256(bytes));
		}
	});

	it('has no digest for a file that is not there, a folder, or a link to a folder', async () => {
		const dir = await tempDir();
		await mkdir(path.join(dir, 'sub'));
		await symlink(path.join(dir, 'sub'), path.join(dir, 'link'));
		const sink = new LocalSink(dir);
		expect(await sink.digest('missing.mp3')).toBeUndefined();
		expect(await sink.digest('sub')).toBeUndefined();
		expect(await sink.digest('link')).toBeUndefined();
	});
});
