/**
 * Schedules: the exact crontab entry and systemd units (asserted as strings, no snapshots), the crontab edited
 * without touching other lines, the credentials file's mode check, and `ccdl schedule add|list|remove` — printing
 * what it would install, installing only with --yes (or a yes on a terminal), through a stand-in crontab/systemctl.
 */
import {chmod, readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {checkCredentialsFile, passwordFromText, readCredentials} from '../../source/lib/schedules/credentials.js';
import {installCron, installSystemd, removeCron, removeSystemd, type CommandRunner} from '../../source/lib/schedules/install.js';
import {parseTimeOfDay, parseWeekdays, recurrenceFrom} from '../../source/lib/schedules/model.js';
import {
	crontabEntry, crontabLine, makeSchedule, onCalendar, systemdService, systemdTimer, withCronEntry, withoutCronEntry,
} from '../../source/lib/schedules/units.js';
import {cleanup, nodePath, tempDir} from '../helpers/ccdl.js';
import {ccdl, expectOneSentence, folders} from './support.js';

afterAll(async () => {
	await cleanup();
});

const program = {node: '/usr/local/bin/node', cli: '/opt/ccdl/dist/cli.js'};
const anna = {HOME: '/home/anna', XDG_DATA_HOME: '/home/anna/.local/share'};

function weekly(extra: Partial<Parameters<typeof makeSchedule>[0]> = {}) {
	return makeSchedule({
		name: 'weekly-calls', recurrence: {kind: 'weekly', days: ['mon', 'thu']}, at: '02:00', via: 'cron',
		credentials: '/home/anna/.config/ccdl/cc.pass', program, env: anna, now: new Date('2026-11-01T00:00:00Z'), ...extra,
	});
}

describe('the crontab entry', () => {
	it('is exactly the time fields, the absolute command and a log file', () => {
		expect(crontabLine(weekly())).toBe('0 2 * * 1,4 /usr/local/bin/node /opt/ccdl/dist/cli.js run weekly-calls --credentials /home/anna/.config/ccdl/cc.pass >>/home/anna/.local/share/ccdl/logs/weekly-calls.log 2>&1');
		expect(crontabEntry(weekly())).toEqual([
			'# ccdl schedule weekly-calls (remove with: ccdl schedule remove weekly-calls)',
			'0 2 * * 1,4 /usr/local/bin/node /opt/ccdl/dist/cli.js run weekly-calls --credentials /home/anna/.config/ccdl/cc.pass >>/home/anna/.local/share/ccdl/logs/weekly-calls.log 2>&1',
		]);
		expect(crontabLine(weekly({name: 'monthly', recurrence: {kind: 'monthly', day: 1}, at: '03:00', credentials: undefined})))
			.toBe('0 3 1 * * /usr/local/bin/node /opt/ccdl/dist/cli.js run monthly >>/home/anna/.local/share/ccdl/logs/monthly.log 2>&1');
		expect(crontabLine(weekly({recurrence: {kind: 'weekly', days: parseWeekdays('sun,Mon,friday')}, at: parseTimeOfDay('7:05')})))
			.toMatch(/^5 7 \* \* 0,1,5 /);
	});

	it('quotes for the shell, escapes % for cron, and passes CCDL_CONFIG_DIR and CCDL_DATA_DIR on', () => {
		const schedule = weekly({
			program: {node: '/opt/node 24/bin/node', cli: '/opt/ccdl/dist/cli.js'}, credentials: "/home/anna/it's 100%.pass",
			env: {...anna, CCDL_CONFIG_DIR: '/srv/ccdl config', CCDL_DATA_DIR: '/srv/ccdl-data'},
		});
		expect(crontabLine(schedule)).toBe("0 2 * * 1,4 CCDL_CONFIG_DIR='/srv/ccdl config' CCDL_DATA_DIR=/srv/ccdl-data '/opt/node 24/bin/node' /opt/ccdl/dist/cli.js run weekly-calls --credentials '/home/anna/it'\\''s 100\\%.pass' >>/srv/ccdl-data/logs/weekly-calls.log 2>&1");
	});

	it('passes the XDG folders on too: without them cron finds neither the saved search nor the journal', () => {
		const schedule = weekly({
			program: {node: '/usr/local/bin/node', cli: '/opt/ccdl/dist/cli.js'}, credentials: undefined,
			env: {...anna, XDG_CONFIG_HOME: '/home/anna/cfg', XDG_DATA_HOME: '/home/anna/data', XDG_CACHE_HOME: '/home/anna/cache'},
		});
		expect(crontabLine(schedule)).toBe('0 2 * * 1,4 XDG_CONFIG_HOME=/home/anna/cfg XDG_DATA_HOME=/home/anna/data XDG_CACHE_HOME=/home/anna/cache /usr/local/bin/node /opt/ccdl/dist/cli.js run weekly-calls >>/home/anna/data/ccdl/logs/weekly-calls.log 2>&1');
	});

	it('is added after the lines already there, replaced in place of its old self, and removed alone', () => {
		const existing = 'MAILTO=anna@example.com\n15 * * * * /usr/bin/backup\n';
		const added = withCronEntry(existing, weekly());
		expect(added).toBe(`${existing}${crontabEntry(weekly()).join('\n')}\n`);
		const moved = weekly({at: '04:30'});
		expect(withCronEntry(added, moved)).toBe(`${existing}${crontabEntry(moved).join('\n')}\n`);
		expect(withoutCronEntry(added, 'weekly-calls')).toBe(existing);
		expect(withoutCronEntry(added, 'other')).toBe(added);
		expect(withCronEntry('', weekly())).toBe(`${crontabEntry(weekly()).join('\n')}\n`);
	});
});

describe('the systemd units', () => {
	it('are exactly a oneshot service and a persistent timer', () => {
		const schedule = weekly({via: 'systemd'});
		expect(systemdService(schedule)).toBe([
			'[Unit]',
			'Description=ccdl: run the saved search weekly-calls',
			'',
			'[Service]',
			'Type=oneshot',
			'ExecStart=/usr/local/bin/node /opt/ccdl/dist/cli.js run weekly-calls --credentials /home/anna/.config/ccdl/cc.pass',
			'',
		].join('\n'));
		expect(systemdTimer(schedule)).toBe([
			'[Unit]',
			'Description=ccdl: run the saved search weekly-calls every Monday and Thursday at 02:00',
			'',
			'[Timer]',
			'OnCalendar=Mon,Thu *-*-* 02:00:00',
			'Persistent=true',
			'',
			'[Install]',
			'WantedBy=timers.target',
			'',
		].join('\n'));
		expect(onCalendar({kind: 'monthly', day: 1}, '03:00')).toBe('*-*-01 03:00:00');
		expect(onCalendar({kind: 'weekly', days: ['sun', 'mon']}, '23:59')).toBe('Mon,Sun *-*-* 23:59:00');
	});

	it('quote paths with spaces and double % and $ for systemd', () => {
		const schedule = weekly({
			via: 'systemd', program: {node: '/opt/node 24/bin/node', cli: '/opt/ccdl/dist/cli.js'}, credentials: '/home/anna/100%$.pass',
			env: {...anna, CCDL_CONFIG_DIR: '/srv/ccdl config'},
		});
		const lines = systemdService(schedule).split('\n');
		expect(lines).toContain('Environment="CCDL_CONFIG_DIR=/srv/ccdl config"');
		expect(lines).toContain('ExecStart="/opt/node 24/bin/node" /opt/ccdl/dist/cli.js run weekly-calls --credentials /home/anna/100%%$$.pass');
	});
});

describe('installing through a runner', () => {
	it('edits the crontab with crontab -l and crontab -', async () => {
		let crontab = 'MAILTO=anna@example.com\n';
		const calls: string[] = [];
		const runner: CommandRunner = async (command, args, input) => {
			calls.push(`${command} ${args.join(' ')}`);
			if (args[0] === '-l') {
				return {code: 0, stdout: crontab, stderr: ''};
			}

			crontab = input ?? '';
			return {code: 0, stdout: '', stderr: ''};
		};

		const folder = await tempDir();
		const schedule = weekly({env: {XDG_DATA_HOME: folder}});
		await installCron(schedule, {runner, env: {}});
		expect(crontab).toBe(`MAILTO=anna@example.com\n${crontabEntry(schedule).join('\n')}\n`);
		expect((await stat(path.join(folder, 'ccdl', 'logs'))).isDirectory()).toBe(true);
		expect(await removeCron('weekly-calls', {runner, env: {}})).toBe(true);
		expect(crontab).toBe('MAILTO=anna@example.com\n');
		expect(await removeCron('weekly-calls', {runner, env: {}})).toBe(false);
		expect(calls).toEqual(['crontab -l', 'crontab -', 'crontab -l', 'crontab -', 'crontab -l']);
	});

	it('treats "no crontab for user" as an empty crontab, and reports a failing crontab in one sentence', async () => {
		let written = '';
		const runner: CommandRunner = async (_command, args, input) => {
			if (args[0] === '-l') {
				return {code: 1, stdout: '', stderr: 'no crontab for anna\n'};
			}

			written = input ?? '';
			return {code: 0, stdout: '', stderr: ''};
		};

		const schedule = weekly({env: {XDG_DATA_HOME: await tempDir()}});
		await installCron(schedule, {runner, env: {}});
		expect(written).toBe(`${crontabEntry(schedule).join('\n')}\n`);
		const refusing: CommandRunner = async () => ({code: 1, stdout: '', stderr: 'crontab: your UID isn\'t in the passwd file.\nbye\n'});
		await expect(installCron(schedule, {runner: refusing, env: {}})).rejects.toThrow(/^"crontab -l" failed: crontab: your UID isn't in the passwd file\.$/);
	});

	it('writes, reloads and enables the systemd units, and takes them away', async () => {
		const folder = await tempDir();
		const calls: string[] = [];
		const runner: CommandRunner = async (command, args) => {
			calls.push(`${command} ${args.join(' ')}`);
			return {code: 0, stdout: '', stderr: ''};
		};

		const env = {CCDL_SYSTEMD_USER_DIR: folder};
		const schedule = weekly({via: 'systemd'});
		const files = await installSystemd(schedule, {runner, env});
		expect(files).toEqual({service: path.join(folder, 'ccdl-search-weekly-calls.service'), timer: path.join(folder, 'ccdl-search-weekly-calls.timer')});
		expect(await readFile(files.service, 'utf8')).toBe(systemdService(schedule));
		expect(await readFile(files.timer, 'utf8')).toBe(systemdTimer(schedule));
		expect(await removeSystemd('weekly-calls', {runner, env})).toBe(true);
		await expect(stat(files.timer)).rejects.toThrow(/ENOENT/);
		expect(calls).toEqual([
			'systemctl --user daemon-reload', 'systemctl --user enable --now ccdl-search-weekly-calls.timer',
			'systemctl --user disable --now ccdl-search-weekly-calls.timer', 'systemctl --user daemon-reload',
		]);
	});
});

describe('when and how', () => {
	it('reads weekdays, days of the month and times, refusing the rest', () => {
		expect(parseWeekdays('thu,MON,mon')).toEqual(['mon', 'thu']);
		expect(recurrenceFrom({weekly: undefined, monthly: '31'})).toEqual({kind: 'monthly', day: 31});
		expect(() => parseWeekdays('mon,funday')).toThrow('--weekly needs weekdays such as mon,thu (mon, tue, wed, thu, fri, sat, sun), not "mon,funday".');
		expect(() => recurrenceFrom({weekly: undefined, monthly: '32'})).toThrow('--monthly needs a day of the month from 1 to 31, not "32".');
		expect(() => recurrenceFrom({weekly: 'mon', monthly: '1'})).toThrow('Give either --weekly DAYS or --monthly DAY, not both.');
		expect(() => recurrenceFrom({weekly: undefined, monthly: undefined})).toThrow('Say when to run: --weekly mon,thu or --monthly 1, with --at HH:MM.');
		expect(parseTimeOfDay('2:00')).toBe('02:00');
		expect(() => parseTimeOfDay('24:00')).toThrow('--at needs a time of day as HH:MM (00:00 to 23:59), not "24:00".');
	});
});

describe('the credentials file', () => {
	it('must be readable only by its owner: 0644 and 0640 are refused with the chmod to run', async () => {
		const folder = await tempDir();
		const file = path.join(folder, 'cc.pass');
		await writeFile(file, 'demo\n');
		await chmod(file, 0o644);
		await expect(readCredentials(file)).rejects.toThrow(`The credentials file ${file} can be read or changed by others (mode 0644); make it private with "chmod 600 ${file}" and try again.`);
		await chmod(file, 0o640);
		await expect(checkCredentialsFile(file)).rejects.toThrow('(mode 0640)');
		await chmod(file, 0o600);
		expect(await readCredentials(file)).toBe('demo');
		await chmod(file, 0o400);
		expect(await readCredentials(file)).toBe('demo');
		await expect(readCredentials(path.join(folder, 'missing'))).rejects.toThrow(`The credentials file ${path.join(folder, 'missing')} does not exist; put the password in it (alone, or as CCDL_PASSWORD=...) and make it private with "chmod 600 ${path.join(folder, 'missing')}".`);
		const empty = path.join(folder, 'empty');
		await writeFile(empty, '', {mode: 0o600});
		await expect(readCredentials(empty)).rejects.toThrow(`The credentials file ${empty} holds no password; write the password on its first line, or a line CCDL_PASSWORD=....`);
		await expect(readCredentials(folder)).rejects.toThrow(`The credentials file ${folder} is not a regular file.`);
	});

	it('holds the password alone or as CCDL_PASSWORD=', () => {
		expect(passwordFromText('s3cret pass\n')).toBe('s3cret pass');
		expect(passwordFromText('s3cret\r\n')).toBe('s3cret');
		expect(passwordFromText('# for ccdl\nCCDL_USER=admin\nCCDL_PASSWORD=p=w#1\n')).toBe('p=w#1');
		expect(passwordFromText('export CCDL_PASSWORD="with spaces "\n')).toBe('with spaces ');
		expect(passwordFromText("CCDL_PASSWORD='x'")).toBe('x');
		expect(passwordFromText('\n')).toBeUndefined();
	});
});

describe('ccdl schedule', () => {
	async function setUp() {
		const base = await folders();
		const bin = await tempDir('ccdl-bin-');
		const crontabFile = path.join(bin, 'crontab.txt');
		const fake = path.join(bin, 'crontab');
		await writeFile(fake, '#!/bin/sh\nif [ "$1" = "-l" ]; then\n  if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else echo "no crontab for tester" >&2; exit 1; fi\nelif [ "$1" = "-" ]; then\n  cat > "$FAKE_CRONTAB"\nfi\n', {mode: 0o755});
		const systemctlLog = path.join(bin, 'systemctl.log');
		const systemctl = path.join(bin, 'systemctl');
		await writeFile(systemctl, `#!/bin/sh\necho "$@" >> "${systemctlLog}"\n`, {mode: 0o755});
		const units = path.join(bin, 'units');
		const env = {
			...base.env, CCDL_CRONTAB: fake, FAKE_CRONTAB: crontabFile, CCDL_SYSTEMCTL: systemctl, CCDL_SYSTEMD_USER_DIR: units,
		};
		const saved = await ccdl(['search', 'save', 'weekly-calls', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns', '--date-rule', 'previous-7-days'], env);
		expect(saved.code, saved.stderr).toBe(0);
		const credentials = path.join(base.config, 'cc.pass');
		await writeFile(credentials, 'CCDL_PASSWORD=demo\n', {mode: 0o600});
		return {...base, env, crontabFile, credentials, systemctlLog, units};
	}

	const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

	it('prints the exact crontab entry; without a terminal and without --yes it installs nothing', async () => {
		const {env, data, config, crontabFile, credentials} = await setUp();
		const result = await ccdl(['schedule', 'add', 'weekly-calls', '--weekly', 'mon,thu', '--at', '02:00', '--credentials', credentials], env);
		expect(result.code, result.stderr).toBe(2);
		const line = `0 2 * * 1,4 CCDL_CONFIG_DIR=${config} CCDL_DATA_DIR=${data} ${nodePath} ${cli} run weekly-calls --credentials ${credentials} >>${data}/logs/weekly-calls.log 2>&1`;
		expect(result.stdout).toBe([
			'The search "weekly-calls" would run every Monday and Thursday at 02:00 (this machine\'s local time) through cron; this goes into your crontab:',
			'',
			'# ccdl schedule weekly-calls (remove with: ccdl schedule remove weekly-calls)',
			line,
			'',
			'',
		].join('\n'));
		expect(expectOneSentence(result)).toBe('not installed (no terminal to ask on); run the same command with --yes to install it.');
		await expect(stat(crontabFile)).rejects.toThrow(/ENOENT/);
		// The password itself is nowhere in what would be installed.
		expect(result.stdout).not.toContain('demo');

		const installed = await ccdl(['schedule', 'add', 'weekly-calls', '--weekly', 'mon,thu', '--at', '02:00', '--credentials', credentials, '--yes'], env);
		expect(installed.code, installed.stderr).toBe(0);
		expect(installed.stdout.endsWith('Installed. "ccdl schedule remove weekly-calls" removes it; "ccdl history" shows its runs.\n')).toBe(true);
		expect(await readFile(crontabFile, 'utf8')).toBe(`# ccdl schedule weekly-calls (remove with: ccdl schedule remove weekly-calls)\n${line}\n`);
		expect(await readFile(path.join(config, 'schedules.json'), 'utf8')).not.toContain('demo\n');

		const twice = await ccdl(['schedule', 'add', 'weekly-calls', '--monthly', '1', '--at', '03:00', '--credentials', credentials, '--yes'], env);
		expect(expectOneSentence(twice)).toBe('The search "weekly-calls" is scheduled already (cron, every Monday and Thursday at 02:00); add --replace to replace it.');

		const list = await ccdl(['schedule', 'list'], env);
		expect(list.stdout).toBe(`weekly-calls  every Monday and Thursday at 02:00  via cron  credentials ${credentials}\n`);
		const deleteScheduled = await ccdl(['search', 'delete', 'weekly-calls'], env);
		expect(expectOneSentence(deleteScheduled)).toBe('The search "weekly-calls" is scheduled (cron); remove the schedule first with "ccdl schedule remove weekly-calls".');

		const removed = await ccdl(['schedule', 'remove', 'weekly-calls'], env);
		expect(removed.stdout).toBe('Removed the schedule of "weekly-calls" (cron).\n');
		expect(await readFile(crontabFile, 'utf8')).toBe('');
		expect((await ccdl(['schedule', 'list'], env)).stdout).toBe('No schedules; "ccdl schedule add NAME --weekly mon --at 02:00" adds one.\n');
	});

	it('installs systemd user units with --via systemd', async () => {
		const {env, config, data, credentials, systemctlLog, units} = await setUp();
		const result = await ccdl(['schedule', 'add', 'weekly-calls', '--monthly', '1', '--at', '03:00', '--via', 'systemd', '--credentials', credentials, '--yes'], env);
		expect(result.code, result.stderr).toBe(0);
		const service = await readFile(path.join(units, 'ccdl-search-weekly-calls.service'), 'utf8');
		expect(service).toBe([
			'[Unit]',
			'Description=ccdl: run the saved search weekly-calls',
			'',
			'[Service]',
			'Type=oneshot',
			`Environment=CCDL_CONFIG_DIR=${config}`,
			`Environment=CCDL_DATA_DIR=${data}`,
			`ExecStart=${nodePath} ${cli} run weekly-calls --credentials ${credentials}`,
			'',
		].join('\n'));
		expect(await readFile(path.join(units, 'ccdl-search-weekly-calls.timer'), 'utf8')).toContain('OnCalendar=*-*-01 03:00:00\n');
		expect(result.stdout).toContain(`# ${path.join(units, 'ccdl-search-weekly-calls.service')}\n${service}`);
		expect(await readFile(systemctlLog, 'utf8')).toBe('--user daemon-reload\n--user enable --now ccdl-search-weekly-calls.timer\n');
		const removed = await ccdl(['schedule', 'remove', 'weekly-calls'], env);
		expect(removed.stdout).toBe('Removed the schedule of "weekly-calls" (systemd).\n');
		await expect(stat(path.join(units, 'ccdl-search-weekly-calls.timer'))).rejects.toThrow(/ENOENT/);
	});

	it('refuses a credentials file others can read, an unknown or incomplete search, and a bad time', async () => {
		const {env, config, credentials} = await setUp();
		await chmod(credentials, 0o644);
		const open = await ccdl(['schedule', 'add', 'weekly-calls', '--weekly', 'mon', '--at', '02:00', '--credentials', credentials, '--yes'], env);
		expect(open.code).toBe(2);
		expect(expectOneSentence(open)).toBe(`The credentials file ${credentials} can be read or changed by others (mode 0644); make it private with "chmod 600 ${credentials}" and try again.`);
		const unknown = await ccdl(['schedule', 'add', 'nightly', '--weekly', 'mon', '--at', '02:00'], env);
		expect(expectOneSentence(unknown)).toBe('There is no saved search "nightly"; saved: weekly-calls.');
		const late = await ccdl(['schedule', 'add', 'weekly-calls', '--weekly', 'mon', '--at', '25:00'], env);
		expect(expectOneSentence(late)).toBe('--at needs a time of day as HH:MM (00:00 to 23:59), not "25:00".');
		const file = path.join(config, 'searches.json');
		const stored = JSON.parse(await readFile(file, 'utf8')) as {searches: Array<Record<string, unknown>>};
		stored.searches[0]!['allCampaigns'] = false;
		await writeFile(file, JSON.stringify(stored));
		const incomplete = await ccdl(['schedule', 'add', 'weekly-calls', '--weekly', 'mon', '--at', '02:00'], env);
		expect(expectOneSentence(incomplete)).toMatch(/^The saved search "weekly-calls" is incomplete and cannot be scheduled: no campaigns \(/);
	});
});
