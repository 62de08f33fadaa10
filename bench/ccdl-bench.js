/**
 * Speed and memory of ccdl itself (issue 3, "Speed and memory"): `ccdl download` with validation, archive marking and
 * the manifest on, against curl and aria2c fetching the same media URLs (bytes only) in the same run; and
 * `ccdl list --json` planning 100,000 recordings.
 *
 * Every ccdl run is a separate process (`node dist/cli.js …`) in a clean environment, as users run it; the password
 * goes in CCDL_PASSWORD, never in arguments. Its CPU time and peak RSS come from /usr/bin/time when present (else
 * from /proc, sampled).
 * Each round starts a fresh demo server, since a download marks contacts archived and so changes the next listing;
 * --include-archived keeps the set the same anyway. All downloads (ccdl, curl, aria2c) write files into fresh
 * folders under the system temporary folder, on the same file system, and are deleted afterwards.
 */
import {spawn, spawnSync} from 'node:child_process';
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs';
import {mkdir, readdir, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {setTimeout as delay} from 'node:timers/promises';
import {
	aria2Download, cliPath, curlDownload, hasCommand, listAll, login, measured, nodeBinary, privateDir, processCpuSeconds,
	procStatusKiB, rootDir, startServer,
} from './demo-server-bench.js';

export const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MiB = 1024 * 1024;

/**
 * The environment of a ccdl process: a clean one, as the interactive app gets in the live scenario (PATH, LANG, TZ,
 * HOME and CCDL_CONFIG_DIR in `home`), so no developer setting (CCDL_*, NODE_OPTIONS, …) leaks in, plus `extra`.
 */
export function ccdlEnv(home, extra = {}) {
	return {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CCDL_CONFIG_DIR: home, LANG: 'C.UTF-8', TZ: 'UTC', ...extra};
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
export async function runCcdl(args, {cli = cliPath, nodeArgs = [], env = {}} = {}) {
	const dir = await privateDir('ccdl-bench-run-');
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

	return {...result, code, signal, seconds, cpu, peakBytes: peakKiB * 1024, stderrTail: tail.join('\n')};
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

/** One headless `ccdl download` into a fresh folder, measured, checked against the expected files, then deleted. */
export async function ccdlDownload(server, expected, {cli, cliNodeArgs, concurrency = 8} = {}) {
	const dir = await privateDir('ccdl-bench-ccdl-');
	const out = path.join(dir, 'out');
	await mkdir(out);
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
		await rm(dir, {recursive: true, force: true});
	}
}

/**
 * Rounds of ccdl vs curl vs aria2c on a fresh server each (the order rotates, so none always runs on a cold cache or
 * right after another's write-back). `serverArgs` shape the data set; `channels` pick what is downloaded.
 */
export async function downloadComparison({serverArgs, channels = ['voice', 'video'], rounds = 2, parallel = 8, cli, serverCli, serverNodeArgs, cliNodeArgs, onRound}) {
	const tools = ['ccdl', 'curl', ...hasCommand('aria2c') ? ['aria2c'] : []];
	const runs = Object.fromEntries(tools.map(tool => [tool, []]));
	let expected;
	let serverPeakMiB = 0;
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
				let run;
				if (tool === 'ccdl') {
					run = await ccdlDownload(server, expected, {cli, cliNodeArgs, concurrency: parallel});
				} else if (tool === 'curl') {
					run = await curlDownload(server, token, expected.targets, {parallel, toDisk: true});
				} else {
					run = await aria2Download(server, token, expected.targets, {parallel, toDisk: true});
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
 * Planning 100,000 recordings: `ccdl list --json --include-archived` against a fresh `--calls 100000` server, stdout
 * to /dev/null. The server's CPU is reported too: most of the listing's time is the server building pages.
 */
export async function ccdlPlan({calls = 100_000, rounds = 1, cli, serverCli, serverNodeArgs, cliNodeArgs} = {}) {
	const runs = [];
	for (let round = 0; round < rounds; round++) {
		const server = await startServer(['--calls', String(calls), '--seed', '1'], {nodeArgs: serverNodeArgs, cli: serverCli});
		const dir = await privateDir('ccdl-bench-plan-');
		try {
			const args = ['list', '--json', '--server', server.url, '--user', 'admin', '--include-archived', '--out', dir, '--timezone', 'UTC'];
			const run = await measured(server, () => runCcdl(args, {cli, nodeArgs: cliNodeArgs, env: {CCDL_PASSWORD: 'demo'}}));
			if (run.code !== 0) {
				throw new Error(`ccdl list exited with ${run.code ?? run.signal}:\n${run.stderrTail}`);
			}

			runs.push({...run, serverPeakMiB: server.peakRssMiB(), startupSeconds: server.startupSeconds});
		} finally {
			await rm(dir, {recursive: true, force: true});
			await server.stop();
		}
	}

	return {runs, best: runs.reduce((chosen, run) => run.seconds < chosen.seconds ? run : chosen), peakBytes: Math.max(...runs.map(run => run.peakBytes))};
}
