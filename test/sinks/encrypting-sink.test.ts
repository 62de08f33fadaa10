import {execFile} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UsageError} from '../../source/lib/errors.js';
import {EncryptingSink, parseIdentities, plaintextDigest, validateRecipients} from '../../source/lib/sinks/encrypt/encrypting-sink.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';

const run = promisify(execFile);
let folder: string;
const keys: Array<{file: string; recipient: string}> = [];

function sha256(bytes: Buffer | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** A key pair from Debian's age-keygen, so the test does not trust the library to make its own keys. */
async function keygen(name: string): Promise<{file: string; recipient: string}> {
	const file = path.join(folder, name);
	await run('age-keygen', ['-o', file]);
	const {stdout} = await run('age-keygen', ['-y', file]);
	return {file, recipient: stdout.trim()};
}

/** Decrypts with Debian's age (age -d -i KEY FILE), as a person would. */
async function ageDecrypt(file: string, identity: string): Promise<Buffer> {
	const {stdout} = await run('age', ['-d', '-i', identity, file], {encoding: 'buffer', maxBuffer: 64 * 1024 * 1024});
	return stdout;
}

beforeAll(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-age-'));
	keys.push(await keygen('first.key'), await keygen('second.key'));
});

afterAll(async () => {
	await rm(folder, {recursive: true, force: true});
});

describe('EncryptingSink over the local sink', () => {
	it('publishes NAME.age that Debian age decrypts, with every recipient, to the validated plaintext', async () => {
		const out = path.join(folder, 'out');
		const sink = new EncryptingSink(new LocalSink(out), await validateRecipients(keys.map(key => key.recipient)));
		await sink.prepare({dryRun: false});
		const plaintext = randomBytes(3 * 1024 * 1024 + 17);
		const staged = path.join(sink.stagingDir, '.ccdl-call.mp3.part');
		await writeFile(staged, plaintext);
		const result = await sink.publish(staged, 'call.mp3', {overwrite: false, size: plaintext.length, sha256: sha256(plaintext)});

		expect(result.relativePath).toBe('call.mp3.age');
		expect(result.location).toBe(path.join(out, 'call.mp3.age'));
		const ciphertext = await readFile(result.location);
		expect(result.storedSha256).toBe(sha256(ciphertext));
		expect(result.storedSize).toBe(ciphertext.length);
		expect(ciphertext.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
		for (const key of keys) {
			expect(sha256(await ageDecrypt(result.location, key.file))).toBe(sha256(plaintext));
		}

		// Neither the plaintext nor the staged ciphertext is left behind.
		expect(await readdir(out)).toEqual(['call.mp3.age']);
		// To the plan the folder holds call.mp3; without a manifest row nothing can be said of its plaintext.
		expect(await sink.list('')).toEqual([expect.objectContaining({name: 'call.mp3'})]);
		expect(await sink.digest('call.mp3')).toBeUndefined();
		// With the manifest's row, the plaintext digest is given — only while the ciphertext still matches.
		await writeFile(path.join(out, 'manifest.jsonl'), `${JSON.stringify({file: 'call.mp3.age', sha256: sha256(plaintext), storedSha256: sha256(ciphertext)})}\n`);
		const again = new EncryptingSink(new LocalSink(out), [keys[0]!.recipient]);
		expect(await again.digest('call.mp3')).toBe(sha256(plaintext));
		await writeFile(path.join(out, 'call.mp3.age'), Buffer.concat([ciphertext, Buffer.from('x')]));
		expect(await new EncryptingSink(new LocalSink(out), [keys[0]!.recipient]).digest('call.mp3')).toBeUndefined();
		await writeFile(path.join(out, 'call.mp3.age'), ciphertext);
		// verify's plaintext check: decrypting with the identity file gives the manifest's plaintext digest.
		const identities = parseIdentities(await readFile(keys[1]!.file, 'utf8'));
		expect(await plaintextDigest(createReadStream(result.location), identities)).toEqual({sha256: sha256(plaintext), size: plaintext.length});
	});

	it('leaves the manifest readable', async () => {
		const out = path.join(folder, 'manifest');
		const sink = new EncryptingSink(new LocalSink(out), [keys[0]!.recipient]);
		await sink.prepare({dryRun: false});
		await sink.writeText('manifest.jsonl', '{"file":"a.mp3.age"}\n');
		expect(await readFile(path.join(out, 'manifest.jsonl'), 'utf8')).toBe('{"file":"a.mp3.age"}\n');
	});

	it('refuses a staged file that no longer matches its validated digest, leaving nothing published', async () => {
		const out = path.join(folder, 'changed');
		const sink = new EncryptingSink(new LocalSink(out), [keys[0]!.recipient]);
		await sink.prepare({dryRun: false});
		const staged = path.join(sink.stagingDir, '.ccdl-x.part');
		await writeFile(staged, 'tampered');
		await expect(sink.publish(staged, 'x.json', {overwrite: false, size: 8, sha256: sha256('original')})).rejects.toMatchObject({code: 'staged-changed'});
		expect(await readdir(out)).toEqual(['.ccdl-x.part']);
	});

	it('validates recipients up front, naming a bad one', async () => {
		const good = keys[0]!.recipient;
		const broken = good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q');
		await expect(validateRecipients([good, good])).resolves.toEqual([good]);
		await expect(validateRecipients([])).rejects.toBeInstanceOf(UsageError);
		await expect(validateRecipients([good, 'age1nope'])).rejects.toThrow(/age1nope/);
		await expect(validateRecipients([broken])).rejects.toThrow(broken);
		const secret = parseIdentities(await readFile(keys[0]!.file, 'utf8'))[0]!;
		const error = await validateRecipients([secret]).catch((caught: unknown) => caught as Error);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).toMatch(/public key instead/);
		expect((error as Error).message).not.toContain(secret.slice(15));
	});
});
