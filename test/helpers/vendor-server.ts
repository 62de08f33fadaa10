/**
 * Starts a vendor test server (`dist/cli.js demo-server --platform NAME`) as a separate process, as a user or CI
 * would, and reads its first two stdout lines: the base URL alone, then `user=… password=…`. Works for any platform.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {nodePath} from './ccdl.js';
import {cliPath} from './demo-server.js';

export interface VendorServer {
	/** The API base URL (first stdout line). */
	url: string;
	/** From the second stdout line. */
	user: string;
	password: string;
	/** The describe() lines that followed, as far as they have arrived. */
	readonly info: string[];
	/** Resolves with the first describe() line that `predicate` accepts, once it has arrived. */
	waitForInfo(predicate: (line: string) => boolean): Promise<string>;
	process: ChildProcess;
	/** Stops the server (SIGTERM) and resolves with its exit code. */
	stop(): Promise<number | null>;
}

/** Parses `user=… password=…`; the password is everything after `password=`, so it may contain spaces. */
export function parseCredentialsLine(line: string): {user: string; password: string} {
	const match = /^user=(\S+) password=(.*)$/.exec(line);
	if (!match) {
		throw new Error(`expected "user=… password=…" on the second line, got ${JSON.stringify(line)}`);
	}

	return {user: match[1]!, password: match[2]!};
}

/**
 * `args` are further demo-server flags, e.g. ['--calls', '200', '--seed', '7']. `--port 0` is always passed first,
 * so a test never collides with another; a later `--port` in `args` wins.
 */
export async function startVendorServer(platform: string, args: string[] = []): Promise<VendorServer> {
	const child = spawn(nodePath, [cliPath, 'demo-server', '--platform', platform, '--port', '0', ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const lines = createInterface({input: child.stdout!});
	// One listener for the whole life of the process: lines that arrive in the same chunk as the first two are kept.
	const received: string[] = [];
	const waiters = new Set<() => void>();
	lines.on('line', line => {
		received.push(line);
		for (const wake of waiters) {
			wake();
		}
	});
	const waitFor = async (predicate: () => boolean, what: string): Promise<void> => {
		if (predicate()) {
			return;
		}

		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${platform} test server has exited (${child.exitCode ?? child.signalCode}) before ${what}: ${stderr}`);
		}

		await new Promise<void>((resolve, reject) => {
			const check = () => {
				if (predicate()) {
					waiters.delete(check);
					resolve();
				}
			};

			waiters.add(check);
			child.once('exit', code => {
				waiters.delete(check);
				reject(new Error(`${platform} test server exited with ${code} before ${what}: ${stderr}`));
			});
		});
	};

	await waitFor(() => received.length >= 2, 'printing its URL and credentials');
	const head = received.slice(0, 2);
	const url = head[0]!;
	if (!/^https?:\/\/\S+$/.test(url)) {
		child.kill('SIGTERM');
		throw new Error(`expected a URL alone on the first line, got ${JSON.stringify(url)}`);
	}

	const {user, password} = parseCredentialsLine(head[1]!);
	return {
		url,
		user,
		password,
		get info() {
			return received.slice(2);
		},
		async waitForInfo(predicate: (line: string) => boolean) {
			let found: string | undefined;
			await waitFor(() => {
				found = received.slice(2).find(line => predicate(line));
				return found !== undefined;
			}, 'printing the line asked for');
			return found!;
		},
		process: child,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) {
				return child.exitCode;
			}

			child.kill('SIGTERM');
			const [code] = await once(child, 'exit') as [number | null];
			return code;
		},
	};
}
