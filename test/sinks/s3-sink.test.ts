import {spawn} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import net from 'node:net';
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {CreateMultipartUploadCommand, ListMultipartUploadsCommand} from '@aws-sdk/client-s3';
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {FilesystemError} from '../../source/lib/errors.js';
import {S3Sink} from '../../source/lib/sinks/s3/s3-sink.js';
import {nodePath} from '../helpers/ccdl.js';
import {startS3Server, type S3TestServer} from '../helpers/s3-server.js';

const mebibyte = 1024 * 1024;
const viteNode = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url));
const publishChild = fileURLToPath(new URL('fixtures/s3-publish-child.ts', import.meta.url));

let server: S3TestServer;
let cache: string;
let env: NodeJS.ProcessEnv;

function sha256(bytes: Buffer | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}

async function openSink(prefix: string, options: ConstructorParameters<typeof S3Sink>[1] = {}): Promise<S3Sink> {
	const sink = new S3Sink(new URL(`s3://${server.bucket}/${prefix}`), {env, s3PartSize: 5 * mebibyte, ...options});
	await sink.prepare({dryRun: false});
	return sink;
}

async function stage(sink: S3Sink, bytes: Buffer): Promise<string> {
	const staged = path.join(sink.stagingDir, `.ccdl-${randomBytes(6).toString('hex')}.part`);
	await writeFile(staged, bytes);
	return staged;
}

async function uploadsInProgress(sink: S3Sink): Promise<string[]> {
	const page = await sink.client.send(new ListMultipartUploadsCommand({Bucket: server.bucket}));
	return (page.Uploads ?? []).map(upload => upload.Key!);
}

beforeAll(async () => {
	server = await startS3Server();
	cache = await mkdtemp(path.join(os.tmpdir(), 'ccdl-s3-cache-'));
	// The SDK's credential chain reads process.env; point its shared files nowhere so the machine's never leak in.
	Object.assign(process.env, server.env, {AWS_CONFIG_FILE: path.join(cache, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(cache, 'none')});
	delete process.env['AWS_PROFILE'];
	env = {...process.env, XDG_CACHE_HOME: cache};
});

afterAll(async () => {
	await server?.stop();
	await rm(cache, {recursive: true, force: true});
});

describe('S3 sink on s3rver', () => {
	it('probes the store: s3rver keeps no SHA-256 checksums and ignores If-None-Match', async () => {
		const sink = await openSink('probe');
		expect(sink.capabilities).toEqual({checksums: false, conditionalWrites: false});
		expect(sink.stagingDir.startsWith(path.join(cache, 'ccdl', 'staging'))).toBe(true);
		// The probe object is gone.
		expect(await sink.list('')).toEqual([]);
		await sink.close();
	});

	it('publishes files that rclone reads back complete and identical, single PUT and multipart', async () => {
		const sink = await openSink('day/one');
		const files: Array<[string, Buffer]> = [
			['small.mp3', randomBytes(1000)],
			['Értékesítés: ősz/big.mp3', randomBytes(12 * mebibyte + 123)],
			['exact.json', randomBytes(5 * mebibyte)],
		];
		for (const [name, bytes] of files) {
			const staged = await stage(sink, bytes);
			const result = await sink.publish(staged, name, {overwrite: false, size: bytes.length, sha256: sha256(bytes)});
			expect(result).toEqual({relativePath: name, location: `s3://${server.bucket}/day/one/${name}`});
			await expect(readdir(sink.stagingDir)).resolves.not.toContain(path.basename(staged));
		}

		const listing = JSON.parse((await server.rclone(['lsjson', '-R', '--files-only', `s3t:${server.bucket}/day/one`])).toString()) as Array<{Path: string; Size: number}>;
		expect(listing.map(item => [item.Path, item.Size]).sort()).toEqual(files.map(([name, bytes]) => [name, bytes.length]).sort());
		for (const [name, bytes] of files) {
			const readBack = await server.rclone(['cat', `s3t:${server.bucket}/day/one/${name}`]);
			expect(sha256(readBack)).toBe(sha256(bytes));
			expect(await sink.digest(name)).toBe(sha256(bytes));
		}

		expect((await sink.list('')).map(entry => entry.name).sort()).toEqual(['exact.json', 'small.mp3']);
		expect((await sink.list('Értékesítés: ősz'))).toEqual([{name: 'big.mp3', size: 12 * mebibyte + 123}]);
		expect((await sink.listAll()).map(entry => entry.name).sort()).toEqual(files.map(([name]) => name).sort());
		expect(await sink.digest('nothing-here.mp3')).toBeUndefined();
		expect(await uploadsInProgress(sink)).toEqual([]);
		await sink.close();
	});

	it('writes and reads the manifest text at the top of the prefix', async () => {
		const sink = await openSink('manifest-case');
		expect(await sink.readText('manifest.jsonl')).toBeUndefined();
		const location = await sink.writeText('manifest.jsonl', '{"file":"á.mp3"}\n');
		expect(location).toBe(`s3://${server.bucket}/manifest-case/manifest.jsonl`);
		expect((await server.rclone(['cat', `s3t:${server.bucket}/manifest-case/manifest.jsonl`])).toString()).toBe('{"file":"á.mp3"}\n');
		expect(await sink.readText('manifest.jsonl')).toBe('{"file":"á.mp3"}\n');
		await sink.close();
	});

	it('keeps both: never clobbers a key that appeared meanwhile, but overwrites when asked', async () => {
		const sink = await openSink('keep-both');
		const theirs = path.join(cache, 'theirs.mp3');
		await writeFile(theirs, 'written by someone else');
		await server.rclone(['copyto', theirs, `s3t:${server.bucket}/keep-both/call.mp3`]);
		const ours = randomBytes(2000);
		const staged = await stage(sink, ours);
		await expect(sink.publish(staged, 'call.mp3', {overwrite: false, size: ours.length, sha256: sha256(ours)})).rejects.toMatchObject({code: 'name-taken'});
		expect((await server.rclone(['cat', `s3t:${server.bucket}/keep-both/call.mp3`])).toString()).toBe('written by someone else');
		const result = await sink.publish(staged, 'call.mp3', {overwrite: true, size: ours.length, sha256: sha256(ours)});
		expect(result.relativePath).toBe('call.mp3');
		expect(sha256(await server.rclone(['cat', `s3t:${server.bucket}/keep-both/call.mp3`]))).toBe(sha256(ours));
		await sink.close();
	});

	it('refuses and removes an object whose bytes do not match the digest the engine validated', async () => {
		const sink = await openSink('mismatch');
		const bytes = randomBytes(3000);
		const staged = await stage(sink, bytes);
		await expect(sink.publish(staged, 'bad.mp3', {overwrite: false, size: bytes.length, sha256: sha256('something else')})).rejects.toMatchObject({code: 'changed-on-upload'});
		expect(await sink.digest('bad.mp3')).toBeUndefined();
		await sink.close();
	});

	it('turns an unusable destination into a FilesystemError that says what to do', async () => {
		const missing = new S3Sink(new URL('s3://no-such-bucket/x'), {env});
		const error = await missing.prepare({dryRun: true}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(FilesystemError);
		expect(error).toMatchObject({code: 'destination-missing', exitCode: 5});
		await missing.close();
		const nowhere = new S3Sink(new URL(`s3://${server.bucket}/x`), {env, s3Endpoint: 'http://127.0.0.1:9'});
		await expect(nowhere.prepare({dryRun: true})).rejects.toMatchObject({code: 'destination-unreachable', exitCode: 5});
		await nowhere.close();
		expect(() => new S3Sink(new URL(`s3://key:secret@${server.bucket}/x`), {env})).toThrow(/credentials/);
	});

	it('after a kill -9 in the middle of a multipart upload, a rerun aborts the dead upload and lands the whole object', async () => {
		const bytes = randomBytes(16 * mebibyte + 7);
		const digest = sha256(bytes);
		const first = new S3Sink(new URL(`s3://${server.bucket}/killed`), {env});
		await rm(first.stagingDir, {recursive: true, force: true});
		const staged = path.join(cache, 'killed.mp3');
		await writeFile(staged, bytes);
		const child = spawn(nodePath, [viteNode, publishChild, `s3://${server.bucket}/killed`, staged, 'killed.mp3', String(bytes.length), digest, '3', String(5 * mebibyte)], {
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (text: string) => {
			stderr += text;
		});
		// A failed assertion must not leave the parked uploader running.
		onTestFinished(() => {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGKILL');
			}
		});
		await new Promise<void>((resolve, reject) => {
			createInterface({input: child.stdout}).on('line', line => line === 'parked' && resolve());
			child.once('exit', code => reject(new Error(`the uploading child exited with ${code} before parking: ${stderr}`)));
		});

		// Parts 1 and 2 are on the server; a rerun while the uploader is alive must leave its upload alone.
		const watcher = await openSink('killed');
		expect(await uploadsInProgress(watcher)).toEqual(['killed/killed.mp3']);
		expect(await server.uploadsOnDisk()).toHaveLength(1);
		await watcher.close();

		child.kill('SIGKILL');
		await once(child, 'exit');
		const rerun = await openSink('killed');
		expect(await uploadsInProgress(rerun)).toEqual([]);
		expect(await server.uploadsOnDisk()).toEqual([]);
		expect(await rerun.digest('killed.mp3')).toBeUndefined();

		await rerun.publish(await stage(rerun, bytes), 'killed.mp3', {overwrite: false, size: bytes.length, sha256: digest});
		expect(sha256(await server.rclone(['cat', `s3t:${server.bucket}/killed/killed.mp3`]))).toBe(digest);
		expect(await uploadsInProgress(rerun)).toEqual([]);
		expect(await server.uploadsOnDisk()).toEqual([]);
		await rerun.close();
	});

	it('an upload cut off by a store that went away is aborted by the next run, though this one could not abort it', async () => {
		// A forwarder in front of s3rver stands for the store: it goes away in the middle of part 2 (every connection
		// cut, nothing listening, so the abort fails too) and comes back on the same address, as a restarted store does.
		const target = new URL(server.endpoint);
		const sockets = new Set<net.Socket>();
		let forwarded = 0;
		let cutAfter = Number.POSITIVE_INFINITY;
		const forwarder = net.createServer(client => {
			const upstream = net.connect(Number(target.port), target.hostname);
			for (const socket of [client, upstream]) {
				sockets.add(socket);
				socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
			}

			client.on('data', (chunk: Buffer) => {
				forwarded += chunk.length;
				if (forwarded > cutAfter) {
					forwarder.close();
					for (const socket of sockets) {
						socket.destroy();
					}
				}
			});
			client.pipe(upstream).pipe(client);
		});
		forwarder.listen(0, '127.0.0.1');
		await once(forwarder, 'listening');
		const {port} = forwarder.address() as net.AddressInfo;
		const endpoint = `http://127.0.0.1:${port}`;
		const bytes = randomBytes(16 * mebibyte + 3);
		const first = await openSink('cut', {s3Endpoint: endpoint});
		cutAfter = forwarded + 7 * mebibyte;
		await expect(first.publish(await stage(first, bytes), 'cut.mp3', {overwrite: false, size: bytes.length, sha256: sha256(bytes)})).rejects.toThrow();
		await first.close();
		const direct = await openSink('elsewhere');
		expect(await uploadsInProgress(direct)).toEqual(['cut/cut.mp3']);

		cutAfter = Number.POSITIVE_INFINITY;
		forwarder.listen(port, '127.0.0.1');
		await once(forwarder, 'listening');
		try {
			const rerun = await openSink('cut', {s3Endpoint: endpoint});
			expect(await uploadsInProgress(direct)).toEqual([]);
			expect(await server.uploadsOnDisk()).toEqual([]);
			await rerun.close();
		} finally {
			forwarder.close();
			for (const socket of sockets) {
				socket.destroy();
			}

			await direct.close();
		}
	});

	it('aborts an unclaimed multipart upload only once it is older than the stale limit', async () => {
		const sink = await openSink('stale');
		await sink.client.send(new CreateMultipartUploadCommand({Bucket: server.bucket, Key: 'stale/orphan.mp3'}));
		expect(await sink.abortDeadUploads()).toEqual([]);
		expect(await uploadsInProgress(sink)).toEqual(['stale/orphan.mp3']);
		const strict = await openSink('stale', {s3StaleUploadMs: 0});
		expect(await uploadsInProgress(strict)).toEqual([]);
		await sink.close();
		await strict.close();
	});
});
