/**
 * `ccdl` with no command: the interactive app. Refuses to start without a terminal (cron, pipes) and points to
 * `ccdl download` instead. With --demo it first starts the demo server in this process.
 */
import {render} from 'ink';
import {App} from '../app.js';
import type {FilterValues, LoginInput, NamingValues} from '../flow.js';
import {I18nContext} from '../hooks/use-i18n.js';
import {ThemeContext, themeFor} from '../hooks/use-theme.js';
import {checkTimeZone, systemTimeZone} from '../lib/dates.js';
import {startDemoServer} from '../lib/demo-server/server.js';
import {exitCodes} from '../lib/errors.js';
import {createTranslator, detectLang} from '../lib/i18n/index.js';
import {defaultDateFormat, defaultTemplate} from '../lib/naming/index.js';
import {openSettings} from '../lib/settings/settings.js';
import {parseOptions} from './options.js';
import {defaultOutDir} from './selection.js';

export const interactiveHelp = `Usage: ccdl [--demo] [options]

Starts the interactive app: log in, pick campaigns and dates, choose how files are named, see the list, and
watch the download. Keys: Tab/Shift-Tab, arrows, Enter, Esc (back), ? (all keys), Ctrl-C (quit).

Options:
  --demo              start the built-in demo server and log in to it (password: demo)
  --server URL        API base URL (otherwise from the company name)
  --company NAME      company name (remembered)
  -u, --user NAME     user name (remembered)
  -o, --out DIR       download folder (default ~/Downloads)
  --lang en|hu        language (default from LANG / LC_ALL)
  --timezone ZONE     time zone for dates (default the system's)
  --concurrency N     files at once (default 8)
`;

const specs = {
	demo: {type: 'boolean'},
	server: {type: 'string'},
	company: {type: 'string'},
	user: {type: 'string', short: 'u'},
	out: {type: 'string', short: 'o'},
	lang: {type: 'string'},
	timezone: {type: 'string'},
	concurrency: {type: 'integer', min: 1, max: 64},
} as const;

export async function runInteractive(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, '');
	const lang = detectLang(values.lang);
	const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
	const translator = createTranslator(lang, timeZone);
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		process.stderr.write(`ccdl: ${translator.t('no-tty')}\n`);
		return exitCodes.usage;
	}

	const demo = values.demo ? await startDemoServer({port: 0}) : undefined;
	const settings = openSettings();
	const remembered = settings.get();
	const login: LoginInput = {
		company: values.company ?? (demo ? 'demo' : remembered.company ?? ''),
		username: values.user ?? (demo ? 'admin' : remembered.username ?? ''),
		server: values.server ?? demo?.url ?? (values.company ? '' : remembered.server ?? ''),
	};
	const filters: FilterValues = {
		from: '', to: '', channels: [], includeArchived: false, overwrite: false, transcripts: 'json',
		outDir: values.out ?? remembered.outDir ?? defaultOutDir(),
	};
	const naming: NamingValues = {template: remembered.template ?? defaultTemplate, dateFormat: remembered.dateFormat ?? defaultDateFormat};
	let exitCode = 0;
	const instance = render(
		<I18nContext.Provider value={translator}>
			<ThemeContext.Provider value={themeFor()}>
				<App initial={{login, filters, naming}} timeZone={timeZone} settings={demo ? {get: () => ({}), set() {}} : settings}
					hint={demo ? translator.t('demo.hint') : undefined} concurrency={values.concurrency ?? 8}
					onExit={code => {
						exitCode = code;
					}}/>
			</ThemeContext.Provider>
		</I18nContext.Provider>,
		{exitOnCtrlC: false, maxFps: 10, alternateScreen: true},
	);
	try {
		await instance.waitUntilExit();
	} finally {
		await demo?.close();
	}

	return exitCode;
}
