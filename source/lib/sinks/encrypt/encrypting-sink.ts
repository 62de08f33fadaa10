/**
 * A sink wrapper that encrypts every published file to age X25519 recipients (`--encrypt-to age1…`), so that
 * Debian's `age -d -i KEY` decrypts it. The staged plaintext is encrypted to a staged `.age` file beside it, streaming
 * through age's 64 KiB STREAM chunks (memory stays bounded whatever the file size), and the ciphertext is published
 * by the inner sink under `relativePath + '.age'`. The manifest and other text files are not encrypted: they stay
 * readable and hold no more personal data than without encryption.
 *
 * To the plan the destination looks as if it held the plaintext names: `list()` shows `x.mp3.age` as `x.mp3`, so
 * collisions and "keep both" work on the names people chose. A ciphertext never equals a re-encryption of the same
 * plaintext (each file has a fresh key), so `digest()` answers with the plaintext SHA-256 the manifest recorded —
 * and only after hashing the stored ciphertext again and finding the manifest's ciphertext digest.
 */
import {createReadStream, createWriteStream} from 'node:fs';
import {rm} from 'node:fs/promises';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import type {ReadableStream as WebReadableStream} from 'node:stream/web';
import {UsageError} from '../../errors.js';
import {PublishError} from '../local/local-sink.js';
import {HashCounter} from '../hash-counter.js';
import type {PublishOptions, PublishResult, Sink, SinkEntry} from '../sink.js';

/**
 * The age library (and its 40-odd curve modules) is loaded on first use: every download imports this module for
 * its checks, and most never encrypt.
 */
async function age(): Promise<typeof import('age-encryption')> {
	return import('age-encryption');
}

/** The suffix of encrypted files. */
export const ageSuffix = '.age';

/** An age X25519 recipient: `age1` and 58 bech32 characters. Hybrid post-quantum keys are longer (Debian's age 1.1 cannot decrypt them). */
const x25519Recipient = /^age1[02-9ac-hj-np-z]{58}$/;

/** Checks `--encrypt-to` values up front; a bad one is a UsageError naming it. */
export async function validateRecipients(recipients: readonly string[]): Promise<string[]> {
	if (recipients.length === 0) {
		throw new UsageError('Give at least one age public key to --encrypt-to (age1…, as age-keygen prints it).');
	}

	const checked: string[] = [];
	for (const raw of recipients) {
		const recipient = raw.trim();
		if (/^AGE-SECRET-KEY-/i.test(recipient)) {
			// Never echo it: error messages end up in terminals, logs and the journal.
			throw new UsageError('--encrypt-to was given an age secret key; give its public key instead (age-keygen -y KEYFILE prints it), and treat that secret key as exposed.');
		}

		if (!x25519Recipient.test(recipient)) {
			throw new UsageError(`--encrypt-to ${JSON.stringify(raw)} is not an age X25519 public key; give the age1… line that age-keygen prints.`);
		}

		try {
			// The library checks the bech32 checksum and the curve point only when it encrypts.
			const encrypter = new (await age()).Encrypter();
			encrypter.addRecipient(recipient);
			await encrypter.encrypt('');
		} catch (error) {
			throw new UsageError(`--encrypt-to ${recipient} is not a valid age public key (${(error as Error).message}); copy it again from age-keygen's output.`, {cause: error});
		}

		checked.push(recipient);
	}

	return [...new Set(checked)];
}

/** The `AGE-SECRET-KEY-1…` lines of an identity file as age-keygen writes it (comments and blank lines skipped). */
export function parseIdentities(text: string): string[] {
	return text.split(/\r?\n/).map(line => line.trim()).filter(line => line.startsWith('AGE-SECRET-KEY-'));
}

/** Encrypts a file to another, streaming; returns the SHA-256 and size of both sides. */
export async function encryptFile(source: string, target: string, recipients: readonly string[]): Promise<{plain: {sha256: string; size: number}; cipher: {sha256: string; size: number}}> {
	const encrypter = new (await age()).Encrypter();
	for (const recipient of recipients) {
		encrypter.addRecipient(recipient);
	}

	const plain = new HashCounter();
	const input = Readable.toWeb(createReadStream(source).pipe(plain)) as unknown as ReadableStream<Uint8Array>;
	const output = await encrypter.encrypt(input);
	const cipher = new HashCounter();
	await pipeline(Readable.fromWeb(output as unknown as WebReadableStream<Uint8Array>), cipher, createWriteStream(target, {mode: 0o600}));
	return {
		plain: {sha256: plain.hash.digest('hex'), size: plain.bytes},
		cipher: {sha256: cipher.hash.digest('hex'), size: cipher.bytes},
	};
}

/** Decrypts a stream of an age file and returns the plaintext's SHA-256 and size, streaming. */
export async function plaintextDigest(ciphertext: Readable, identities: readonly string[]): Promise<{sha256: string; size: number}> {
	const decrypter = new (await age()).Decrypter();
	for (const identity of identities) {
		decrypter.addIdentity(identity);
	}

	const plain = await decrypter.decrypt(Readable.toWeb(ciphertext) as unknown as ReadableStream<Uint8Array>);
	const counter = new HashCounter();
	for await (const chunk of Readable.fromWeb(plain as unknown as WebReadableStream<Uint8Array>).pipe(counter)) {
		void chunk;
	}

	return {sha256: counter.hash.digest('hex'), size: counter.bytes};
}

/** What the destination's manifest recorded of an encrypted file. */
interface Recorded {
	sha256: string;
	storedSha256: string;
	storedSize?: number;
}

export class EncryptingSink implements Sink {
	readonly inner: Sink;
	readonly recipients: readonly string[];

	/** `recipients` must have passed validateRecipients(). */
	constructor(inner: Sink, recipients: readonly string[]) {
		this.inner = inner;
		this.recipients = recipients;
	}

	get kind(): string {
		return this.inner.kind;
	}

	get location(): string {
		return this.inner.location;
	}

	get stagingDir(): string {
		return this.inner.stagingDir;
	}

	async prepare(options: {dryRun: boolean}): Promise<void> {
		await this.inner.prepare(options);
	}

	async freeSpace(): Promise<number | undefined> {
		return this.inner.freeSpace();
	}

	async list(relativeDir: string): Promise<SinkEntry[]> {
		return (await this.inner.list(relativeDir)).map(entry => entry.name.endsWith(ageSuffix) ? {...entry, name: entry.name.slice(0, -ageSuffix.length)} : entry);
	}

	#rows: Promise<Map<string, Recorded>> | undefined;

	/** Plaintext and ciphertext digests by plaintext path, from the destination's manifest. */
	async #manifestDigests(): Promise<Map<string, Recorded>> {
		this.#rows ??= (async () => {
			const found = new Map<string, Recorded>();
			const text = await this.inner.readText('manifest.jsonl').catch(() => undefined);
			for (const line of text?.split('\n') ?? []) {
				try {
					const row = JSON.parse(line) as {file?: unknown; sha256?: unknown; storedSha256?: unknown; storedSize?: unknown};
					if (typeof row.file === 'string' && typeof row.sha256 === 'string' && typeof row.storedSha256 === 'string' && row.sha256 && row.storedSha256) {
						found.set(row.file.replace(/\.age$/, '').normalize('NFC'), {
							sha256: row.sha256, storedSha256: row.storedSha256,
							...typeof row.storedSize === 'number' && Number.isSafeInteger(row.storedSize) && row.storedSize >= 0 ? {storedSize: row.storedSize} : {},
						});
					}
				} catch {}
			}

			return found;
		})();
		return this.#rows;
	}

	/** The plaintext SHA-256 of the encrypted file stored for `relativePath`, when the stored bytes are still those the manifest recorded. */
	async digest(relativePath: string): Promise<string | undefined> {
		const plain = relativePath.replace(/\.age$/, '');
		const recorded = (await this.#manifestDigests()).get(plain.normalize('NFC'));
		if (!recorded) {
			return undefined;
		}

		return await this.inner.digest(`${plain}${ageSuffix}`) === recorded.storedSha256 ? recorded.sha256 : undefined;
	}

	/** A file found already there is its ciphertext under `….age`, as the destination's manifest recorded it. */
	async stored(relativePath: string): Promise<{relativePath: string; storedSha256: string; storedSize?: number} | undefined> {
		const plain = relativePath.replace(/\.age$/, '');
		const recorded = (await this.#manifestDigests()).get(plain.normalize('NFC'));
		return recorded ? {relativePath: `${plain}${ageSuffix}`, storedSha256: recorded.storedSha256, ...recorded.storedSize === undefined ? {} : {storedSize: recorded.storedSize}} : undefined;
	}

	async publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult> {
		const encrypted = `${staged}${ageSuffix}`;
		let sums;
		try {
			sums = await encryptFile(staged, encrypted, this.recipients);
		} catch (error) {
			await rm(encrypted, {force: true});
			throw new PublishError('encrypt-failed', `${relativePath} could not be encrypted: ${(error as Error).message}`, {cause: error});
		}

		if (sums.plain.sha256 !== options.sha256 || sums.plain.size !== options.size) {
			await rm(encrypted, {force: true});
			throw new PublishError('staged-changed', `${relativePath} changed in staging after it was validated; it will be fetched again`);
		}

		let result: PublishResult;
		try {
			result = await this.inner.publish(encrypted, `${relativePath}${ageSuffix}`, {...options, size: sums.cipher.size, sha256: sums.cipher.sha256});
		} catch (error) {
			await rm(encrypted, {force: true});
			throw error;
		}

		await rm(staged, {force: true});
		return {...result, storedSha256: sums.cipher.sha256, storedSize: sums.cipher.size};
	}

	async readText(relativePath: string): Promise<string | undefined> {
		return this.inner.readText(relativePath);
	}

	async readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined> {
		return this.inner.readStream(relativePath);
	}

	async writeText(relativePath: string, content: string | Iterable<string>): Promise<string> {
		return this.inner.writeText(relativePath, content);
	}

	locate(relativePath: string): string {
		return this.inner.locate(relativePath);
	}

	async close(): Promise<void> {
		await this.inner.close();
	}
}
