import {execFile} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {EncryptingSink, parseIdentities, validateRecipients} from '../../source/lib/sinks/encrypt/encrypting-sink.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import {S3Sink} from '../../source/lib/sinks/s3/s3-sink.js';
import type {Sink} from '../../source/lib/sinks/sink.js';
import {verifySink, type VerifyRow} from '../../source/lib/sinks/verify.js';
import {startS3Server, type S3TestServer} from '../helpers/s3-server.js';

const run = promisify(execFile);
let scratch: string;
let identities: string[];
let recipient: string;
let otherIdentities: string[];
let s3: S3TestServer;

function sha256(bytes: Buffer | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}

async function keygen(name: string): Promise<{identities: string[]; recipient: string}> {
	const file = path.join(scratch, name);
	await run('age-keygen', ['-o', file]);
	const {stdout} = await run('age-keygen', ['-y', file]);
	return {identities: parseIdentities(await readFile(file, 'utf8')), recipient: stdout.trim()};
}

/** Publishes files through the sink as the engine would, returning their manifest rows. */
async function publishAll(sink: Sink, files: Record<string, Buffer>): Promise<VerifyRow[]> {
	const rows: VerifyRow[] = [];
	for (const [name, bytes] of Object.entries(files)) {
		const staged = path.join(sink.stagingDir, `.ccdl-${randomBytes(4).toString('hex')}.part`);
		await writeFile(staged, bytes);
		const result = await sink.publish(staged, name, {overwrite: false, size: bytes.length, sha256: sha256(bytes)});
		rows.push({file: result.relativePath, size: bytes.length, sha256: sha256(bytes), status: 'valid', storedSha256: result.storedSha256, storedSize: result.storedSize});
	}

	return rows;
}

beforeAll(async () => {
	scratch = await mkdtemp(path.join(os.tmpdir(), 'ccdl-verify-'));
	({identities, recipient} = await keygen('key.txt'));
	({identities: otherIdentities} = await keygen('other.txt'));
	s3 = await startS3Server('verify-bucket');
	Object.assign(process.env, s3.env, {AWS_CONFIG_FILE: path.join(scratch, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none')});
});

afterAll(async () => {
	await s3?.stop();
	await rm(scratch, {recursive: true, force: true});
});

describe('verifySink', () => {
	it('on a local folder: reports nothing wrong, then the missing, changed and extra files', async () => {
		const out = path.join(scratch, 'local');
		const sink = new LocalSink(out);
		await sink.prepare({dryRun: false});
		// The local sink leaves sub-folders to the engine's plan.
		await mkdir(path.join(out, 'sub'));
		const rows = await publishAll(sink, {'a.mp3': randomBytes(500), 'sub/b.mp3': randomBytes(700), 'c.json': Buffer.from('{}')});
		rows.push({file: 'failed.mp3', size: '', sha256: '', status: 'failed'});
		await sink.writeText('manifest.jsonl', rows.map(row => JSON.stringify(row)).join('\n'));
		expect(await verifySink(sink, rows)).toEqual({location: out, checked: 3, ok: 3, missing: [], changed: [], extra: [], decrypted: 0});

		await rm(path.join(out, 'a.mp3'));
		await writeFile(path.join(out, 'sub', 'b.mp3'), randomBytes(700));
		await writeFile(path.join(out, 'c.json'), '{ }');
		await writeFile(path.join(out, 'sub', 'stray.mp3'), 'x');
		const report = await verifySink(sink, rows);
		expect(report).toMatchObject({checked: 3, ok: 0, missing: ['a.mp3'], extra: ['sub/stray.mp3']});
		expect(report.changed).toEqual([
			{file: 'sub/b.mp3', reason: 'SHA-256 differs from the manifest'},
			{file: 'c.json', reason: 'size 3, manifest says 2'},
		]);
	});

	it('on S3, encrypted: ciphertexts without a key, plaintexts with the identity, tampering and a wrong key caught', async () => {
		const inner = new S3Sink(new URL(`s3://${s3.bucket}/sealed`), {env: {...process.env, XDG_CACHE_HOME: path.join(scratch, 'cache')}});
		const sink = new EncryptingSink(inner, await validateRecipients([recipient]));
		await sink.prepare({dryRun: false});
		const rows = await publishAll(sink, {'x.mp3': randomBytes(300_000), 'y/z.json': Buffer.from('{"chat":"szia"}')});
		expect(rows.map(row => row.file)).toEqual(['x.mp3.age', 'y/z.json.age']);
		await sink.writeText('manifest.jsonl', 'kept readable\n');

		expect(await verifySink(sink, rows)).toMatchObject({checked: 2, ok: 2, missing: [], changed: [], extra: [], decrypted: 0});
		expect(await verifySink(sink, rows, {identities})).toMatchObject({checked: 2, ok: 2, changed: [], decrypted: 2});
		// The plaintext digest really is compared: a manifest row with another plaintext digest is reported.
		const lying = rows.map(row => row.file === 'x.mp3.age' ? {...row, sha256: sha256('not this')} : row);
		expect((await verifySink(sink, lying, {identities})).changed).toEqual([{file: 'x.mp3.age', reason: 'decrypted SHA-256 differs from the manifest'}]);
		// Rows may also name the plaintext file; the stored .age is what is checked.
		expect(await verifySink(sink, rows.map(row => ({...row, file: row.file.slice(0, -4)})), {identities})).toMatchObject({ok: 2, extra: []});

		const wrongKey = await verifySink(sink, rows, {identities: otherIdentities});
		expect(wrongKey.ok).toBe(0);
		expect(wrongKey.changed.map(item => item.reason)).toEqual([expect.stringMatching(/cannot be decrypted/), expect.stringMatching(/cannot be decrypted/)]);

		const tampered = path.join(scratch, 'tampered');
		await writeFile(tampered, 'age-encryption.org/v1\nnot really\n');
		await s3.rclone(['copyto', tampered, `s3t:${s3.bucket}/sealed/y/z.json.age`]);
		await s3.rclone(['copyto', tampered, `s3t:${s3.bucket}/sealed/extra.bin`]);
		const report = await verifySink(sink, rows);
		expect(report).toMatchObject({ok: 1, missing: [], extra: ['extra.bin']});
		expect(report.changed).toEqual([{file: 'y/z.json.age', reason: expect.stringMatching(/^size \d+, manifest says \d+$/)}]);
		await s3.rclone(['deletefile', `s3t:${s3.bucket}/sealed/x.mp3.age`]);
		expect((await verifySink(sink, rows)).missing).toEqual(['x.mp3.age']);
		await sink.close();
	});
});
