/**
 * Helpers of the journal tests: the real binary in a separate process, with its own config and data folders; child
 * processes that use the journal library.
 */
import {spawn} from 'node:child_process';
import {ccdlPath, childEnvironment, nodePath, tempDir} from '../helpers/ccdl.js';

export const distUrl = (relative: string) => new URL(`../../dist/${relative}`, import.meta.url).href;

export interface Result {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface Folders {
	config: string;
	data: string;
	env: Record<string, string>;
}

/** Fresh config and data folders, as CCDL_CONFIG_DIR and CCDL_DATA_DIR. */
export async function folders(): Promise<Folders> {
	const config = await tempDir('ccdl-config-');
	const data = await tempDir('ccdl-data-');
	return {config, data, env: {CCDL_CONFIG_DIR: config, CCDL_DATA_DIR: data}};
}

export interface Started {
	child: ReturnType<typeof spawn>;
	readonly stdout: string;
	readonly stderr: string;
	waitFor(predicate: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
	done: Promise<Result>;
}

/** Starts node with `args` (stdin closed, never a TTY). */
export function startNode(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Started {
	const child = spawn(nodePath, args, {env: childEnvironment(env), stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	const waiters = new Set<() => void>();
	child.stdout!.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
		for (const waiter of waiters) {
			waiter();
		}
	});
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	if (stdin !== undefined) {
		child.stdin!.end(stdin);
	}

	const done = new Promise<Result>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) => {
			for (const waiter of waiters) {
				waiter();
			}

			resolve({code, signal, stdout, stderr});
		});
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
				const timer = setTimeout(() => {
					waiters.delete(waiter);
					reject(new Error(`timed out; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-1000)}`));
				}, timeoutMs);
				const waiter = () => {
					if (predicate(stdout)) {
						clearTimeout(timer);
						waiters.delete(waiter);
						resolve();
					} else if (child.exitCode !== null || child.signalCode !== null) {
						clearTimeout(timer);
						waiters.delete(waiter);
						reject(new Error(`the child ended first; stderr: ${stderr.slice(-1000)}`));
					}
				};

				waiters.add(waiter);
				waiter();
			});
		},
		done,
	};
}

/** Runs `ccdl COMMAND ARGS` to the end. */
export async function ccdl(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<Result> {
	return startNode([ccdlPath, ...args], env, stdin).done;
}

/** Runs an ES module script (text) in a child node that may import from dist. */
export function startScript(script: string, env: Record<string, string | undefined> = {}): Started {
	return startNode(['--input-type=module', '-e', script], env);
}

export function expectOneSentence(result: Result): string {
	const lines = result.stderr.split('\n').filter(line => line.trim() !== '');
	if (lines.length !== 1 || !lines[0]!.startsWith('ccdl: ') || /internal error|\n\s+at /.test(result.stderr)) {
		throw new Error(`expected one "ccdl:" sentence on stderr, got:\n${result.stderr}`);
	}

	return lines[0]!.slice('ccdl: '.length);
}
