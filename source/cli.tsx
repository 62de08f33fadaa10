#!/usr/bin/env node
/**
 * Entry point: picks a command, runs it, and turns what it returns or throws into an exit code. Users see one
 * sentence for a problem they can fix; a stack trace only for a bug, and only with CCDL_DEBUG=1.
 */
import {readFileSync} from 'node:fs';
import {CcdlError, exitCodes} from './lib/errors.js';

const mainHelp = `Usage: ccdl [command] [options]

Bulk-downloads contact-center media (call recordings, video calls with their screenshots, chat and e-mail
transcripts) over the Contact Center Media API.

Commands:
  list             show what a download would fetch (the plan)
  download         download, validate and archive recordings; writes a manifest
  verify DIR       re-check a download folder against its manifest
  profile          download profiles: how many files of each channel at once (list, show, create, edit,
                   activate, deactivate, delete, assign, unassign, which); see "ccdl profile --help"
  search           saved searches: save, list, show, delete (filters, template, folder, options, a date rule)
  run NAME         run a saved search headless (what schedules call)
  schedule         weekly or monthly runs of a saved search through cron or a systemd user timer
  history          every run: who, when, the filter, counts, bytes, outcome, manifest
  limits           daily and per-run limits on exported contacts (presets standard, performance)
  demo-server      run the built-in demo contact-center server

Without a command, ccdl starts the interactive app (see below); "ccdl --demo" runs it against the built-in
demo server.

Options:
  -h, --help       show help (also "ccdl COMMAND --help")
  -v, --version    show the version

Exit codes: 0 ok, 1 some files failed, 2 usage, 3 authentication, 4 server, 5 file system, 6 limit reached,
130 interrupted.
`;

interface Command {
	help: string;
	run: (argv: string[]) => Promise<number>;
}

/** Each command is loaded only when used: start-up time and memory stay those of the one command that runs. */
const commands: Record<string, () => Promise<Command>> = {
	list: async () => import('./commands/list.js').then(module => ({help: module.listHelp, run: module.runList})),
	download: async () => import('./commands/download.js').then(module => ({help: module.downloadHelp, run: module.runDownload})),
	verify: async () => import('./commands/verify.js').then(module => ({help: module.verifyHelp, run: module.runVerify})),
	profile: async () => import('./commands/profile.js').then(module => ({help: module.profileHelp, run: module.runProfile})),
	search: async () => import('./commands/search.js').then(module => ({help: module.searchHelp, run: module.runSearch})),
	run: async () => import('./commands/run-search.js').then(module => ({help: module.runSearchHelp, run: module.runRunSearch})),
	schedule: async () => import('./commands/schedule.js').then(module => ({help: module.scheduleHelp, run: module.runSchedule})),
	history: async () => import('./commands/history.js').then(module => ({help: module.historyHelp, run: module.runHistory})),
	limits: async () => import('./commands/limits.js').then(module => ({help: module.limitsHelp, run: module.runLimits})),
	'demo-server': async () => import('./commands/demo-server.js').then(module => ({help: module.demoServerHelp, run: module.runDemoServer})),
};

function version(): string {
	const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return packageJson.version;
}

async function main(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	if (first === '-v' || first === '--version') {
		process.stdout.write(`${version()}\n`);
		return 0;
	}

	if (first === '-h' || first === '--help' || first === 'help') {
		const {interactiveHelp} = await import('./commands/interactive.js');
		process.stdout.write(`${mainHelp}\n${interactiveHelp}`);
		return 0;
	}

	if (first === undefined || first.startsWith('-')) {
		// Loaded only here: the app pulls in conf, whose exit hook re-raises signals, and would make one Ctrl-C
		// of a headless download look like two.
		const {runInteractive} = await import('./commands/interactive.js');
		return runInteractive(argv);
	}

	const load = Object.hasOwn(commands, first) ? commands[first] : undefined;
	if (!load) {
		process.stderr.write(`ccdl: unknown command "${first}"; run "ccdl --help" to see the commands.\n`);
		return exitCodes.usage;
	}

	const command = await load();
	if (rest.includes('-h') || rest.includes('--help')) {
		process.stdout.write(command.help);
		return 0;
	}

	return command.run(rest);
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	if (error instanceof CcdlError) {
		process.stderr.write(`ccdl: ${error.message}\n`);
		process.exitCode = error.exitCode;
	} else {
		process.stderr.write(`ccdl: internal error: ${(error as Error)?.message ?? String(error)}. Please report it; CCDL_DEBUG=1 shows details.\n`);
		if (process.env['CCDL_DEBUG']) {
			console.error(error);
		}

		process.exitCode = 70;
	}
}
