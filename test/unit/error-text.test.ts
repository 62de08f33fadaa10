/**
 * The closing sentence of a failed command in Hungarian (issue 11). Throwers name their catalogue sentence where they
 * throw (CcdlError.phrase): every `cli.error.*` sentence has a real thrower called here, which must carry its key and
 * come out Hungarian with its values; English must stay the error's own message, byte for byte. The reasons that
 * reach the summary as text (a failed file's, a refused deletion's) are read back by error-text.ts's matcher, so its
 * templates are checked too.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {ApiClient, normaliseServerUrl} from '../../source/lib/api/client.js';
import {describeNetworkError} from '../../source/lib/api/errors.js';
import {connectionTarget, promptPassword, readSecret} from '../../source/commands/connection.js';
import {checkSelection, type SelectionValues} from '../../source/commands/selection.js';
import {runDemoServer} from '../../source/commands/demo-server.js';
import {runDownload} from '../../source/commands/download.js';
import {loadCommand} from '../../source/commands/help.js';
import {runInteractive} from '../../source/commands/interactive.js';
import {parseOptions} from '../../source/commands/options.js';
import {runDownloadFromSearch, runRunSearch} from '../../source/commands/run-search.js';
import {checkTimeZone, parseUserInstant} from '../../source/lib/dates.js';
import {openManifest, runVerify} from '../../source/commands/verify.js';
import {ensureWritableFolder} from '../../source/lib/engine/disk.js';
import {OutageWatch} from '../../source/lib/engine/outage.js';
import {Planner} from '../../source/lib/engine/plan.js';
import {LocalSink} from '../../source/lib/sinks/local/local-sink.js';
import {destinationFailure} from '../../source/lib/engine/transfer.js';
import {limitsFromFlags} from '../../source/lib/limits/limits.js';
import {parseTemplate} from '../../source/lib/naming/index.js';
import {parseCount} from '../../source/lib/profiles/model.js';
import {resolveCampaigns} from '../../source/lib/run/pipeline.js';
import {parseScheduler} from '../../source/lib/schedules/model.js';
import {type SavedSearch, searchFromFlags, type SearchFlags} from '../../source/lib/searches/model.js';
import {SearchStore} from '../../source/lib/searches/store.js';
import {companyUrl} from '../../source/lib/sources/company-url.js';
import {platformInfo} from '../../source/lib/sources/registry.js';
import {wrongCredentials} from '../../source/lib/sources/twilio/http.js';
import {TwilioSource} from '../../source/lib/sources/twilio/source.js';
import {expiredWithoutRefresh} from '../../source/lib/sources/webex-cc/oauth.js';
import {WebexCcSource} from '../../source/lib/sources/webex-cc/source.js';
import {CcdlError, UsageError} from '../../source/lib/errors.js';
import {errorText, reasonText, recognise} from '../../source/lib/i18n/error-text.js';
import {checkLang, createTranslator, langOf, phrased, renderPhrase} from '../../source/lib/i18n/index.js';
import {cliErrors} from '../../source/lib/i18n/messages/cli-errors.js';
import type {Campaign, Contact} from '../../source/lib/sources/model.js';
import {localDestination, refuseLiteralTilde} from '../../source/lib/text/paths.js';
import {recording} from '../screens/fixtures/plan.js';

const hu = createTranslator('hu', 'UTC');
const en = createTranslator('en', 'UTC');

async function thrown(action: () => unknown): Promise<CcdlError> {
	try {
		await action();
	} catch (error) {
		expect(error).toBeInstanceOf(CcdlError);
		return error as CcdlError;
	}

	throw new Error('nothing was thrown');
}

/** Every `cli.error.*` key a real thrower below was seen to carry. */
const carriedKeys = new Set<string>();

/**
 * The error's Hungarian sentence, after checking that it carries `key`, that the phrase's English is the message and
 * that Hungarian is not.
 */
function inHungarian(error: CcdlError, key: string): string {
	expect(error.phrase?.key, error.message).toBe(key);
	carriedKeys.add(key);
	expect(renderPhrase(error.phrase!, en)).toBe(error.message);
	return saidInHungarian(error);
}

function saidInHungarian(error: CcdlError): string {
	expect(errorText(error, en)).toBe(error.message);
	const text = errorText(error, hu);
	expect(text, `not said in Hungarian: ${error.message}`).not.toBe(error.message);
	return text;
}

function placeholders(text: string): string[] {
	return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map(match => match[1]!))].sort();
}

describe('the catalogue', () => {
	it('every Hungarian sentence names the same values as its English one', () => {
		for (const [key, text] of Object.entries(cliErrors.en)) {
			expect(placeholders(cliErrors.hu[key] ?? ''), key).toEqual(placeholders(text));
		}
	});

	it('every English sentence is read back as itself (for the reasons that still arrive as text)', () => {
		for (const [key, text] of Object.entries(cliErrors.en).filter(([name]) => name.startsWith('cli.error.'))) {
			// Sample values of a plausible shape: a number where three digits are expected, a word elsewhere.
			const sample = text.replaceAll(/\{(\w+)\}/g, (_whole, name: string) => name === 'status' ? '404' : name === 'hint' ? '' : `x-${name}`);
			expect(recognise(sample)?.key, sample).toBe(key);
		}
	});
});

/** Connection flags all left out; the developer's own CCDL_* settings are hidden meanwhile (see beforeEach). */
const noConnection = {platform: undefined, server: undefined, company: undefined, user: undefined, 'password-stdin': false};

describe('what the real throwers say', () => {
	const saved: Record<string, string | undefined> = {};
	beforeEach(() => {
		for (const name of ['CCDL_PLATFORM', 'CCDL_SERVER', 'CCDL_COMPANY', 'CCDL_USER']) {
			saved[name] = process.env[name];
			delete process.env[name];
		}
	});
	afterEach(() => {
		for (const [name, value] of Object.entries(saved)) {
			if (value !== undefined) {
				process.env[name] = value;
			}
		}
	});

	it('flags and commands', async () => {
		expect(inHungarian(await thrown(() => parseOptions(['--form', 'x'], {from: {type: 'string'}}, 'download')), 'cli.error.unknown-option'))
			.toBe('A "ccdl download" parancsnak nincs --form kapcsolója (erre gondolt: --from?); lásd: "ccdl download --help".');
		expect(inHungarian(await thrown(() => parseOptions(['--out'], {out: {type: 'string'}}, 'list')), 'cli.error.option-needs-value'))
			.toBe('--out: hiányzik az érték; lásd: "ccdl list --help".');
		expect(inHungarian(await thrown(() => parseOptions(['extra'], {}, 'verify')), 'cli.error.unexpected-argument'))
			.toBe('A "ccdl verify" parancs nem vár argumentumot, ezt sem: "extra"; lásd: "ccdl verify --help".');
		expect(inHungarian(await thrown(() => parseOptions(['--concurrency', '0'], {concurrency: {type: 'integer', min: 1, max: 64}}, 'download')), 'cli.error.whole-number'))
			.toBe('--concurrency: 1 és 64 közötti egész számot vár, nem ezt: "0".');
		expect(inHungarian(await thrown(() => parseOptions(['--day', '2026-1-1'], {day: {type: 'date'}}, 'x')), 'cli.error.day'))
			.toBe('--day: YYYY-MM-DD alakú dátumot vár, nem ezt: "2026-1-1".');
		expect(inHungarian(await thrown(async () => loadCommand('lsit')), 'cli.error.unknown-command'))
			.toBe('Ismeretlen parancs: "lsit" (erre gondolt: "list"?); a parancsok listája: "ccdl --help".');
		expect(inHungarian(await thrown(() => checkLang('de')), 'cli.error.must-be'))
			.toBe('--lang: értéke en vagy hu lehet, nem "de".');
		expect(inHungarian(await thrown(() => connectionTarget({...noConnection, user: 'admin'})), 'cli.error.no-server'))
			.toBe('Adja meg a szervert: --server URL vagy --company CÉGNÉV.');
		expect(inHungarian(await thrown(() => connectionTarget({...noConnection, server: 'http://x', 'audio-format': 'ogg'})), 'cli.error.must-be'))
			.toMatch(/^--audio-format: értéke \S+ vagy \S+ lehet, nem "ogg"\.$/);
		expect(inHungarian(await thrown(() => refuseLiteralTilde('~/x', '--out')), 'cli.error.literal-tilde'))
			.toMatch(/^--out ~\/x: a "~" jelet a shell nem bontotta ki \(idézőjelek között volt\), így "~" nevű mappa jönne létre; írja ki a teljes útvonalat, pl\. --out \/\S+\/x\.$/);
	});

	it('dates and zones', async () => {
		expect(inHungarian(await thrown(() => parseUserInstant('from', '2026-02-30', 'UTC')), 'cli.error.not-a-date')).toBe('--from: 2026-02-30 nem létező dátum.');
		expect(inHungarian(await thrown(() => parseUserInstant('to', '2026-02-28 25:00', 'UTC')), 'cli.error.not-a-date-time')).toBe('--to: 2026-02-28 25:00 nem létező dátum és időpont.');
		expect(inHungarian(await thrown(() => parseUserInstant('to', 'tomorrow', 'UTC')), 'cli.error.date'))
			.toBe('--to: dátumot vár, pl. 2026-10-01, vagy dátumot és időt, pl. "2026-10-01 08:30", nem ezt: "tomorrow".');
		expect(inHungarian(await thrown(() => checkTimeZone('Mars/Olympus')), 'cli.error.time-zone')).toBe('"Mars/Olympus" nem időzóna; IANA-nevet adjon meg, pl. Europe/Budapest vagy UTC.');
	});

	it('the network, each reason in Hungarian', () => {
		const url = 'https://cc.example.hu';
		const reasons: Record<string, string> = {
			ECONNREFUSED: 'ott semmi nem fogad kapcsolatot', ENOTFOUND: 'a gépnév nem oldható fel', EAI_AGAIN: 'a gépnév nem oldható fel (a DNS nem válaszol)',
			ETIMEDOUT: 'a kapcsolódás túllépte az időkorlátot', EHOSTUNREACH: 'a gép nem érhető el', ENETUNREACH: 'a hálózat nem érhető el',
			ECONNRESET: 'a kapcsolatot a másik fél bontotta',
		};
		for (const [code, reason] of Object.entries(reasons)) {
			expect(inHungarian(describeNetworkError(Object.assign(new Error(code), {code}), url), 'cli.error.unreachable'))
				.toBe(`Nem érhető el: ${url} (${reason}); ellenőrizze a --server/--company értékét és a hálózatot.`);
		}

		expect(inHungarian(describeNetworkError(Object.assign(new Error('self-signed certificate'), {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), url), 'cli.error.tls'))
			.toBe(`Nem jött létre megbízható TLS-kapcsolat ezzel: ${url} (DEPTH_ZERO_SELF_SIGNED_CERT); ellenőrizze a címet vagy a rendszer CA-tanúsítványait.`);
		expect(inHungarian(describeNetworkError(Object.assign(new Error('no headers after 30 s'), {code: 'EHEADERSTIMEOUT'}), url), 'cli.error.headers-timeout'))
			.toBe(`${url} nem küldte el időben a válasza fejléceit (no headers after 30 s); a szerver túlterhelt vagy hibás, próbálja újra később.`);
		// Node's own words for an unknown failure are kept as they are, inside a Hungarian sentence.
		expect(inHungarian(describeNetworkError(new Error('socket hang up'), url), 'cli.error.unreachable')).toContain('(socket hang up); ellenőrizze');
	});

	it('the destination', async () => {
		const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-error-text-'));
		try {
			const file = path.join(folder, 'a-file');
			await writeFile(file, 'x');
			expect(inHungarian(await thrown(async () => ensureWritableFolder(file)), 'cli.error.not-a-folder')).toBe(`${file} nem mappa; válasszon másikat a --out kapcsolóval.`);
			expect(inHungarian(await thrown(() => localDestination('', '--out')), 'cli.error.empty-folder'))
				.toBe('A(z) --out üres; adja meg a letöltési mappát (az üres érték az aktuális mappát jelentené).');
			const unreadable = await thrown(async () => openManifest(new LocalSink(file)));
			expect(unreadable.exitCode).toBe(5);
			expect(inHungarian(unreadable, 'cli.error.cannot-read')).toBe(`Nem olvasható: ${file} (az útvonal egy része fájl, nem mappa).`);
			expect(inHungarian(await thrown(async () => ensureWritableFolder(path.join(file, 'sub'))), 'cli.error.not-writable'))
				.toBe(`Nem lehet írni ide: ${path.join(file, 'sub')} (az útvonal egy része fájl, nem mappa); válasszon másik mappát a --out kapcsolóval.`);
		} finally {
			await rm(folder, {recursive: true, force: true});
		}

		const full = destinationFailure(Object.assign(new Error('ENOSPC'), {code: 'ENOSPC', syscall: 'write'}), '/srv/calls/a.mp3')!;
		expect(full.code).toBe('no-space');
		expect(inHungarian(full, 'cli.error.write-failed')).toBe('Nem lehet írni ide: /srv/calls/a.mp3 (a lemez megtelt); a kész fájlok megmaradnak — szabadítson fel helyet vagy válasszon másik mappát, majd futtassa újra ugyanazt a parancsot.');
	});

	it('the rest of the flags, the selection and the campaigns', async () => {
		expect(inHungarian(await thrown(() => parseOptions(['--out', '--from'], {out: {type: 'string'}, from: {type: 'string'}}, 'list')), 'cli.error.option-value-like-flag'))
			.toBe('--out: az érték kapcsolónak látszik; írja így: --out=ÉRTÉK.');
		const selection: SelectionValues = {
			from: undefined, to: undefined, campaign: [], channel: [], 'include-archived': false, overwrite: false, out: undefined, template: undefined,
			'date-format': undefined, timezone: 'UTC', transcripts: undefined, mode: undefined,
		};
		expect(inHungarian(await thrown(() => checkSelection({...selection, from: '2026-10-07', to: '2026-10-05'})), 'cli.error.empty-range'))
			.toBe('Üres az időszak: a --from 2026-10-07 nem korábbi, mint a --to 2026-10-05.');
		expect(inHungarian(await thrown(() => checkSelection({...selection, channel: ['fax']})), 'cli.error.channel'))
			.toBe('--channel fax: nincs ilyen csatorna; ezek közül választhat: voice, video, chat, email, social.');
		expect(inHungarian(await thrown(() => checkSelection({...selection, transcripts: 'pdf'})), 'cli.error.must-be'))
			.toBe('--transcripts: értéke json, xml vagy none lehet, nem "pdf".');
		expect(inHungarian(await thrown(() => checkSelection({...selection, mode: 'all'})), 'cli.error.must-be'))
			.toBe('--mode: értéke full, metadata-only, transcripts-only lehet, nem "all".');
		const campaigns: Campaign[] = [{id: '1', name: 'Sales', channels: ['voice']}, {id: '2', name: 'Support', channels: ['chat']}];
		const unknown = await thrown(() => resolveCampaigns(['Billing'], campaigns));
		expect(unknown.message).toBe('No campaign "Billing" among those you may see (1 "Sales", 2 "Support").');
		expect(inHungarian(unknown, 'cli.error.unknown-campaign')).toBe('A látható kampányok között nincs "Billing" (1 "Sales", 2 "Support").');
		expect(inHungarian(await thrown(() => normaliseServerUrl('demo')), 'cli.error.not-a-url')).toBe('"demo" nem URL; adjon meg ilyet, pl. https://demo.comnica.cc.');
		expect(inHungarian(await thrown(() => normaliseServerUrl('ftp://demo')), 'cli.error.not-http')).toBe('"ftp://demo" nem http(s) URL; adjon meg ilyet, pl. https://demo.comnica.cc.');
	});

	it('the user and the password', async () => {
		expect(inHungarian(await thrown(() => connectionTarget({...noConnection, server: 'http://x'})), 'cli.error.no-user'))
			.toBe('Adja meg, ki jelentkezik be: --user NÉV (vagy CCDL_USER).');
		const password = process.env['CCDL_PASSWORD'];
		const tty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
		try {
			delete process.env['CCDL_PASSWORD'];
			Object.defineProperty(process.stdin, 'isTTY', {value: false, configurable: true});
			expect(inHungarian(await thrown(async () => readSecret({'password-stdin': false}, 'admin')), 'cli.error.no-password'))
				.toBe('Nincs jelszó: állítsa be a CCDL_PASSWORD változót, adja át csővezetéken a --password-stdin kapcsolóval, vagy futtassa terminálban, és a ccdl bekéri.');
			process.env['CCDL_PASSWORD'] = '';
			expect(inHungarian(await thrown(async () => readSecret({'password-stdin': false}, 'admin')), 'cli.error.empty-password')).toBe('A jelszó üres.');
			Object.defineProperty(process.stdin, 'isTTY', {value: true, configurable: true});
			expect(inHungarian(await thrown(async () => readSecret({'password-stdin': true}, 'admin')), 'cli.error.password-stdin-tty'))
				.toBe('A --password-stdin csővezetékből olvassa a jelszót, pl. `pass show cc | ccdl … --password-stdin`; terminálban hagyja el a kapcsolót, és a ccdl bekéri.');
		} finally {
			if (tty) {
				Object.defineProperty(process.stdin, 'isTTY', tty);
			} else {
				delete (process.stdin as {isTTY?: boolean}).isTTY;
			}

			if (password === undefined) {
				delete process.env['CCDL_PASSWORD'];
			} else {
				process.env['CCDL_PASSWORD'] = password;
			}
		}
	});

	it('Ctrl-C at the password prompt', async () => {
		// A terminal of its own: raw mode and reading are the prompt's only uses of it.
		const stdin = process.stdin as unknown as Record<string, unknown>;
		const saved = {setRawMode: stdin['setRawMode'], resume: stdin['resume'], pause: stdin['pause']};
		const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		Object.assign(stdin, {setRawMode: () => process.stdin, resume: () => process.stdin, pause: () => process.stdin});
		try {
			const prompt = promptPassword('Password: ');
			process.stdin.emit('data', '\u0003');
			expect(inHungarian(await thrown(async () => prompt), 'cli.error.prompt-cancelled')).toBe('A jelszó bekérése megszakítva.');
		} finally {
			Object.assign(stdin, saved);
			quiet.mockRestore();
		}
	});

	it('the network, the other deadline and an unnamed certificate problem', () => {
		const url = 'https://cc.example.hu';
		expect(inHungarian(describeNetworkError(Object.assign(new Error('no body after 60 s'), {code: 'EBODYTIMEOUT'}), url), 'cli.error.body-timeout'))
			.toBe(`${url} nem fejezte be időben a válaszát (no body after 60 s); a szerver túlterhelt vagy hibás, próbálja újra később.`);
		expect(inHungarian(describeNetworkError(new Error('TLS handshake failed'), url), 'cli.error.tls'))
			.toBe(`Nem jött létre megbízható TLS-kapcsolat ezzel: ${url} (tanúsítványhiba); ellenőrizze a címet vagy a rendszer CA-tanúsítványait.`);
	});

	describe('with a config folder of their own', () => {
		let home = '';
		const env: Record<string, string | undefined> = {};
		const tty = {stdin: Object.getOwnPropertyDescriptor(process.stdin, 'isTTY'), stdout: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY')};
		beforeEach(async () => {
			home = await mkdtemp(path.join(os.tmpdir(), 'ccdl-error-text-'));
			for (const name of ['CCDL_CONFIG_DIR', 'CCDL_DATA_DIR', 'CCDL_PASSWORD']) {
				env[name] = process.env[name];
			}

			process.env['CCDL_CONFIG_DIR'] = path.join(home, 'config');
			process.env['CCDL_DATA_DIR'] = path.join(home, 'data');
			delete process.env['CCDL_PASSWORD'];
		});
		afterEach(async () => {
			for (const [name, value] of Object.entries(env)) {
				if (value === undefined) {
					delete process.env[name];
				} else {
					process.env[name] = value;
				}
			}

			for (const [stream, descriptor] of [[process.stdin, tty.stdin], [process.stdout, tty.stdout]] as const) {
				if (descriptor) {
					Object.defineProperty(stream, 'isTTY', descriptor);
				} else {
					delete (stream as {isTTY?: boolean}).isTTY;
				}
			}

			await rm(home, {recursive: true, force: true});
		});

		const noFlags: SearchFlags = {
			server: 'https://demo.example.com', company: undefined, user: 'admin', from: undefined, to: undefined, campaign: ['Sales'], channel: [],
			'include-archived': false, overwrite: false, out: '/calls', template: undefined, 'date-format': undefined, timezone: 'UTC', transcripts: undefined,
			'date-rule': 'previous-7-days', 'all-campaigns': false, mode: undefined, concurrency: undefined, profile: undefined, 'no-archive': false, 'csv-bom': false,
		};
		const search = (name: string, flags: Partial<SearchFlags> = {}): SavedSearch => searchFromFlags(name, {...noFlags, ...flags}, {timeZone: 'UTC', template: '{callId}', env: {}});

		it('download, run, saved searches and verify', async () => {
			expect(inHungarian(await thrown(async () => runDownload(['--server', 'http://127.0.0.1:9', '--user', 'admin', '--dry-run', '--out', path.join(home, 'out')])), 'cli.error.dry-run-alone'))
				.toBe('A --dry-run csak a --delete-after mellett használható (azt listázza, mi törlődne).');
			expect(inHungarian(await thrown(async () => runRunSearch([])), 'cli.error.run-needs-search'))
				.toBe('A "ccdl run" egy mentett keresés nevét várja, pl. ccdl run weekly-calls (a "ccdl search list" felsorolja őket).');
			expect(inHungarian(await thrown(async () => runRunSearch(['weekly', 'daily'])), 'cli.error.run-one-search')).toBe('A "ccdl run" egyetlen mentett keresés nevét várja.');
			expect(inHungarian(await thrown(() => new SearchStore(path.join(home, 'searches.json')).get('weekly')), 'cli.error.no-search-yet'))
				.toBe('Nincs "weekly" nevű mentett keresés (még egy sincs; a "ccdl search save NÉV …" ment egyet).');
			const store = new SearchStore(path.join(home, 'searches.json'), [search('alpha'), search('Beta')]);
			expect(inHungarian(await thrown(() => store.get('gamma')), 'cli.error.no-such-search')).toBe('Nincs "gamma" nevű mentett keresés; a mentettek: alpha, Beta.');
			Object.defineProperty(process.stdin, 'isTTY', {value: false, configurable: true});
			expect(inHungarian(await thrown(async () => runDownloadFromSearch('alpha', {store})), 'cli.error.search-password'))
				.toBe('Nincs jelszó a(z) "alpha" mentett kereséshez: adja meg a --credentials FÁJL kapcsolót (csak Ön olvashassa, chmod 600), vagy állítsa be a CCDL_PASSWORD változót.');
			expect(inHungarian(await thrown(async () => runVerify([])), 'cli.error.verify-destination'))
				.toBe('Adjon meg egy ellenőrizendő célt: ccdl verify MAPPA (vagy s3://bucket/prefix, sftp://user@host/path).');
			const identity = path.join(home, 'no-such-identity.txt');
			const unreadable = await thrown(async () => runVerify([home, '--identity', identity]));
			expect(unreadable.message).toBe(`Cannot read the identity file ${identity}: ENOENT.`);
			expect(inHungarian(unreadable, 'cli.error.cannot-read')).toBe(`Nem olvasható: the identity file ${identity} (ENOENT).`);
		});

		it('the values of the other commands', async () => {
			expect(inHungarian(await thrown(() => limitsFromFlags({preset: 'max'})), 'cli.error.must-be'))
				.toBe('--preset: értéke standard (1,000 contacts a day), performance (10,000 a run, 40,000 a day) vagy none lehet, nem "max".');
			expect(inHungarian(await thrown(() => parseScheduler('anacron')), 'cli.error.must-be')).toBe('--via: értéke cron vagy systemd lehet, nem "anacron".');
			expect(inHungarian(await thrown(() => search('weekly', {'audio-format': 'ogg'})), 'cli.error.must-be')).toBe('--audio-format: értéke mp3 vagy wav lehet, nem "ogg".');
			expect(inHungarian(await thrown(async () => runDemoServer(['--platform', 'genesys'])), 'cli.error.must-be'))
				.toBe('--platform: értéke one of ccm, twilio, webex-cc lehet, nem "genesys".');
			Object.defineProperty(process.stdin, 'isTTY', {value: true, configurable: true});
			Object.defineProperty(process.stdout, 'isTTY', {value: true, configurable: true});
			expect(inHungarian(await thrown(async () => runInteractive(['--mode', 'all'])), 'cli.error.must-be'))
				.toBe('--mode: értéke full, metadata-only, transcripts-only lehet, nem "all".');
			const count = await thrown(() => parseCount('voice', 'x"'));
			expect(count.message).toBe('--voice needs a whole number from 0 to 16, not "x\\"".');
			expect(inHungarian(count, 'cli.error.whole-number')).toBe('--voice: 0 és 16 közötti egész számot vár, nem ezt: "x\\"".');
		});
	});

	it('the platform, the company, the outage and the free space', async () => {
		expect(inHungarian(await thrown(() => platformInfo('genesys')), 'cli.error.platform'))
			.toBe('--platform genesys: ezt a platformot a ccdl nem ismeri; ezek közül választhat: ccm, twilio, webex-cc.');
		expect(inHungarian(await thrown(() => companyUrl('acme corp')), 'cli.error.not-a-company'))
			.toBe('"acme corp" nem cégnév (betűk, számjegyek és "-"); vagy adja meg a címet a --server kapcsolóval.');
		expect(inHungarian(expiredWithoutRefresh(), 'cli.error.webex-token-expired'))
			.toBe('A Webex hozzáférési token lejárt; adjon meg újat (CCDL_PASSWORD, --password-stdin vagy a bekérés), vagy állítsa be a CCDL_WEBEX_REFRESH_TOKEN, CCDL_WEBEX_CLIENT_ID és CCDL_WEBEX_CLIENT_SECRET változót, hogy a ccdl maga újítsa meg.');

		vi.useFakeTimers();
		try {
			const downs: CcdlError[] = [];
			for (const why of ['ECONNREFUSED', '']) {
				const watch = new OutageWatch('https://cc.example.hu', 60_000, error => downs.push(error));
				watch.unanswered(why);
				vi.advanceTimersByTime(60_000);
				watch.stop();
			}

			expect(downs.map(error => error.exitCode)).toEqual([4, 4]);
			expect(inHungarian(downs[0]!, 'cli.error.server-gone'))
				.toBe('https://cc.example.hu 60 másodperce nem válaszol (ECONNREFUSED); a futás leállt — a kész fájlok megmaradnak, futtassa újra ugyanazt a parancsot, ha a szerver ismét elérhető.');
			expect(downs[1]!.message).toBe('https://cc.example.hu has not answered for 60 s (no answer); the run stopped — finished files are kept, run the same command again when the server is back.');
			expect(inHungarian(downs[1]!, 'cli.error.server-gone')).toContain('60 másodperce nem válaszol (nincs válasz);');
		} finally {
			vi.useRealTimers();
		}

		const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-error-text-'));
		try {
			const sink = new LocalSink(folder);
			sink.freeSpace = async () => 1000;
			const planner = await Planner.open({sink, template: parseTemplate('{recordId}'), timeZone: 'UTC', overwrite: false, includeArchived: true, transcripts: 'none'});
			const media = {href: '/v1/recordings/1/media', contentType: 'audio/mpeg', size: 5_000_000, sha256: 'a'.repeat(64), etag: '"e"'};
			await planner.add([recording(1, {media}) as Contact]);
			const full = await thrown(async () => planner.finish());
			expect(full.exitCode).toBe(5);
			expect(inHungarian(full, 'cli.error.no-space'))
				.toBe(`Nincs elég szabad hely itt: ${folder}; a letöltéshez 5.00 MB kell, szabad 1.00 kB; szabadítson fel helyet, vagy válasszon másik célt.`);
		} finally {
			await rm(folder, {recursive: true, force: true});
		}
	});

	describe('logging in to a server', () => {
		type Answer = [status: number, body: unknown, headers?: Record<string, string>];
		/** What the server answers, by path; a path it is not given answers 404. */
		let answers: Record<string, Answer | Answer[]> = {};
		let server: Server;
		let url = '';
		beforeAll(async () => {
			server = createServer((request: IncomingMessage, response: ServerResponse) => {
				const path = (request.url ?? '').replace(/\?.*$/, '');
				const listed = answers[path];
				const [status, body, headers] = (Array.isArray(listed?.[0]) ? (listed as Answer[]).shift() : listed as Answer | undefined) ?? [404, {}];
				response.writeHead(status, {'content-type': 'application/json', ...headers});
				response.end(typeof body === 'string' ? body : JSON.stringify(body));
			});
			await new Promise<void>(resolve => {
				server.listen(0, '127.0.0.1', resolve);
			});
			url = `http://127.0.0.1:${(server.address() as {port: number}).port}`;
		});
		afterAll(async () => new Promise(resolve => server.close(resolve)));

		const health: Answer = [200, {status: 'ok'}];
		const token = {accessToken: 'a', refreshToken: 'r', user: {username: 'admin'}};
		const retry = {attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxWaits: 0};
		const login = async (company?: string) => thrown(async () => ApiClient.login({server: url, username: 'admin', password: 'x', retry, ...(company ? {company} : {})}));

		it('the password, the company, the session', async () => {
			answers = {'/v1/health': health, '/v1/auth/token': [401, {}]};
			expect(inHungarian(await login(), 'cli.error.wrong-password')).toBe('Hibás felhasználónév vagy jelszó (kis- és nagybetűérzékeny).');
			answers = {'/v1/health': health, '/v1/auth/token': [404, {code: 'unknown-company'}]};
			expect(inHungarian(await login('acme'), 'cli.error.unknown-company')).toBe('A szerver nem ismer "acme" nevű céget; ellenőrizze a cégnevet.');
			answers = {'/v1/health': health, '/v1/auth/token': [[200, token], [401, {}]], '/v1/me': [401, {}], '/v1/auth/refresh': [401, {}]};
			const client = await ApiClient.login({server: url, username: 'admin', password: 'x', retry});
			expect(inHungarian(await thrown(async () => client.me()), 'cli.error.session-expired')).toBe('A munkamenet lejárt és nem újítható meg; jelentkezzen be újra.');
		});

		it('a server that is not this API, or answers what ccdl refuses', async () => {
			answers = {'/v1/auth/token': [404, {}]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (GET /v1/health válasza: 404); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [404, {}]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (POST /v1/auth/token válasza: 404); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': [200, {}], '/v1/auth/token': [401, {}]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (GET /v1/health válasza 200, de állapot nélkül); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': [200, 'nope'], '/v1/auth/token': [401, {}]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (GET /v1/health válasza nem JSON); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [200, []]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (POST /v1/auth/token válasza nem token); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [200, {accessToken: 'a b', refreshToken: ''}]};
			expect(inHungarian(await login(), 'cli.error.not-an-api'))
				.toBe(`${url} nem Contact Center Media API szerver (POST /v1/auth/token válaszában nincs használható token); ellenőrizze a --server vagy a --company értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [200, '<html>']};
			expect(inHungarian(await login(), 'cli.error.not-json')).toBe(`${url} nem JSON-t válaszolt erre: POST /v1/auth/token; ellenőrizze a --server értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [307, '', {location: 'http://elsewhere.invalid/v1/auth/token'}]};
			expect(inHungarian(await login(), 'cli.error.foreign-redirect'))
				.toBe(`${url} a(z) POST /v1/auth/token kérést egy másik szerverre irányította át (http://elsewhere.invalid); a ccdl oda nem küldi el a jelszót vagy a tokent, ezért ellenőrizze a --server értékét.`);
			answers = {'/v1/health': health, '/v1/auth/token': [500, {detail: 'The database is down.'}]};
			const problem = await login();
			expect(problem.exitCode).toBe(4);
			expect(inHungarian(problem, 'cli.error.server-answered')).toBe('A szerver hibával válaszolt (500): The database is down.');
		});
		it('Twilio and Webex Contact Center', async () => {
			const sid = `AC${'0'.repeat(32)}`;
			const recordings = `/2010-04-01/Accounts/${sid}/Recordings.json`;
			const twilio = async () => thrown(async () => TwilioSource.login({server: url, username: sid, secret: 'x', retry}));
			answers = {[recordings]: [401, {code: 20003, message: 'Authenticate'}]};
			expect(inHungarian(await twilio(), 'cli.error.twilio-credentials'))
				.toBe('A Twilio elutasította a hitelesítő adatokat: ellenőrizze a --user kapcsolóval megadott Account SID-t (vagy API Key SID-t) és a hozzá tartozó Auth Tokent (vagy API Key secretet).');
			answers = {[recordings]: [404, {code: 20404, message: 'Not found'}]};
			expect(inHungarian(await twilio(), 'cli.error.twilio-account')).toBe(`A Twilio nem ismeri a(z) ${sid} fiókot; ellenőrizze a --user értékét (API-kulcsnál a --company értékét).`);
			answers = {[recordings]: [404, {}]};
			expect(inHungarian(await twilio(), 'cli.error.not-twilio')).toBe(`${url} nem Twilio API (GET ${recordings} válasza 404, Twilio-hibaleírás nélkül); ellenőrizze a --server értékét.`);
			answers = {[recordings]: [200, {}]};
			expect(inHungarian(await twilio(), 'cli.error.not-twilio')).toBe(`${url} nem Twilio API (GET ${recordings} válaszában nincs felvétellista); ellenőrizze a --server értékét.`);
			// What Twilio's client says of an answer that is not JSON has no clause in the catalogue: it stays English inside.
			answers = {[recordings]: [200, '<html>']};
			expect(inHungarian(await twilio(), 'cli.error.not-twilio'))
				.toBe(`${url} nem Twilio API (${url} answered GET ${recordings} with something that is not JSON; is --server a Twilio API?); ellenőrizze a --server értékét.`);

			const org = '97cdbf45-ebe2-4687-8341-44d5c7abf101';
			const webex = async (secret = 'token') => thrown(async () => WebexCcSource.login({server: url, username: org, secret, retry}, {}));
			expect(inHungarian(await webex('two words'), 'cli.error.webex-not-a-token'))
				.toBe('A jelszóként megadott Webex hozzáférési token nem token (szóköz nélküli, nyomtatható karakterek, legfeljebb 8 KiB); illessze be a teljes hozzáférési tokent.');
			answers = {'/v1/tasks': [404, {}]};
			expect(inHungarian(await webex(), 'cli.error.not-webex')).toBe(`${url} nem Webex Contact Center API (GET /v1/tasks válasza: 404); ellenőrizze a --server értékét.`);
			answers = {'/v1/tasks': [200, {}]};
			expect(inHungarian(await webex(), 'cli.error.not-webex')).toBe(`${url} nem Webex Contact Center API (GET /v1/tasks válaszában nincs feladatlista); ellenőrizze a --server értékét.`);
			answers = {'/v1/tasks': [200, '<html>']};
			expect(inHungarian(await webex(), 'cli.error.not-json')).toBe(`${url} nem JSON-t válaszolt erre: GET /v1/tasks; ellenőrizze a --server értékét.`);
		});
	});

	it('every catalogue sentence is carried by a thrower above', () => {
		const keys = Object.keys(cliErrors.en).filter(key => key.startsWith('cli.error.'));
		expect(keys.filter(key => !carriedKeys.has(key)).sort(), 'no real thrower tested').toEqual([]);
	});
});

describe('errorText', () => {
	it('a phrase the thrower gives is said as it is, and its English is the message', () => {
		const error = new UsageError(...phrased('cli.error.no-user'));
		expect(error.message).toBe('Say who logs in: --user NAME (or CCDL_USER).');
		expect(errorText(error, hu)).toBe('Adja meg, ki jelentkezik be: --user NÉV (vagy CCDL_USER).');
	});

	it('an error without a phrase stays English, even when its words are a catalogue sentence', () => {
		const error = new UsageError('Something entirely new went wrong; check --frobnicate.');
		expect(errorText(error, hu)).toBe(error.message);
		// Throwers say which sentence they mean; the text is no longer guessed at.
		const worded = new UsageError('--dry-run only goes with --delete-after (it lists what would be deleted).');
		expect(errorText(worded, hu)).toBe(worded.message);
	});

	it('a bug is an internal error, in the user\'s language', () => {
		expect(errorText(new TypeError('x is undefined'), en)).toBe('internal error: x is undefined. Please report it; CCDL_DEBUG=1 shows details.');
		expect(errorText(new TypeError('x is undefined'), hu)).toBe('belső hiba: x is undefined. Kérjük, jelentse; a CCDL_DEBUG=1 megmutatja a részleteket.');
		expect(errorText('thrown text', en)).toBe('internal error: thrown text. Please report it; CCDL_DEBUG=1 shows details.');
	});

	it('a recording kept back by --delete-after says why in Hungarian', () => {
		expect(reasonText('not deleted: the transcript asked for is missing', hu)).toBe('nincs törölve: a kért átirat hiányzik');
		expect(reasonText('not deleted: the transcript asked for is missing', en)).toBe('not deleted: the transcript asked for is missing');
		expect(reasonText('HTTP 500 from storage', hu)).toBe('HTTP 500 from storage');
	});

	it('a reason that is an error sentence is said in Hungarian', () => {
		expect(reasonText('The server answered 500: Storage is down.', hu)).toBe('A szerver hibával válaszolt (500): Storage is down.');
		expect(reasonText('The session expired and could not be renewed; log in again.', hu)).toBe('A munkamenet lejárt és nem újítható meg; jelentkezzen be újra.');
	});
});

describe('langOf', () => {
	const c = {LANG: 'C.UTF-8'};
	it('takes a valid --lang anywhere before "--", else the locale', () => {
		expect(langOf(['download', '--from', 'x', '--lang', 'hu'], c)).toBe('hu');
		expect(langOf(['download', '--lang=hu_HU.UTF-8'], c)).toBe('hu');
		expect(langOf(['download', '--lang', 'en'], {LANG: 'hu_HU.UTF-8'})).toBe('en');
		expect(langOf(['download'], {LC_ALL: 'hu_HU.UTF-8', LANG: 'C.UTF-8'})).toBe('hu');
		expect(langOf(['download', '--', '--lang', 'hu'], c)).toBe('en');
		// An invalid --lang is the command's to refuse; its refusal is said in the locale's language.
		expect(langOf(['download', '--lang', 'de'], {LANG: 'hu_HU.UTF-8'})).toBe('hu');
		expect(langOf(['download', '--lang'], c)).toBe('en');
	});
});
