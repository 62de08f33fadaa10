/**
 * Speed and memory of ccdl itself (issue 3, "Speed and memory"): `ccdl download` with validation, archive marking and
 * the manifest on, against curl and aria2c fetching the same media URLs (bytes only) in the same run; and
 * `ccdl list --json` planning 100,000 recordings.
 *
 * Every ccdl run is a separate process (`node dist/cli.js …`) in a clean environment, as users run it; the password
 * goes in CCDL_PASSWORD, never in arguments. Its CPU time and peak RSS come from /usr/bin/time when present (else
 * from /proc, sampled).
 * Each round starts a fresh demo server, since a download marks contacts archived and so changes the next listing;
 * --include-archived keeps the set the same anyway. All downloads (ccdl, curl, aria2c, wget2) write files into fresh
 * folders under one set folder in the system temporary folder (the same file system), and the outputs are kept until
 * the set (every round of every tool) is done; then the set folder is deleted, the disk synced, and the bench pauses
 * (issue 12: on ext4 with `discard`, deleting the last run's hundreds of MB right before a run slows file creation
 * in that run, which costs both clients the same seconds and so flatters the slower one's ratio).
 *
 * Every ccdl run gets its own temporary HOME, config folder (CCDL_CONFIG_DIR) and data folder (CCDL_DATA_DIR, where
 * the journal lives), so runs never see each other's journal, claims or limits.
 */
import {spawn, spawnSync} from 'node:child_process';
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs';
import {mkdir, readdir, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {loadavg} from 'node:os';
import {setTimeout as delay} from 'node:timers/promises';
import {
	aria2Download, cliPath, curlDownload, hasCommand, listAll, login, measured, nodeBinary, privateDir, processCpuSeconds,
	procStatusKiB, rootDir, startServer, wget2Download,
} from './demo-server-bench.js';

export const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MiB = 1024 * 1024;

/**
 * The environment of a ccdl process: a clean one, as the interactive app gets in the live scenario (PATH, LANG, TZ,
 * HOME, CCDL_CONFIG_DIR and CCDL_DATA_DIR in `home`), so no developer setting (CCDL_*, NODE_OPTIONS, …) leaks in and
 * no run reads another's journal, plus `extra`.
 */
export function ccdlEnv(home, extra = {}) {
	return {
		PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CCDL_CONFIG_DIR: path.join(home, 'config'),
		CCDL_DATA_DIR: path.join(home, 'data'), LANG: 'C.UTF-8', TZ: 'UTC', ...extra,
	};
}

/** Pause after a set's outputs are deleted and synced (seconds); `--pause` of bench/run.js sets it. */
let pauseSeconds = 5;

export function setPause(seconds) {
	pauseSeconds = seconds;
}

/**
 * A folder for one set's outputs. `done()` deletes it, syncs and pauses, so the next set starts on a settled disk.
 */
export async function outputSet(prefix = 'ccdl-bench-set-') {
	const dir = await privateDir(prefix);
	let runs = 0;
	return {
		dir,
		/** A fresh folder for one run's outputs, inside the set. */
		async next(name) {
			const folder = path.join(dir, `${String(++runs).padStart(2, '0')}-${name}`);
			await mkdir(folder);
			return folder;
		},
		async done() {
			await rm(dir, {recursive: true, force: true});
			settleDisk();
			await delay(pauseSeconds * 1000);
		},
	};
}

/** The PID of the first child of `pid` (the Node process under /usr/bin/time), or undefined. */
function firstChild(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
		return text ? Number(text.split(/\s+/)[0]) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Runs `node [nodeArgs] cli args` with stdout to /dev/null and stderr read line by line. Resolves with the exit code,
 * wall seconds, CPU seconds (user + system), peak RSS in bytes, the arrival time of each notable stderr line, and
 * the CPU the process had used when the plan summary arrived (to split planning from transferring).
 */
export async function runCcdl(args, {cli = cliPath, nodeArgs = [], env = {}, timeoutSeconds = 0} = {}) {
	const dir = await privateDir('ccdl-bench-run-');
	await mkdir(path.join(dir, 'config'));
	await mkdir(path.join(dir, 'data'));
	const statsFile = path.join(dir, 'time.txt');
	const command = timeBinary ?? nodeBinary();
	const argv = [...timeBinary ? ['-o', statsFile, '-f', '@time %e %U %S %M', nodeBinary()] : [], ...nodeArgs, cli, ...args];
	const devNull = openSync('/dev/null', 'w');
	const startedAt = performance.now();
	let child;
	try {
		child = spawn(command, argv, {cwd: rootDir, env: ccdlEnv(dir, env), stdio: ['ignore', devNull, 'pipe']});
	} finally {
		closeSync(devNull);
	}

	let nodePid = timeBinary ? undefined : child.pid;
	const pid = () => {
		nodePid ??= firstChild(child.pid);
		return nodePid;
	};

	// Without /usr/bin/time, CPU and peak RSS are sampled from /proc until the process ends.
	let sampledCpu = Number.NaN;
	let sampledPeakKiB = Number.NaN;
	const sampler = setInterval(() => {
		const current = pid();
		if (current !== undefined) {
			const cpu = processCpuSeconds(current);
			const peak = procStatusKiB(current, 'VmHWM');
			sampledCpu = Number.isFinite(cpu) ? cpu : sampledCpu;
			sampledPeakKiB = Number.isFinite(peak) ? Math.max(peak, Number.isFinite(sampledPeakKiB) ? sampledPeakKiB : 0) : sampledPeakKiB;
		}
	}, 50);
	let timedOut = false;
	const deadline = timeoutSeconds > 0 ? setTimeout(() => {
		timedOut = true;
		const current = pid();
		if (current !== undefined) {
			try {
				process.kill(current, 'SIGKILL');
			} catch {}
		}
	}, timeoutSeconds * 1000) : undefined;
	const at = () => (performance.now() - startedAt) / 1000;
	const result = {planAt: Number.NaN, firstFileAt: Number.NaN, doneAt: Number.NaN, cpuAtPlan: Number.NaN, valid: Number.NaN, skipped: Number.NaN, failed: Number.NaN, fileLines: 0};
	const tail = [];
	const lines = createInterface({input: child.stderr});
	lines.on('line', line => {
		tail.push(line);
		if (tail.length > 25) {
			tail.shift();
		}

		if (Number.isNaN(result.planAt) && /^\d+ contacts, \d+ files/.test(line)) {
			result.planAt = at();
			result.cpuAtPlan = pid() === undefined ? Number.NaN : processCpuSeconds(pid());
		} else if (/^(valid|skipped|FAILED) {2}/.test(line)) {
			result.fileLines++;
			if (Number.isNaN(result.firstFileAt)) {
				result.firstFileAt = at();
			}
		} else {
			const done = /^(?:Done|Interrupted): (\d+) valid, (\d+) already there, (\d+) failed/.exec(line);
			if (done) {
				result.doneAt = at();
				[result.valid, result.skipped, result.failed] = done.slice(1).map(Number);
			}
		}
	});
	const [code, signal] = await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
	});
	const seconds = at();
	clearInterval(sampler);
	clearTimeout(deadline);
	let cpu = sampledCpu;
	let peakKiB = sampledPeakKiB;
	try {
		if (timeBinary) {
			const stats = /@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(readFileSync(statsFile, 'utf8'));
			if (stats) {
				cpu = Number(stats[2]) + Number(stats[3]);
				peakKiB = Number(stats[4]);
			}
		}
	} finally {
		await rm(dir, {recursive: true, force: true});
	}

	return {...result, code, signal, timedOut, seconds, cpu, peakBytes: peakKiB * 1024, stderrTail: tail.join('\n')};
}

/** Every file a voice/video download fetches: each non-recycled contact's media and screenshots, as {url, size}. */
export async function downloadTargets(url, token, channels) {
	const {items} = await listAll(url, token, {channels});
	const targets = [];
	let recordings = 0;
	for (const item of items) {
		if (item.recycled) {
			continue;
		}

		if (item.media) {
			recordings++;
			targets.push({url: new URL(item.media.href, url).href, size: item.media.size});
		}

		for (const shot of item.screenshots ?? []) {
			targets.push({url: new URL(shot.href, url).href, size: shot.size});
		}

		if (item.transcript) {
			throw new Error(`contact ${item.id} has a transcript; the bench only handles media and screenshots`);
		}
	}

	return {targets, contacts: items.length, recordings, bytes: targets.reduce((sum, target) => sum + target.size, 0)};
}

/** Count and bytes of the files under `dir`, leaving out the manifest. */
export async function folderContents(dir) {
	let files = 0;
	let bytes = 0;
	let partials = 0;
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) {
			continue;
		}

		const parent = entry.parentPath ?? entry.path;
		if (parent === dir && (entry.name === 'manifest.csv' || entry.name === 'manifest.jsonl')) {
			continue;
		}

		if (entry.name.startsWith('.ccdl-')) {
			partials++;
			continue;
		}

		files++;
		bytes += (await stat(path.join(parent, entry.name))).size;
	}

	return {files, bytes, partials};
}

/** Flushes dirty pages so one run's write-back does not land in the next one's time (bounded, best effort). */
export function settleDisk() {
	spawnSync('sync', {stdio: 'ignore', timeout: 30_000});
}

/** The `ccdl download` arguments the scenarios use: voice and video, archived too, validation/archive/manifest on. */
export function downloadArgs(url, outDir, {concurrency = 8} = {}) {
	return [
		'download', '--server', url, '--user', 'admin', '--channel', 'voice', '--channel', 'video', '--include-archived',
		'--out', outDir, '--timezone', 'UTC', '--concurrency', String(concurrency),
	];
}

/**
 * One headless `ccdl download`, measured and checked against the expected files: into `outDir` (kept, for the
 * caller to delete with its set), else into a fresh folder deleted afterwards.
 */
export async function ccdlDownload(server, expected, {cli, cliNodeArgs, concurrency = 8, outDir} = {}) {
	const dir = outDir ? undefined : await privateDir('ccdl-bench-ccdl-');
	const out = outDir ?? path.join(dir, 'out');
	await mkdir(out, {recursive: true});
	try {
		const run = await measured(server, () => runCcdl(downloadArgs(server.url, out, {concurrency}), {cli, nodeArgs: cliNodeArgs, env: {CCDL_PASSWORD: 'demo'}}));
		if (run.code !== 0) {
			throw new Error(`ccdl download exited with ${run.code ?? run.signal}:\n${run.stderrTail}`);
		}

		const found = await folderContents(out);
		if (run.valid !== expected.targets.length || found.files !== expected.targets.length || found.bytes !== expected.bytes || found.partials > 0) {
			throw new Error(`ccdl download: ${run.valid} valid, ${found.files}/${expected.targets.length} files, ${found.bytes}/${expected.bytes} bytes, ${found.partials} partials on disk:\n${run.stderrTail}`);
		}

		return {
			...run,
			count: found.files,
			bytes: found.bytes,
			// From the plan summary on stderr to the exit: transfer, validation, archiving, manifest.
			transferSeconds: run.seconds - run.planAt,
			transferCpu: run.cpu - run.cpuAtPlan,
		};
	} finally {
		if (dir) {
			await rm(dir, {recursive: true, force: true});
		}
	}
}

/** The byte peers installed here: curl always (the scenarios need it), aria2c and wget2 when present. */
export function bytePeers() {
	return ['curl', ...['aria2c', 'wget2'].filter(tool => hasCommand(tool))];
}

/**
 * Rounds of ccdl vs curl vs aria2c vs wget2, each round on a fresh server, the order rotating so that none always
 * runs first on a cold cache or right after another's write-back. Every run writes into its own folder of one output
 * set, kept until the last round is done (see the top of this file); a sync before each run keeps one run's
 * write-back out of the next one's time. `serverArgs` shape the data set; `channels` pick what is downloaded.
 */
export async function downloadComparison({serverArgs, channels = ['voice', 'video'], rounds = 2, parallel = 8, cli, serverCli, serverNodeArgs, cliNodeArgs, onRound}) {
	const tools = ['ccdl', ...bytePeers()];
	const runs = Object.fromEntries(tools.map(tool => [tool, []]));
	let expected;
	let serverPeakMiB = 0;
	const set = await outputSet();
	try {
		for (let round = 0; round < rounds; round++) {
			const server = await startServer(serverArgs, {nodeArgs: serverNodeArgs, cli: serverCli});
			try {
				const token = await login(server.url);
				expected = await downloadTargets(server.url, token, channels);
				const order = tools.map((_, index) => tools[(index + round) % tools.length]);
				const roundRuns = {};
				for (const tool of order) {
					await delay(100);
					settleDisk();
					const outDir = await set.next(`${tool}-round${round + 1}`);
					let run;
					if (tool === 'ccdl') {
						run = await ccdlDownload(server, expected, {cli, cliNodeArgs, concurrency: parallel, outDir});
					} else if (tool === 'curl') {
						run = await curlDownload(server, token, expected.targets, {parallel, outDir});
					} else if (tool === 'aria2c') {
						run = await aria2Download(server, token, expected.targets, {parallel, outDir});
					} else {
						run = await wget2Download(server, token, expected.targets, {parallel, outDir});
					}

					runs[tool].push(run);
					roundRuns[tool] = run;
				}

				serverPeakMiB = Math.max(serverPeakMiB, server.peakRssMiB());
				onRound?.(round, order, roundRuns);
			} finally {
				await server.stop();
			}
		}
	} finally {
		await set.done();
	}

	const fastest = runs => runs.reduce((chosen, run) => run.seconds < chosen.seconds ? run : chosen);
	const best = Object.fromEntries(tools.map(tool => [tool, fastest(runs[tool])]));
	const peerBest = tools.filter(tool => tool !== 'ccdl').map(tool => ({tool, run: best[tool]}))
		.reduce((chosen, entry) => entry.run.seconds < chosen.run.seconds ? entry : chosen);
	return {
		tools,
		runs,
		best,
		fastestPeer: peerBest,
		expected,
		ccdlPeakBytes: Math.max(...runs.ccdl.map(run => run.peakBytes)),
		serverPeakMiB,
	};
}

/** ≈2,000 recordings of 256 KiB (`--calls 2800 --media-size 262144`): 2,237 recordings + 774 screenshots, voice and video. */
export async function ccdlSmall(options = {}) {
	return downloadComparison({...options, serverArgs: ['--calls', '2800', '--media-size', '262144', '--seed', '1']});
}

/** 64 MiB recordings (`--calls 14 --media-size 67108864`): the 9 voice/video media files of that tenant. */
export async function ccdlLarge(options = {}) {
	return downloadComparison({...options, serverArgs: ['--calls', '14', '--media-size', String(64 * MiB), '--seed', '1']});
}

/**
 * Planning N recordings: `ccdl list --json --include-archived` against a fresh `--calls N` server, stdout to
 * /dev/null, `rounds` times. The server's CPU is reported too (it builds the pages). A run that takes longer than
 * `timeoutSeconds` is killed and reported as such (with the peak RSS it had reached); one that crashes (e.g. out of
 * heap) is reported with its exit, not thrown, so a scaling table still shows how far it got.
 */
export async function ccdlPlan({calls = 100_000, rounds = 1, cli, serverCli, serverNodeArgs, cliNodeArgs, timeoutSeconds = 0, tolerateFailure = false} = {}) {
	const runs = [];
	for (let round = 0; round < rounds; round++) {
		const server = await startServer(['--calls', String(calls), '--seed', '1'], {nodeArgs: serverNodeArgs, cli: serverCli});
		const dir = await privateDir('ccdl-bench-plan-');
		try {
			const args = ['list', '--json', '--server', server.url, '--user', 'admin', '--include-archived', '--out', dir, '--timezone', 'UTC'];
			const run = await measured(server, () => runCcdl(args, {cli, nodeArgs: cliNodeArgs, env: {CCDL_PASSWORD: 'demo'}, timeoutSeconds}));
			const failure = run.timedOut ? `killed after ${timeoutSeconds} s` : run.code === 0 ? undefined : `exit ${run.code ?? run.signal}`;
			if (failure && !tolerateFailure) {
				throw new Error(`ccdl list ${failure}:\n${run.stderrTail}`);
			}

			runs.push({...run, failure, calls, serverPeakMiB: server.peakRssMiB(), startupSeconds: server.startupSeconds});
		} finally {
			await rm(dir, {recursive: true, force: true});
			await server.stop();
		}
	}

	const finished = runs.filter(run => !run.failure);
	return {
		runs,
		best: (finished.length > 0 ? finished : runs).reduce((chosen, run) => run.seconds < chosen.seconds ? run : chosen),
		peakBytes: Math.max(...runs.map(run => run.peakBytes)),
	};
}

/**
 * A long run's memory (issue 16, item 8): `ccdl download` of every file of `demo-server --calls N --media-size 2048`
 * (voice, video, chat, e-mail: recordings, screenshots, transcripts) into a fresh folder under TMPDIR, one round per
 * size, a fresh server each. The bytes are few, so what grows is what ccdl keeps per contact and per file. Every file
 * must arrive valid. The largest size runs a second time into the same folder (a cron job's next day): every file is
 * there already, and the folder's manifest is as long as the first run made it.
 */
export async function ccdlSoak({sizes = [5000, 20_000], cli, serverCli, serverNodeArgs, cliNodeArgs, concurrency = 8, onRun} = {}) {
	const runs = [];
	for (const calls of sizes) {
		const server = await startServer(['--calls', String(calls), '--media-size', '2048', '--seed', '1'], {nodeArgs: serverNodeArgs, cli: serverCli});
		const dir = await privateDir('ccdl-bench-soak-');
		try {
			const out = path.join(dir, 'out');
			await mkdir(out);
			const args = ['download', '--server', server.url, '--user', 'admin', '--include-archived', '--out', out, '--timezone', 'UTC', '--concurrency', String(concurrency)];
			const run = await measured(server, () => runCcdl(args, {cli, nodeArgs: cliNodeArgs, env: {CCDL_PASSWORD: 'demo'}}));
			if (run.code !== 0 || !(run.valid > 0) || run.failed > 0) {
				throw new Error(`ccdl download of ${calls} contacts exited with ${run.code ?? run.signal} (${run.valid} valid, ${run.failed} failed):\n${run.stderrTail}`);
			}

			const result = {...run, calls, files: run.valid};
			runs.push(result);
			onRun?.(result);
			if (calls === Math.max(...sizes)) {
				const again = await measured(server, () => runCcdl(args, {cli, nodeArgs: cliNodeArgs, env: {CCDL_PASSWORD: 'demo'}}));
				if (again.code !== 0 || again.failed > 0) {
					throw new Error(`ccdl download of ${calls} contacts again into the same folder exited with ${again.code ?? again.signal}:\n${again.stderrTail}`);
				}

				const rerun = {...again, calls, files: result.files, rerun: true};
				runs.push(rerun);
				onRun?.(rerun);
			}
		} finally {
			await rm(dir, {recursive: true, force: true});
			await server.stop();
			settleDisk();
		}
	}

	return runs;
}

/**
 * How planning grows with the job (issue 12): `ccdl list --json` against `demo-server --calls N` for each N, one
 * round each, a fresh server each. Memory should stay flat and time grow linearly.
 */
export async function ccdlScaling({sizes = [10_000, 100_000, 1_000_000], timeoutSeconds = 600, onRun, ...options} = {}) {
	const rows = [];
	for (const calls of sizes) {
		const {best} = await ccdlPlan({...options, calls, rounds: 1, timeoutSeconds, tolerateFailure: true});
		rows.push(best);
		onRun?.(best);
	}

	return rows;
}

export const loadNow = () => loadavg()[0];
