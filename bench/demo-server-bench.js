/**
 * Speed of the demo contact-center server (issue 2, "Speed"), measured against peer clients on loopback:
 * curl (and aria2c, when installed) for media downloads, Node's fetch (undici) for listing.
 *
 * Every scenario starts the built server (`dist/cli.js demo-server`) as its own process, as users and CI do, and
 * stops it at the end. The access token goes to curl and aria2c only through a 0600 file, never in arguments.
 */
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, readFileSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

export const rootDir = fileURLToPath(new URL('..', import.meta.url));
export const cliPath = path.join(rootDir, 'dist', 'cli.js');
const clockTicks = 100; // USER_HZ on Linux.
const MiB = 1024 * 1024;

/**
 * The project's Node 24 (`node_modules/.bin/node`, from the `node` dev dependency) when installed, so ccdl and the
 * server run on the Node the project targets whatever Node runs the bench; else the Node running the bench.
 */
export function nodeBinary() {
	const local = path.join(rootDir, 'node_modules', '.bin', 'node');
	return existsSync(local) ? local : process.execPath;
}

export function hasCommand(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'}).status === 0;
}

/** User + system CPU seconds of a process so far (Linux /proc), or NaN. */
export function processCpuSeconds(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / clockTicks;
	} catch {
		return Number.NaN;
	}
}

/** Busy and total CPU seconds of the whole machine so far (all cores), from /proc/stat. */
export function machineCpu() {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
		const values = line.trim().split(/\s+/).slice(1).map(Number);
		const total = values.reduce((sum, value) => sum + value, 0);
		const idle = values[3] + (values[4] ?? 0);
		return {busy: (total - idle) / clockTicks, total: total / clockTicks};
	} catch {
		return {busy: Number.NaN, total: Number.NaN};
	}
}

/** A field of /proc/PID/status in KiB (VmHWM = peak RSS), or NaN. */
export function procStatusKiB(pid, field) {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : Number.NaN;
	} catch {
		return Number.NaN;
	}
}

/**
 * Starts `dist/cli.js demo-server` with `args` and resolves once its first stdout line (the base URL) arrives.
 * `nodeArgs` go to Node itself (e.g. `--cpu-prof`).
 */
export async function startServer(args, {nodeArgs = [], cli = cliPath, cwd = rootDir} = {}) {
	if (!existsSync(cli)) {
		throw new Error(`${cli} is missing; run \`npm run build\` first (npm run bench does).`);
	}

	const startedAt = performance.now();
	const child = spawn(nodeBinary(), [...nodeArgs, cli, 'demo-server', '--port', '0', ...args], {
		cwd,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', text => {
		stderr += text;
	});
	const lines = createInterface({input: child.stdout});
	const url = await new Promise((resolve, reject) => {
		const onExit = code => {
			reject(new Error(`demo server exited with ${code} before printing its URL: ${stderr.trim()}`));
		};

		child.once('exit', onExit);
		child.once('error', reject);
		lines.once('line', line => {
			child.off('exit', onExit);
			resolve(line.trim());
		});
	});
	lines.on('line', () => {}); // Keep draining stdout.
	if (!/^http:\/\/\S+$/.test(url)) {
		child.kill('SIGTERM');
		throw new Error(`demo server printed "${url}" instead of its URL`);
	}

	return {
		url,
		pid: child.pid,
		startupSeconds: (performance.now() - startedAt) / 1000,
		cpuSeconds: () => processCpuSeconds(child.pid),
		peakRssMiB: () => procStatusKiB(child.pid, 'VmHWM') / 1024,
		stderr: () => stderr,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) {
				return;
			}

			const exited = once(child, 'exit');
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

export async function login(url, username = 'admin', password = 'demo') {
	const response = await fetch(`${url}/v1/auth/token`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({company: 'demo', username, password}),
	});
	if (!response.ok) {
		throw new Error(`login failed: ${response.status} ${await response.text()}`);
	}

	const body = await response.json();
	return body.accessToken;
}

/**
 * Lists every recording with cursor pagination (limit 1000, archived included). `channels` limits the listing,
 * e.g. ['voice', 'video']. `onPage` sees each page's items; the items are kept only when `keep` is true.
 */
export async function listAll(url, token, {channels = [], limit = 1000, keep = true, onPage} = {}) {
	const base = new URLSearchParams({limit: String(limit), includeArchived: 'true'});
	for (const channel of channels) {
		base.append('channel', channel);
	}

	const items = [];
	let cursor = null;
	let pages = 0;
	let count = 0;
	let bytes = 0;
	let total = Number.NaN;
	do {
		const parameters = new URLSearchParams(base);
		if (cursor) {
			parameters.set('cursor', cursor);
		}

		const response = await fetch(`${url}/v1/recordings?${parameters}`, {headers: {authorization: `Bearer ${token}`}});
		const text = await response.text();
		if (!response.ok) {
			throw new Error(`listing failed: ${response.status} ${text.slice(0, 300)}`);
		}

		bytes += Buffer.byteLength(text);
		const page = JSON.parse(text);
		pages++;
		count += page.items.length;
		total = page.total;
		onPage?.(page.items);
		if (keep) {
			items.push(...page.items);
		}

		cursor = page.nextCursor;
	} while (cursor);

	return {items, pages, count, total, bytes};
}

/** First `count` media URLs (absolute) of voice and video recordings, cycling if the tenant has fewer. */
export async function mediaUrls(url, token, count) {
	const {items} = await listAll(url, token, {channels: ['voice', 'video']});
	const media = items.filter(item => item.media).map(item => ({url: new URL(item.media.href, url).href, size: item.media.size}));
	if (media.length === 0) {
		throw new Error('the demo server listed no recordings with media');
	}

	return Array.from({length: count}, (_, index) => media[index % media.length]);
}

export async function privateDir(prefix) {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	await chmod(dir, 0o700);
	return dir;
}

function quoteConfig(value) {
	return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Runs a peer client and resolves with its output and its CPU seconds (user + system of it and its children, from
 * bash's `times` builtin, printed on the last stderr lines after the client exits).
 */
function runProcess(command, args, {cwd} = {}) {
	const script = '"$@"; status=$?; { printf \'\\n@cpu \'; times; } >&2; exit $status';
	return new Promise((resolve, reject) => {
		const child = spawn('bash', ['-c', script, 'bash', command, ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', text => {
			stdout += text;
		});
		child.stderr.setEncoding('utf8').on('data', text => {
			stderr += text;
		});
		child.once('error', reject);
		child.once('close', (code, signal) => {
			let cpu = Number.NaN;
			const match = /\n@cpu \S+ \S+\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
			if (match) {
				cpu = (Number(match[1]) * 60) + Number(match[2]) + (Number(match[3]) * 60) + Number(match[4]);
				stderr = stderr.slice(0, match.index);
			}

			resolve({code, signal, stdout, stderr, cpu});
		});
	});
}

/** Runs a transfer and measures wall time and CPU (server process and whole machine) around it. */
export async function measured(server, transfer) {
	const load = loadavg()[0];
	const machineBefore = machineCpu();
	const serverBefore = server.cpuSeconds();
	const startedAt = performance.now();
	const result = await transfer();
	const seconds = (performance.now() - startedAt) / 1000;
	const machineAfter = machineCpu();
	const serverCpu = server.cpuSeconds() - serverBefore;
	const machineBusy = machineAfter.busy - machineBefore.busy;
	const clientCpu = result.cpu;
	const otherCpu = Math.max(0, machineBusy - serverCpu - (Number.isFinite(clientCpu) ? clientCpu : 0));
	return {...result, seconds, serverCpu, clientCpu, machineBusy, otherCpu, load};
}

/**
 * Count and bytes of the regular files under `dir` (recursive), for checking what a peer wrote. Names starting with
 * one of `skip` are left out.
 */
export async function filesUnder(dir, skip = []) {
	let files = 0;
	let bytes = 0;
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		if (entry.isFile() && !skip.some(prefix => entry.name.startsWith(prefix))) {
			files++;
			bytes += (await stat(path.join(entry.parentPath ?? entry.path, entry.name))).size;
		}
	}

	return {files, bytes};
}

/**
 * Where a peer writes: `outDir` when given (created, and kept: the caller deletes a whole set's outputs at once, so
 * one run's deletion never lands in another run's time), else /dev/null (curl), tmpfs (aria2c) or a private folder
 * under the system temporary folder, deleted when the run ends.
 */
async function outputFolder(dir, {outDir, toDisk, tmpfs = false}) {
	if (outDir) {
		await mkdir(outDir, {recursive: true});
		return {folder: outDir, owned: false};
	}

	if (tmpfs && !toDisk && existsSync('/dev/shm')) {
		return {folder: await mkdtemp('/dev/shm/ccdl-bench-'), owned: true};
	}

	if (!toDisk && !tmpfs) {
		return {folder: undefined, owned: false};
	}

	const folder = path.join(dir, 'out');
	await mkdir(folder, {recursive: true});
	return {folder, owned: true};
}

const sizeOf = targets => targets.reduce((sum, target) => sum + target.size, 0);

/**
 * Downloads `targets` ({url, size}) to /dev/null with `curl --parallel --parallel-max N`, or, with `toDisk`, to files
 * in a private folder under the system temporary folder (deleted afterwards), or into `outDir` (kept). The URLs, the
 * outputs and the Authorization header are in a 0600 config file. Checks that every transfer was a 200 of the listed size.
 */
export async function curlDownload(server, token, targets, {parallel = 8, toDisk = false, outDir} = {}) {
	const dir = await privateDir('ccdl-bench-curl-');
	const {folder, owned} = await outputFolder(dir, {outDir, toDisk});
	try {
		const config = path.join(dir, 'curl.conf');
		const lines = [
			`header = ${quoteConfig(`Authorization: Bearer ${token}`)}`,
			'silent',
			'show-error',
			String.raw`write-out = "%{http_code} %{size_download}\n"`,
		];
		for (const [index, target] of targets.entries()) {
			lines.push(`url = ${quoteConfig(target.url)}`, `output = ${quoteConfig(folder ? path.join(folder, String(index)) : '/dev/null')}`);
		}

		await writeFile(config, `${lines.join('\n')}\n`, {mode: 0o600});
		const result = await measured(server, () =>
			runProcess('curl', ['--parallel', '--parallel-immediate', '--parallel-max', String(parallel), '--config', config]));
		if (result.code !== 0) {
			throw new Error(`curl exited with ${result.code ?? result.signal}: ${result.stderr.trim().slice(0, 500)}`);
		}

		const transfers = result.stdout.trim().split('\n').filter(Boolean).map(line => line.split(' ').map(Number));
		const failed = transfers.filter(([status]) => status !== 200).length;
		const bytes = transfers.reduce((sum, [, size]) => sum + size, 0);
		const expected = sizeOf(targets);
		if (transfers.length !== targets.length || failed > 0 || bytes !== expected) {
			throw new Error(`curl: ${transfers.length}/${targets.length} transfers, ${failed} not 200, ${bytes}/${expected} bytes`);
		}

		return {count: transfers.length, bytes, seconds: result.seconds, serverCpu: result.serverCpu, clientCpu: result.clientCpu, otherCpu: result.otherCpu, load: result.load};
	} finally {
		if (owned) {
			await rm(folder, {recursive: true, force: true});
		}

		await rm(dir, {recursive: true, force: true});
	}
}

/**
 * Downloads `targets` with `aria2c -j N` into a tmpfs folder (/dev/shm when present), or with `toDisk` into a
 * private folder under the system temporary folder, or into `outDir` (kept); checks the sizes. The header is in the
 * input file (per-URI option), not in the arguments.
 */
export async function aria2Download(server, token, targets, {parallel = 8, toDisk = false, outDir} = {}) {
	const dir = await privateDir('ccdl-bench-aria2-');
	const {folder, owned} = await outputFolder(dir, {outDir, toDisk, tmpfs: true});
	try {
		const input = path.join(dir, 'input.txt');
		const lines = [];
		for (const [index, target] of targets.entries()) {
			lines.push(target.url, `  header=Authorization: Bearer ${token}`, `  out=${index}.mp3`);
		}

		await writeFile(input, `${lines.join('\n')}\n`, {mode: 0o600});
		const result = await measured(server, () => runProcess('aria2c', [
			'--input-file', input, '--dir', folder, '--max-concurrent-downloads', String(parallel),
			'--max-connection-per-server', '1', '--split', '1', '--file-allocation', 'none', '--allow-overwrite', 'true',
			'--auto-file-renaming', 'false', '--continue', 'false', '--remote-time', 'false', '--console-log-level', 'error',
			'--summary-interval', '0', '--download-result', 'hide', '--quiet', 'true', '--no-conf', 'true',
		]));
		if (result.code !== 0) {
			throw new Error(`aria2c exited with ${result.code ?? result.signal}: ${(result.stderr + result.stdout).trim().slice(0, 500)}`);
		}

		const found = await filesUnder(folder);
		const expected = sizeOf(targets);
		if (found.files !== targets.length || found.bytes !== expected) {
			throw new Error(`aria2c: ${found.files}/${targets.length} files, ${found.bytes}/${expected} bytes`);
		}

		return {count: found.files, bytes: found.bytes, seconds: result.seconds, serverCpu: result.serverCpu, clientCpu: result.clientCpu, otherCpu: result.otherCpu, load: result.load};
	} finally {
		if (owned) {
			await rm(folder, {recursive: true, force: true});
		}

		await rm(dir, {recursive: true, force: true});
	}
}

/**
 * Downloads `targets` with `wget2 --max-threads N` into `outDir` (kept) or a private folder (deleted), one file per
 * URL under its URL path (the media URLs all end in /media, so the paths keep them apart). The header is in a 0600
 * config file; no server timestamps are set (curl sets none either). Checks the count and the bytes.
 */
export async function wget2Download(server, token, targets, {parallel = 8, outDir} = {}) {
	const dir = await privateDir('ccdl-bench-wget2-');
	const {folder, owned} = await outputFolder(dir, {outDir, toDisk: true});
	try {
		const config = path.join(dir, 'wget2rc');
		const input = path.join(dir, 'urls.txt');
		await writeFile(config, `header = Authorization: Bearer ${token}\n`, {mode: 0o600});
		await writeFile(input, `${targets.map(target => target.url).join('\n')}\n`, {mode: 0o600});
		const result = await measured(server, () => runProcess('wget2', [
			`--config=${config}`, '--quiet', '--progress=none', `--max-threads=${parallel}`, '--input-file', input,
			'--directory-prefix', folder, '--force-directories', '--no-host-directories', '--no-use-server-timestamps',
			'--no-robots', '--compression=identity', '--tries=1',
		]));
		if (result.code !== 0) {
			throw new Error(`wget2 exited with ${result.code ?? result.signal}: ${(result.stderr + result.stdout).trim().slice(0, 500)}`);
		}

		const found = await filesUnder(folder);
		const expected = sizeOf(targets);
		if (found.files !== targets.length || found.bytes !== expected) {
			throw new Error(`wget2: ${found.files}/${targets.length} files, ${found.bytes}/${expected} bytes`);
		}

		return {count: found.files, bytes: found.bytes, seconds: result.seconds, serverCpu: result.serverCpu, clientCpu: result.clientCpu, otherCpu: result.otherCpu, load: result.load};
	} finally {
		if (owned) {
			await rm(folder, {recursive: true, force: true});
		}

		await rm(dir, {recursive: true, force: true});
	}
}

function best(runs, key) {
	return runs.reduce((chosen, run) => run[key] > chosen[key] ? run : chosen);
}

/**
 * ≈2,000 recordings of 256 KiB: `--calls 2800 --media-size 262144`; the first `count` media URLs through curl.
 * Runs `rounds` times (the first warms the server up) and reports the best round.
 */
export async function smallFiles({count = 2000, rounds = 3, parallel = 8, nodeArgs, cli} = {}) {
	const server = await startServer(['--calls', '2800', '--media-size', '262144', '--seed', '1'], {nodeArgs, cli});
	try {
		const token = await login(server.url);
		const targets = await mediaUrls(server.url, token, count);
		const runs = [];
		for (let round = 0; round < rounds; round++) {
			const run = await curlDownload(server, token, targets, {parallel});
			runs.push({...run, perSecond: run.count / run.seconds, bytesPerSecond: run.bytes / run.seconds});
		}

		return {runs, best: best(runs, 'perSecond'), peakRssMiB: server.peakRssMiB(), startupSeconds: server.startupSeconds};
	} finally {
		await server.stop();
	}
}

/** 64 MiB recordings: `--calls 12 --media-size 67108864`; `count` media URLs through curl (and aria2c if present). */
export async function largeFiles({count = 8, rounds = 3, parallel = 8, aria2 = hasCommand('aria2c'), nodeArgs, cli} = {}) {
	const server = await startServer(['--calls', '12', '--media-size', String(64 * MiB), '--seed', '1'], {nodeArgs, cli});
	try {
		const token = await login(server.url);
		const targets = await mediaUrls(server.url, token, count);
		const distinct = new Set(targets.map(target => target.url)).size;
		const runs = [];
		for (let round = 0; round < rounds; round++) {
			const run = await curlDownload(server, token, targets, {parallel});
			runs.push({...run, bytesPerSecond: run.bytes / run.seconds});
		}

		const aria2Runs = [];
		if (aria2) {
			for (let round = 0; round < Math.min(rounds, 2); round++) {
				const run = await aria2Download(server, token, targets, {parallel});
				aria2Runs.push({...run, bytesPerSecond: run.bytes / run.seconds});
			}
		}

		return {
			runs,
			best: best(runs, 'bytesPerSecond'),
			aria2: aria2Runs.length > 0 ? best(aria2Runs, 'bytesPerSecond') : undefined,
			distinct,
			peakRssMiB: server.peakRssMiB(),
		};
	} finally {
		await server.stop();
	}
}

/** 100,000 contacts: `--calls 100000`; every one listed through the API (limit 1000, archived included) with fetch. */
export async function listing({calls = 100_000, rounds = 2, nodeArgs, cli} = {}) {
	const server = await startServer(['--calls', String(calls), '--seed', '1'], {nodeArgs, cli});
	try {
		const token = await login(server.url);
		const runs = [];
		for (let round = 0; round < rounds; round++) {
			const clientBefore = process.cpuUsage();
			const run = await measured(server, async () => {
				const listed = await listAll(server.url, token, {keep: false});
				const client = process.cpuUsage(clientBefore);
				return {...listed, cpu: (client.user + client.system) / 1e6};
			});
			if (run.count !== calls || run.total !== calls) {
				throw new Error(`listing returned ${run.count} recordings (total ${run.total}), expected ${calls}`);
			}

			runs.push({
				count: run.count, pages: run.pages, bytes: run.bytes, seconds: run.seconds, serverCpu: run.serverCpu,
				clientCpu: run.clientCpu, otherCpu: run.otherCpu, load: run.load,
			});
		}

		// The first round builds every record on the server (its cache holds 20,000); report it, the fair figure.
		return {runs, first: runs[0], best: runs.reduce((chosen, run) => run.seconds < chosen.seconds ? run : chosen), peakRssMiB: server.peakRssMiB(), startupSeconds: server.startupSeconds};
	} finally {
		await server.stop();
	}
}
