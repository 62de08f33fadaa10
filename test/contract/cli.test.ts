/** `ccdl demo-server` as a process: usage errors, the first stdout line, and clean stops on signals. */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {afterAll, describe, expect, it} from 'vitest';
import {cliPath} from '../helpers/demo-server.js';

interface Finished {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

async function runToEnd(args: string[]): Promise<Finished> {
	const child = spawn(process.execPath, [cliPath, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null];
	clearTimeout(timer);
	return {code, signal, stdout, stderr};
}

function expectUsageError(result: Finished, mention: RegExp): void {
	expect(result.code, result.stderr).toBe(2);
	expect(result.signal).toBeNull();
	expect(result.stdout).toBe('');
	const lines = result.stderr.split('\n').filter(Boolean);
	expect(lines, result.stderr).toHaveLength(1);
	expect(lines[0]).toMatch(mention);
	expect(result.stderr).not.toMatch(/^\s+at /m);
	expect(result.stderr).not.toMatch(/Error:|internal error/);
}

describe('ccdl demo-server usage errors', () => {
	it('--calls abc exits 2 with one line on stderr and no stack trace', async () => {
		expectUsageError(await runToEnd(['demo-server', '--calls', 'abc']), /--calls/);
	});

	it('--faults bogus=1 exits 2 naming the fault', async () => {
		expectUsageError(await runToEnd(['demo-server', '--faults', 'bogus=1']), /--faults.*bogus/);
	});

	it('other bad values exit 2 too', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['--faults', 'reset=2'], /--faults/],
			[['--faults', 'reset=0.8,truncate=0.8'], /--faults/],
			[['--faults', 'reset'], /--faults/],
			[['--calls', '5000001'], /--calls/],
			[['--calls', '1.5'], /--calls/],
			[['--port', '99999'], /--port/],
			[['--until', '2026-02-30'], /--until/],
			[['--nope'], /--nope/],
			[['--calls'], /--calls/],
		];
		const results = await Promise.all(cases.map(async ([args]) => await runToEnd(['demo-server', ...args])));
		for (const [index, [, mention]] of cases.entries()) {
			expectUsageError(results[index]!, mention);
		}
	});
});

describe('ccdl demo-server as a service', () => {
	// Servers a failed or timed-out test left running are stopped here.
	const started = new Set<ReturnType<typeof spawn>>();
	afterAll(() => {
		for (const child of started) {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGKILL');
			}
		}
	});

	async function start(args: string[] = []) {
		const child = spawn(process.execPath, [cliPath, 'demo-server', '--port', '0', '--calls', '300', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
		started.add(child);
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (text: string) => {
			stderr += text;
		});
		const lines = createInterface({input: child.stdout});
		// readline may emit several lines in one go, so one listener sees them all from the start.
		const seen: string[] = [];
		let gotUsers: (text: string) => void;
		const users = new Promise<string>(resolve => {
			gotUsers = resolve;
		});
		const first = await new Promise<string>((resolve, reject) => {
			lines.on('line', line => {
				seen.push(line);
				if (seen.length === 1) {
					resolve(line);
				}

				if (/supervisor/.test(line)) {
					gotUsers(seen.slice(1).join('\n'));
				}
			});
			child.once('exit', code => {
				reject(new Error(`exited with ${code}: ${stderr}`));
			});
		});
		return {child, first, users, stderr: () => stderr};
	}

	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		it(`prints its URL alone on the first line and stops on ${signal} with exit code 0`, async () => {
			const {child, first, users, stderr} = await start();
			try {
				expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}$/);
				const health = await fetch(`${first}/v1/health`);
				expect(health.status).toBe(200);
				expect(await health.json()).toEqual({status: 'ok'});
				// The demo users and their password are printed after the URL.
				expect(await users).toMatch(/admin\/demo.*supervisor\/demo/);
			} finally {
				child.kill(signal);
			}

			const [code, killedBy] = await once(child, 'exit') as [number | null, NodeJS.Signals | null];
			expect(killedBy).toBeNull();
			expect(code).toBe(0);
			expect(stderr()).not.toMatch(/^\s+at /m);
			await expect(fetch(`${first}/v1/health`)).rejects.toThrow();
		});
	}

	it('stops on SIGTERM with exit code 0 while a request is in progress', async () => {
		const {child, first} = await start(['--faults', 'slow=1,slowMs=600']);
		const token = await (await fetch(`${first}/v1/auth/token`, {
			method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({username: 'admin', password: 'demo'}),
		})).json() as {accessToken: string};
		const pending = fetch(`${first}/v1/recordings/100001/media`, {headers: {authorization: `Bearer ${token.accessToken}`}}).catch(() => undefined);
		await new Promise(resolve => setTimeout(resolve, 100));
		child.kill('SIGTERM');
		const [code] = await once(child, 'exit') as [number | null];
		expect(code).toBe(0);
		await pending;
	});
});
