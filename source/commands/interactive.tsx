/**
 * `ccdl` with no command: the interactive app. Refuses to start without a terminal (cron, pipes) and points to
 * `ccdl download` instead. With --demo it first starts the demo server in this process. The app is drawn as the
 * terminal allows (see use-theme): on the alternate screen, redrawn in place; on TERM=dumb as whole frames printed
 * one after another, with no screen switch, cursor movement or colour; without a UTF-8 locale in ASCII.
 */
import {render} from 'ink';
import {App} from '../app.js';
import type {FilterValues, LoginInput, NamingValues} from '../flow.js';
import {I18nContext} from '../hooks/use-i18n.js';
import {type Terminal, ThemeContext, themeFor, toAscii} from '../hooks/use-theme.js';
import {wrapWords} from '../lib/text/visible.js';
import {checkTimeZone, systemTimeZone} from '../lib/dates.js';
import {startDemoServer} from '../lib/demo-server/server.js';
import {exitCodes, UsageError} from '../lib/errors.js';
import {createTranslator, detectLang, phrased} from '../lib/i18n/index.js';
import {defaultDateFormat, defaultTemplate} from '../lib/naming/index.js';
import {exportModes, type ExportMode} from '../lib/searches/model.js';
import {openSettings} from '../lib/settings/settings.js';
import {serverKey} from '../lib/journal/journal.js';
import {platformInfo, platformKeys} from '../lib/sources/registry.js';
import {parseOptions} from './options.js';
import {defaultOutDir} from './selection.js';

export const interactiveHelp = `Usage: ccdl [--demo] [options]

Starts the interactive app: log in, pick campaigns and dates, choose how files are named, see the list, and
watch the download. Keys: Tab/Shift-Tab, arrows, Enter, Esc (back), ? (all keys), Ctrl-C (quit).

Options:
  --demo              start the built-in demo server and log in to it (password: demo)
  --platform P        ${platformKeys().join(', ')} (default: the last one used, else ccm); also on the login screen
  --server URL        API base URL (otherwise from the company name, or the platform's public API)
  --company NAME      company name (remembered)
  -u, --user NAME     user name (remembered)
  -o, --out DIR       download folder (default ~/Downloads)
  --lang en|hu        language (default from LANG / LC_ALL)
  --timezone ZONE     time zone for dates (default the system's)
  --concurrency N     files at once (default 8)
  --mode M            full (default), transcripts-only or metadata-only; also on the filters screen
`;

const specs = {
	demo: {type: 'boolean'},
	platform: {type: 'string'},
	mode: {type: 'string'},
	server: {type: 'string'},
	company: {type: 'string'},
	user: {type: 'string', short: 'u'},
	out: {type: 'string', short: 'o'},
	lang: {type: 'string'},
	timezone: {type: 'string'},
	concurrency: {type: 'integer', min: 1, max: 64},
} as const;

/** Switches to the alternate screen (xterm's 1049), which keeps the cursor where the shell left it. */
const enterAlternateScreen = '\u001B[?1049h';

/**
 * The stream Ink writes to: stdout behind a filter that puts the cursor at the top of the alternate screen each time
 * Ink enters it (at the start, and back from Ctrl-Z), turns the text into ASCII (no UTF-8) and, on a dumb terminal,
 * prints each changed frame on lines of its own (Ink's debug mode writes every render whole). Without the first, the
 * app was drawn from the row the shell's prompt was on: over SSH, usually the bottom, with the top of the screen empty.
 */
export function outputFor(stdout: NodeJS.WriteStream, terminal: Terminal): NodeJS.WriteStream {
	let last = '';
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		if (terminal.hasUnicode && !terminal.isDumb && !(typeof chunk === 'string' && chunk.includes(enterAlternateScreen))) {
			return (stdout.write as (...args: unknown[]) => boolean)(chunk, ...rest);
		}

		let text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
		text = text.replaceAll(enterAlternateScreen, `${enterAlternateScreen}\u001B[H`);
		if (!terminal.hasUnicode) {
			text = toAscii(text);
		}

		if (terminal.isDumb) {
			if (text === last) {
				return true;
			}

			last = text;
			text = `${text.replace(/\n+$/, '')}\n\n`;
		}

		return (stdout.write as (...args: unknown[]) => boolean)(text, ...rest);
	};

	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

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
	// The remembered platform goes with the remembered server: --server naming another one says nothing of Twilio or
	// Webex (after a Twilio login, `ccdl --server URL` of a ccdl API opened on Twilio, and the login failed).
	const platform = values.platform ?? (demo || (values.server !== undefined && serverKey(values.server) !== serverKey(remembered.server ?? '')) ? 'ccm' : remembered.platform ?? 'ccm');
	platformInfo(platform);
	if (values.mode !== undefined && !(exportModes as readonly string[]).includes(values.mode)) {
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--mode', allowed: exportModes.join(', '), value: values.mode}));
	}

	const login: LoginInput = {
		platform,
		company: values.company ?? (demo ? 'demo' : remembered.company ?? ''),
		username: values.user ?? (demo ? 'admin' : remembered.username ?? ''),
		server: values.server ?? demo?.url ?? (values.company ? '' : remembered.server ?? ''),
		serverGiven: values.server !== undefined || demo !== undefined,
	};
	const filters: FilterValues = {
		from: '', to: '', channels: [], includeArchived: false, overwrite: false, transcripts: 'json', mode: (values.mode ?? 'full') as ExportMode,
		outDir: values.out ?? remembered.outDir ?? defaultOutDir(),
	};
	const naming: NamingValues = {template: remembered.template ?? defaultTemplate, dateFormat: remembered.dateFormat ?? defaultDateFormat};
	let exitCode = 0;
	let farewell: string | undefined;
	const theme = themeFor();
	const {isDumb} = theme.terminal;
	const instance = render(
		<I18nContext.Provider value={translator}>
			<ThemeContext.Provider value={theme}>
				<App initial={{login, filters, naming}} timeZone={timeZone} settings={demo ? {get: () => ({}), set() {}} : settings}
					hint={demo ? translator.t('demo.hint') : settings.problem ? translator.t('settings.damaged', settings.problem) : undefined} concurrency={values.concurrency ?? 8}
					onExit={(code, message) => {
						exitCode = code;
						farewell = message;
					}}/>
			</ThemeContext.Provider>
		</I18nContext.Provider>,
		{
			exitOnCtrlC: false, maxFps: 10, alternateScreen: !isDumb, stdout: outputFor(process.stdout, theme.terminal),
			// A dumb terminal cannot redraw in place: Ink's debug mode writes each frame whole, with no cursor movement.
			...isDumb ? {debug: true, patchConsole: false} : {},
		},
	);
	try {
		await instance.waitUntilExit();
	} finally {
		await demo?.close();
	}

	// After the app's screen is gone: what happened stays on the terminal (and in its scroll-back).
	if (farewell) {
		// On the stream Ink drew on, so it comes after Ink has left the alternate screen (stderr could overtake it).
		const text = theme.terminal.hasUnicode ? farewell : toAscii(farewell);
		process.stdout.write(`${process.stdout.isTTY && process.stdout.columns ? wrapWords(text, process.stdout.columns) : text}\n`);
	}

	return exitCode;
}
