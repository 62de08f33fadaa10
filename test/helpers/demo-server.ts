/**
 * Starts the real demo server as a separate process (the built `dist/cli.js demo-server`), as users and CI do,
 * and reads its base URL from the first line of stdout.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import type {DemoStats, TokenResponse} from '../../source/lib/api/wire.js';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface DemoProcess {
	url: string;
	process: ChildProcess;
	stats(): Promise<DemoStats>;
	resetStats(): Promise<void>;
	login(username?: string, password?: string): Promise<TokenResponse>;
	stop(): Promise<number | null>;
}

/** `args` are demo-server flags, e.g. ['--calls', '500', '--seed', '7']. */
export async function startDemoProcess(args: string[] = []): Promise<DemoProcess> {
	const child = spawn(process.execPath, [cliPath, 'demo-server', '--port', '0', '--until', '2026-11-01', ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const lines = createInterface({input: child.stdout!});
	const url = await new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', code => {
			reject(new Error(`demo server exited with ${code}: ${stderr}`));
		});
	});
	lines.on('line', () => {});
	return {
		url,
		process: child,
		async stats() {
			const response = await fetch(`${url}/_demo/stats`);
			return await response.json() as DemoStats;
		},
		async resetStats() {
			await fetch(`${url}/_demo/stats/reset`, {method: 'POST'});
		},
		async login(username = 'admin', password = 'demo') {
			const response = await fetch(`${url}/v1/auth/token`, {
				method: 'POST',
				headers: {'content-type': 'application/json'},
				body: JSON.stringify({company: 'demo', username, password}),
			});
			if (!response.ok) {
				throw new Error(`login failed: ${response.status} ${await response.text()}`);
			}

			return await response.json() as TokenResponse;
		},
		async stop() {
			if (child.exitCode !== null) {
				return child.exitCode;
			}

			child.kill('SIGTERM');
			const [code] = await once(child, 'exit') as [number | null];
			return code;
		},
	};
}
