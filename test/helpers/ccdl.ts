/**
 * Runs the built ccdl binary (`dist/cli.js`) as a separate process, as users and cron do: arguments, environment
 * (CCDL_PASSWORD=demo unless told otherwise), optional stdin, captured stdout/stderr and exit code, and signals.
 * Also small helpers the engine and command tests share: the server's own listing, hashing and walking folders.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll} from 'vitest';
import type {Recording, RecordingPage} from '../../source/lib/api/wire.js';
import {parse as parseCsvText} from 'csv-parse/sync';
import {cliPath} from './demo-server.js';

export {cliPath};

/** The binary under test: `dist/cli.js`, or another build named by CCDL_TEST_CLI (to try a fix before it lands). */
export const ccdlPath = process.env['CCDL_TEST_CLI'] || cliPath;

/** Node 24 from the project (the system Node may be older); falls back to the Node running the tests. */
export const nodePath = (() => {
	const local = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
	return existsSync(local) ? local : process.execPath;
})();

export interface CcdlResult {
	/** Exit code, or null when a signal ended the process. */
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** Milliseconds from spawn to exit. */
	durationMs: number;
}

export interface CcdlOptions {
	/** Run as this user (needs root): lets a permission test mean something in a root CI. */
	user?: {uid: number; gid: number};
	/** Extra environment; a value of `undefined` removes that variable (e.g. {CCDL_PASSWORD: undefined}). */
	env?: Record<string, string | undefined>;
	/** Written to stdin, which is then closed. Without it stdin is /dev/null (never a TTY). */
	stdin?: string;
	cwd?: string;
	/** Kill with SIGKILL after this many ms; the result then has signal 'SIGKILL'. @default 60_000 */
	timeoutMs?: number;
}

export interface CcdlProcess {
	child: ChildProcess;
	/** Output so far. */
	readonly stdout: string;
	readonly stderr: string;
	/** Resolves once `predicate` holds for the output so far (checked on every chunk), or rejects when the process ends first. */
	waitFor(predicate: (output: {stdout: string; stderr: string}) => boolean, timeoutMs?: number): Promise<void>;
	signal(name: NodeJS.Signals): void;
	done: Promise<CcdlResult>;
}

const isolatedConfig = mkdtempSync(path.join(os.tmpdir(), 'ccdl-test-config-'));
const isolatedData = mkdtempSync(path.join(os.tmpdir(), 'ccdl-test-data-'));
// Each test file that imports this gets its own pair; removed when the file is done (they used to pile up in /tmp,
// thousands of them, and slow every file creation there, the benchmark's included).
afterAll(async () => {
	await Promise.all([isolatedConfig, isolatedData].map(async folder => rm(folder, {recursive: true, force: true})));
});

/** Variables of a developer's own ccdl set-up, which must never leak into a test's child process. */
const ownSettings = ['CCDL_SERVER', 'CCDL_COMPANY', 'CCDL_USER', 'CCDL_COMPANY_URL', 'CCDL_DEBUG', 'CCDL_PASSWORD', 'CCDL_CONFIG_DIR', 'CCDL_DATA_DIR'];

/** This process's environment without the developer's ccdl settings, plus `values` (undefined removes one). */
export function childEnvironment(values: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	// English unless a test asks otherwise: a developer's Hungarian locale must not change what the tests read.
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', LANG: 'C.UTF-8'};
	for (const name of [...ownSettings, 'LC_ALL', 'LC_MESSAGES']) {
		delete env[name];
	}

	for (const [name, value] of Object.entries(values)) {
		if (value === undefined) {
			delete env[name];
		} else {
			env[name] = value;
		}
	}

	return env;
}

/** The tests name server and user explicitly; settings, profiles and the journal go to this test process's folders. */
function environment(extra: CcdlOptions['env'] = {}): NodeJS.ProcessEnv {
	return childEnvironment({CCDL_PASSWORD: 'demo', CCDL_CONFIG_DIR: isolatedConfig, CCDL_DATA_DIR: isolatedData, ...extra});
}

/** Starts `dist/cli.js ARGS`; the caller may signal it and wait for output before it ends. */
export function startCcdl(args: readonly string[], options: CcdlOptions = {}): CcdlProcess {
	const started = Date.now();
	const child = spawn(nodePath, [ccdlPath, ...args], {
		cwd: options.cwd,
		env: environment(options.env),
		...(options.user ? {uid: options.user.uid, gid: options.user.gid} : {}),
		stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	const waiters = new Set<() => void>();
	const check = () => {
		for (const waiter of waiters) {
			waiter();
		}
	};

	child.stdout!.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
		check();
	});
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
		check();
	});
	if (options.stdin !== undefined) {
		child.stdin!.on('error', () => {});
		child.stdin!.end(options.stdin);
	}

	const timer = setTimeout(() => {
		child.kill('SIGKILL');
	}, options.timeoutMs ?? 60_000);
	const done = new Promise<CcdlResult>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			check();
			resolve({code, signal, stdout, stderr, durationMs: Date.now() - started});
		});
	});
	let ended = false;
	void done.finally(() => {
		ended = true;
		check();
	});

	return {
		child,
		get stdout() {
			return stdout;
		},
		get stderr() {
			return stderr;
		},
		async waitFor(predicate, timeoutMs = 30_000) {
			await new Promise<void>((resolve, reject) => {
				const deadline = setTimeout(() => {
					waiters.delete(waiter);
					reject(new Error(`timed out waiting for ccdl output; stderr so far:\n${stderr.slice(-2000)}`));
				}, timeoutMs);
				const waiter = () => {
					if (predicate({stdout, stderr})) {
						clearTimeout(deadline);
						waiters.delete(waiter);
						resolve();
					} else if (ended || child.exitCode !== null) {
						clearTimeout(deadline);
						waiters.delete(waiter);
						reject(new Error(`ccdl ended (exit ${child.exitCode}) before the awaited output; stderr:\n${stderr.slice(-2000)}`));
					}
				};

				waiters.add(waiter);
				waiter();
			});
		},
		signal(name) {
			child.kill(name);
		},
		done,
	};
}

/** Runs `dist/cli.js ARGS` to the end. */
export async function runCcdl(args: readonly string[], options: CcdlOptions = {}): Promise<CcdlResult> {
	return startCcdl(args, options).done;
}

/** The connection flags for a demo server, as admin unless told. */
export function connection(url: string, user = 'admin'): string[] {
	return ['--server', url, '--user', user];
}

/** A fresh temporary folder; `cleanup()` removes every folder made so far. */
export async function tempDir(prefix = 'ccdl-test-'): Promise<string> {
	const folder = await mkdtemp(path.join(os.tmpdir(), prefix));
	made.push(folder);
	return folder;
}

const made: string[] = [];

export async function cleanup(): Promise<void> {
	await Promise.all(made.splice(0).map(async folder => rm(folder, {recursive: true, force: true})));
}

export async function sha256File(file: string): Promise<string> {
	return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Every file under `folder`, as '/'-separated relative paths (hidden ones included). */
export async function walk(folder: string, base = folder): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(folder, {withFileTypes: true})) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			found.push(...await walk(full, base));
		} else {
			found.push(path.relative(base, full).split(path.sep).join('/'));
		}
	}

	return found.sort();
}

/** ccdl's temporary partial files (and their sidecars). */
export function isPartial(relative: string): boolean {
	return /(^|\/)\.ccdl-[^/]*\.part(\.json)?$/.test(relative);
}

export async function serverToken(url: string, username = 'admin'): Promise<string> {
	const response = await fetch(`${url}/v1/auth/token`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({company: 'demo', username, password: 'demo'}),
	});
	if (!response.ok) {
		throw new Error(`login failed: ${response.status}`);
	}

	return (await response.json() as {accessToken: string}).accessToken;
}

/**
 * The server's own listing (all pages, archived included), straight over HTTP: the reference the tests compare
 * ccdl's output with. `query` holds extra parameters, e.g. {from: '2026-10-05T00:00:00Z', channel: 'voice'}.
 */
export async function serverListing(url: string, query: Record<string, string | string[]> = {}, username = 'admin'): Promise<Recording[]> {
	const token = await serverToken(url, username);
	const items: Recording[] = [];
	let cursor: string | null = null;
	do {
		const parameters = new URLSearchParams({includeArchived: 'true', limit: '1000'});
		for (const [name, value] of Object.entries(query)) {
			for (const single of Array.isArray(value) ? value : [value]) {
				parameters.append(name, single);
			}
		}

		if (cursor) {
			parameters.set('cursor', cursor);
		}

		const response = await fetch(`${url}/v1/recordings?${parameters.toString()}`, {headers: {authorization: `Bearer ${token}`}});
		if (!response.ok) {
			throw new Error(`listing failed: ${response.status} ${await response.text()}`);
		}

		const page = await response.json() as RecordingPage;
		items.push(...page.items);
		cursor = page.nextCursor;
	} while (cursor);

	return items;
}

/** Each downloadable file of a listing (media and screenshots, which the listing describes with size and digest). */
export function listedFiles(items: readonly Recording[]): Array<{contactId: string; href: string; size: number; sha256: string}> {
	return items.flatMap(item => [
		...item.media ? [{contactId: item.id, href: item.media.href, size: item.media.size, sha256: item.media.sha256}] : [],
		...item.screenshots.map(shot => ({contactId: item.id, href: shot.href, size: shot.size, sha256: shot.sha256})),
	]);
}

export interface ManifestLine {
	contactId: string;
	campaignId: string;
	campaignName: string;
	channel: string;
	callStart: string;
	file: string;
	fileKind: string;
	size: number | '';
	sha256: string;
	archivedAt: string;
	status: string;
	error: string;
	[key: string]: unknown;
}

export async function readManifestJsonl(folder: string): Promise<ManifestLine[]> {
	const text = await readFile(path.join(folder, 'manifest.jsonl'), 'utf8');
	return text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as ManifestLine);
}

/**
 * Parses CSV with a CSV library (csv-parse), strictly: RFC 4180 quoting, CRLF records, every record as wide as the
 * header. A stray quote or a ragged row throws.
 */
export function parseCsv(text: string): string[][] {
	return parseCsvText(text, {relax_quotes: false, relax_column_count: false, record_delimiter: '\r\n', bom: false}) as string[][];
}

/** What every command's error output must look like: one line starting with "ccdl:", no stack frames. */
export function isOneSentenceError(stderr: string): boolean {
	const lines = stderr.split('\n').filter(line => line.trim() !== '');
	return lines.length === 1 && lines[0]!.startsWith('ccdl:') && !/^\s+at\s/m.test(stderr) && !/internal error/i.test(stderr);
}
