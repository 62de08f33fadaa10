/**
 * An SFTP server as a sink (`sftp://user@host[:port]/path`). The host key must already be in known_hosts (no
 * trust-on-first-use); authentication is the SSH agent, a key file, or a password from CCDL_SFTP_PASSWORD — never
 * argv. Each file is written to a hidden temporary beside its final name and renamed: with plain SFTP rename when
 * nothing may be clobbered (OpenSSH refuses to rename onto an existing name, atomically), with the
 * posix-rename extension when overwriting. The final file is then read back and hashed.
 *
 * Resume: an interrupted upload restarts from zero — the temporary has a fixed name per target, so the rerun
 * truncates it rather than leaving litter. Appending to it would first need its digest, which SFTP cannot give
 * without reading it all back; for recordings of a few MB a restart costs less.
 */
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import {FilesystemError, UsageError} from '../../errors.js';
import {PublishError} from '../local/local-sink.js';
import {makePrivateFolder, remoteStagingDir, safeSegments} from '../s3/remote-staging.js';
import {folderModeFor, type PublishOptions, type PublishResult, type Sink, type SinkEntry} from '../sink.js';
import {checkHostKey, fingerprint, hostField, keyType, readKnownHosts, type HostKeyVerdict} from './known-hosts.js';

export interface SftpSinkOptions {
	/** A private key file (the lead maps `--identity-file`/`--sftp-identity`); else ~/.ssh/id_ed25519, ~/.ssh/id_rsa. */
	sftpIdentity?: string;
	/** known_hosts files to trust. @default ['~/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'] */
	sftpKnownHosts?: string[];
	/** Environment for SSH_AUTH_SOCK, CCDL_SFTP_PASSWORD, CCDL_SFTP_PASSPHRASE, XDG_CACHE_HOME. @default process.env */
	env?: NodeJS.ProcessEnv;
	/** Seconds to wait for the SSH handshake. @default 20 */
	sftpTimeoutSeconds?: number;
	/** Mode of the files written, whatever the server's umask (folders ccdl creates get the matching search bits). @default 0o600 */
	fileMode?: number;
}

function sftpCode(error: unknown): number | string | undefined {
	return (error as {code?: number | string}).code;
}

/** SFTP status 2 (no such file) as ssh2 and ssh2-sftp-client report it. */
function isNoSuchFile(error: unknown): boolean {
	const code = sftpCode(error);
	return code === 2 || code === 'ENOENT' || /no such file/i.test((error as Error).message ?? '');
}

export class SftpSink implements Sink {
	readonly kind = 'sftp';
	readonly location: string;
	readonly stagingDir: string;
	readonly host: string;
	readonly port: number;
	readonly username: string;
	/** The destination folder on the server ('' = the login folder). */
	readonly root: string;
	readonly #options: SftpSinkOptions;
	readonly #env: NodeJS.ProcessEnv;
	#client: SftpClient | undefined;
	#connecting: Promise<SftpClient> | undefined;
	#hostVerdict: {verdict: HostKeyVerdict; fingerprint: string; type: string} | undefined;
	#canPosixRename = true;
	/** Counts the connections opened: an operation that failed on an older one than the current need not drop it. */
	#generation = 0;
	readonly #fileMode: number;
	readonly #folderMode: number;

	constructor(url: URL, options: SftpSinkOptions = {}) {
		if (url.password) {
			throw new UsageError('Do not put a password in an sftp:// URL; use an SSH key or agent, or set CCDL_SFTP_PASSWORD.');
		}

		if (!url.hostname) {
			throw new UsageError(`Give a host: sftp://USER@HOST[:PORT]/PATH, not ${url.href}.`);
		}

		this.#options = options;
		this.#env = options.env ?? process.env;
		this.#fileMode = options.fileMode ?? 0o600;
		this.#folderMode = folderModeFor(this.#fileMode);
		this.host = url.hostname.replace(/^\[|\]$/g, '');
		this.port = url.port ? Number(url.port) : 22;
		this.username = decodeURIComponent(url.username) || os.userInfo().username;
		const pathname = decodeURIComponent(url.pathname);
		// `/~/x` is relative to the login folder, as in scp and curl; anything else is absolute.
		this.root = pathname.startsWith('/~/') || pathname === '/~' ? pathname.slice(3).replace(/\/+$/, '') : pathname.replace(/\/+$/, '') || '/';
		this.location = `sftp://${this.username}@${url.host}${pathname.replace(/\/+$/, '') || '/'}`;
		this.stagingDir = remoteStagingDir(this.location, this.#env);
	}

	/** The path on the server of a relative path. */
	remotePath(relativePath: string): string {
		const segments = safeSegments(relativePath, this.location);
		if (segments.length === 0) {
			return this.root || '.';
		}

		return this.root === '/' ? `/${segments.join('/')}` : [this.root, ...segments].filter(Boolean).join('/');
	}

	locate(relativePath: string): string {
		const remote = this.remotePath(relativePath);
		const port = this.port === 22 ? '' : `:${this.port}`;
		return `sftp://${this.username}@${this.host.includes(':') ? `[${this.host}]` : this.host}${port}${remote.startsWith('/') ? remote : `/~/${remote}`}`;
	}

	#privateKey(): Buffer | undefined {
		const candidates = this.#options.sftpIdentity ? [this.#options.sftpIdentity] : [path.join(os.homedir(), '.ssh', 'id_ed25519'), path.join(os.homedir(), '.ssh', 'id_rsa')];
		for (const file of candidates) {
			try {
				return readFileSync(file);
			} catch (error) {
				if (this.#options.sftpIdentity) {
					throw new FilesystemError('sftp-identity', `Cannot read the identity file ${file}; check the path and its permissions.`, {cause: error});
				}
			}
		}

		return undefined;
	}

	#hostKeyError(): FilesystemError | undefined {
		if (!this.#hostVerdict || this.#hostVerdict.verdict.state === 'known') {
			return undefined;
		}

		const {verdict, fingerprint: print, type} = this.#hostVerdict;
		const name = hostField(this.host, this.port);
		const scan = `ssh-keyscan ${this.port === 22 ? '' : `-p ${this.port} `}${this.host} >> ~/.ssh/known_hosts`;
		switch (verdict.state) {
			case 'unknown': {
				return new FilesystemError('sftp-host-unknown', `${name} is not in known_hosts (its ${type} key is ${print}); check that fingerprint with the server's administrator, then add it: ${scan}.`);
			}

			case 'changed': {
				return new FilesystemError('sftp-host-changed', `The host key of ${name} has changed (it now offers ${type} ${print}; known_hosts has another ${verdict.knownTypes.join('/')} key): refusing to connect, it may be an attack. If the administrator confirms the new key, remove the old line (ssh-keygen -R '${name}') and add the new one: ${scan}.`);
			}

			case 'revoked': {
				return new FilesystemError('sftp-host-revoked', `The host key ${print} of ${name} is marked @revoked in known_hosts; refusing to connect. Ask the server's administrator.`);
			}
		}
	}

	async #connect(): Promise<SftpClient> {
		if (this.#client) {
			return this.#client;
		}

		this.#connecting ??= (async () => {
			const knownHosts = await readKnownHosts(this.#options.sftpKnownHosts ?? [path.join(os.homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts']);
			// The library's own handlers print "Global … listener" lines to stdout and stderr (stdout is a --json
			// stream); a connection that ends or fails outside an operation is instead let go of here, and the next
			// operation opens a new one (see #session).
			const lose = () => this.#lose(client);
			const client: SftpClient = new SftpClient('ccdl', {error: lose, end: lose, close: lose});
			const agent = this.#env['SSH_AUTH_SOCK'] || undefined;
			const password = this.#env['CCDL_SFTP_PASSWORD'] || undefined;
			const privateKey = this.#privateKey();
			try {
				await client.connect({
					host: this.host,
					port: this.port,
					username: this.username,
					...(agent ? {agent} : {}),
					...(privateKey ? {privateKey, passphrase: this.#env['CCDL_SFTP_PASSPHRASE'] || undefined} : {}),
					...(password ? {password} : {}),
					readyTimeout: (this.#options.sftpTimeoutSeconds ?? 20) * 1000,
					hostVerifier: (key: Buffer) => {
						const verdict = checkHostKey(knownHosts, this.host, this.port, key);
						this.#hostVerdict = {verdict, fingerprint: fingerprint(key), type: keyType(key)};
						return verdict.state === 'known';
					},
				});
			} catch (error) {
				await client.end().catch(() => undefined);
				throw this.#hostKeyError() ?? this.#connectError(error, Boolean(agent || privateKey || password));
			}

			// SFTP reads are small request/answer pairs; with Nagle and delayed ACKs each waits ~40 ms (a 3 MB read-back took 2 s).
			(client as unknown as {client: {setNoDelay(noDelay: boolean): void}}).client.setNoDelay(true);
			this.#client = client;
			this.#generation++;
			this.#gone = new Promise<never>((_resolve, reject) => {
				this.#markGone = reject;
			});
			this.#gone.catch(() => undefined);
			return client;
		})();
		try {
			return await this.#connecting;
		} finally {
			this.#connecting = undefined;
		}
	}

	/** Rejects once the connection now open is lost (set with each connection). */
	#gone: Promise<never> | undefined;
	#markGone: ((reason: Error) => void) | undefined;

	/**
	 * `operation`, given up once its connection is lost: some of the library's requests (a handle's close, a read)
	 * are never answered when the session goes, and a run waiting on them would end with nothing left to wait on.
	 */
	async #whileConnected<T>(operation: () => Promise<T>): Promise<T> {
		const gone = this.#gone;
		return gone ? Promise.race([operation(), gone]) : operation();
	}

	/** Connections let go of, ended with the sink: ending one at once would leave its operations in flight unanswered. */
	readonly #lost = new Set<SftpClient>();

	/**
	 * Lets go of `client` if it is the connection in use: it ended, or failed outside an operation. It is not ended
	 * here: the library answers the operations still waiting on it only while nobody has called its end().
	 */
	#lose(client: SftpClient): void {
		if (this.#client === client) {
			this.#client = undefined;
			this.#lost.add(client);
			this.#markGone?.(new Error('the connection closed'));
		}
	}

	/**
	 * Runs `operation` on the connection. When the connection was lost under it (the server restarted, the network
	 * dropped), a new one is opened and the operation runs once more, unless it cannot (`again` false: what it sent
	 * is gone). A server that cannot be reached again stops the run (FilesystemError, exit 5): no other file could be
	 * published either, and each would have failed with the library's own words.
	 */
	async #session<T>(operation: () => Promise<T>, again = true): Promise<T> {
		// A connection already had and lost between operations is opened here again.
		const hadOne = this.#generation > 0;
		try {
			await this.#connect();
		} catch (error) {
			throw hadOne ? this.#lostError(error) : error;
		}

		const generation = this.#generation;
		try {
			return await this.#whileConnected(operation);
		} catch (error) {
			// The connection went while the operation ran, and the operation's own attempt to open it again failed.
			if (error instanceof FilesystemError && error.code === 'sftp-unreachable') {
				throw this.#lostError(error);
			}

			if (!this.#isLost(error, generation)) {
				throw error;
			}

			if (this.#generation === generation && this.#client) {
				this.#lose(this.#client);
			}

			try {
				await this.#connect();
			} catch (reconnect) {
				throw this.#lostError(reconnect);
			}

			if (!again) {
				throw this.#lostError(error);
			}

			const retried = this.#generation;
			try {
				return await this.#whileConnected(operation);
			} catch (second) {
				throw this.#isLost(second, retried) || (second instanceof FilesystemError && second.code === 'sftp-unreachable') ? this.#lostError(second) : second;
			}
		}
	}

	/** Whether `error` came from losing the connection opened as `generation`, not from the operation itself. */
	#isLost(error: unknown, generation: number): boolean {
		if (error instanceof FilesystemError || error instanceof PublishError) {
			return false;
		}

		if (this.#generation !== generation || !this.#client) {
			return true;
		}

		const code = sftpCode(error);
		return code === 'ERR_NOT_CONNECTED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ETIMEDOUT'
			|| /No SFTP connection available|No response from server|Not connected|connection (?:lost|closed)|socket (?:hang up|closed)|Unexpected (?:close|end) event/i.test((error as Error)?.message ?? '');
	}

	#lostError(error: unknown): FilesystemError {
		// The network's words ("connect ECONNREFUSED …"), without the library's operation name before them; a refused
		// login keeps its own sentence, which says what to do.
		const cause = error instanceof FilesystemError && error.code === 'sftp-unreachable' ? error.cause : error;
		const why = cause instanceof FilesystemError ? cause.message.replace(/\.$/, '') : ((cause as Error)?.message ?? String(cause)).replace(/^[a-zA-Z_]+: /, '');
		return new FilesystemError('destination-unreachable', `Lost the SFTP connection to ${hostField(this.host, this.port)} and could not go on (${why}); the files already published are kept: run again to go on.`, {cause: error});
	}

	#connectError(error: unknown, hadCredentials: boolean): FilesystemError {
		const message = (error as Error).message ?? '';
		const name = hostField(this.host, this.port);
		if (/authentication|All configured authentication methods failed/i.test(message)) {
			return new FilesystemError('sftp-auth', hadCredentials
				? `${name} refused ${this.username}'s keys and password; load the right key into ssh-agent, give an identity file, or set CCDL_SFTP_PASSWORD.`
				: `No SSH key or password for ${this.username}@${name}: start ssh-agent with your key, put one in ~/.ssh/id_ed25519, give an identity file, or set CCDL_SFTP_PASSWORD.`, {cause: error});
		}

		if (/passphrase|encrypted/i.test(message)) {
			return new FilesystemError('sftp-identity', 'The SSH key is protected by a passphrase; load it into ssh-agent (ssh-add), or set CCDL_SFTP_PASSPHRASE.', {cause: error});
		}

		return new FilesystemError('sftp-unreachable', `Cannot open an SFTP session on ${name} (${message}); check the host, the port and that the server offers SFTP.`, {cause: error});
	}

	async prepare(options: {dryRun: boolean}): Promise<void> {
		const client = await this.#connect();
		if (options.dryRun) {
			return;
		}

		await makePrivateFolder(this.stagingDir);
		const probe = this.remotePath(`.ccdl-probe-${randomBytes(6).toString('hex')}`);
		try {
			if (this.root && this.root !== '/') {
				await this.#makeFolder(this.root);
			}

			await client.put(Buffer.from('ccdl\n'), probe, {writeStreamOptions: {mode: this.#fileMode}});
			await client.delete(probe, true);
		} catch (error) {
			throw new FilesystemError('destination-unwritable', `Cannot write to ${this.location} (${(error as Error).message}); check the path and that ${this.username} may write there.`, {cause: error});
		}
	}

	async freeSpace(): Promise<number | undefined> {
		// statvfs@openssh.com exists, but ssh2-sftp-client does not expose it; an unknown is honest.
		return undefined;
	}

	async list(relativeDir: string): Promise<SinkEntry[]> {
		return this.#session(async () => this.#list(relativeDir));
	}

	async #list(relativeDir: string): Promise<SinkEntry[]> {
		const client = await this.#connect();
		try {
			const entries = await client.list(this.remotePath(relativeDir));
			return entries.filter(entry => entry.type === '-').map(entry => ({name: entry.name, size: entry.size}));
		} catch (error) {
			if (isNoSuchFile(error)) {
				return [];
			}

			throw error;
		}
	}

	/** Every file under the destination, as relative paths (for `verify`'s extra files). */
	async listAll(relativeDir = ''): Promise<SinkEntry[]> {
		return this.#session(async () => this.#listAll(relativeDir));
	}

	async #listAll(relativeDir: string): Promise<SinkEntry[]> {
		const client = await this.#connect();
		let entries;
		try {
			entries = await client.list(this.remotePath(relativeDir));
		} catch (error) {
			if (isNoSuchFile(error)) {
				return [];
			}

			throw error;
		}

		const found: SinkEntry[] = [];
		for (const entry of entries) {
			const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
			if (entry.type === 'd') {
				found.push(...await this.#listAll(relative));
			} else if (entry.type === '-') {
				found.push({name: relative, size: entry.size});
			}
		}

		return found;
	}

	async #size(remote: string): Promise<number | undefined> {
		const client = await this.#connect();
		try {
			const info = await client.stat(remote);
			return info.isFile ? info.size : undefined;
		} catch (error) {
			if (isNoSuchFile(error)) {
				return undefined;
			}

			throw error;
		}
	}

	/** The stored bytes as a stream, or undefined when the file is not there. */
	async read(relativePath: string): Promise<Readable | undefined> {
		return this.#session(async () => this.#read(relativePath));
	}

	async #read(relativePath: string): Promise<Readable | undefined> {
		const remote = this.remotePath(relativePath);
		if (await this.#size(remote) === undefined) {
			return undefined;
		}

		const client = await this.#connect();
		return client.createReadStream(remote) as unknown as Readable;
	}

	async #hashRemote(remote: string): Promise<string> {
		const client = await this.#connect();
		const hash = createHash('sha256');
		const stream = client.createReadStream(remote) as unknown as Readable;
		for await (const chunk of stream) {
			hash.update(chunk as Buffer);
		}

		// The remote handle closes after the last chunk; a session ended before that answer throws out of ssh2.
		if (!stream.closed) {
			await once(stream, 'close');
		}

		return hash.digest('hex');
	}

	/** Reads the file back and hashes it: SFTP has no checksum of its own. */
	async digest(relativePath: string): Promise<string | undefined> {
		return this.#session(async () => this.#digest(relativePath));
	}

	async #digest(relativePath: string): Promise<string | undefined> {
		const remote = this.remotePath(relativePath);
		return await this.#size(remote) === undefined ? undefined : this.#hashRemote(remote);
	}

	/** Folders known to be there: a run publishes many files into each, and each look is a round trip. */
	readonly #folders = new Set<string>();

	async #ensureFolder(remote: string): Promise<void> {
		const folder = path.posix.dirname(remote);
		if (!this.#folders.has(folder)) {
			await this.#makeFolder(folder);
			this.#folders.add(folder);
		}
	}

	/**
	 * Creates `folder` and the folders above it that are missing, each owner-only (or group-readable, as asked) whatever
	 * the server's umask, as the local sink does: SFTP's own recursive mkdir leaves them to the umask (0755 on OpenSSH).
	 */
	async #makeFolder(folder: string): Promise<void> {
		const client = await this.#connect();
		const missing: string[] = [];
		for (let at = folder; at !== '.' && at !== '/' && at !== '' && !(await client.exists(at)); at = path.posix.dirname(at)) {
			missing.unshift(at);
		}

		for (const at of missing) {
			try {
				await client.mkdir(at, false);
			} catch (error) {
				// Another publish may have created it meanwhile.
				if (!(await client.exists(at))) {
					throw error;
				}

				continue;
			}

			await client.chmod(at, this.#folderMode);
		}
	}

	async #rename(from: string, to: string, overwrite: boolean): Promise<void> {
		const client = await this.#connect();
		if (!overwrite) {
			// SFTP v3 rename (OpenSSH: link + unlink) fails rather than replace an existing name.
			await client.rename(from, to);
			return;
		}

		if (this.#canPosixRename) {
			try {
				await client.posixRename(from, to);
				return;
			} catch (error) {
				if (!/not supported|unsupported/i.test((error as Error).message ?? '')) {
					throw error;
				}

				this.#canPosixRename = false;
			}
		}

		// Without the extension, replacing is delete-then-rename: for a moment neither file is there.
		await client.delete(to, true);
		await client.rename(from, to);
	}

	async publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult> {
		return this.#session(async () => this.#publish(staged, relativePath, options));
	}

	async #publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult> {
		const remote = this.remotePath(relativePath);
		const size = (await stat(staged)).size;
		if (size !== options.size) {
			throw new PublishError('staged-changed', `${relativePath} is ${size} bytes in staging, ${options.size} were downloaded; it will be fetched again`);
		}

		const client = await this.#connect();
		// The connection this upload goes over: a loss is judged against it, not one another upload opened since.
		const generation = this.#generation;
		await this.#ensureFolder(remote);
		const temporary = path.posix.join(path.posix.dirname(remote), `.ccdl-upload-${createHash('sha256').update(remote).digest('hex').slice(0, 16)}.part`);
		try {
			// The mode is set (fchmod) once the bytes are there, before the rename gives the file its name.
			await client.fastPut(staged, temporary, {mode: this.#fileMode, ...options.onProgress ? {step: (sent: number, _chunk: number, total: number) => options.onProgress!(sent, total)} : {}});
			if (!options.overwrite && await this.#size(remote) !== undefined) {
				throw new PublishError('name-taken', `${relativePath} appeared on the server during the run; run again to keep both`);
			}

			try {
				await this.#rename(temporary, remote, options.overwrite);
			} catch (error) {
				if (!options.overwrite && await this.#size(remote) !== undefined) {
					throw new PublishError('name-taken', `${relativePath} appeared on the server during the run; run again to keep both`, {cause: error});
				}

				throw error;
			}
		} catch (error) {
			await client.delete(temporary, true).catch(() => undefined);
			if (error instanceof PublishError || error instanceof FilesystemError || this.#isLost(error, generation)) {
				throw error;
			}

			throw new PublishError('upload-failed', `${relativePath} could not be uploaded: ${(error as Error).message}`, {cause: error});
		}

		// Read back what is now under the final name, as the local sink does.
		if (await this.#size(remote) !== options.size || await this.#hashRemote(remote) !== options.sha256) {
			await client.delete(remote, true).catch(() => undefined);
			throw new PublishError('changed-on-upload', `${relativePath} did not read back from the server as sent; it was removed and will be uploaded again`);
		}

		await rm(staged, {force: true});
		return {relativePath, location: this.locate(relativePath)};
	}

	async readText(relativePath: string): Promise<string | undefined> {
		return this.#session(async () => this.#readText(relativePath));
	}

	async #readText(relativePath: string): Promise<string | undefined> {
		const remote = this.remotePath(relativePath);
		if (await this.#size(remote) === undefined) {
			return undefined;
		}

		const client = await this.#connect();
		return (await client.get(remote) as Buffer).toString('utf8');
	}

	async readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined> {
		return this.#session(async () => this.#readStream(relativePath));
	}

	async #readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined> {
		const remote = this.remotePath(relativePath);
		if (await this.#size(remote) === undefined) {
			return undefined;
		}

		// Fetched whole, as bytes (not one string): SFTP's streams are slow to start for what a manifest is.
		const client = await this.#connect();
		return Readable.from([await client.get(remote) as Buffer]);
	}

	/** A manifest given as chunks is read once: when the connection is lost under it, only a string is sent again. */
	async writeText(relativePath: string, content: string | Iterable<string>): Promise<string> {
		return this.#session(async () => this.#writeText(relativePath, content), typeof content === 'string');
	}

	async #writeText(relativePath: string, content: string | Iterable<string>): Promise<string> {
		const remote = this.remotePath(relativePath);
		const client = await this.#connect();
		await this.#ensureFolder(remote);
		const temporary = `${path.posix.dirname(remote)}/.ccdl-tmp-${process.pid}-${path.posix.basename(remote)}`;
		try {
			await client.put(typeof content === 'string' ? Buffer.from(content, 'utf8') : Readable.from(content, {objectMode: false}), temporary, {writeStreamOptions: {mode: this.#fileMode}});
			await this.#rename(temporary, remote, true);
		} catch (error) {
			await client.delete(temporary, true).catch(() => undefined);
			throw error;
		}

		return this.locate(relativePath);
	}

	async close(): Promise<void> {
		const client = this.#client;
		this.#client = undefined;
		const lost = [...this.#lost];
		this.#lost.clear();
		await Promise.all(lost.map(async gone => gone.end().catch(() => undefined)));
		await client?.end();
	}
}

/** The registry's opener for `sftp://` (see registry.ts). */
export async function openSftpSink(url: URL, options: SftpSinkOptions = {}): Promise<Sink> {
	return new SftpSink(url, options);
}
