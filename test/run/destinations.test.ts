/**
 * One headless command from the demo server straight to object storage or an SFTP server, encrypted if asked, and
 * a second command (`ccdl verify`) that proves it later. Real servers as separate processes (s3rver, Debian's sshd);
 * independent clients read back (rclone, Debian's age).
 */
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {partialPaths} from '../../source/lib/engine/transfer.js';
import {S3Sink} from '../../source/lib/sinks/s3/s3-sink.js';
import {cleanup, connection, runCcdl, startCcdl, tempDir} from '../helpers/ccdl.js';
import {type DemoProcess, startDemoProcess} from '../helpers/demo-server.js';
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js';
import {type SshdServer, startSshd} from '../helpers/sshd.js';

const run = promisify(execFile);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let demo: DemoProcess;
let s3: S3TestServer;
let sshd: SshdServer;

beforeAll(async () => {
	[demo, s3, sshd] = await Promise.all([
		startDemoProcess(['--calls', '30', '--seed', '31', '--days', '3']),
		startS3Server('exports'),
		startSshd(),
	]);
}, 60_000);

afterAll(async () => {
	await Promise.all([demo?.stop(), s3?.stop(), sshd?.stop()]);
	await cleanup();
});

async function isolated() {
	const home = await tempDir('ccdl-dest-');
	return {home, env: {CCDL_DEBUG: '1', CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: path.join(home, 'data'), XDG_CACHE_HOME: path.join(home, 'cache'), HOME: home}};
}

interface Row {file: string; sha256: string; storedSha256?: string; status: string}

describe('remote destinations', () => {
	it('demo server → S3, encrypted: objects decrypt with age to the manifest\'s digests; verify passes; a rerun fetches nothing again', async () => {
		const {home, env} = await isolated();
		await run('age-keygen', ['-o', path.join(home, 'key.txt')]);
		const recipient = /public key: (age1\w+)/.exec(await readFile(path.join(home, 'key.txt'), 'utf8'))![1]!;
		const out = `s3://${s3.bucket}/day`;
		const args = ['download', ...connection(demo.url), '--channel', 'voice', '--timezone', 'UTC', '--include-archived', '--no-archive',
			'--out', out, '--encrypt-to', recipient, '--s3-endpoint', s3.endpoint];
		const first = await runCcdl(args, {env: {...env, ...s3.env}});
		expect(first.code, first.stderr).toBe(0);

		const rows = (await s3.rclone(['cat', `s3t:${s3.bucket}/day/manifest.jsonl`])).toString().trim().split('\n').map(line => JSON.parse(line) as Row);
		const files = rows.filter(row => row.status === 'valid');
		expect(files.length).toBeGreaterThan(3);
		for (const row of files.slice(0, 3)) {
			expect(row.file.endsWith('.mp3.age')).toBe(true);
			const ciphertext = await s3.rclone(['cat', `s3t:${s3.bucket}/day/${row.file}`], {binary: true});
			expect(sha256(ciphertext)).toBe(row.storedSha256);
			const cipherFile = path.join(home, 'one.age');
			await writeFile(cipherFile, ciphertext);
			const {stdout} = await run('age', ['-d', '-i', path.join(home, 'key.txt'), cipherFile], {encoding: 'buffer', maxBuffer: 64 * 1024 * 1024});
			expect(sha256(stdout as unknown as Buffer)).toBe(row.sha256);
		}

		const verified = await runCcdl(['verify', out, '--s3-endpoint', s3.endpoint, '--identity', path.join(home, 'key.txt')], {env: {...env, ...s3.env}});
		expect(verified.code, verified.stdout + verified.stderr).toBe(0);
		expect(verified.stdout).toMatch(/encrypted files were decrypted and checked too/);

		const again = await runCcdl(args, {env: {...env, ...s3.env}});
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toMatch(/Done: 0 valid, \d+ already there/);
		// The rerun describes what it found as it is stored (under .age, with the ciphertext's digest): one row a file,
		// still valid, and verify still passes (a second row under the plain name made it report every file missing).
		const rerunRows = (await s3.rclone(['cat', `s3t:${s3.bucket}/day/manifest.jsonl`])).toString().trim().split('\n').map(line => JSON.parse(line) as Row);
		expect(rerunRows).toHaveLength(rows.length);
		expect(rerunRows.filter(row => row.status === 'valid').map(row => [row.file, row.storedSha256])).toEqual(files.map(row => [row.file, row.storedSha256]));
		const reverified = await runCcdl(['verify', out, '--s3-endpoint', s3.endpoint], {env: {...env, ...s3.env}});
		expect(reverified.code, reverified.stdout + reverified.stderr).toBe(0);

		// Uploads report their progress (JSON lines carry it as "uploading" events, the app as ↑N%).
		const other = await runCcdl([...args.map(arg => arg === out ? `s3://${s3.bucket}/json` : arg), '--json'], {env: {...env, ...s3.env}});
		expect(other.code, other.stderr).toBe(0);
		const events = other.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; bytes?: number; size?: number});
		const uploads = events.filter(event => event.type === 'uploading');
		expect(uploads.length).toBeGreaterThan(0);
		expect(uploads.every(event => event.bytes! <= event.size!)).toBe(true);
	}, 120_000);

	it('demo server → SFTP with known_hosts checked: files land identical; verify passes; an unknown host is refused', async () => {
		const {home, env} = await isolated();
		const out = `sftp://${sshd.user}@127.0.0.1:${sshd.port}${path.join(sshd.root, 'calls')}`;
		const args = ['download', ...connection(demo.url), '--channel', 'voice', '--timezone', 'UTC', '--include-archived', '--no-archive',
			'--out', out, '--sftp-identity', sshd.identity];
		const unknown = await runCcdl(args, {env});
		expect(unknown.code).toBe(5);
		expect(unknown.stderr).toContain(sshd.fingerprint);

		await mkdir(path.join(home, '.ssh'), {recursive: true});
		await writeFile(path.join(home, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
		const result = await runCcdl(args, {env});
		expect(result.code, result.stderr).toBe(0);
		const rows = (await readFile(path.join(sshd.root, 'calls', 'manifest.jsonl'), 'utf8')).trim().split('\n').map(line => JSON.parse(line) as Row);
		const valid = rows.filter(row => row.status === 'valid');
		expect(valid.length).toBeGreaterThan(3);
		for (const row of valid) {
			expect(sha256(await readFile(path.join(sshd.root, 'calls', ...row.file.split('/'))))).toBe(row.sha256);
		}

		const verified = await runCcdl(['verify', out, '--sftp-identity', sshd.identity], {env});
		expect(verified.code, verified.stdout + verified.stderr).toBe(0);
	}, 120_000);

	it('a rerun to S3 removes a staged partial of a file already in the bucket (left by a kill -9 after its upload)', async () => {
		const {env} = await isolated();
		const out = `s3://${s3.bucket}/swept`;
		const args = ['download', ...connection(demo.url), '--channel', 'voice', '--timezone', 'UTC', '--include-archived', '--no-archive',
			'--out', out, '--s3-endpoint', s3.endpoint];
		const first = await runCcdl(args, {env: {...env, ...s3.env}});
		expect(first.code, first.stderr).toBe(0);
		const row = (await s3.rclone(['cat', `s3t:${s3.bucket}/swept/manifest.jsonl`])).toString().trim().split('\n').map(line => JSON.parse(line) as Row)
			.find(item => item.status === 'valid')!;
		// What a kill -9 between the upload and the staging clean-up leaves: the partial and a sidecar whose owner is gone.
		const staging = new S3Sink(new URL(out), {env: {...env, ...s3.env}, s3Endpoint: s3.endpoint}).stagingDir;
		const {part, meta} = partialPaths(path.join(staging, ...row.file.split('/')));
		await mkdir(path.dirname(part), {recursive: true});
		await writeFile(part, 'uploaded already');
		await writeFile(meta, JSON.stringify({href: '/x', size: 16, target: path.basename(row.file), host: hostname(), pid: 2 ** 22 + 7}));
		const again = await runCcdl(args, {env: {...env, ...s3.env}});
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toMatch(/Done: 0 valid, \d+ already there/);
		expect(existsSync(part)).toBe(false);
		expect(existsSync(meta)).toBe(false);
	}, 120_000);

	it('an SFTP server that goes away mid-run stops the run (exit 5) with one sentence; files not yet published are not failed', async () => {
		const {home, env} = await isolated();
		const [own, big] = await Promise.all([startSshd(), startDemoProcess(['--calls', '40', '--seed', '8', '--days', '2', '--media-size', String(2 * 1024 * 1024)])]);
		try {
			await mkdir(path.join(home, '.ssh'), {recursive: true});
			await writeFile(path.join(home, '.ssh', 'known_hosts'), `${own.knownHostsLine}\n`);
			const out = `sftp://${own.user}@127.0.0.1:${own.port}${path.join(own.root, 'calls')}`;
			const ccdl = startCcdl(['download', ...connection(big.url), '--channel', 'voice', '--timezone', 'UTC', '--include-archived', '--no-archive',
				'--out', out, '--sftp-identity', own.identity, '--concurrency', '2', '--json'], {env: {...env, CCDL_PASSWORD: 'demo'}});
			await ccdl.waitFor(({stdout}) => stdout.includes('"type":"validated"'));
			await own.dropConnections();
			own.process.kill('SIGTERM');
			const result = await ccdl.done;
			expect(result.code, result.stderr).toBe(5);
			expect(result.stderr).toMatch(/Lost the SFTP connection to .+ and could not go on \((connect ECONNREFUSED|No response from server)[^()]*\)/);
			expect(result.stderr).not.toMatch(/Global|listener|No SFTP connection available/);
			const events = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string});
			expect(events.filter(event => event.type === 'validated').length).toBeGreaterThan(0);
			expect(events.filter(event => event.type === 'failed')).toEqual([]);
		} finally {
			await Promise.all([own.stop(), big.stop()]);
		}
	}, 120_000);

	it('a saved search to S3 or SFTP runs from cron as `ccdl run NAME`, with no terminal', async () => {
		const {home, env} = await isolated();
		await mkdir(path.join(home, '.ssh'), {recursive: true});
		await writeFile(path.join(home, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
		const destinations = [
			{name: 'to-s3', out: `s3://${s3.bucket}/saved`, flags: ['--s3-endpoint', s3.endpoint], list: async () => (await s3.rclone(['lsf', '-R', `s3t:${s3.bucket}/saved`])).toString()},
			{name: 'to-sftp', out: `sftp://${sshd.user}@127.0.0.1:${sshd.port}${path.join(sshd.root, 'saved')}`, flags: ['--sftp-identity', sshd.identity], list: async () => (await run('find', [path.join(sshd.root, 'saved'), '-type', 'f'])).stdout},
		];
		for (const {name, out, flags, list} of destinations) {
			const saved = await runCcdl(['search', 'save', name, ...connection(demo.url), '--all-campaigns', '--from', '2026-10-01', '--to', '2026-11-01', '--channel', 'voice',
				'--timezone', 'UTC', '--include-archived', '--no-archive', '--out', out, ...flags], {env});
			expect(saved.code, saved.stderr).toBe(0);
			expect((await runCcdl(['search', 'show', name], {env})).stdout).toContain(out);
			const result = await runCcdl(['run', name], {env: {...env, ...s3.env, CCDL_PASSWORD: 'demo'}});
			expect(result.code, result.stderr).toBe(0);
			expect(result.stderr).toMatch(/Done: [1-9]\d* valid/);
			const listed = await list();
			expect(listed).toContain('manifest.jsonl');
			expect(listed).toMatch(/\.mp3\n/);
		}
	}, 120_000);
});
