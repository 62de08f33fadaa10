/**
 * S3-compatible object storage as a sink (`s3://bucket/prefix`). Objects appear under their final key only when
 * complete (a single PUT or a completed multipart upload is atomic in S3), and each is verified where it landed:
 * size by HeadObject, plus the SHA-256 either as S3's own checksum (when the store keeps one: AWS and stores that
 * implement flexible checksums) or, where the store ignores checksums (s3rver, older MinIO/Ceph), as the
 * `x-amz-meta-sha256` metadata the upload carried — whose value was checked against the bytes actually streamed.
 * `prepare()` finds out which by a probe object, and also whether the store honours `If-None-Match: *`.
 */
import {createReadStream} from 'node:fs';
import {randomBytes, createHash} from 'node:crypto';
import {rm, stat} from 'node:fs/promises';
import type {Readable} from 'node:stream';
import {
	AbortMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadObjectCommand,
	ListMultipartUploadsCommand,
	ListObjectsV2Command,
	PutObjectCommand,
	S3Client,
	type HeadObjectCommandOutput,
	type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {Upload} from '@aws-sdk/lib-storage';
import {FilesystemError, UsageError} from '../../errors.js';
import {PublishError} from '../local/local-sink.js';
import type {PublishOptions, PublishResult, Sink, SinkEntry} from '../sink.js';
import {expectedS3Checksums, HashingTap} from './hashing-tap.js';
import {makePrivateFolder, remoteStagingDir, safeSegments} from './remote-staging.js';
import {isAlive, UploadLedger} from './upload-ledger.js';

export interface S3SinkOptions {
	/** An S3-compatible endpoint (the lead maps `--s3-endpoint`); else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS. */
	s3Endpoint?: string;
	/**
	 * How uploads are verified: `auto` probes the store; `sha256` insists on S3 checksums; `metadata` uses the
	 * `x-amz-meta-sha256` read-back only. @default 'auto'
	 */
	s3Checksum?: 'auto' | 'sha256' | 'metadata';
	/**
	 * Bytes per multipart part, at least 5 MiB (S3's minimum). Files up to this size go in one PUT. With `queueSize`
	 * it bounds memory: the uploader holds at most queueSize + 1 parts of a file. @default 8 MiB
	 */
	s3PartSize?: number;
	/** Parts of one file in flight at once. @default 2 */
	s3QueueSize?: number;
	/** Multipart uploads under the prefix that no ledger entry claims are aborted once older than this. @default 24 h */
	s3StaleUploadMs?: number;
	/** Environment to read AWS_* from (the SDK's credential chain still reads process.env). @default process.env */
	env?: NodeJS.ProcessEnv;
}

const mebibyte = 1024 * 1024;
/** S3 allows 10 000 parts; a little headroom keeps the grown part size safely under it. */
const maxParts = 9000;

export interface Capabilities {
	checksums: boolean;
	conditionalWrites: boolean;
}

function errorName(error: unknown): string {
	return (error as {name?: string}).name ?? '';
}

function httpStatus(error: unknown): number | undefined {
	return (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
	return errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey' || httpStatus(error) === 404;
}

function isPreconditionFailed(error: unknown): boolean {
	return errorName(error) === 'PreconditionFailed' || httpStatus(error) === 412;
}

/** Resolves endpoint and region the way AWS tools do, so `aws s3` and ccdl agree on where a bucket is. */
export function s3ClientConfig(options: S3SinkOptions): S3ClientConfig & {endpoint?: string} {
	const env = options.env ?? process.env;
	const endpoint = options.s3Endpoint || env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined;
	const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || (endpoint ? 'us-east-1' : undefined);
	return {
		...(endpoint ? {endpoint, forcePathStyle: true} : {}),
		...(region ? {region} : {}),
		// The SDK's default CRC32 on every request needs aws-chunked trailers that many S3-compatible stores corrupt
		// or refuse; ccdl asks for SHA-256 explicitly where it wants a checksum.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
	};
}

export class S3Sink implements Sink {
	readonly kind = 's3';
	readonly location: string;
	readonly stagingDir: string;
	readonly bucket: string;
	readonly prefix: string;
	readonly client: S3Client;
	readonly endpoint: string | undefined;
	readonly #options: S3SinkOptions;
	readonly #ledger: UploadLedger;
	/** Keys whose upload failed in this run: their ledger entries stay until a run has aborted what is left. */
	readonly #failedKeys = new Set<string>();
	#capabilities: Capabilities | undefined;

	constructor(url: URL, options: S3SinkOptions = {}) {
		if (url.username || url.password) {
			throw new UsageError('Do not put credentials in an s3:// URL; use AWS_PROFILE, the AWS credentials file or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.');
		}

		if (!url.hostname) {
			throw new UsageError(`Give a bucket: s3://BUCKET/PREFIX, not ${url.href}.`);
		}

		this.bucket = url.hostname;
		this.prefix = decodeURIComponent(url.pathname).split('/').filter(Boolean).join('/');
		this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
		this.#options = options;
		const config = s3ClientConfig(options);
		this.endpoint = config.endpoint;
		this.client = new S3Client(config);
		this.stagingDir = remoteStagingDir(`${this.location}@${this.endpoint ?? 'aws'}`, options.env);
		this.#ledger = new UploadLedger(this.stagingDir);
		const partSize = options.s3PartSize ?? 8 * mebibyte;
		if (partSize < 5 * mebibyte) {
			throw new TypeError(`s3PartSize must be at least 5 MiB (S3's minimum part), got ${partSize}`);
		}
	}

	/** What prepare() found the store supports (undefined before, or after a dry run). */
	get capabilities(): Readonly<Capabilities> | undefined {
		return this.#capabilities;
	}

	/** The object key of a relative path. */
	key(relativePath: string): string {
		const segments = safeSegments(relativePath, this.location);
		return [this.prefix, ...segments].filter(Boolean).join('/');
	}

	locate(relativePath: string): string {
		return `s3://${this.bucket}/${this.key(relativePath)}`;
	}

	/** Turns an SDK failure that means the destination is unusable into a sentence that says what to do. */
	destinationError(error: unknown): FilesystemError | undefined {
		const name = errorName(error);
		const status = httpStatus(error);
		if (name === 'NoSuchBucket') {
			return new FilesystemError('destination-missing', `The bucket ${this.bucket} does not exist at ${this.endpoint ?? 'AWS'}; create it, or check the name and --s3-endpoint.`, {cause: error});
		}

		if (name === 'CredentialsProviderError' || /credential/i.test((error as Error).message ?? '') && status === undefined) {
			return new FilesystemError('destination-credentials', 'No AWS credentials were found; set AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials.', {cause: error});
		}

		if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AllAccessDisabled'].includes(name) || status === 403) {
			return new FilesystemError('destination-refused', `The store refused access to ${this.location}; check the AWS credentials and that they may list, read and write under this prefix.`, {cause: error});
		}

		if (/Region is missing/i.test((error as Error).message ?? '')) {
			return new FilesystemError('destination-region', 'No AWS region is set; set AWS_REGION (or a region in your AWS profile).', {cause: error});
		}

		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
			return new FilesystemError('destination-unreachable', `Cannot reach the S3 endpoint ${this.endpoint ?? 'of AWS'}; check --s3-endpoint / AWS_ENDPOINT_URL and the network.`, {cause: error});
		}

		// The SDK already retried a 5xx: the store is failing, which stops the run like a failing disk (not a crash).
		if (status !== undefined && status >= 500) {
			return new FilesystemError('destination-failing', `The store behind ${this.location} keeps failing (HTTP ${status}${name ? ` ${name}` : ''}); finished files are kept — try again later.`, {cause: error});
		}

		return undefined;
	}

	async #send<T>(action: () => Promise<T>): Promise<T> {
		try {
			return await action();
		} catch (error) {
			throw this.destinationError(error) ?? error;
		}
	}

	async prepare(options: {dryRun: boolean}): Promise<void> {
		// Listing proves the bucket, the credentials and the list permission that collision checks need.
		// No MaxKeys: 1 — s3rver answers a truncated listing of non-ASCII keys with InternalError, and 1,000 keys cost no more.
		await this.#send(() => this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: this.#folderPrefix('')})));
		if (options.dryRun) {
			return;
		}

		await makePrivateFolder(this.stagingDir);
		this.#capabilities = await this.#probe();
		await this.abortDeadUploads();
	}

	/** Tries the features the store may lack on a throwaway object, so verification never depends on a guess. */
	async #probe(): Promise<Capabilities> {
		const key = this.key(`.ccdl-probe-${randomBytes(8).toString('hex')}`);
		const body = 'ccdl capability probe\n';
		const mode = this.#options.s3Checksum ?? 'auto';
		let checksums = false;
		try {
			if (mode !== 'metadata') {
				try {
					await this.client.send(new PutObjectCommand({Bucket: this.bucket, Key: key, Body: body, ChecksumAlgorithm: 'SHA256'}));
					const head = await this.client.send(new HeadObjectCommand({Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED'}));
					checksums = head.ChecksumSHA256 === createHash('sha256').update(body).digest('base64');
				} catch (error) {
					if (this.destinationError(error)) {
						throw error;
					}
				}

				if (mode === 'sha256' && !checksums) {
					throw new FilesystemError('destination-no-checksums', `The store behind ${this.location} keeps no SHA-256 checksums; drop the sha256 checksum setting to verify by metadata instead.`);
				}
			}

			if (!checksums) {
				await this.#send(() => this.client.send(new PutObjectCommand({Bucket: this.bucket, Key: key, Body: body})));
			}

			let conditionalWrites = false;
			try {
				await this.client.send(new PutObjectCommand({Bucket: this.bucket, Key: key, Body: body, IfNoneMatch: '*'}));
			} catch (error) {
				if (isPreconditionFailed(error)) {
					conditionalWrites = true;
				} else if (this.destinationError(error)) {
					throw error;
				}
			}

			return {checksums, conditionalWrites};
		} catch (error) {
			throw this.destinationError(error) ?? error;
		} finally {
			await this.client.send(new DeleteObjectCommand({Bucket: this.bucket, Key: key})).catch(() => undefined);
		}
	}

	/**
	 * Aborts unfinished multipart uploads under the prefix that no live ccdl is sending: those this machine's ledger
	 * records for a process that is gone, and any older than s3StaleUploadMs (another machine's crash, a lost ledger).
	 * Returns the keys aborted. A store without ListMultipartUploads is left alone: nothing to find there.
	 */
	async abortDeadUploads(): Promise<string[]> {
		const ledger = new Map((await this.#ledger.entries()).map(entry => [entry.key, entry]));
		const staleBefore = Date.now() - (this.#options.s3StaleUploadMs ?? 24 * 3600 * 1000);
		const aborted: string[] = [];
		let keyMarker: string | undefined;
		let uploadIdMarker: string | undefined;
		for (;;) {
			let page;
			try {
				page = await this.client.send(new ListMultipartUploadsCommand({Bucket: this.bucket, Prefix: this.#folderPrefix(''), KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker}));
			} catch (error) {
				if (this.destinationError(error)) {
					throw this.destinationError(error);
				}

				return aborted;
			}

			for (const upload of page.Uploads ?? []) {
				const entry = upload.Key === undefined ? undefined : ledger.get(upload.Key);
				const dead = entry ? !isAlive(entry) : (upload.Initiated?.getTime() ?? Date.now()) < staleBefore;
				if (dead && upload.Key && upload.UploadId) {
					await this.#send(() => this.client.send(new AbortMultipartUploadCommand({Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId})));
					aborted.push(upload.Key);
				}
			}

			if (!page.IsTruncated) {
				break;
			}

			keyMarker = page.NextKeyMarker;
			uploadIdMarker = page.NextUploadIdMarker;
		}

		for (const entry of ledger.values()) {
			if (!isAlive(entry)) {
				await this.#ledger.remove(entry.key);
			}
		}

		return aborted;
	}

	async freeSpace(): Promise<number | undefined> {
		return undefined;
	}

	#folderPrefix(relativeDir: string): string | undefined {
		const folder = [this.prefix, ...safeSegments(relativeDir, this.location)].filter(Boolean).join('/');
		return folder ? `${folder}/` : undefined;
	}

	async list(relativeDir: string): Promise<SinkEntry[]> {
		const prefix = this.#folderPrefix(relativeDir) ?? '';
		const entries: SinkEntry[] = [];
		let token: string | undefined;
		do {
			const page = await this.#send(() => this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix || undefined, Delimiter: '/', ContinuationToken: token})));
			for (const object of page.Contents ?? []) {
				if (object.Key && object.Key.length > prefix.length) {
					entries.push({name: object.Key.slice(prefix.length), size: object.Size ?? -1});
				}
			}

			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);

		return entries;
	}

	/** Every object under the prefix, as relative paths (for `verify`'s extra files). */
	async listAll(): Promise<SinkEntry[]> {
		const prefix = this.#folderPrefix('') ?? '';
		const entries: SinkEntry[] = [];
		let token: string | undefined;
		do {
			const page = await this.#send(() => this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token})));
			for (const object of page.Contents ?? []) {
				if (object.Key && object.Key.length > prefix.length) {
					entries.push({name: object.Key.slice(prefix.length), size: object.Size ?? -1});
				}
			}

			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);

		return entries;
	}

	async #head(key: string): Promise<HeadObjectCommandOutput | undefined> {
		try {
			return await this.client.send(new HeadObjectCommand({Bucket: this.bucket, Key: key, ChecksumMode: this.#capabilities?.checksums ? 'ENABLED' : undefined}));
		} catch (error) {
			if (isNotFound(error)) {
				return undefined;
			}

			throw this.destinationError(error) ?? error;
		}
	}

	/**
	 * The SHA-256 ccdl recorded when it uploaded the object (metadata, or S3's full-object checksum); an object
	 * written by something else is read and hashed. This trusts the store's metadata: `read()` re-hashes the bytes.
	 */
	async digest(relativePath: string): Promise<string | undefined> {
		const head = await this.#head(this.key(relativePath));
		if (!head) {
			return undefined;
		}

		const recorded = head.Metadata?.['sha256'];
		if (recorded && /^[\da-f]{64}$/.test(recorded)) {
			return recorded;
		}

		if (head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-')) {
			return Buffer.from(head.ChecksumSHA256, 'base64').toString('hex');
		}

		const body = await this.read(relativePath);
		if (!body) {
			return undefined;
		}

		const hash = createHash('sha256');
		for await (const chunk of body) {
			hash.update(chunk as Buffer);
		}

		return hash.digest('hex');
	}

	/** The stored bytes as a stream, or undefined when the object is not there. */
	async read(relativePath: string): Promise<Readable | undefined> {
		try {
			const object = await this.client.send(new GetObjectCommand({Bucket: this.bucket, Key: this.key(relativePath)}));
			return object.Body as Readable;
		} catch (error) {
			if (isNotFound(error)) {
				return undefined;
			}

			throw this.destinationError(error) ?? error;
		}
	}

	#partSize(size: number): number {
		const base = this.#options.s3PartSize ?? 8 * mebibyte;
		return Math.max(base, Math.ceil(size / maxParts / mebibyte) * mebibyte);
	}

	async publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult> {
		const key = this.key(relativePath);
		const capabilities = this.#capabilities ?? {checksums: false, conditionalWrites: false};
		const size = (await stat(staged)).size;
		if (size !== options.size) {
			throw new PublishError('staged-changed', `${relativePath} is ${size} bytes in staging, ${options.size} were downloaded; it will be fetched again`);
		}

		if (!options.overwrite && !capabilities.conditionalWrites && await this.#head(key)) {
			// Without If-None-Match the store cannot refuse for us: a writer between this check and the upload's
			// completion would still be clobbered. The window is one upload long; stores with conditional writes have none.
			throw new PublishError('name-taken', `${relativePath} appeared in the bucket during the run; run again to keep both`);
		}

		const partSize = this.#partSize(size);
		const tap = new HashingTap(partSize);
		const abortController = new AbortController();
		const onAbort = () => abortController.abort();
		options.signal?.addEventListener('abort', onAbort, {once: true});
		await this.#ledger.add(key);
		let sent = false;
		try {
			const upload = new Upload({
				client: this.client,
				queueSize: this.#options.s3QueueSize ?? 2,
				partSize,
				leavePartsOnError: false,
				abortController,
				params: {
					Bucket: this.bucket,
					Key: key,
					Body: createReadStream(staged).pipe(tap),
					ContentLength: size,
					// Read back after the upload (and by digest()) where the store keeps no checksum of its own.
					Metadata: {sha256: options.sha256},
					...(capabilities.checksums ? {ChecksumAlgorithm: 'SHA256' as const} : {}),
					...(!options.overwrite && capabilities.conditionalWrites ? {IfNoneMatch: '*'} : {}),
				},
			});
			if (options.onProgress) {
				upload.on('httpUploadProgress', progress => {
					options.onProgress!(progress.loaded ?? 0, progress.total ?? size);
				});
			}

			await upload.done();
			sent = true;
		} catch (error) {
			if (isPreconditionFailed(error)) {
				throw new PublishError('name-taken', `${relativePath} appeared in the bucket during the run; run again to keep both`, {cause: error});
			}

			throw this.destinationError(error) ?? new PublishError('upload-failed', `${relativePath} could not be uploaded: ${(error as Error).message}`, {cause: error});
		} finally {
			options.signal?.removeEventListener('abort', onAbort);
			// A failed upload's abort may have failed too (a store gone away answers neither): its entry stays, marked,
			// and so does one of an earlier failed try of this key; the next run aborts what is left of them.
			if (sent && !this.#failedKeys.has(key)) {
				await this.#ledger.remove(key);
			} else {
				this.#failedKeys.add(key);
				await this.#ledger.end(key).catch(() => undefined);
			}
		}

		const problem = await this.#verifyObject(key, options, tap.result(), capabilities);
		if (problem) {
			await this.client.send(new DeleteObjectCommand({Bucket: this.bucket, Key: key})).catch(() => undefined);
			throw new PublishError('changed-on-upload', `${relativePath} did not verify in the bucket (${problem}); it was removed and will be uploaded again`);
		}

		await rm(staged, {force: true});
		return {relativePath, location: this.locate(relativePath)};
	}

	async #verifyObject(key: string, options: PublishOptions, sent: ReturnType<HashingTap['result']>, capabilities: Capabilities): Promise<string | undefined> {
		if (sent.bytes !== options.size || sent.sha256 !== options.sha256) {
			return 'the staged file changed while it was sent';
		}

		const head = await this.#head(key);
		if (!head) {
			return 'the object is not there';
		}

		if (head.ContentLength !== options.size) {
			return `${head.ContentLength} bytes stored, ${options.size} sent`;
		}

		if (capabilities.checksums) {
			return head.ChecksumSHA256 && expectedS3Checksums(options.sha256, sent.parts).includes(head.ChecksumSHA256)
				? undefined : 'S3 checksum differs';
		}

		return head.Metadata?.['sha256'] === options.sha256 ? undefined : 'recorded SHA-256 differs';
	}

	async readText(relativePath: string): Promise<string | undefined> {
		const body = await this.read(relativePath);
		if (!body) {
			return undefined;
		}

		const chunks: Buffer[] = [];
		for await (const chunk of body) {
			chunks.push(chunk as Buffer);
		}

		return Buffer.concat(chunks).toString('utf8');
	}

	async readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined> {
		return this.read(relativePath);
	}

	async writeText(relativePath: string, content: string | Iterable<string>): Promise<string> {
		// One buffer, built chunk by chunk: S3 wants the length and the digest up front, and a retry resends it.
		const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.concat(Array.from(content, chunk => Buffer.from(chunk, 'utf8')));
		await this.#send(() => this.client.send(new PutObjectCommand({
			Bucket: this.bucket,
			Key: this.key(relativePath),
			Body: body,
			ContentType: relativePath.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
			Metadata: {sha256: createHash('sha256').update(body).digest('hex')},
		})));
		return this.locate(relativePath);
	}

	async close(): Promise<void> {
		this.client.destroy();
	}
}

/** The registry's opener for `s3://` (see registry.ts). */
export async function openS3Sink(url: URL, options: S3SinkOptions = {}): Promise<Sink> {
	return new S3Sink(url, options);
}
