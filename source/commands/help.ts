/**
 * The commands ccdl knows, loaded lazily, and their help: `ccdl --help`, `ccdl help COMMAND` (the same text as
 * `ccdl COMMAND --help`) and the list completion scripts and "did you mean" draw their command names from.
 */
import {UsageError} from '../lib/errors.js';
import {phrased} from '../lib/i18n/index.js';
import {suggest} from '../lib/text/suggest.js';
import {visible} from '../lib/text/visible.js';

export const mainHelp = `Usage: ccdl [command] [options]

Bulk-downloads contact-center media (call recordings, video calls with their screenshots, chat and e-mail
transcripts) from ccdl's Contact Center Media API, Twilio or Webex Contact Center (--platform), to a folder,
S3-compatible storage or SFTP (--out), encrypted with age if asked (--encrypt-to).

Commands:
  list             show what a download would fetch (the plan); piped, one tab-separated row per file
  download         download, validate and archive recordings; writes a manifest
  verify DEST      re-check a folder, s3:// or sftp:// destination against its manifest
  profile          download profiles: how many files of each channel at once (list, show, create, edit,
                   activate, deactivate, delete, assign, unassign, which, import); see "ccdl profile --help"
  search           saved searches: save, list, show, delete (filters, template, folder, options, a date rule)
  run NAME         run a saved search headless (what schedules call)
  schedule         weekly or monthly runs of a saved search through cron or a systemd user timer
  history          every run: who, when, the filter, counts, bytes, outcome, manifest
  limits           daily and per-run limits on exported contacts (presets standard, performance)
  demo-server      run the built-in demo contact-center server, or a Twilio or Webex test server
  completion SHELL a completion script for bash, zsh or fish
  help [COMMAND]   this help, or a command's (the same as "ccdl COMMAND --help")

Without a command, ccdl starts the interactive app (see below); "ccdl --demo" runs it against the built-in
demo server.

Options (any command):
  -h, --help       show help (also "ccdl help COMMAND")
  -q, --quiet      say only what went wrong: no plan, no progress, no summary of a run that went well
  -v, --verbose    say more: every file started, resumed and retried, also on a terminal
  -V, --version    show the version
  --lang en|hu     language of what is printed for people, errors included (default from LC_ALL /
                   LC_MESSAGES / LANG)

Exit codes: 0 ok, 1 some files failed, 2 usage, 3 authentication, 4 server, 5 file system, 6 limit reached,
130 interrupted.
`;

export interface Command {
	help: string;
	run: (argv: string[]) => Promise<number>;
}

/** Each command is loaded only when used: start-up time and memory stay those of the one command that runs. */
export const commands: Record<string, () => Promise<Command>> = {
	list: async () => import('./list.js').then(module => ({help: module.listHelp, run: module.runList})),
	download: async () => import('./download.js').then(module => ({help: module.downloadHelp, run: module.runDownload})),
	verify: async () => import('./verify.js').then(module => ({help: module.verifyHelp, run: module.runVerify})),
	profile: async () => import('./profile.js').then(module => ({help: module.profileHelp, run: module.runProfile})),
	search: async () => import('./search.js').then(module => ({help: module.searchHelp, run: module.runSearch})),
	run: async () => import('./run-search.js').then(module => ({help: module.runSearchHelp, run: module.runRunSearch})),
	schedule: async () => import('./schedule.js').then(module => ({help: module.scheduleHelp, run: module.runSchedule})),
	history: async () => import('./history.js').then(module => ({help: module.historyHelp, run: module.runHistory})),
	limits: async () => import('./limits.js').then(module => ({help: module.limitsHelp, run: module.runLimits})),
	'demo-server': async () => import('./demo-server.js').then(module => ({help: module.demoServerHelp, run: module.runDemoServer})),
	completion: async () => import('./completion.js').then(module => ({help: module.completionHelp, run: module.runCompletion})),
	help: async () => ({help: mainHelp, run: runHelp}),
};

export const commandNames = Object.keys(commands);

/** The command called `name`, or a usage error that names the nearest one ("did you mean list?"). */
export async function loadCommand(name: string): Promise<Command> {
	const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
	if (!load) {
		const near = suggest(name, commandNames);
		const hint = near === undefined ? '' : {key: 'cli.part.hint.did-you-mean', params: {word: `"${near}"`}};
		throw new UsageError(...phrased('cli.error.unknown-command', {name: visible(name), hint}));
	}

	return load();
}

/** The main help and the interactive app's: what `ccdl --help` and `ccdl help` print. */
export async function fullHelp(): Promise<string> {
	const {interactiveHelp} = await import('./interactive.js');
	return `${mainHelp}\n${interactiveHelp}`;
}

/** `ccdl help [COMMAND]`: the main help, or the command's own (what `ccdl COMMAND --help` prints). */
export async function runHelp(argv: string[]): Promise<number> {
	const [name] = argv.filter(argument => !argument.startsWith('-'));
	const text = name === undefined || name === 'help' ? await fullHelp() : (await loadCommand(name)).help;
	process.stdout.write(text);
	return 0;
}
