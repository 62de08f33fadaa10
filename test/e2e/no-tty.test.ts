/**
 * `ccdl` with no command and no terminal (cron, a pipe): one sentence on stderr pointing to `ccdl download`, nothing
 * on stdout, exit code 2 (usage) — and no screen escape sequences written anywhere.
 */
import {spawn} from 'node:child_process';
import {afterAll, describe, expect, it} from 'vitest';
import {ccdlPath, cleanup, nodePath, tempDir} from '../helpers/ccdl.js';

async function runPiped(args: string[], stdin: string): Promise<{code: number | null; stdout: string; stderr: string}> {
	const child = spawn(nodePath, [ccdlPath, ...args], {
		stdio: ['pipe', 'pipe', 'pipe'],
		env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: await tempDir('ccdl-e2e-home-'), LANG: 'C.UTF-8', TZ: 'UTC', CCDL_CONFIG_DIR: await tempDir('ccdl-e2e-config-')},
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	child.stdin.on('error', () => {});
	child.stdin.end(stdin);
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	const code = await new Promise<number | null>(resolve => child.once('close', resolve));
	clearTimeout(timer);
	return {code, stdout, stderr};
}

afterAll(async () => {
	await cleanup();
});

describe('ccdl without a terminal', () => {
	it.each([
		['no arguments', []],
		['interactive options', ['--server', 'http://127.0.0.1:9', '--user', 'admin', '--lang', 'en']],
	])('with %s: one line on stderr naming `ccdl download`, exit 2', async (_name, args) => {
		const result = await runPiped(args, 'demo\n');
		expect(result.code, result.stderr).toBe(2);
		expect(result.stdout).toBe('');
		const lines = result.stderr.split('\n').filter(line => line !== '');
		expect(lines, result.stderr).toHaveLength(1);
		expect(result.stderr.endsWith('\n')).toBe(true);
		expect(lines[0]).toMatch(/^ccdl: /);
		expect(lines[0]).toContain('ccdl download');
		// eslint-disable-next-line no-control-regex
		expect(result.stderr).not.toMatch(/\u001B/);
	});
});
