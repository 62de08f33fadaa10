/**
 * `ccdl demo-server`: the demo contact-center server, or with `--platform` a test server of another platform that
 * answers in that vendor's own shapes, as a foreground process.
 */
import {FaultSpecError} from '../lib/demo-server/faults.js';
import {maxCalls, startDemoServer} from '../lib/demo-server/server.js';
import {users} from '../lib/demo-server/people.js';
import {UsageError} from '../lib/errors.js';
import {phrased} from '../lib/i18n/index.js';
import {testServers, type RunningTestServer, type TestServerPlatform} from '../lib/test-servers/registry.js';
import {parseOptions, type OptionSpecs, type OptionValues} from './options.js';

/** `ccm` is ccdl's own API (the demo server); the others are vendor test servers from the registry. */
const platforms = ['ccm', ...Object.keys(testServers)] as const;
/** Vendor test servers hold their data in memory as their vendor's JSON would need it. */
const maxVendorCalls = 200_000;
/** Flags only the demo server (`--platform ccm`) has. */
const demoOnly = ['media-size', 'hostile', 'company'] as const;

export const demoServerHelp = `Usage: ccdl demo-server [options]

Starts the demo contact-center server ("Contact Center Media API v1"), or with --platform a test server that
answers in another platform's own API shapes. The first line on stdout is its base URL alone; the demo users
follow (with --platform: the second line is "user=… password=…" to log in with, then notes for a person). Stops
cleanly on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --platform NAME     ccm (ccdl's own API, the default), twilio (REST API 2010-04-01 and Voice Intelligence v2,
                      media behind a signed redirect to a second origin) or webex-cc (Webex Contact Center)
  --host HOST         interface to listen on (default 127.0.0.1)
  --port N            port; 0 picks a free one (default 0)
  --seed N            same seed, same data (default 1)
  --calls N           number of contacts, 0 to ${maxCalls.toLocaleString('en')} (default 2,000; with --platform at most
                      ${maxVendorCalls.toLocaleString('en')}, default the platform's own: twilio 500)
  --days N            contacts spread over the N days before --until (default 30)
  --until DATE        end of the data, YYYY-MM-DD (default: tomorrow, UTC)
  --media-size BYTES  give every audio recording about this size (default: from the call length); ccm only
  --token-ttl SECONDS access-token lifetime (default 900)
  --url-ttl SECONDS   with --platform: how long a signed or presigned media URL stays valid (twilio default 600)
  --faults SPEC       inject faults, e.g. reset=0.05,truncate=0.05,500=0.05,503=0.02,429=0.02,slow=0.01
                      also: broken=0.01 (always fails), max=3 (faults per resource), retryAfter=1,
                      slowMs=1500, scope=media|all
  --latency MS        delay every response (default 0)
  --hostile           add campaigns with hostile names (path traversal, escapes, reserved, overlong); ccm only
  --company NAME      the tenant's company name (default demo); ccm only
  -h, --help          show this help
`;

const specs = {
	platform: {type: 'string'},
	'url-ttl': {type: 'integer', min: 1, max: 7 * 86_400},
	host: {type: 'string'},
	port: {type: 'integer', min: 0, max: 65_535},
	seed: {type: 'integer', min: 0, max: 4_294_967_295},
	calls: {type: 'integer', min: 0, max: maxCalls},
	days: {type: 'integer', min: 1, max: 3650},
	until: {type: 'date'},
	'media-size': {type: 'integer', min: 256, max: 4 * 1024 ** 3},
	'token-ttl': {type: 'integer', min: 1, max: 86_400 * 30},
	faults: {type: 'string'},
	latency: {type: 'integer', min: 0, max: 60_000},
	hostile: {type: 'boolean'},
	company: {type: 'string'},
} satisfies OptionSpecs;

function listenError(error: unknown, values: {host?: string | undefined; port?: number | undefined}): Error {
	if (error instanceof FaultSpecError) {
		return new UsageError(`--faults: ${error.message}`);
	}

	if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
		return new UsageError(`Port ${values.port} is already in use; pick another with --port, or --port 0 for a free one.`);
	}

	if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') {
		return new UsageError(`Cannot listen on ${values.host}; use an address of this machine, e.g. 127.0.0.1.`);
	}

	return error as Error;
}

async function untilSignal(close: () => Promise<void>, name: string): Promise<number> {
	const signal = await new Promise<NodeJS.Signals>(resolve => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await close();
	process.stderr.write(`${name} stopped (${signal})\n`);
	return 0;
}

export async function runDemoServer(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'demo-server');
	const platform = values.platform ?? 'ccm';
	if (!(platforms as readonly string[]).includes(platform)) {
		// The catalogue has no clause for "one of": this list has always been said in English inside the sentence.
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--platform', allowed: `one of ${platforms.join(', ')}`, value: platform}));
	}

	if (platform !== 'ccm') {
		return runTestServer(platform as TestServerPlatform, values);
	}

	if (values['url-ttl'] !== undefined) {
		throw new UsageError('--url-ttl applies only with --platform twilio or webex-cc; the demo server signs no media URLs.');
	}

	let server;
	try {
		server = await startDemoServer({
			host: values.host,
			port: values.port,
			seed: values.seed,
			calls: values.calls,
			days: values.days,
			until: values.until,
			mediaSize: values['media-size'],
			tokenTtl: values['token-ttl'],
			faults: values.faults,
			latencyMs: values.latency,
			hostile: values.hostile,
			company: values.company,
		});
	} catch (error) {
		throw listenError(error, values);
	}

	process.stdout.write(`${server.url}\n`);
	const accounts = users.map(user => `${user.username}/${user.password} (${user.role})`).join(', ');
	process.stdout.write(`company: ${server.company}  users: ${accounts}\n`);
	process.stdout.write(`contacts: ${server.dataset.size}  API: ${server.url}/v1  stats: ${server.url}/_demo/stats\n`);
	return untilSignal(async () => server.close(), 'demo server');
}

async function runTestServer(platform: TestServerPlatform, values: OptionValues<typeof specs>): Promise<number> {
	for (const flag of demoOnly) {
		if (values[flag] !== undefined && values[flag] !== false) {
			throw new UsageError(`--${flag} applies only to the demo server (--platform ccm), not to ${platform}.`);
		}
	}

	if (values.calls !== undefined && values.calls > maxVendorCalls) {
		throw new UsageError(`--calls with --platform ${platform} is at most ${maxVendorCalls.toLocaleString('en')}, not ${values.calls}.`);
	}

	let server: RunningTestServer;
	try {
		const {start} = await testServers[platform]();
		server = await start({
			host: values.host,
			port: values.port,
			seed: values.seed,
			calls: values.calls,
			days: values.days,
			until: values.until?.toISOString().slice(0, 10),
			faults: values.faults,
			latencyMs: values.latency,
			urlTtl: values['url-ttl'],
			tokenTtl: values['token-ttl'],
		});
	} catch (error) {
		throw listenError(error, values);
	}

	// Line 1 the URL alone, line 2 the credentials: scripts read these two; the rest is for a person.
	const lines = [server.url, `user=${server.credentials.user} password=${server.credentials.password}`, ...server.describe()];
	process.stdout.write(`${lines.join('\n')}\n`);

	return untilSignal(async () => server.close(), `${platform} test server`);
}
