/**
 * Installing and removing schedules: a crontab entry through `crontab -l` / `crontab -`, or systemd user units
 * written to ~/.config/systemd/user and enabled with `systemctl --user`. The programs can be replaced
 * (CCDL_CRONTAB, CCDL_SYSTEMCTL: for tests and unusual systems), and every call goes through a runner the tests
 * can replace too.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {CcdlError, exitCodes} from '../errors.js';
import type {Schedule} from './model.js';
import {hasCronEntry, systemdService, systemdTimer, systemdUserDir, unitName, withCronEntry, withoutCronEntry} from './units.js';

/** A schedule could not be installed or removed. Exit code 2 (the user installs cron, or chooses the other way). */
export class ScheduleError extends CcdlError {
	constructor(code: string, message: string) {
		super(code, message, exitCodes.usage);
		this.name = 'ScheduleError';
	}
}

export interface CommandResult {
	code: number;
	stdout: string;
	stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[], input?: string) => Promise<CommandResult>;

/** Runs a program, feeding `input` to its stdin; a program that cannot be started is a ScheduleError. */
export const runCommand: CommandRunner = async (command, args, input) => new Promise((resolve, reject) => {
	const child = spawn(command, args, {stdio: ['pipe', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	child.once('error', error => {
		reject((error as NodeJS.ErrnoException).code === 'ENOENT'
			? new ScheduleError('schedule-no-program', `The program "${command}" is not installed${path.basename(command) === 'crontab' ? '; install cron, or use --via systemd' : path.basename(command) === 'systemctl' ? '; use --via cron' : ''}.`)
			: error);
	});
	child.once('close', code => {
		resolve({code: code ?? 1, stdout, stderr});
	});
	child.stdin.on('error', () => {});
	child.stdin.end(input ?? '');
});

/** The first line a program wrote on stderr (without a final full stop), else its exit code. */
function firstLine(result: CommandResult): string {
	return result.stderr.trim().split('\n')[0]?.replace(/\.$/, '') || `exit code ${result.code}`;
}

export interface InstallOptions {
	runner?: CommandRunner;
	env?: NodeJS.ProcessEnv;
}

function programs(env: NodeJS.ProcessEnv): {crontab: string; systemctl: string} {
	return {crontab: env['CCDL_CRONTAB'] || 'crontab', systemctl: env['CCDL_SYSTEMCTL'] || 'systemctl'};
}

/** The user's crontab ('' when there is none). */
export async function readCrontab(options: InstallOptions = {}): Promise<string> {
	const {crontab} = programs(options.env ?? process.env);
	const result = await (options.runner ?? runCommand)(crontab, ['-l']);
	if (result.code === 0) {
		return result.stdout;
	}

	if (/no crontab/i.test(result.stderr)) {
		return '';
	}

	throw new ScheduleError('schedule-cron', `"crontab -l" failed: ${firstLine(result)}.`);
}

async function writeCrontab(text: string, options: InstallOptions): Promise<void> {
	const {crontab} = programs(options.env ?? process.env);
	const result = await (options.runner ?? runCommand)(crontab, ['-'], text);
	if (result.code !== 0) {
		throw new ScheduleError('schedule-cron', `"crontab -" refused the new crontab: ${firstLine(result)}.`);
	}
}

export async function installCron(schedule: Schedule, options: InstallOptions = {}): Promise<void> {
	if (schedule.logFile) {
		await mkdir(path.dirname(schedule.logFile), {recursive: true, mode: 0o700});
	}

	await writeCrontab(withCronEntry(await readCrontab(options), schedule), options);
}

/** Takes `name`'s entry out of the crontab; false when there was none. */
export async function removeCron(name: string, options: InstallOptions = {}): Promise<boolean> {
	const current = await readCrontab(options);
	if (!hasCronEntry(current, name)) {
		return false;
	}

	await writeCrontab(withoutCronEntry(current, name), options);
	return true;
}

export function systemdFiles(name: string, env: NodeJS.ProcessEnv = process.env): {service: string; timer: string} {
	const folder = systemdUserDir(env);
	return {service: path.join(folder, `${unitName(name)}.service`), timer: path.join(folder, `${unitName(name)}.timer`)};
}

async function systemctl(args: string[], options: InstallOptions, allowFailure = false): Promise<void> {
	const {systemctl: program} = programs(options.env ?? process.env);
	const result = await (options.runner ?? runCommand)(program, ['--user', ...args]);
	if (result.code !== 0 && !allowFailure) {
		throw new ScheduleError('schedule-systemd', `"systemctl --user ${args.join(' ')}" failed: ${firstLine(result)}.`);
	}
}

/** Writes the service and timer, reloads systemd and enables the timer. */
export async function installSystemd(schedule: Schedule, options: InstallOptions = {}): Promise<{service: string; timer: string}> {
	const env = options.env ?? process.env;
	const files = systemdFiles(schedule.name, env);
	await mkdir(path.dirname(files.service), {recursive: true});
	await writeFile(files.service, systemdService(schedule), 'utf8');
	await writeFile(files.timer, systemdTimer(schedule), 'utf8');
	await systemctl(['daemon-reload'], options);
	await systemctl(['enable', '--now', `${unitName(schedule.name)}.timer`], options);
	return files;
}

/** Disables the timer and deletes both units; false when there were none. */
export async function removeSystemd(name: string, options: InstallOptions = {}): Promise<boolean> {
	const env = options.env ?? process.env;
	const files = systemdFiles(name, env);
	const present = existsSync(files.service) || existsSync(files.timer);
	await systemctl(['disable', '--now', `${unitName(name)}.timer`], options, true);
	await rm(files.timer, {force: true});
	await rm(files.service, {force: true});
	if (present) {
		await systemctl(['daemon-reload'], options, true);
	}

	return present;
}
