/**
 * Every bad input gets one clear sentence on stderr ("ccdl: …"), a documented non-zero exit code (2 usage,
 * 3 authentication, 4 server, 5 file system) and never a stack trace. Also: supervisor scoping, unwritable
 * folders, and where the password may come from.
 */
import {chmod, mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, type ExpectStatic, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, isOneSentenceError, runCcdl, serverListing, tempDir, walk} from '../helpers/ccdl.js';

const globalExpect = expect;
let server: DemoProcess;
let out: string;
const range = ['--from', '2026-10-05', '--to', '2026-10-07', '--timezone', 'UTC'];

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '150', '--seed', '5', '--media-size', '2000']);
	out = await tempDir();
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

function expectOneSentence(result: {code: number | null; stderr: string; stdout: string}, code: number, expect: ExpectStatic = globalExpect): void {
	expect(result.code, result.stderr).toBe(code);
	expect(isOneSentenceError(result.stderr), JSON.stringify(result.stderr)).toBe(true);
	expect(result.stderr).not.toMatch(/^\s+at /m);
	expect(result.stderr).not.toMatch(/Error:|TypeError|node:internal/);
	expect(result.stdout).toBe('');
}

describe('supervisor scoping', () => {
	it('a supervisor\'s plan holds only campaigns 101, 102 and 105, as the server lists them', async () => {
		const result = await runCcdl(['list', ...connection(server.url, 'supervisor'), '--include-archived', '--timezone', 'UTC', '--out', out, '--json']);
		expect(result.code, result.stderr).toBe(0);
		const plan = JSON.parse(result.stdout) as {contacts: number; items: Array<{campaignId: string; contactId: string}>; byCampaign: Record<string, number>};
		const campaignIds = new Set(plan.items.map(item => item.campaignId));
		expect([...campaignIds].sort()).toEqual(['101', '102', '105']);
		const names = Object.keys(plan.byCampaign).filter(name => name !== '######').sort();
		expect(names).toEqual(['Lakossági | Kintlévőség', 'Nyereményjáték 2026/Q4', 'Ügyfélszolgálat: Bejövő'].sort());
		const own = await serverListing(server.url, {}, 'supervisor');
		expect(plan.contacts).toBe(own.length);
		const all = await serverListing(server.url);
		expect(plan.contacts).toBeLessThan(all.length);
		expect(new Set(plan.items.map(item => item.contactId))).toEqual(new Set(own.filter(item => !item.recycled).map(item => item.id)));
	});

	it('a supervisor may pick an assigned campaign by ID or name', async () => {
		const result = await runCcdl(['list', ...connection(server.url, 'supervisor'), '--campaign', '105', '--campaign', 'Nyereményjáték 2026/Q4', '--out', out, '--json']);
		expect(result.code, result.stderr).toBe(0);
		const plan = JSON.parse(result.stdout) as {items: Array<{campaignId: string}>};
		expect(new Set(plan.items.map(item => item.campaignId))).toEqual(new Set(['101', '105']));
	});

	it('a foreign campaign (103) is refused with one sentence', async () => {
		for (const command of ['list', 'download']) {
			const result = await runCcdl([command, ...connection(server.url, 'supervisor'), '--campaign', '103', '--out', out]);
			expect(result.code, result.stderr).not.toBe(0);
			expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
			expect(result.stderr).toContain('103');
		}

		expect(await walk(out)).toEqual([]);
	});
});

describe('unwritable output folder → exit 5, one sentence', () => {
	it('a path whose parent is a regular file', async () => {
		const base = await tempDir();
		await writeFile(path.join(base, 'a-file'), 'x');
		for (const target of [path.join(base, 'a-file'), path.join(base, 'a-file', 'sub'), path.join(base, 'a-file', 'sub', 'deeper')]) {
			const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', target], {timeoutMs: 15_000});
			expectOneSentence(result, 5);
			expect(result.stderr).toContain(target);
		}
	});

	// Read-only system folders, existing or not. They must fail fast: a hang shows up as SIGKILL from the timeout.
	it.concurrent.for(['/proc/self', '/sys/kernel', '/sys/ccdl-test-out', '/proc/ccdl-test-out', '/proc/self/ccdl-test-out'])('%s', async (target, {expect}) => {
		const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', target], {timeoutMs: 10_000});
		expect(result.signal, `ccdl hung on --out ${target}`).toBeNull();
		expectOneSentence(result, 5, expect);
		expect(result.stderr).toContain(target);
	});

	it('a folder without write permission (chmod 500)', async () => {
		// Root writes anywhere, so as root ccdl runs as "nobody" to meet the permission it would meet as a user.
		const user = process.getuid?.() === 0 ? {uid: 65_534, gid: 65_534} : undefined;
		const base = await tempDir();
		await chmod(base, 0o755);
		const locked = path.join(base, 'locked');
		await mkdir(locked);
		await chmod(locked, 0o555);
		try {
			for (const target of [locked, path.join(locked, 'sub')]) {
				const result = await runCcdl(['download', ...connection(server.url), ...range, '--out', target], {...(user ? {user} : {})});
				expectOneSentence(result, 5);
			}
		} finally {
			await chmod(locked, 0o700);
		}
	});
});

describe('bad inputs → one sentence and a documented exit code', () => {
	const cases: Array<{name: string; args: (url: string) => string[]; code: number; env?: Record<string, string | undefined>; mentions?: string}> = [
		{name: 'an impossible date', args: url => ['list', ...connection(url), '--from', '2026-02-30'], code: 2, mentions: '2026-02-30'},
		{name: 'a word for a date', args: url => ['list', ...connection(url), '--from', 'yesterday'], code: 2, mentions: 'yesterday'},
		{name: 'an impossible time', args: url => ['list', ...connection(url), '--to', '2026-10-01 25:00'], code: 2},
		{name: 'from after to', args: url => ['list', ...connection(url), '--from', '2026-10-20', '--to', '2026-10-10'], code: 2},
		{name: 'an unknown time zone', args: url => ['list', ...connection(url), '--timezone', 'Mars/Olympus'], code: 2, mentions: 'Mars/Olympus'},
		{name: 'an unknown campaign name', args: url => ['list', ...connection(url), '--campaign', 'Nincs ilyen'], code: 2, mentions: 'Nincs ilyen'},
		{name: 'an unknown campaign ID', args: url => ['download', ...connection(url), '--campaign', '999'], code: 2, mentions: '999'},
		{name: 'an unknown channel', args: url => ['list', ...connection(url), '--channel', 'fax'], code: 2, mentions: 'fax'},
		{name: 'a wrong password', args: url => ['list', ...connection(url)], env: {CCDL_PASSWORD: 'wrong'}, code: 3},
		{name: 'an unknown user', args: url => ['download', ...connection(url, 'nobody')], code: 3},
		{name: 'an unknown company', args: url => ['list', '--server', url, '--company', 'acme', '--user', 'admin'], code: 3, mentions: 'acme'},
		{name: 'an unreachable server', args: () => ['list', '--server', 'http://127.0.0.1:1', '--user', 'admin'], code: 4, mentions: '127.0.0.1:1'},
		{name: 'a server that is not the API', args: url => ['list', '--server', `${url}/not-here`, '--user', 'admin'], code: 4},
		{name: 'an unknown template field', args: url => ['list', ...connection(url), '--template', '{nope}'], code: 2, mentions: 'nope'},
		{name: 'an unclosed template field', args: url => ['list', ...connection(url), '--template', '{callStart'], code: 2},
		{name: 'concurrency 0', args: url => ['download', ...connection(url), '--concurrency', '0'], code: 2, mentions: '--concurrency'},
		{name: 'concurrency not a number', args: url => ['download', ...connection(url), '--concurrency', 'many'], code: 2, mentions: '--concurrency'},
		{name: 'an unknown flag', args: url => ['download', ...connection(url), '--bogus'], code: 2, mentions: '--bogus'},
		{name: 'a password as a flag value', args: url => ['download', ...connection(url), '--password', 'demo'], code: 2, mentions: '--password'},
		{name: 'a flag without its value', args: url => ['list', '--server', url, '--user'], code: 2, mentions: '--user'},
		{name: 'an unknown command', args: () => ['fetch-all'], code: 2, mentions: 'fetch-all'},
		{name: 'a mistyped command', args: () => ['lsit'], code: 2, mentions: 'did you mean "list"?'},
		{name: 'a mistyped flag', args: url => ['list', ...connection(url), '--form', '2026-10-01'], code: 2, mentions: 'did you mean --from?'},
		{name: 'no server', args: () => ['list', '--user', 'admin'], code: 2},
		{name: 'no user', args: url => ['list', '--server', url], code: 2},
		{name: 'no password and no terminal', args: url => ['list', ...connection(url)], env: {CCDL_PASSWORD: undefined}, code: 2, mentions: 'password'},
		{name: 'an empty password', args: url => ['list', ...connection(url)], env: {CCDL_PASSWORD: ''}, code: 2},
		{name: 'verify without a folder', args: () => ['verify'], code: 2},
	];

	it.concurrent.for(cases)('$name → exit $code', async ({args, code, env, mentions}, {expect}) => {
		const argv = args(server.url);
		const result = await runCcdl(argv[0] === 'list' || argv[0] === 'download' ? [...argv, '--out', out] : argv, {env});
		expectOneSentence(result, code, expect);
		if (mentions) {
			expect(result.stderr).toContain(mentions);
		}
	});

	it('a malformed --server URL → non-zero, one sentence', async () => {
		const result = await runCcdl(['list', '--server', 'not a url', '--user', 'admin', '--out', out]);
		expect([2, 4]).toContain(result.code);
		expect(isOneSentenceError(result.stderr), result.stderr).toBe(true);
	});

	it('verify on a folder without a manifest → exit 2, one sentence', async () => {
		const empty = await tempDir();
		const result = await runCcdl(['verify', empty]);
		expectOneSentence(result, 2);
	});

	it('nothing was written into the output folder by any of the failed commands', async () => {
		expect(await walk(out)).toEqual([]);
	});
});

describe('the password', () => {
	it('--password-stdin reads the first line of standard input', async () => {
		const result = await runCcdl(['list', ...connection(server.url), ...range, '--out', out, '--json', '--password-stdin'], {
			env: {CCDL_PASSWORD: undefined}, stdin: 'demo\nignored second line\n',
		});
		expect(result.code, result.stderr).toBe(0);
		expect((JSON.parse(result.stdout) as {contacts: number}).contacts).toBeGreaterThan(0);
	});

	it('--password-stdin with a wrong password → exit 3', async () => {
		const result = await runCcdl(['list', ...connection(server.url), '--out', out, '--password-stdin'], {
			env: {CCDL_PASSWORD: undefined}, stdin: 'wrong\n',
		});
		expectOneSentence(result, 3);
	});

	it('--password-stdin with nothing piped in → exit 2', async () => {
		const result = await runCcdl(['list', ...connection(server.url), '--out', out, '--password-stdin'], {
			env: {CCDL_PASSWORD: undefined}, stdin: '',
		});
		expectOneSentence(result, 2);
	});
});
