/**
 * Issue 11, "Hungarian, completely … the headless commands too": with --lang hu, or a Hungarian locale, the sentence
 * a failing command ends with is Hungarian, keeps the flag advice and the values (flag, date, address, folder), and
 * keeps its exit code; the --delete-after lines are Hungarian too. Without either, everything stays English, word for
 * word. The real binary, the demo server and the Twilio test server, as a user runs them.
 */
import {writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, connection, isOneSentenceError, runCcdl, tempDir, type CcdlOptions, type CcdlResult} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

let demo: DemoProcess;
let twilio: VendorServer;
/** An address where nothing listens: a port the system handed out and that was closed again. */
let nobody: string;
const range = ['--from', '2026-10-05', '--to', '2026-10-07', '--timezone', 'UTC'];

/** The three ways a run is told its language; the locale variables are set so the developer's own cannot leak in. */
const hungarian: Array<{how: string; args: string[]; env: Record<string, string | undefined>}> = [
	{how: '--lang hu', args: ['--lang', 'hu'], env: {LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'C.UTF-8'}},
	{how: '--lang=hu_HU', args: ['--lang=hu_HU'], env: {LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'C.UTF-8'}},
	{how: 'LANG=hu_HU.UTF-8', args: [], env: {LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'hu_HU.UTF-8'}},
	{how: 'LC_ALL=hu_HU.UTF-8', args: [], env: {LC_ALL: 'hu_HU.UTF-8', LC_MESSAGES: undefined, LANG: 'C.UTF-8'}},
];
const english = {LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'C.UTF-8'};

beforeAll(async () => {
	demo = await startDemoProcess(['--calls', '60', '--seed', '3', '--media-size', '2000']);
	twilio = await startVendorServer('twilio', ['--calls', '12', '--days', '2', '--seed', '17']);
	const probe = createServer();
	await new Promise<void>(resolve => {
		probe.listen(0, '127.0.0.1', resolve);
	});
	const {port} = probe.address() as {port: number};
	await new Promise(resolve => probe.close(resolve));
	nobody = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
	await Promise.all([demo?.stop(), twilio?.stop()]);
	await cleanup();
});

/** The one `ccdl: …` line of a failed command, after checking the exit code and that nothing else was printed. */
function sentence(result: CcdlResult, exitCode: number): string {
	expect(result.code, result.stderr).toBe(exitCode);
	expect(isOneSentenceError(result.stderr), JSON.stringify(result.stderr)).toBe(true);
	expect(result.stderr).not.toMatch(/^\s+at |node:internal|Error:/m);
	expect(result.stdout).toBe('');
	return result.stderr.trim().slice('ccdl: '.length);
}

/** `args` with `lang` right after the command name, so a flag at the end still lacks its value. */
function withLang([command, ...rest]: string[], lang: string[]): string[] {
	return [command!, ...lang, ...rest];
}

/** Runs `args` in each Hungarian way and in English; each answer must be the given sentence, with `exitCode`. */
async function expectSaid(args: string[], exitCode: number, said: {hu: string; en: string}, options: CcdlOptions = {}): Promise<void> {
	for (const {how, args: langArgs, env} of hungarian) {
		const result = await runCcdl(withLang(args, langArgs), {...options, env: {...options.env, ...env}});
		expect(sentence(result, exitCode), how).toBe(said.hu);
	}

	expect(sentence(await runCcdl(args, {...options, env: {...options.env, ...english}}), exitCode), 'English').toBe(said.en);
	// The flag beats the locale, as in the app.
	const flagged = await runCcdl(withLang(args, ['--lang', 'en']), {...options, env: {...options.env, LANG: 'hu_HU.UTF-8'}});
	expect(sentence(flagged, exitCode), '--lang en under a Hungarian locale').toBe(said.en);
}

describe('usage errors (exit 2)', () => {
	it('a mistyped flag: "did you mean", and where the help is', async () => {
		await expectSaid(['download', '--form', '2026-11-01'], 2, {
			hu: 'A "ccdl download" parancsnak nincs --form kapcsolója (erre gondolt: --from?); lásd: "ccdl download --help".',
			en: '"ccdl download" has no option --form (did you mean --from?); see "ccdl download --help".',
		});
		await expectSaid(['list', '--bogus'], 2, {
			hu: 'A "ccdl list" parancsnak nincs --bogus kapcsolója; lásd: "ccdl list --help".',
			en: '"ccdl list" has no option --bogus; see "ccdl list --help".',
		});
	});

	it('a mistyped command, which fails before any command reads --lang', async () => {
		await expectSaid(['lsit'], 2, {
			hu: 'Ismeretlen parancs: "lsit" (erre gondolt: "list"?); a parancsok listája: "ccdl --help".',
			en: 'unknown command "lsit" (did you mean "list"?); run "ccdl --help" to see the commands.',
		});
	});

	it('a date that does not exist, and one that is no date at all', async () => {
		await expectSaid(['download', ...connection(demo.url), '--from', '2026-02-30', '--to', '2026-03-02'], 2, {
			hu: '--from: 2026-02-30 nem létező dátum.',
			en: '--from: 2026-02-30 is not a real date.',
		});
		await expectSaid(['list', ...connection(demo.url), '--to', 'tomorrow'], 2, {
			hu: '--to: dátumot vár, pl. 2026-10-01, vagy dátumot és időt, pl. "2026-10-01 08:30", nem ezt: "tomorrow".',
			en: '--to needs a date like 2026-10-01 or a date and time like "2026-10-01 08:30", not "tomorrow".',
		});
	});

	it('a missing required option, and a flag without its value', async () => {
		await expectSaid(['download', '--user', 'admin', ...range], 2, {
			hu: 'Adja meg a szervert: --server URL vagy --company CÉGNÉV.',
			en: 'Say which server to use: --server URL or --company NAME.',
		});
		await expectSaid(['download', '--server', demo.url, ...range], 2, {
			hu: 'Adja meg, ki jelentkezik be: --user NÉV (vagy CCDL_USER).',
			en: 'Say who logs in: --user NAME (or CCDL_USER).',
		});
		await expectSaid(['download', ...connection(demo.url), ...range, '--out'], 2, {
			hu: '--out: hiányzik az érték; lásd: "ccdl download --help".',
			en: '--out needs a value; see "ccdl download --help".',
		});
	});

	it('a "~" the shell did not expand in --out', async () => {
		const result = await runCcdl(['download', ...connection(demo.url), ...range, '--out', '~/calls', '--lang', 'hu'], {env: {HOME: '/home/ccdl-test'}});
		expect(sentence(result, 2)).toBe('--out ~/calls: a "~" jelet a shell nem bontotta ki (idézőjelek között volt), így "~" nevű mappa jönne létre; írja ki a teljes útvonalat, pl. --out /home/ccdl-test/calls.');
	});
});

describe('--lang on every command', () => {
	it('commands without text of their own take --lang too (their errors use it) and check its value', async () => {
		const folder = await tempDir();
		const verify = await runCcdl(['verify', folder, '--lang', 'hu']);
		expect(verify.code).toBe(2);
		expect(verify.stderr).not.toMatch(/has no option|nincs .*--lang/);
		const searches = await runCcdl(['search', 'list', '--json', '--lang=hu']);
		expect(searches.code, searches.stderr).toBe(0);
		const bad = await runCcdl(['limits', '--lang', 'xx']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--lang/);
		expect(bad.stderr).toMatch(/"xx"/);
		const typo = await runCcdl(['verify', folder, '--lnag', 'hu']);
		expect(typo.code).toBe(2);
		expect(typo.stderr).toMatch(/--lang\?/);
	});
});

describe('logging in and reaching the server', () => {
	it('a wrong password → exit 3', async () => {
		await expectSaid(['list', ...connection(demo.url), ...range], 3, {
			hu: 'Hibás felhasználónév vagy jelszó (kis- és nagybetűérzékeny).',
			en: 'The user name or password is wrong (both are case-sensitive).',
		}, {env: {CCDL_PASSWORD: 'not-the-password'}});
	});

	it('a server nobody answers at → exit 4, with the address and the flags to check', async () => {
		await expectSaid(['download', ...connection(nobody), ...range, '--out', await tempDir()], 4, {
			hu: `Nem érhető el: ${nobody} (ott semmi nem fogad kapcsolatot); ellenőrizze a --server/--company értékét és a hálózatot.`,
			en: `Cannot reach ${nobody}: nothing is listening there; check --server/--company and your network.`,
		});
	});

	it('a server that is not this API (a wrong base path) → exit 4, with what it answered', async () => {
		const wrong = `${demo.url}/not-the-api`;
		await expectSaid(['list', ...connection(wrong), ...range], 4, {
			hu: `${wrong} nem Contact Center Media API szerver (GET /v1/health válasza: 404); ellenőrizze a --server vagy a --company értékét.`,
			en: `${wrong} is not a Contact Center Media API server (GET /v1/health answered 404); check --server or --company.`,
		});
	});
});

describe('the destination', () => {
	it('--out that is a file → exit 5, with the path and --out', async () => {
		const file = path.join(await tempDir(), 'a-file');
		await writeFile(file, 'x');
		await expectSaid(['download', ...connection(demo.url), ...range, '--out', file], 5, {
			hu: `${file} nem mappa; válasszon másikat a --out kapcsolóval.`,
			en: `${file} is not a folder; choose another with --out.`,
		});
	});
});

describe('--delete-after --dry-run on Twilio', () => {
	const twilioArgs = () => ['download', '--platform', 'twilio', '--server', twilio.url, '--user', twilio.user, '--timezone', 'UTC',
		'--transcripts', 'none', '--include-archived', '--delete-after', '--dry-run'];

	it('says in Hungarian which recordings it would delete, and deletes none; English says it in English', async () => {
		for (const {how, args, env} of [...hungarian, {how: 'English', args: [], env: english}]) {
			const result = await runCcdl([...twilioArgs(), '--out', await tempDir(), ...args], {env: {...env, CCDL_PASSWORD: twilio.password}});
			expect(result.code, `${how}: ${result.stderr}`).toBe(0);
			const line = result.stderr.split('\n').find(text => /^(Próbafuttatás|Dry run):/.test(text));
			const ids = line?.replace(/^.*: /, '').split(', ') ?? [];
			expect(ids.length, `${how}: ${result.stderr}`).toBeGreaterThan(0);
			expect(ids.every(id => /^RE[\da-f]{32}$/.test(id)), line).toBe(true);
			if (how === 'English') {
				expect(line).toBe(`Dry run: would delete ${ids.length} recordings on the platform: ${ids.join(', ')}`);
				expect(result.stderr).toMatch(/^Done: /m);
			} else {
				expect(line, how).toBe(`Próbafuttatás: ${ids.length} felvétel törlődne a platformon: ${ids.join(', ')}`);
				expect(result.stderr, how).toMatch(/^Kész: /m);
				expect(result.stderr, how).not.toMatch(/Dry run|would delete|NOT deleted/);
			}
		}

		const stats = await (await fetch(`${twilio.url}/_test/stats`)).json() as {deleted?: string[]};
		expect(stats.deleted ?? []).toEqual([]);
	}, 120_000);
});
