import {execFile} from 'node:child_process';
import {once} from 'node:events';
import {createHash, randomBytes} from 'node:crypto';
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {FilesystemError} from '../../source/lib/errors.js';
import {EncryptingSink, validateRecipients} from '../../source/lib/sinks/encrypt/encrypting-sink.js';
import {SftpSink, type SftpSinkOptions} from '../../source/lib/sinks/sftp/sftp-sink.js';
import {startSshd, type SshdServer} from '../helpers/sshd.js';

const run = promisify(execFile);
let server: SshdServer;
let knownHosts: string;
let env: NodeJS.ProcessEnv;

function sha256(bytes: Buffer | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function url(folder: string): URL {
	return new URL(`sftp://${server.user}@127.0.0.1:${server.port}${path.join(server.root, folder)}`);
}

function openSink(folder: string, options: SftpSinkOptions = {}): SftpSink {
	return new SftpSink(url(folder), {env, sftpIdentity: server.identity, sftpKnownHosts: [knownHosts], ...options});
}

async function stage(sink: SftpSink, bytes: Buffer | string): Promise<string> {
	await mkdir(sink.stagingDir, {recursive: true});
	const staged = path.join(sink.stagingDir, `.ccdl-${randomBytes(6).toString('hex')}.part`);
	await writeFile(staged, bytes);
	return staged;
}

async function walk(folder: string, base = folder): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(folder, {withFileTypes: true})) {
		const full = path.join(folder, entry.name);
		found.push(...entry.isDirectory() ? await walk(full, base) : [path.relative(base, full)]);
	}

	return found.sort();
}

beforeAll(async () => {
	server = await startSshd();
	knownHosts = path.join(server.scratch, 'known_hosts');
	await writeFile(knownHosts, `${server.knownHostsLine}\n`);
	env = {XDG_CACHE_HOME: path.join(server.scratch, 'cache')};
});

afterAll(async () => {
	await server?.stop();
});

describe('SFTP sink on OpenSSH', () => {
	it('publishes files that land complete and identical on the server, in sub-folders made as needed', async () => {
		const sink = openSink('day');
		await sink.prepare({dryRun: false});
		const files: Array<[string, Buffer]> = [
			['small.mp3', randomBytes(900)],
			['Értékesítés ősz/2026-11/big.mp3', randomBytes(3 * 1024 * 1024 + 5)],
			['empty.json', Buffer.alloc(0)],
		];
		for (const [name, bytes] of files) {
			const staged = await stage(sink, bytes);
			const result = await sink.publish(staged, name, {overwrite: false, size: bytes.length, sha256: sha256(bytes)});
			expect(result.relativePath).toBe(name);
			expect(result.location).toBe(`sftp://${server.user}@127.0.0.1:${server.port}${path.join(server.root, 'day', name)}`);
			await expect(readdir(sink.stagingDir)).resolves.not.toContain(path.basename(staged));
		}

		// Read straight from the folder sshd wrote to: no temporaries, every byte as sent.
		const landed = path.join(server.root, 'day');
		expect(await walk(landed)).toEqual(files.map(([name]) => name).sort());
		for (const [name, bytes] of files) {
			expect(sha256(await readFile(path.join(landed, name)))).toBe(sha256(bytes));
			expect(await sink.digest(name)).toBe(sha256(bytes));
		}

		expect((await sink.list('')).sort((a, b) => a.name.localeCompare(b.name))).toEqual([{name: 'empty.json', size: 0}, {name: 'small.mp3', size: 900}]);
		expect((await sink.listAll()).map(entry => entry.name).sort()).toEqual(files.map(([name]) => name).sort());
		expect(await sink.list('no/such/folder')).toEqual([]);
		expect(await sink.digest('missing.mp3')).toBeUndefined();
		expect(await sink.readText('manifest.csv')).toBeUndefined();
		await sink.writeText('manifest.csv', 'File,SHA-256\r\n');
		await sink.writeText('manifest.csv', 'File,SHA-256\r\nsmall.mp3,x\r\n');
		expect(await readFile(path.join(landed, 'manifest.csv'), 'utf8')).toBe('File,SHA-256\r\nsmall.mp3,x\r\n');
		expect(await sink.readText('manifest.csv')).toBe('File,SHA-256\r\nsmall.mp3,x\r\n');
		await sink.close();
	});

	it('files and the folders it creates are owner-only (or group-readable when asked), whatever the server\'s umask', async () => {
		// OpenSSH's sftp-server applies the umask of sshd (022 here): left to it, files were 0644, folders 0755, and the
		// manifest 0666 (ssh2's write stream sets 0666 itself).
		for (const [folder, fileMode, folderMode] of [['private/a', 0o600, 0o700], ['shared/a', 0o640, 0o750]] as const) {
			const sink = openSink(folder, fileMode === 0o600 ? {} : {fileMode});
			await sink.prepare({dryRun: false});
			const body = Buffer.from('a recording');
			await sink.publish(await stage(sink, body), '2026/11/call.mp3', {overwrite: false, size: body.length, sha256: sha256(body)});
			await sink.writeText('manifest.jsonl', ['{"file":"2026/11/call.mp3"}\n']);
			await sink.close();
			const root = path.join(server.root, folder);
			const modes = await Promise.all([root, path.dirname(root), path.join(root, '2026'), path.join(root, '2026', '11'), path.join(root, '2026', '11', 'call.mp3'), path.join(root, 'manifest.jsonl')]
				.map(async file => (await stat(file)).mode & 0o777));
			expect(modes).toEqual([folderMode, folderMode, folderMode, folderMode, fileMode, fileMode]);
		}
	});

	it('a lost connection is opened again; a server gone for good stops the run with one sentence, and the library prints nothing', async () => {
		const own = await startSshd();
		const printed: unknown[] = [];
		const spies = [vi.spyOn(console, 'log').mockImplementation((...args) => printed.push(args)), vi.spyOn(console, 'error').mockImplementation((...args) => printed.push(args))];
		try {
			const hosts = path.join(own.scratch, 'known_hosts');
			await writeFile(hosts, `${own.knownHostsLine}\n`);
			const sink = new SftpSink(new URL(`sftp://${own.user}@127.0.0.1:${own.port}${path.join(own.root, 'lost')}`), {env, sftpIdentity: own.identity, sftpKnownHosts: [hosts]});
			await sink.prepare({dryRun: false});
			const publish = async (name: string) => {
				const body = Buffer.from(`recording ${name}`);
				return sink.publish(await stage(sink, body), name, {overwrite: false, size: body.length, sha256: sha256(body)});
			};

			await publish('one.mp3');
			await own.dropConnections();
			// The server restarted its sessions: the next file goes over a new connection.
			await publish('two.mp3');
			expect((await readdir(path.join(own.root, 'lost'))).sort()).toEqual(['one.mp3', 'two.mp3']);

			await own.dropConnections();
			own.process.kill('SIGTERM');
			await once(own.process, 'exit');
			const gone = await publish('three.mp3').catch((error: unknown) => error);
			expect(gone).toBeInstanceOf(FilesystemError);
			expect((gone as FilesystemError).code).toBe('destination-unreachable');
			expect((gone as Error).message).toMatch(/^Lost the SFTP connection to \[127\.0\.0\.1\]:\d+ and could not go on \(.+\); the files already published are kept: run again to go on\.$/);
			await sink.close();
			expect(printed).toEqual([]);
		} finally {
			for (const spy of spies) {
				spy.mockRestore();
			}

			await own.stop();
		}
	});

	it('keeps both: never replaces a file that appeared meanwhile, replaces it when overwriting', async () => {
		const sink = openSink('keep');
		await sink.prepare({dryRun: false});
		await writeFile(path.join(server.root, 'keep', 'call.mp3'), 'someone else wrote this');
		const ours = randomBytes(4096);
		const staged = await stage(sink, ours);
		await expect(sink.publish(staged, 'call.mp3', {overwrite: false, size: ours.length, sha256: sha256(ours)})).rejects.toMatchObject({code: 'name-taken'});
		expect(await readFile(path.join(server.root, 'keep', 'call.mp3'), 'utf8')).toBe('someone else wrote this');
		expect(await readdir(path.join(server.root, 'keep'))).toEqual(['call.mp3']);
		await sink.publish(staged, 'call.mp3', {overwrite: true, size: ours.length, sha256: sha256(ours)});
		expect(sha256(await readFile(path.join(server.root, 'keep', 'call.mp3')))).toBe(sha256(ours));
		await sink.close();
	});

	it('refuses an unknown host, naming its SHA-256 fingerprint and how to add it after checking', async () => {
		const empty = path.join(server.scratch, 'known_hosts.empty');
		await writeFile(empty, '');
		const sink = openSink('unknown', {sftpKnownHosts: [empty]});
		const error = await sink.prepare({dryRun: true}).catch((caught: unknown) => caught as FilesystemError);
		expect(error).toBeInstanceOf(FilesystemError);
		expect(error).toMatchObject({code: 'sftp-host-unknown', exitCode: 5});
		expect(error.message).toContain(server.fingerprint);
		expect(error.message).toContain(`ssh-keyscan -p ${server.port} 127.0.0.1 >> ~/.ssh/known_hosts`);
	});

	it('refuses a host whose key differs from the one in known_hosts', async () => {
		const otherKey = path.join(server.scratch, 'other_host_key');
		await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
		const [type, blob] = (await readFile(`${otherKey}.pub`, 'utf8')).split(/\s+/);
		const wrong = path.join(server.scratch, 'known_hosts.wrong');
		await writeFile(wrong, `# another machine's key under this name\n[127.0.0.1]:${server.port} ${type} ${blob}\n`);
		const sink = openSink('changed', {sftpKnownHosts: [wrong]});
		const error = await sink.prepare({dryRun: true}).catch((caught: unknown) => caught as FilesystemError);
		expect(error).toMatchObject({code: 'sftp-host-changed', exitCode: 5});
		expect(error.message).toContain(server.fingerprint);
		expect(error.message).toMatch(/may be an attack/);
	});

	it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
		const hashed = path.join(server.scratch, 'known_hosts.hashed');
		await writeFile(hashed, `${server.knownHostsLine}\n`);
		await run('ssh-keygen', ['-H', '-f', hashed]);
		expect(await readFile(hashed, 'utf8')).not.toContain('127.0.0.1');
		const sink = openSink('hashed', {sftpKnownHosts: [hashed]});
		await sink.prepare({dryRun: false});
		expect(await readdir(path.join(server.root, 'hashed'))).toEqual([]);
		await sink.close();
	});

	it('says what to do when the server refuses the key', async () => {
		const stranger = path.join(server.scratch, 'stranger_key');
		await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
		const sink = openSink('auth', {sftpIdentity: stranger});
		await expect(sink.prepare({dryRun: true})).rejects.toMatchObject({code: 'sftp-auth', exitCode: 5});
	});

	it('publishes encrypted files that Debian age decrypts to the plaintext', async () => {
		const key = path.join(server.scratch, 'age.key');
		await run('age-keygen', ['-o', key]);
		const {stdout: recipient} = await run('age-keygen', ['-y', key]);
		const inner = openSink('sealed');
		const sink = new EncryptingSink(inner, await validateRecipients([recipient.trim()]));
		await sink.prepare({dryRun: false});
		const plaintext = randomBytes(200_000);
		const result = await sink.publish(await stage(inner, plaintext), 'chat.json', {overwrite: false, size: plaintext.length, sha256: sha256(plaintext)});
		expect(result.relativePath).toBe('chat.json.age');
		const stored = path.join(server.root, 'sealed', 'chat.json.age');
		expect(result.storedSha256).toBe(sha256(await readFile(stored)));
		const {stdout} = await run('age', ['-d', '-i', key, stored], {encoding: 'buffer'});
		expect(sha256(stdout)).toBe(sha256(plaintext));
		await sink.close();
	});
});
