/**
 * ccdl against a hostile server of its own contract (test/hostile/server.mjs, a separate process): one scenario per
 * class of issue 10. Each test runs the real binary and asserts the invariant, not the message: no secret reaches
 * another origin, no control byte from server text reaches stdout or stderr, nothing unverified is called valid,
 * nothing lands outside the folder or over ccdl's own files, peak RSS stays under 300 MB, and the run ends in time
 * with a meaningful exit code.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readFileSync} from 'node:fs';
import {readdir, readFile, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ccdlPath, childEnvironment, cleanup, nodePath, readManifestJsonl, sha256File, tempDir, walk} from '../helpers/ccdl.js';

const serverScript = fileURLToPath(new URL('server.mjs', import.meta.url));
const measureScript = fileURLToPath(new URL('measure.mjs', import.meta.url));
const rssCapKb = 300 * 1024;
/** What a terminal acts on: C0 but tab and newline, DEL, and C1 (as characters after UTF-8 decoding). */
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

interface Hostile {
	url: string;
	other: string;
	password: string;
	secrets: string[];
	child: ChildProcess;
}

interface Run {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	rssKb: number;
	durationMs: number;
}

let server: Hostile;
const isolated = mkdtempSync(path.join(os.tmpdir(), 'ccdl-hostile-'));

beforeAll(async () => {
	const child = spawn(nodePath, [serverScript], {stdio: ['ignore', 'pipe', 'inherit']});
	const line = await new Promise<string>((resolve, reject) => {
		createInterface({input: child.stdout!}).once('line', resolve);
		child.once('exit', code => {
			reject(new Error(`hostile server exited with ${code}`));
		});
	});
	server = {...JSON.parse(line) as Omit<Hostile, 'child'>, child};
});

afterAll(async () => {
	await rm(isolated, {recursive: true, force: true});
	if (server?.child.exitCode === null) {
		server.child.kill('SIGTERM');
		await once(server.child, 'exit');
	}

	await cleanup();
});

/** Runs ccdl (inside measure.mjs, which records its peak RSS) against one scenario; killed at `deadlineMs`. */
async function ccdl(scenario: string, command: string[], options: {deadlineMs?: number; env?: Record<string, string>} = {}): Promise<Run> {
	const rssFile = path.join(isolated, `rss-${scenario}-${Date.now()}`);
	const started = Date.now();
	const [name, ...rest] = command;
	const child = spawn(nodePath, [measureScript, rssFile, ccdlPath, name!, '--server', `${server.url}/s/${scenario}`, '--user', 'admin', ...rest], {
		env: childEnvironment({
			CCDL_PASSWORD: server.password, CCDL_CONFIG_DIR: path.join(isolated, 'config'), CCDL_DATA_DIR: path.join(isolated, 'data'),
			CCDL_HEADERS_TIMEOUT: '1', CCDL_BODY_TIMEOUT: '3', ...options.env,
		}),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 45_000);
	const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null];
	clearTimeout(timer);
	let rssKb = Number.NaN;
	try {
		rssKb = Number(readFileSync(rssFile, 'utf8'));
	} catch {}

	return {code, signal, stdout, stderr, rssKb, durationMs: Date.now() - started};
}

/** The invariants every run holds, whatever the scenario. */
function expectContained(run: Run): void {
	expect(run.signal, `killed at the deadline; stderr: ${run.stderr.slice(-500)}`).toBeNull();
	expect(run.stderr).not.toMatch(controls);
	expect(run.stdout).not.toMatch(controls);
	expect(run.stderr).not.toMatch(/internal error/i);
	expect(run.rssKb, 'peak RSS in kB').toBeLessThan(rssCapKb);
}

/**
 * The same run on a pseudo-terminal (util-linux `script`), where ccdl may draw its own progress line: what must not
 * appear is anything of the server's, raw: its OSC sequences (clipboard, hyperlink, title), C1 controls, bidi overrides.
 */
async function ccdlOnTerminal(scenario: string, command: string[]): Promise<{code: number | null; output: string}> {
	const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
	const rssFile = path.join(isolated, `rss-pty-${scenario}-${Date.now()}`);
	const line = [nodePath, measureScript, rssFile, ccdlPath, command[0]!, '--server', `${server.url}/s/${scenario}`, '--user', 'admin', ...command.slice(1)].map(quote).join(' ');
	const child = spawn('script', ['-qefc', line, '/dev/null'], {
		env: childEnvironment({
			CCDL_PASSWORD: server.password, CCDL_CONFIG_DIR: path.join(isolated, 'config'), CCDL_DATA_DIR: path.join(isolated, 'data'),
			CCDL_HEADERS_TIMEOUT: '1', TERM: 'xterm-256color',
		}),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (text: string) => {
		output += text;
	});
	child.stderr!.setEncoding('utf8').on('data', (text: string) => {
		output += text;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
	const [code] = await once(child, 'close') as [number | null];
	clearTimeout(timer);
	return {code, output};
}

async function requestsTo(origin: 'main' | 'other'): Promise<Array<{method: string; path: string; headers: Record<string, string>; body: string}>> {
	const response = await fetch(`${server.url}/_hostile/log`);
	const log = await response.json() as Array<{origin: string; method: string; path: string; headers: Record<string, string>; body: string}>;
	return log.filter(entry => entry.origin === origin);
}

const listArgs = ['--from', '2026-10-01', '--to', '2026-10-31'];

describe('1. credentials never leave their origin', () => {
	it.each([
		['login-307', ['list']],
		['login-308', ['list']],
		['refresh-308', ['list']],
		['api-302', ['list']],
		['api-307', ['list']],
	])('%s: a redirect to another origin ends the run (exit 4) and the other origin never sees a secret', async (scenario, command) => {
		const run = await ccdl(scenario, [...command, ...listArgs]);
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
		const leaked = (await requestsTo('other')).filter(entry => server.secrets.some(secret => JSON.stringify(entry).includes(secret)));
		expect(leaked).toEqual([]);
	});

	it('media-redirect: a download redirected to another origin fails without sending the token there', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('media-redirect', ['download', ...listArgs, '--out', out, '--no-archive']);
		expectContained(run);
		expect(run.code).not.toBe(0);
		const leaked = (await requestsTo('other')).filter(entry => server.secrets.some(secret => JSON.stringify(entry).includes(secret)));
		expect(leaked).toEqual([]);
	});
});

describe('2. no raw control sequence from the server reaches stdout or stderr', () => {
	it.each(['escape-login', 'escape-listing', 'escape-retry'])('%s: problem details full of escapes are shown escaped (exit 4)', async scenario => {
		const run = await ccdl(scenario, ['list', ...listArgs], {deadlineMs: 60_000});
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
		// The text is still there for the user to read, made visible.
		expect(run.stderr).toContain('\\x1b]52;');
	});

	it.each([
		['list', []],
		['list --json', ['--json']],
	])('escape-data, %s: names full of escapes and C1 characters are shown, never sent raw', async (_label, extra) => {
		const run = await ccdl('escape-data', ['list', ...listArgs, ...extra]);
		expectContained(run);
		expect(run.code, run.stderr).toBe(0);
	});

	it('escape-data, download --json: progress lines carry no raw control character', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('escape-data', ['download', ...listArgs, '--out', out, '--json', '--no-archive']);
		expectContained(run);
		expect(run.code, run.stderr).toBe(0);
	});
});

describe('2b. the same on a terminal (pty)', () => {
	it.each([
		['escape-login', ['list', ...listArgs]],
		['escape-listing', ['list', ...listArgs]],
		['escape-data', ['list', ...listArgs]],
		['escape-data', ['download', ...listArgs, '--no-archive', '--out', path.join(isolated, 'pty-out')]],
	])('%s %s: none of the server\'s sequences reach the terminal raw', async (scenario, command) => {
		const run = await ccdlOnTerminal(scenario, command as string[]);
		// The run did happen on the terminal, and said something about it.
		expect(run.output).toMatch(/ccdl:|Sales|valid/);
		expect(run.output).not.toMatch(/\u001B\](?:52|8|0);/);
		expect(run.output).not.toMatch(/[\u0080-\u009F\u202A-\u202E\u2066-\u2069\u0000]/);
		expect(run.output).not.toMatch(/\u001B\[2J/);
		expect(run.output).not.toMatch(/internal error/i);
	});
});

describe('3. "valid" means the bytes are the ones the listing promised', () => {
	it.each(['foreign-body', 'etag-splice'])('%s: no valid row whose bytes differ from the listing\'s digest', async scenario => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl(scenario, ['download', ...listArgs, '--out', out, '--no-archive']);
		expectContained(run);
		const listing = await (await fetch(`${server.url}/_hostile/listing`)).json() as Array<{id: string; media: {sha256: string}}>;
		const promised = new Map(listing.map(item => [item.id, item.media.sha256]));
		const rows = (await readManifestJsonl(out)).filter(row => row.status === 'valid' && row.fileKind !== 'transcript');
		for (const row of rows) {
			expect(await sha256File(path.join(out, row.file)), `${row.file} is marked valid`).toBe(promised.get(row.contactId));
		}

		expect(run.code, 'a run with a file that does not match its listing cannot end as all valid').not.toBe(0);
	});
});

describe('4. names never collide with ccdl\'s own files', () => {
	it.each(['dot-campaign', 'manifest-campaign', 'partial-campaign'])('%s: folders and files from server values are never dot-names or ccdl\'s own', async scenario => {
		const base = await tempDir();
		const out = path.join(base, 'out');
		const run = await ccdl(scenario, ['download', ...listArgs, '--out', out, '--no-archive', '--template', '{campaignName}/{campaignName}-{callId}']);
		expectContained(run);
		expect(run.code, run.stderr).toBe(0);
		expect((await walk(base)).every(file => file.startsWith('out/'))).toBe(true);
		const files = await walk(out);
		expect(files).toContain('manifest.csv');
		expect(files).toContain('manifest.jsonl');
		expect((await stat(path.join(out, 'manifest.csv'))).isFile()).toBe(true);
		const media = files.filter(file => file.endsWith('.mp3'));
		expect(media).toHaveLength(3);
		for (const file of media) {
			for (const segment of file.split('/')) {
				expect(segment.startsWith('.'), file).toBe(false);
				expect(/^manifest\.(csv|jsonl)$/i.test(segment) || /\.ccdl/i.test(segment), file).toBe(false);
			}
		}
	});

	it('formula: a formula-looking value is neutralised in manifest.csv', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('formula', ['download', ...listArgs, '--out', out, '--no-archive']);
		expectContained(run);
		expect(run.code, run.stderr).toBe(0);
		const csv = await readFile(path.join(out, 'manifest.csv'), 'utf8');
		// No cell may start with = + - @ (OWASP CSV injection); a quoted cell counts from after its quote.
		expect(csv).not.toMatch(/(^|,|\r\n)"?[=+@]/);
	});
});

describe('5. memory stays bounded whatever the server sends', () => {
	it.each(['gzip-bomb', 'br-bomb', 'login-gzip-bomb', 'huge-page', 'endless-body', 'deep-nesting', 'many-objects'])('%s: refused with exit 4, peak RSS under 300 MB', async scenario => {
		const run = await ccdl(scenario, ['list', ...listArgs]);
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
	});
});

describe('6. every run ends', () => {
	it.each([
		['trickle-login', ['list']],
		['trickle-headers', ['list']],
		['trickle-body', ['list']],
		['endless-cursor', ['list']],
		['repeat-cursor', ['list']],
		['endless-error-body', ['list']],
	])('%s: ends before its deadline with exit 4', async (scenario, command) => {
		const run = await ccdl(scenario, [...command, ...listArgs], {deadlineMs: 60_000});
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
	});

	it('endless-cursor: a listing that breaks after its first page leaves stdout empty (no half plan) and no spool behind', async () => {
		for (const json of [['--json'], []]) {
			const spoolDir = await tempDir();
			const run = await ccdl('endless-cursor', ['list', ...listArgs, ...json], {deadlineMs: 60_000, env: {TMPDIR: spoolDir}});
			expect(run.code, run.stderr).toBe(4);
			expect(run.stdout).toBe('');
			expect(await readdir(spoolDir)).toEqual([]);
		}
	});

	it('media-trickle-body: a body slower than --speed-limit for --speed-time is cut; the run ends with the file failed, saying why', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('media-trickle-body', ['download', ...listArgs, '--out', out, '--no-archive', '--speed-limit', '100', '--speed-time', '1'], {deadlineMs: 60_000});
		expectContained(run);
		expect(run.code, run.stderr).toBe(1);
		expect(run.stderr).toMatch(/below the minimum of 100 bytes\/s/);
	});

	it.each(['media-endless-error', 'media-trickle-headers'])('%s: a download whose media never come ends, its files failed', async scenario => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl(scenario, ['download', ...listArgs, '--out', out, '--no-archive'], {deadlineMs: 60_000, env: {CCDL_OUTAGE_SECONDS: '5'}});
		expectContained(run);
		expect(run.code).not.toBe(0);
		expect(run.code).not.toBe(70);
	});
});

describe('7. no internal error from data', () => {
	it.each(['login-no-user', 'login-wrong-types', 'login-bad-token'])('%s: a login answer that breaks the contract is a server problem (exit 4)', async scenario => {
		const run = await ccdl(scenario, ['list', ...listArgs]);
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
	});

	it.each(['not-api-501', 'not-api-html', 'not-api-401'])('%s: a server that is not this API is named as such, never "wrong password"', async scenario => {
		const run = await ccdl(scenario, ['list', ...listArgs]);
		expectContained(run);
		expect(run.code, run.stderr).toBe(4);
		expect(run.stderr).toMatch(/not a Contact Center Media API server/);
		expect(run.stderr).not.toMatch(/password/i);
	});

	it('dup-screenshot: two screenshots with one index are not a crash', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('dup-screenshot', ['download', ...listArgs, '--out', out, '--no-archive']);
		expectContained(run);
		expect([0, 1, 4]).toContain(run.code);
	});
});

describe('8. personal data is not world-readable', () => {
	it('ok: files 0600 and folders 0700 whatever the umask', async () => {
		const out = path.join(await tempDir(), 'out');
		const run = await ccdl('ok', ['download', ...listArgs, '--out', out, '--no-archive', '--template', '{campaignName}/{callId}']);
		expectContained(run);
		expect(run.code, run.stderr).toBe(0);
		expect((await stat(out)).mode & 0o777).toBe(0o700);
		for (const file of await walk(out)) {
			expect((await stat(path.join(out, file))).mode & 0o777, file).toBe(0o600);
			expect((await stat(path.dirname(path.join(out, file)))).mode & 0o777, path.dirname(file)).toBe(0o700);
		}
	});
});
