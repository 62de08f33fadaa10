/**
 * The CLI habits of rclone and gh (issue 11), with the real binary: "did you mean" for commands, subcommands and
 * flags; `ccdl help COMMAND`; piped `ccdl list` as full, tab-separated rows; `ccdl schedule add` without a terminal
 * exits non-zero when it installed nothing; `ccdl history` in Hungarian with server text made visible; global
 * -q/--quiet and -v/--verbose.
 */
import {execFile} from 'node:child_process';
import {stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/lib/journal/journal.js';
import {cleanup, connection, isOneSentenceError, runCcdl, tempDir, type CcdlResult} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';

const run = promisify(execFile);
let server: DemoProcess;
const range = ['--from', '2026-10-05', '--to', '2026-10-07', '--timezone', 'UTC'];

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '120', '--seed', '11', '--media-size', '2000']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

/** The one "ccdl: …" line of a usage error (exit 2), without the prefix. */
function usageSentence(result: CcdlResult): string {
	expect(result.code, result.stderr).toBe(2);
	expect(isOneSentenceError(result.stderr), JSON.stringify(result.stderr)).toBe(true);
	expect(result.stdout).toBe('');
	return result.stderr.trim().slice('ccdl: '.length);
}

/** Fresh config and data folders for commands that keep state. */
async function ownFolders(): Promise<{config: string; data: string; env: Record<string, string>}> {
	const config = await tempDir('ccdl-config-');
	const data = await tempDir('ccdl-data-');
	return {config, data, env: {CCDL_CONFIG_DIR: config, CCDL_DATA_DIR: data}};
}

describe('npx ccdl, as the README\'s tour runs it', () => {
	it('starts the built binary: the build leaves dist/cli.js executable, which npx needs', async () => {
		const root = path.resolve(import.meta.dirname, '../..');
		expect((await stat(path.join(root, 'dist/cli.js'))).mode & 0o111).not.toBe(0);
		const {stdout} = await run('npx', ['--no-install', 'ccdl', '--version'], {cwd: root, timeout: 60_000, env: {...process.env, CI: 'true'}});
		expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
	});
});

describe('did you mean', () => {
	it('a mistyped command names the command meant, exit 2, one sentence', async () => {
		expect(usageSentence(await runCcdl(['lsit']))).toBe('unknown command "lsit" (did you mean "list"?); run "ccdl --help" to see the commands.');
		expect(usageSentence(await runCcdl(['downlaod']))).toContain('(did you mean "download"?)');
		expect(usageSentence(await runCcdl(['hisotry']))).toContain('(did you mean "history"?)');
	});

	it('a word far from every command gets no guess', async () => {
		expect(usageSentence(await runCcdl(['fetch-all']))).toBe('unknown command "fetch-all"; run "ccdl --help" to see the commands.');
	});

	it('a mistyped flag names the flag meant, before anything else is checked', async () => {
		expect(usageSentence(await runCcdl(['download', '--form', '2026-11-01'])))
			.toBe('"ccdl download" has no option --form (did you mean --from?); see "ccdl download --help".');
		expect(usageSentence(await runCcdl(['list', '--include']))).toContain('(did you mean --include-archived?)');
		expect(usageSentence(await runCcdl(['history', '--limt', '3']))).toContain('(did you mean --limit?)');
		expect(usageSentence(await runCcdl(['list', '--form=2026-11-01']))).toContain('no option --form (did you mean --from?)');
		expect(usageSentence(await runCcdl(['download', '--bogus']))).toBe('"ccdl download" has no option --bogus; see "ccdl download --help".');
	});

	it('a mistyped subcommand of schedule and a mistyped shell name the one meant', async () => {
		expect(usageSentence(await runCcdl(['schedule', 'ad', 'x']))).toContain('(did you mean add?)');
		expect(usageSentence(await runCcdl(['completion', 'bsh']))).toContain('(did you mean bash?)');
	});

	it('a control character in a mistyped command is shown, not sent to the terminal', async () => {
		const sentence = usageSentence(await runCcdl(['li\u001B]0;owned\u0007st']));
		expect(sentence).toContain('\\x1b');
		expect(sentence).not.toContain('\u001B');
	});
});

describe('ccdl help', () => {
	it('help COMMAND prints what COMMAND --help prints', async () => {
		for (const command of ['list', 'download', 'history', 'schedule', 'profile', 'completion']) {
			const [viaHelp, viaFlag] = await Promise.all([runCcdl(['help', command]), runCcdl([command, '--help'])]);
			expect(viaHelp.code, viaHelp.stderr).toBe(0);
			expect(viaHelp.stdout).toBe(viaFlag.stdout);
			expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: ccdl ${command}`));
		}
	});

	it('help alone is the main help, as --help', async () => {
		const [help, flag] = await Promise.all([runCcdl(['help']), runCcdl(['--help'])]);
		expect(help.code).toBe(0);
		expect(help.stdout).toBe(flag.stdout);
		expect(help.stdout).toContain('help [COMMAND]');
		expect(help.stdout).toContain('-q, --quiet');
	});

	it('help of a mistyped command suggests the command meant', async () => {
		expect(usageSentence(await runCcdl(['help', 'lsit']))).toContain('(did you mean "list"?)');
	});
});

describe('piped ccdl list', () => {
	// Long names: every field, so a name is far wider than any terminal.
	const template = '{campaignName}-{operatorName}-{phoneNumber}-{terminationName}-{callStart:YYYY-MM-DD_HH-mm-ss}-{callId}-{recordId}';

	it('prints a header and one tab-separated row per file with every value in full', async () => {
		const out = await tempDir();
		const args = ['list', ...connection(server.url), ...range, '--include-archived', '--template', template, '--out', out];
		const [piped, json] = await Promise.all([runCcdl(args), runCcdl([...args, '--json'])]);
		expect(piped.code, piped.stderr).toBe(0);
		const plan = JSON.parse(json.stdout) as {contacts: number; items: Array<{contactId: string; file: string; size: number | null; kind: string}>};
		expect(plan.items.length).toBeGreaterThan(5);
		const lines = piped.stdout.split('\n').filter(line => line !== '');
		const header = lines[0]!.split('\t');
		expect(header).toEqual(['ID', 'Record', 'Kind', 'Channel', 'Campaign', 'Operator', 'Phone', 'Termination', 'Call start', 'Length', 'File name', 'Size', 'Action', 'Reason', 'Archived']);
		const rows = lines.slice(1).map(line => line.split('\t'));
		for (const row of rows) {
			expect(row).toHaveLength(header.length);
		}

		const byFile = rows.filter(row => row[10] !== '');
		expect(byFile.map(row => [row[0], row[2], row[10], row[11]])).toEqual(plan.items.map(item => [item.contactId, item.kind, item.file, String(item.size ?? '')]));
		expect(Math.max(...byFile.map(row => row[10]!.length))).toBeGreaterThan(100);
		expect(piped.stdout).not.toContain('…');
		expect(new Set(rows.map(row => row[0])).size).toBe(plan.contacts);
	});
});

describe('ccdl schedule add without a terminal', () => {
	async function setUp() {
		const {env: folders, config} = await ownFolders();
		const bin = await tempDir('ccdl-bin-');
		const crontabFile = path.join(bin, 'crontab.txt');
		const fake = path.join(bin, 'crontab');
		await writeFile(fake, '#!/bin/sh\nif [ "$1" = "-l" ]; then\n  if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else echo "no crontab for tester" >&2; exit 1; fi\nelif [ "$1" = "-" ]; then\n  cat > "$FAKE_CRONTAB"\nfi\n', {mode: 0o755});
		const env = {...folders, CCDL_CRONTAB: fake, FAKE_CRONTAB: crontabFile};
		const saved = await runCcdl(['search', 'save', 'nightly', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns', '--date-rule', 'previous-7-days'], {env});
		expect(saved.code, saved.stderr).toBe(0);
		const credentials = path.join(config, 'cc.pass');
		await writeFile(credentials, 'CCDL_PASSWORD=demo\n', {mode: 0o600});
		return {env, credentials};
	}

	it('exits 2 and says nothing was installed; --yes installs and exits 0', async () => {
		const {env, credentials} = await setUp();
		const args = ['schedule', 'add', 'nightly', '--weekly', 'mon', '--at', '02:00', '--credentials', credentials];
		const printed = await runCcdl(args, {env});
		expect(printed.code, printed.stderr).toBe(2);
		expect(printed.stdout).toContain('this goes into your crontab');
		expect(printed.stderr).toBe('ccdl: not installed (no terminal to ask on); run the same command with --yes to install it.\n');
		expect((await runCcdl(['schedule', 'list'], {env})).stdout).toMatch(/^No schedules/);
		const installed = await runCcdl([...args, '--yes'], {env});
		expect(installed.code, installed.stderr).toBe(0);
		expect(installed.stdout).toContain('Installed.');
		expect((await runCcdl(['schedule', 'list'], {env})).stdout).toMatch(/^nightly {2}every Monday at 02:00 {2}via cron/);
	});
});

describe('ccdl history in Hungarian', () => {
	async function seeded() {
		const {env, data} = await ownFolders();
		const journal = openJournal({file: path.join(data, 'journal.db'), now: () => Date.parse('2026-11-02T01:00:00Z')});
		const id = journal.startRun({
			server: 'https://demo.comnica.cc', company: 'demo', user: 'ügyintéző\u001B[31m', outDir: '/srv/hívások',
			filter: {from: '2026-10-25T23:00:00.000Z', to: '2026-11-01T23:00:00.000Z', timeZone: 'Europe/Budapest', campaigns: ['Értékesítés\u009B2J'], channels: ['voice', 'chat'], includeArchived: false, transcripts: 'json', mode: 'full'},
		});
		journal.finishRun(id, {
			counts: {contacts: 1500, files: 1502, valid: 1500, skipped: 2, skippedByProfile: 0, failed: 0}, bytes: 12_400_000, durationMs: 31_200, outcome: 'ok',
			manifestPath: '/srv/hívások/manifest.csv',
		});
		journal.close();
		return {env, id};
	}

	function expectHungarian(stdout: string, id: number) {
		const lines = stdout.split('\n');
		expect(lines[0]).toBe(`${id}. futás: ügyintéző\\x1b[31m, https://demo.comnica.cc  2026-11-02 01:00  rendben`);
		expect(lines[1]).toMatch(/^ {2}Szűrő: +2026-10-26 00:00 – 2026-11-02 00:00, kampányok: Értékesítés\\x9b2J, csatornák: hang, csevegés, átiratok: json$/);
		expect(lines[2]).toMatch(/^ {2}Darabszámok: 1500 kontakt, 1502 fájl: 1500 érvényes, 2 már megvolt, 0 sikertelen; 12,4 MB, 31,2 mp$/);
		expect(lines[3]).toMatch(/^ {2}Mappa: +\/srv\/hívások$/);
		expect(lines[4]).toMatch(/^ {2}Jegyzék: +\/srv\/hívások\/manifest\.csv$/);
		// eslint-disable-next-line no-control-regex
		expect(stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
	}

	it('--lang hu speaks Hungarian, with server text made visible', async () => {
		const {env, id} = await seeded();
		const result = await runCcdl(['history', '--lang', 'hu', '--timezone', 'UTC'], {env});
		expect(result.code, result.stderr).toBe(0);
		expectHungarian(result.stdout, id);
	});

	it('a Hungarian locale does the same without --lang; --lang en wins over it', async () => {
		const {env, id} = await seeded();
		const hungarian = await runCcdl(['history', '--timezone', 'UTC'], {env: {...env, LC_ALL: undefined, LC_MESSAGES: undefined, LANG: 'hu_HU.UTF-8'}});
		expect(hungarian.code, hungarian.stderr).toBe(0);
		expectHungarian(hungarian.stdout, id);
		const english = await runCcdl(['history', '--timezone', 'UTC', '--lang', 'en'], {env: {...env, LANG: 'hu_HU.UTF-8'}});
		expect(english.stdout.split('\n')[0]).toBe(`Run ${id}  2026-11-02 01:00  ügyintéző\\x1b[31m on https://demo.comnica.cc  ok`);
	});

	it('an empty journal in Hungarian, and an unknown language is a usage error', async () => {
		const {env, data} = await ownFolders();
		const empty = await runCcdl(['history', '--lang', 'hu'], {env});
		expect(empty.stdout).toBe(`Még nincs rögzített letöltés (${path.join(data, 'journal.db')}).\n`);
		expect(usageSentence(await runCcdl(['history', '--lang', 'de'], {env}))).toBe('--lang must be en or hu, not "de".');
	});
});

describe('-q/--quiet and -v/--verbose', () => {
	it('are taken anywhere on the line, by every command, and never reach its own flags', async () => {
		const out = await tempDir();
		for (const args of [['-q', 'list'], ['list', '--quiet'], ['list', '-v'], ['--verbose', 'list'], ['list', '-qv']]) {
			const result = await runCcdl([...args, ...connection(server.url), ...range, '--out', out, '--json']);
			expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
			expect((JSON.parse(result.stdout) as {contacts: number}).contacts).toBeGreaterThan(0);
		}

		expect(usageSentence(await runCcdl(['-q', 'download', '--form', 'x']))).toContain('did you mean --from?');
	});

	it('-V and --version print the version; -v alone still does', async () => {
		const results = await Promise.all([['-V'], ['--version'], ['-v']].map(async args => runCcdl(args)));
		for (const result of results) {
			expect(result.code).toBe(0);
			expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		}
	});

	it('download -q says nothing when everything is valid; -v names every file started', async () => {
		const quietOut = await tempDir();
		const quiet = await runCcdl(['download', '-q', ...connection(server.url), ...range, '--out', quietOut, '--no-archive']);
		expect(quiet.code, quiet.stderr).toBe(0);
		expect(quiet.stderr).toBe('');
		const verboseOut = await tempDir();
		const verbose = await runCcdl(['download', '--verbose', ...connection(server.url), ...range, '--out', verboseOut, '--no-archive']);
		expect(verbose.code, verbose.stderr).toBe(0);
		const started = verbose.stderr.split('\n').filter(line => line.startsWith('started  '));
		const valid = verbose.stderr.split('\n').filter(line => line.startsWith('valid    '));
		expect(started.length).toBeGreaterThan(0);
		expect(started).toHaveLength(valid.length);
		expect(verbose.stderr).toMatch(/^Done: /m);
	});
});
