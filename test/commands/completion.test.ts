/**
 * `ccdl completion bash|zsh|fish`: the script is sourced by the real shell and asked to complete, as a user's
 * shell does; the flags it offers are the ones each command accepts. zsh and fish are tried where installed.
 */
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ccdlPath, cleanup, nodePath, runCcdl, tempDir} from '../helpers/ccdl.js';

const run = promisify(execFile);
const has = (shell: string) => ['/usr/bin', '/bin', '/usr/local/bin'].some(folder => existsSync(path.join(folder, shell)));
const scripts: Record<string, string> = {};
let folder: string;

beforeAll(async () => {
	folder = await tempDir('ccdl-completion-');
	for (const shell of ['bash', 'zsh', 'fish']) {
		const result = await runCcdl(['completion', shell]);
		expect(result.code, result.stderr).toBe(0);
		scripts[shell] = path.join(folder, `ccdl.${shell}`);
		await writeFile(scripts[shell], result.stdout);
	}
});

afterAll(async () => {
	await cleanup();
});

/** What bash's completion function offers for the words typed so far (the last one being completed). */
async function bash(...words: string[]): Promise<string[]> {
	const quoted = words.map(word => `'${word}'`).join(' ');
	const {stdout} = await run('bash', ['-c', `source '${scripts['bash']}'; COMP_WORDS=(ccdl ${quoted}); COMP_CWORD=${words.length}; _ccdl; printf '%s\\n' "\${COMPREPLY[@]}"`], {cwd: folder});
	return stdout.split('\n').filter(Boolean);
}

describe('bash', () => {
	it('the sourced script completes commands, subcommands, flags and their values', async () => {
		expect(await bash('dow')).toEqual(['download']);
		expect(await bash('')).toEqual(['list', 'download', 'verify', 'profile', 'search', 'run', 'schedule', 'history', 'limits', 'demo-server', 'completion', 'help']);
		expect(await bash('profile', 'cr')).toEqual(['create']);
		expect(await bash('schedule', '')).toEqual(['add', 'list', 'remove']);
		expect(await bash('limits', 's')).toEqual(['show', 'set']);
		expect(await bash('search', 's')).toEqual(['save', 'show']);
		expect(await bash('download', '--fr')).toEqual(['--from']);
		expect(await bash('list', '--include')).toEqual(['--include-archived']);
		expect(await bash('schedule', 'add', 'nightly', '--w')).toEqual(['--weekly']);
		expect(await bash('profile', 'create', 'x', '--mode', '')).toEqual(['blended', 'blended-realtime', 'exclusive']);
		expect(await bash('download', '--mode', 'm')).toEqual(['metadata-only']);
		expect(await bash('list', '--channel', 'v')).toEqual(['voice', 'video']);
		expect(await bash('list', '-c', 'x', '--channel', 'e')).toEqual(['email']);
		expect(await bash('completion', '')).toEqual(['bash', 'zsh', 'fish']);
		expect(await bash('help', 'sch')).toEqual(['schedule']);
	});

	it('global flags anywhere, a flag\'s value skipped, file names where a path goes', async () => {
		expect(await bash('-q', 'dow')).toEqual(['download']);
		expect(await bash('--verbose', 'list', '--out', 'x', '--jso')).toEqual(['--json']);
		expect(await bash('--out', 'profile', 'h')).toEqual(['history', 'help']);
		expect(await bash('history', '--q')).toEqual(['--quiet']);
		expect(await bash('--ver')).toEqual(['--verbose', '--version']);
		expect(await bash('verify', 'ccdl.b')).toEqual(['ccdl.bash']);
		expect(await bash('list', '--out', 'ccdl.f')).toEqual(['ccdl.fish']);
	});

	it('offers exactly the flags each command accepts: all of them parse at once (no "has no option")', async () => {
		const commands: string[][] = [
			[], ['list'], ['download'], ['verify'], ['run'], ['history'], ['demo-server'], ['profile', 'create'], ['profile', 'import'], ['search', 'save'],
			['schedule', 'add'], ['limits', 'set'],
		];
		const results = await Promise.all(commands.map(async command => {
			const flags = (await bash(...command, '--')).filter(flag => flag !== '--help' && flag !== '--version');
			const {stdout} = await run('bash', ['-c', `source '${scripts['bash']}'; __ccdl_valued '${['ccdl', ...command].join(' ')}'`]);
			const valued = new Set(stdout.trim().split(' '));
			const args = flags.map(flag => valued.has(flag) ? `${flag}=1` : flag);
			return {command, flags, result: await runCcdl([...command, ...args], {timeoutMs: 20_000, env: {CCDL_PASSWORD: undefined}})};
		}));
		for (const {command, flags, result} of results) {
			expect(flags.length, command.join(' ')).toBeGreaterThan(2);
			expect(result.stderr, `ccdl ${command.join(' ')} ${flags.join(' ')}`).not.toMatch(/has no option|internal error/);
		}
	});
});

describe.runIf(has('zsh'))('zsh (installed here)', () => {
	it('the sourced script adds the candidates for what is typed', async () => {
		const complete = async (...words: string[]) => {
			const zshWords = ['ccdl', ...words].map(word => `'${word}'`).join(' ');
			const {stdout} = await run('zsh', ['-f', '-c', `compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }; _files() { print FILES; }; source '${scripts['zsh']}'; words=(${zshWords}); CURRENT=${words.length + 1}; _ccdl`]);
			return stdout.split('\n').filter(Boolean);
		};

		expect(await complete('profile', '')).toContain('create');
		expect(await complete('list', '--channel', '')).toEqual(['voice', 'video', 'chat', 'email', 'social']);
		expect(await complete('download', '--')).toContain('--from');
		expect(await complete('verify', '')).toEqual(['FILES']);
	});
});

describe.runIf(has('fish'))('fish (installed here)', () => {
	it('complete -C gives the candidates for a command line', async () => {
		const complete = async (line: string) => {
			const {stdout} = await run('fish', ['--no-config', '-c', `source '${scripts['fish']}'; complete -C '${line}'`]);
			return stdout.split('\n').filter(Boolean).map(candidate => candidate.split('\t')[0]);
		};

		expect(await complete('ccdl dow')).toEqual(['download']);
		expect(await complete('ccdl profile cr')).toEqual(['create']);
		expect(await complete('ccdl download --fr')).toEqual(['--from']);
		expect((await complete('ccdl list --channel v')).sort()).toEqual(['video', 'voice']);
	});
});

it('names the shells it has, with a guess for a typo', async () => {
	const none = await runCcdl(['completion']);
	expect(none.code).toBe(2);
	expect(none.stderr).toBe('ccdl: Name one shell: ccdl completion bash, zsh or fish.\n');
	expect((await runCcdl(['completion', 'tcsh'])).code).toBe(2);
	expect(nodePath && ccdlPath).toBeTruthy();
});
