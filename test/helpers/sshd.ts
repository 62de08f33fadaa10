/**
 * Debian's OpenSSH server on a loopback port for the SFTP sink tests, as a separate process: a temporary host key,
 * a temporary client key as the only authorized key, `internal-sftp`, no passwords. Needs root (sshd's privilege
 * separation), as CI and the developers' machines run. Tests read what landed straight from `root`, the folder the
 * server writes to, as an independent check.
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

export interface SshdServer {
	host: string;
	port: number;
	user: string;
	/** A folder the tests can upload into (owned by the login user). */
	root: string;
	/** The client's private key file. */
	identity: string;
	/** A known_hosts line for this server's key, `[127.0.0.1]:PORT ssh-ed25519 …`. */
	knownHostsLine: string;
	/** The host key's fingerprint as `ssh-keygen -l` prints it (SHA256:…). */
	fingerprint: string;
	/** A scratch folder for the test's own files (known_hosts variants, …). */
	scratch: string;
	process: ChildProcess;
	/** Kills (SIGKILL) every connection's processes, as a server restart or a dropped network would; the listener stays. */
	dropConnections(): Promise<void>;
	stop(): Promise<void>;
}

/** The processes below `pid`, deepest first. */
async function descendants(pid: number): Promise<number[]> {
	const {stdout} = await run('pgrep', ['-P', String(pid)]).catch(() => ({stdout: ''}));
	const children = stdout.split(/\s+/).filter(Boolean).map(Number);
	const below = await Promise.all(children.map(async child => descendants(child)));
	return [...below.flat(), ...children];
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const {port} = server.address() as net.AddressInfo;
	server.close();
	await once(server, 'close');
	return port;
}

export async function startSshd(): Promise<SshdServer> {
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'ccdl-sshd-'));
	const root = path.join(scratch, 'files');
	await mkdir(root, {mode: 0o700});
	// sshd's privilege separation folder; Debian creates it at boot, a container may not have it.
	await mkdir('/run/sshd', {recursive: true, mode: 0o755});
	const hostKey = path.join(scratch, 'host_key');
	const identity = path.join(scratch, 'client_key');
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ccdl-test-host', '-f', hostKey]);
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ccdl-test-client', '-f', identity]);
	await writeFile(path.join(scratch, 'authorized_keys'), await readFile(`${identity}.pub`));
	const user = os.userInfo().username;
	const config = path.join(scratch, 'sshd_config');
	let port = 0;
	let child: ChildProcess | undefined;
	// A port found free can be taken before sshd binds it: try a few.
	for (let attempt = 0; attempt < 5 && !child; attempt++) {
		port = await freePort();
		await writeFile(config, [
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${hostKey}`,
			`PidFile ${path.join(scratch, 'sshd.pid')}`,
			`AuthorizedKeysFile ${path.join(scratch, 'authorized_keys')}`,
			'StrictModes no',
			'PubkeyAuthentication yes',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'PermitRootLogin prohibit-password',
			'UsePAM no',
			`AllowUsers ${user}`,
			'Subsystem sftp internal-sftp',
			'LogLevel INFO',
			'',
		].join('\n'));
		const candidate = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		const listening = await new Promise<boolean>(resolve => {
			candidate.stderr!.setEncoding('utf8').on('data', (text: string) => {
				stderr += text;
				if (/Server listening on/.test(stderr)) {
					resolve(true);
				}
			});
			candidate.once('exit', () => resolve(false));
		});
		if (listening) {
			child = candidate;
		} else if (!/Address already in use|Cannot bind/i.test(stderr)) {
			throw new Error(`sshd did not start: ${stderr}`);
		}
	}

	if (!child) {
		throw new Error('sshd found no free loopback port');
	}

	const hostPublic = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
	const {stdout} = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
	const server = child;
	return {
		host: '127.0.0.1',
		port,
		user,
		root,
		identity,
		knownHostsLine: `[127.0.0.1]:${port} ${hostPublic[0]} ${hostPublic[1]}`,
		fingerprint: stdout.split(/\s+/)[1]!,
		scratch,
		process: server,
		async dropConnections() {
			for (const pid of await descendants(server.pid!)) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {}
			}
		},
		async stop() {
			if (server.exitCode === null && server.signalCode === null) {
				server.kill('SIGTERM');
				await once(server, 'exit');
			}

			await rm(scratch, {recursive: true, force: true});
		},
	};
}
