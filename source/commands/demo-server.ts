/** `ccdl demo-server`: the demo contact-center server as a foreground process. */
import {FaultSpecError} from '../lib/demo-server/faults.js';
import {maxCalls, startDemoServer} from '../lib/demo-server/server.js';
import {users} from '../lib/demo-server/people.js';
import {UsageError} from '../lib/errors.js';
import {parseOptions, type OptionSpecs} from './options.js';

export const demoServerHelp = `Usage: ccdl demo-server [options]

Starts the demo contact-center server ("Contact Center Media API v1"). The first line on stdout is its base URL
alone; the demo users follow. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --host HOST         interface to listen on (default 127.0.0.1)
  --port N            port; 0 picks a free one (default 0)
  --seed N            same seed, same data (default 1)
  --calls N           number of contacts, 0 to ${maxCalls.toLocaleString('en')} (default 2,000)
  --days N            contacts spread over the N days before --until (default 30)
  --until DATE        end of the data, YYYY-MM-DD (default: tomorrow, UTC)
  --media-size BYTES  give every audio recording about this size (default: from the call length)
  --token-ttl SECONDS access-token lifetime (default 900)
  --faults SPEC       inject faults, e.g. reset=0.05,truncate=0.05,500=0.05,503=0.02,429=0.02,slow=0.01
                      also: broken=0.01 (always fails), max=3 (faults per resource), retryAfter=1,
                      slowMs=1500, scope=media|all
  --latency MS        delay every response (default 0)
  --hostile           add campaigns with hostile names (path traversal, escapes, reserved, overlong)
  --company NAME      the tenant's company name (default demo)
  -h, --help          show this help
`;

const specs = {
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

export async function runDemoServer(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'demo-server');
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
		if (error instanceof FaultSpecError) {
			throw new UsageError(`--faults: ${error.message}`);
		}

		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			throw new UsageError(`Port ${values.port} is already in use; pick another with --port, or --port 0 for a free one.`);
		}

		if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') {
			throw new UsageError(`Cannot listen on ${values.host}; use an address of this machine, e.g. 127.0.0.1.`);
		}

		throw error;
	}

	process.stdout.write(`${server.url}\n`);
	const accounts = users.map(user => `${user.username}/${user.password} (${user.role})`).join(', ');
	process.stdout.write(`company: ${server.company}  users: ${accounts}\n`);
	process.stdout.write(`contacts: ${server.dataset.size}  API: ${server.url}/v1  stats: ${server.url}/_demo/stats\n`);
	const signal = await new Promise<NodeJS.Signals>(resolve => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await server.close();
	process.stderr.write(`demo server stopped (${signal})\n`);
	return 0;
}
