/**
 * The closing sentence of a failed command in Hungarian (issue 11). Most throwers give their English text only; the
 * catalogue's `cli.error.*` English templates must match what the real throwers say, or the sentence silently stays
 * English. So each thrower a user commonly meets is called here and its error must come out Hungarian, keeping its
 * values; English must stay the error's own message, byte for byte.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {describeNetworkError} from '../../source/lib/api/errors.js';
import {connectionTarget} from '../../source/commands/connection.js';
import {loadCommand} from '../../source/commands/help.js';
import {parseOptions} from '../../source/commands/options.js';
import {checkTimeZone, parseUserInstant} from '../../source/lib/dates.js';
import {ensureWritableFolder} from '../../source/lib/engine/disk.js';
import {destinationFailure} from '../../source/lib/engine/transfer.js';
import {CcdlError, UsageError} from '../../source/lib/errors.js';
import {errorText, reasonText, recognise} from '../../source/lib/i18n/error-text.js';
import {checkLang, createTranslator, langOf, phrased} from '../../source/lib/i18n/index.js';
import {cliErrors} from '../../source/lib/i18n/messages/cli-errors.js';
import {refuseLiteralTilde} from '../../source/lib/text/paths.js';

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

/** The error's Hungarian sentence, after checking that English is its message and Hungarian is not. */
function inHungarian(error: CcdlError): string {
	expect(errorText(error, en)).toBe(error.message);
	const text = errorText(error, hu);
	expect(text, `not recognised: ${error.message}`).not.toBe(error.message);
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

	it('every English sentence is read back as itself', () => {
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
		expect(inHungarian(await thrown(() => parseOptions(['--form', 'x'], {from: {type: 'string'}}, 'download'))))
			.toBe('A "ccdl download" parancsnak nincs --form kapcsolója (erre gondolt: --from?); lásd: "ccdl download --help".');
		expect(inHungarian(await thrown(() => parseOptions(['--out'], {out: {type: 'string'}}, 'list'))))
			.toBe('--out: hiányzik az érték; lásd: "ccdl list --help".');
		expect(inHungarian(await thrown(() => parseOptions(['extra'], {}, 'verify'))))
			.toBe('A "ccdl verify" parancs nem vár argumentumot, ezt sem: "extra"; lásd: "ccdl verify --help".');
		expect(inHungarian(await thrown(() => parseOptions(['--concurrency', '0'], {concurrency: {type: 'integer', min: 1, max: 64}}, 'download'))))
			.toBe('--concurrency: 1 és 64 közötti egész számot vár, nem ezt: "0".');
		expect(inHungarian(await thrown(() => parseOptions(['--day', '2026-1-1'], {day: {type: 'date'}}, 'x'))))
			.toBe('--day: YYYY-MM-DD alakú dátumot vár, nem ezt: "2026-1-1".');
		expect(inHungarian(await thrown(async () => loadCommand('lsit'))))
			.toBe('Ismeretlen parancs: "lsit" (erre gondolt: "list"?); a parancsok listája: "ccdl --help".');
		expect(inHungarian(await thrown(() => checkLang('de'))))
			.toBe('--lang: értéke en vagy hu lehet, nem "de".');
		expect(inHungarian(await thrown(() => connectionTarget({...noConnection, user: 'admin'}))))
			.toBe('Adja meg a szervert: --server URL vagy --company CÉGNÉV.');
		expect(inHungarian(await thrown(() => connectionTarget({...noConnection, server: 'http://x', 'audio-format': 'ogg'}))))
			.toMatch(/^--audio-format: értéke \S+ vagy \S+ lehet, nem "ogg"\.$/);
		expect(inHungarian(await thrown(() => refuseLiteralTilde('~/x', '--out'))))
			.toMatch(/^--out ~\/x: a "~" jelet a shell nem bontotta ki \(idézőjelek között volt\), így "~" nevű mappa jönne létre; írja ki a teljes útvonalat, pl\. --out \/\S+\/x\.$/);
	});

	it('dates and zones', async () => {
		expect(inHungarian(await thrown(() => parseUserInstant('from', '2026-02-30', 'UTC')))).toBe('--from: 2026-02-30 nem létező dátum.');
		expect(inHungarian(await thrown(() => parseUserInstant('to', '2026-02-28 25:00', 'UTC')))).toBe('--to: 2026-02-28 25:00 nem létező dátum és időpont.');
		expect(inHungarian(await thrown(() => parseUserInstant('to', 'tomorrow', 'UTC'))))
			.toBe('--to: dátumot vár, pl. 2026-10-01, vagy dátumot és időt, pl. "2026-10-01 08:30", nem ezt: "tomorrow".');
		expect(inHungarian(await thrown(() => checkTimeZone('Mars/Olympus')))).toBe('"Mars/Olympus" nem időzóna; IANA-nevet adjon meg, pl. Europe/Budapest vagy UTC.');
	});

	it('the network, each reason in Hungarian', () => {
		const url = 'https://cc.example.hu';
		const reasons: Record<string, string> = {
			ECONNREFUSED: 'ott semmi nem fogad kapcsolatot', ENOTFOUND: 'a gépnév nem oldható fel', EAI_AGAIN: 'a gépnév nem oldható fel (a DNS nem válaszol)',
			ETIMEDOUT: 'a kapcsolódás túllépte az időkorlátot', EHOSTUNREACH: 'a gép nem érhető el', ENETUNREACH: 'a hálózat nem érhető el',
			ECONNRESET: 'a kapcsolatot a másik fél bontotta',
		};
		for (const [code, reason] of Object.entries(reasons)) {
			expect(inHungarian(describeNetworkError(Object.assign(new Error(code), {code}), url)))
				.toBe(`Nem érhető el: ${url} (${reason}); ellenőrizze a --server/--company értékét és a hálózatot.`);
		}

		expect(inHungarian(describeNetworkError(Object.assign(new Error('self-signed certificate'), {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), url)))
			.toBe(`Nem jött létre megbízható TLS-kapcsolat ezzel: ${url} (DEPTH_ZERO_SELF_SIGNED_CERT); ellenőrizze a címet vagy a rendszer CA-tanúsítványait.`);
		expect(inHungarian(describeNetworkError(Object.assign(new Error('no headers after 30 s'), {code: 'EHEADERSTIMEOUT'}), url)))
			.toBe(`${url} nem küldte el időben a válasza fejléceit (no headers after 30 s); a szerver túlterhelt vagy hibás, próbálja újra később.`);
		// Node's own words for an unknown failure are kept as they are, inside a Hungarian sentence.
		expect(inHungarian(describeNetworkError(new Error('socket hang up'), url))).toContain('(socket hang up); ellenőrizze');
	});

	it('the destination', async () => {
		const folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-error-text-'));
		try {
			const file = path.join(folder, 'a-file');
			await writeFile(file, 'x');
			expect(inHungarian(await thrown(async () => ensureWritableFolder(file)))).toBe(`${file} nem mappa; válasszon másikat a --out kapcsolóval.`);
			expect(inHungarian(await thrown(async () => ensureWritableFolder(path.join(file, 'sub')))))
				.toBe(`Nem lehet írni ide: ${path.join(file, 'sub')} (az útvonal egy része fájl, nem mappa); válasszon másik mappát a --out kapcsolóval.`);
		} finally {
			await rm(folder, {recursive: true, force: true});
		}

		const full = destinationFailure(Object.assign(new Error('ENOSPC'), {code: 'ENOSPC', syscall: 'write'}), '/srv/calls/a.mp3')!;
		expect(full.code).toBe('no-space');
		expect(inHungarian(full)).toBe('Nem lehet írni ide: /srv/calls/a.mp3 (a lemez megtelt); a kész fájlok megmaradnak — szabadítson fel helyet vagy válasszon másik mappát, majd futtassa újra ugyanazt a parancsot.');
	});
});

describe('errorText', () => {
	it('a phrase the thrower gives is said as it is, and its English is the message', () => {
		const error = new UsageError(...phrased('cli.error.no-user'));
		expect(error.message).toBe('Say who logs in: --user NAME (or CCDL_USER).');
		expect(errorText(error, hu)).toBe('Adja meg, ki jelentkezik be: --user NÉV (vagy CCDL_USER).');
	});

	it('a message no template fits stays English, never half-translated', () => {
		const error = new UsageError('Something entirely new went wrong; check --frobnicate.');
		expect(errorText(error, hu)).toBe(error.message);
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
