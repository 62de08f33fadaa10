#!/usr/bin/env node
/**
 * Entry point: takes the global flags (-q, -v), picks a command, runs it, and turns what it returns or throws into
 * an exit code. Users see one sentence for a problem they can fix, in their language (--lang, else the locale); a
 * stack trace only for a bug, and only with CCDL_DEBUG=1.
 */
import {readFileSync} from 'node:fs';
import {CcdlError} from './lib/errors.js';
import {errorText} from './lib/i18n/error-text.js';
import {createTranslator, langOf} from './lib/i18n/index.js';
import {setVerbosity, takeVerbosityFlags} from './lib/output/verbosity.js';
import {capYoungGeneration, holdYoungGeneration} from './lib/runtime/memory.js';

// Runs that download (and the app) hold V8's young generation small, other commands cap it (runtime/memory.ts). The
// command is the first word after the global -q/-v flags; without one (or with a flag first) it is the app.
const command = process.argv.slice(2).find(arg => !/^(?:-[qv]+|--quiet|--verbose)$/.test(arg));
if (command === undefined || command.startsWith('-') || command === 'download' || command === 'run') {
	holdYoungGeneration();
} else {
	capYoungGeneration();
}

// React's production build for the app's screens (its development build checks every render: about a quarter more
// CPU on a live download table), unless the environment says otherwise. Set before anything loads React.
process.env['NODE_ENV'] ??= 'production';

// A reader of stdout that goes away (`ccdl download --json | head -1`) must not crash a run halfway: the run goes on
// and finishes its files, manifest and journal; only what it would still print is dropped. (A command that waits for
// its output to be read, as `list` does, ends quietly below.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') {
		throw error;
	}
});

function version(): string {
	const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return packageJson.version;
}

async function main(argv: string[]): Promise<number> {
	// "ccdl -v" alone printed the version before -v meant --verbose; it still does.
	if (argv.length === 1 && argv[0] === '-v') {
		process.stdout.write(`${version()}\n`);
		return 0;
	}

	const global = takeVerbosityFlags(argv);
	if (global.verbosity) {
		setVerbosity(global.verbosity);
	}

	const [first, ...rest] = global.argv;
	if (first === '-V' || first === '--version') {
		process.stdout.write(`${version()}\n`);
		return 0;
	}

	const {fullHelp, loadCommand} = await import('./commands/help.js');
	if (first === '-h' || first === '--help') {
		process.stdout.write(await fullHelp());
		return 0;
	}

	if (first === undefined || first.startsWith('-')) {
		// Loaded only here: the app pulls in conf, whose exit hook re-raises signals, and would make one Ctrl-C
		// of a headless download look like two.
		const {runInteractive} = await import('./commands/interactive.js');
		return runInteractive(global.argv);
	}

	const command = await loadCommand(first);
	if (rest.includes('-h') || rest.includes('--help')) {
		process.stdout.write(command.help);
		return 0;
	}

	return command.run(rest);
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	// The reader of our output went away (`ccdl list | head`): what it read is what it wanted, as with any Unix tool.
	if ((error as {code?: unknown}).code === 'EPIPE') {
		process.exit(0);
	}

	const translator = createTranslator(langOf(process.argv.slice(2)), 'UTC');
	process.stderr.write(`ccdl: ${errorText(error, translator)}\n`);
	if (error instanceof CcdlError) {
		process.exitCode = error.exitCode;
	} else {
		if (process.env['CCDL_DEBUG']) {
			console.error(error);
		}

		process.exitCode = 70;
	}
}
