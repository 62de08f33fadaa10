/**
 * The live screen's cost (issue 4, "Speed"): the same ≈2,000-recording download (voice and video, archived too)
 * driven through the interactive app in tmux (120×40), against headless `ccdl download`, each on a fresh server.
 *
 * The app is timed from the `d` (download) on the list screen to the summary screen showing "Download finished." (polled
 * every 100 ms); the headless run from its plan summary on stderr to its exit. Both spans hold the transfer,
 * validation, archive marking and the manifest, and neither holds login, listing or planning.
 *
 * Keys go one `send-keys` call at a time and the driver waits for each key's effect on the screen before the next:
 * Ink treats a chunk of several characters as typed text, so keys sharing a chunk would be lost. The app gets a
 * clean environment (HOME and CCDL_CONFIG_DIR in a temporary folder, so no remembered settings are read or written).
 */
import {execFile, execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {chmod, mkdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {ccdlDownload, ccdlEnv, downloadTargets, folderContents, outputSet, settleDisk} from './ccdl-bench.js';
import {cliPath, login, measured, nodeBinary, privateDir, processCpuSeconds, procStatusKiB, startServer} from './demo-server-bench.js';

const smallServerArgs = ['--calls', '2800', '--media-size', '262144', '--seed', '1'];

function quote(text) {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

function tmux(socket, args) {
	return new Promise((resolve, reject) => {
		execFile('tmux', ['-L', socket, ...args], {encoding: 'utf8', env: {...process.env, LANG: 'C.UTF-8'}, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			if (error) {
				reject(new Error(`tmux ${args.join(' ')}: ${stderr.trim() || error.message}`));
			} else {
				resolve(stdout);
			}
		});
	});
}

/** Starts `command` alone in a tmux server of its own (unique -L socket); its PID (exec'd, so the program's) goes to a file. */
async function startApp(command, env, {columns = 120, rows = 40} = {}) {
	const socket = `ccdl-bench-${randomBytes(6).toString('hex')}`;
	const dir = await privateDir('ccdl-bench-tmux-');
	const pidFile = path.join(dir, 'pid');
	const script = path.join(dir, 'run.sh');
	const config = path.join(dir, 'tmux.conf');
	const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`).join(' ');
	await writeFile(script, `#!/bin/sh\necho $$ > ${quote(pidFile)}\nexec env -i TERM="$TERM" ${assignments} ${command.map(quote).join(' ')}\n`);
	await chmod(script, 0o700);
	await writeFile(config, 'set -g status off\nset -g remain-on-exit on\n');
	// The tmux server outlives this process unless killed: also on exit, and on Ctrl-C / SIGTERM of the bench.
	const killServer = () => {
		try {
			execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
		} catch {}
	};

	const onSignal = () => {
		killServer();
		process.exit(130);
	};

	process.once('exit', killServer);
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	await tmux(socket, ['-f', config, '-u', 'new-session', '-d', '-s', 'ccdl', '-x', String(columns), '-y', String(rows), script]);
	let pid;
	const app = {
		dir,
		pid() {
			if (pid === undefined && existsSync(pidFile)) {
				pid = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
			}

			return pid;
		},
		alive() {
			const current = app.pid();
			return current !== undefined && existsSync(`/proc/${current}/status`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${current}/status`, 'utf8'));
		},
		send: async key => tmux(socket, ['send-keys', '-t', 'ccdl', '--', key]),
		type: async text => tmux(socket, ['send-keys', '-t', 'ccdl', '-l', '--', text]),
		capture: async () => (await tmux(socket, ['capture-pane', '-p', '-t', 'ccdl'])).replace(/\n$/, ''),
		async waitFor(expected, {timeoutMs = 20_000, pollMs = 50} = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const screen = await app.capture();
				if (typeof expected === 'function' ? expected(screen) : typeof expected === 'string' ? screen.includes(expected) : expected.test(screen)) {
					return screen;
				}

				if (Date.now() > deadline) {
					throw new Error(`the app did not show ${String(expected)} within ${timeoutMs} ms${app.alive() ? '' : ' (it has exited)'}; the screen:\n${screen}`);
				}

				await delay(pollMs);
			}
		},
		async press(key, expected, options) {
			await app.send(key);
			return app.waitFor(expected, options);
		},
		/** Tab until the field `label` has the cursor (`› label`), at most `limit` times. */
		async focus(label, limit = 15) {
			const pattern = new RegExp(`› ${label.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
			for (let tabs = 0; tabs < limit; tabs++) {
				if (pattern.test(await app.capture())) {
					return;
				}

				const before = await app.capture();
				await app.send('Tab');
				await app.waitFor(screen => screen !== before, {timeoutMs: 5000}).catch(() => undefined);
			}

			return app.waitFor(pattern, {timeoutMs: 1000});
		},
		async stop() {
			process.off('exit', killServer);
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			await tmux(socket, ['kill-server']).catch(() => {});
			await rm(dir, {recursive: true, force: true});
		},
	};
	return app;
}

/** Drives login → campaigns (all) → filters (voice + video, archived too, the rest as it comes) → file names (default) → list. */
async function driveToList(app) {
	await app.waitFor('› Password');
	await app.type('demo');
	await app.waitFor(/› Password\s+\S{4}/);
	await app.press('Enter', '[Campaigns]');
	await app.waitFor(/ of \d+ selected/);
	await app.press('C-a', /(\d+) of \1 selected/);
	await app.press('Enter', '[Filters]');
	// Fields are reached by Tab until the wanted one has the cursor, so a field added to the screen does not break the drive.
	await app.focus('Channels');
	await app.press('Space', '[x] voice');
	await app.press('Right', /\[ \] video/);
	await delay(150); // The cursor move shows only as highlighting; give Ink time to read the key on its own.
	await app.press('Space', '[x] video');
	await app.focus('Archived too');
	await app.press('Space', /› Archived too\s+\[x\]/);
	await app.focus('[ Continue ]');
	const filters = await app.capture();
	if (!/\[x\] voice\s+\[x\] video\s+\[ \] chat\s+\[ \] e-mail\s+\[ \] social/.test(filters)) {
		throw new Error(`the filters are not voice + video only:\n${filters}`);
	}

	await app.press('Enter', '[File names]', {timeoutMs: 30_000});
	await app.press('Up', '› [ Continue ]');
	return app.press('Enter', /\[List\][\s\S]*matched/, {timeoutMs: 30_000});
}

/**
 * The app's download of the small set: seconds from `d` on the list to "Download finished.", CPU, peak RSS.
 * `env` adds variables to the app's clean environment (e.g. NODE_ENV or NO_COLOR, to see what they change).
 */
export async function appDownload(server, expected, {cli = cliPath, cliNodeArgs = [], env: extraEnv = {}, outDir} = {}) {
	const dir = await privateDir('ccdl-bench-app-');
	const out = outDir ?? path.join(dir, 'out');
	const home = path.join(dir, 'home');
	await mkdir(out, {recursive: true});
	await mkdir(home);
	const env = ccdlEnv(home, extraEnv);
	await mkdir(env.CCDL_CONFIG_DIR);
	await mkdir(env.CCDL_DATA_DIR);
	const command = [nodeBinary(), ...cliNodeArgs, cli, '--server', server.url, '--company', 'demo', '--user', 'admin', '--out', out, '--timezone', 'UTC', '--lang', 'en'];
	const app = await startApp(command, env);
	try {
		const list = await driveToList(app);
		const files = /([\d,]+) files,/.exec(list)?.[1]?.replaceAll(',', '');
		if (Number(files) !== expected.targets.length) {
			throw new Error(`the app plans ${files} files, the bench expects ${expected.targets.length}:\n${list}`);
		}

		const pid = app.pid();
		await delay(100);
		settleDisk();
		const run = await measured(server, async () => {
			const cpuBefore = processCpuSeconds(pid);
			await app.send('d'); // d on the list downloads the plan (Enter opens a row's detail).
			const summary = await app.waitFor(/Download finished\.|Download interrupted/, {timeoutMs: 180_000, pollMs: 100});
			return {summary, cpu: processCpuSeconds(pid) - cpuBefore, cpuTotal: processCpuSeconds(pid), peakBytes: procStatusKiB(pid, 'VmHWM') * 1024};
		});
		const counts = /([\d,]+) valid · ([\d,]+) already on disk · ([\d,]+) failed/.exec(run.summary);
		const valid = Number(counts?.[1]?.replaceAll(',', ''));
		const found = await folderContents(out);
		if (!run.summary.includes('Download finished.') || valid !== expected.targets.length || found.files !== expected.targets.length || found.bytes !== expected.bytes) {
			throw new Error(`the app's download: ${valid} valid, ${found.files}/${expected.targets.length} files, ${found.bytes}/${expected.bytes} bytes:\n${run.summary}`);
		}

		await app.send('q');
		for (let wait = 0; wait < 50 && app.alive(); wait++) {
			await delay(100);
		}

		return {...run, count: found.files, bytes: found.bytes};
	} finally {
		await app.stop();
		await rm(dir, {recursive: true, force: true});
	}
}

/**
 * Headless and live, each on a fresh server, `rounds` times (alternating which goes first); best of each (the machine
 * is shared: single runs swing by ±30 %). Outputs are kept until every run is done, then deleted, synced and paused
 * on (see ccdl-bench.js), so no run pays for the previous run's deletion.
 */
export async function ccdlLive({rounds = 1, cli, serverCli, serverNodeArgs, cliNodeArgs, onRun} = {}) {
	const runs = {headless: [], app: []};
	const set = await outputSet();
	try {
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? ['headless', 'app'] : ['app', 'headless'];
			for (const mode of order) {
				const server = await startServer(smallServerArgs, {nodeArgs: serverNodeArgs, cli: serverCli});
				try {
					const token = await login(server.url);
					const expected = await downloadTargets(server.url, token, ['voice', 'video']);
					const outDir = await set.next(`${mode}-round${round + 1}`);
					const run = mode === 'app'
						? await appDownload(server, expected, {cli, cliNodeArgs, outDir})
						: await ccdlDownload(server, expected, {cli, cliNodeArgs, outDir});
					runs[mode].push(run);
					onRun?.(mode, run);
				} finally {
					await server.stop();
				}
			}
		}
	} finally {
		await set.done();
	}

	const best = (list, key) => list.reduce((chosen, run) => run[key] < chosen[key] ? run : chosen);
	return {runs, headless: best(runs.headless, 'transferSeconds'), app: best(runs.app, 'seconds')};
}
