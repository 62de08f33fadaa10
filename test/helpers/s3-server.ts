/**
 * An S3-compatible server for the sink tests: s3rver on a loopback port as a separate process, with a temporary
 * directory and one bucket, plus rclone (Debian) configured for it as an independent client to read objects back.
 * Credentials are s3rver's fixed test pair; they are passed by environment, never argv.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {nodePath} from './ccdl.js';

const childScript = fileURLToPath(new URL('../sinks/fixtures/s3rver-process.cjs', import.meta.url));

export interface S3TestServer {
	endpoint: string;
	bucket: string;
	/** s3rver's storage folder. */
	directory: string;
	/** AWS_* variables for a client of this server (credentials, region, endpoint). */
	env: Record<string, string>;
	process: ChildProcess;
	/** Runs rclone against the bucket as remote `s3t:`; resolves with stdout, rejects on a non-zero exit. */
	rclone(args: string[], options?: {binary?: boolean}): Promise<Buffer>;
	/** Multipart uploads s3rver holds on disk (its upload folders), whatever its API says. */
	uploadsOnDisk(): Promise<string[]>;
	stop(): Promise<void>;
}

export async function startS3Server(bucket = 'ccdl-test'): Promise<S3TestServer> {
	const directory = await mkdtemp(path.join(os.tmpdir(), 'ccdl-s3rver-'));
	const child = spawn(nodePath, [childScript, directory, bucket], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const endpoint = await new Promise<string>((resolve, reject) => {
		createInterface({input: child.stdout!}).once('line', resolve);
		child.once('exit', code => reject(new Error(`s3rver exited with ${code} before printing its URL: ${stderr}`)));
	});
	const env = {
		AWS_ACCESS_KEY_ID: 'S3RVER',
		AWS_SECRET_ACCESS_KEY: 'S3RVER',
		AWS_REGION: 'us-east-1',
		AWS_ENDPOINT_URL: endpoint,
	};

	return {
		endpoint,
		bucket,
		directory,
		env,
		process: child,
		async rclone(args) {
			const rcloneEnv: NodeJS.ProcessEnv = {
				...process.env,
				...env,
				RCLONE_CONFIG: '/dev/null',
				RCLONE_CONFIG_S3T_TYPE: 's3',
				RCLONE_CONFIG_S3T_PROVIDER: 'Other',
				RCLONE_CONFIG_S3T_ENDPOINT: endpoint,
				RCLONE_CONFIG_S3T_ENV_AUTH: 'true',
			};
			// A CA bundle setting (some sandboxes set one) makes rclone refuse its plain-HTTP transport.
			delete rcloneEnv['AWS_CA_BUNDLE'];
			const run = spawn('rclone', ['--retries', '1', '--low-level-retries', '1', ...args], {env: rcloneEnv, stdio: ['ignore', 'pipe', 'pipe']});
			const chunks: Buffer[] = [];
			let errors = '';
			run.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
			run.stderr.setEncoding('utf8').on('data', (text: string) => {
				errors += text;
			});
			const [code] = await once(run, 'exit') as [number | null];
			if (code !== 0) {
				throw new Error(`rclone ${args.join(' ')} exited with ${code}: ${errors}`);
			}

			return Buffer.concat(chunks);
		},
		async uploadsOnDisk() {
			try {
				return await readdir(path.join(directory, bucket, '._S3rver_uploads'));
			} catch {
				return [];
			}
		},
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await once(child, 'exit');
			}

			await rm(directory, {recursive: true, force: true});
		},
	};
}
