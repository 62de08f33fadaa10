/**
 * Saved searches: every incomplete one refused with the missing part named, at save time and at run time; the
 * store (atomic, private, versioned); and `ccdl search save|list|show|delete` as a separate process.
 */
import {readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {requestFromSearch} from '../../source/lib/run/from-search.js';
import {checkComplete, IncompleteSearchError, missingParts, type SavedSearch, searchFromFlags, type SearchFlags} from '../../source/lib/searches/model.js';
import {cleanup} from '../helpers/ccdl.js';
import {ccdl, expectOneSentence, folders} from './support.js';

afterAll(async () => {
	await cleanup();
});

const noFlags: SearchFlags = {
	server: undefined, company: undefined, user: undefined, from: undefined, to: undefined, campaign: [], channel: [], 'include-archived': false,
	overwrite: false, out: undefined, template: undefined, 'date-format': undefined, timezone: undefined, transcripts: undefined, 'date-rule': undefined,
	'all-campaigns': false, mode: undefined, concurrency: undefined, profile: undefined, 'no-archive': false, 'csv-bom': false,
};

const complete: SearchFlags = {
	...noFlags, server: 'https://demo.example.com', user: 'admin', campaign: ['Sales', '102'], 'date-rule': 'previous-7-days', out: '/calls', timezone: 'Europe/Budapest',
};

function search(flags: Partial<SearchFlags>): SavedSearch {
	return searchFromFlags('weekly', {...complete, ...flags}, {timeZone: 'UTC', template: '{callStart}-{callId}', env: {}, now: new Date('2026-11-04T10:00:00Z')});
}

function refusal(flags: Partial<SearchFlags>, when: 'save' | 'run' = 'save'): string {
	try {
		checkComplete(search(flags), when);
	} catch (error) {
		expect(error).toBeInstanceOf(IncompleteSearchError);
		expect((error as IncompleteSearchError).exitCode).toBe(2);
		return (error as Error).message;
	}

	throw new Error('expected the search to be refused');
}

describe('incomplete searches', () => {
	it('a complete search passes and becomes the run\'s request, its rule resolved against now', () => {
		const saved = search({channel: ['voice', 'chat'], 'include-archived': true, 'csv-bom': true, concurrency: 4, transcripts: 'xml'});
		expect(missingParts(saved)).toEqual([]);
		const {request} = requestFromSearch(saved, new Date('2026-11-04T10:00:00Z'));
		expect(request).toMatchObject({
			platform: 'ccm', server: 'https://demo.example.com', username: 'admin', timeZone: 'Europe/Budapest',
			campaigns: ['Sales', '102'], channels: ['voice', 'chat'], includeArchived: true, overwrite: false, out: '/calls',
			template: '{callStart}-{callId}', transcripts: 'xml', concurrency: 4, csvBom: true, archive: true, mode: 'full',
			search: {name: 'weekly'},
		});
		expect(request.from?.toISOString()).toBe('2026-10-27T23:00:00.000Z');
		expect(request.to?.toISOString()).toBe('2026-11-03T23:00:00.000Z');
		expect(requestFromSearch(search({mode: 'metadata-only'}), new Date()).request.mode).toBe('metadata-only');
	});

	it('a quoted ~ or an empty --out is refused as it is for ccdl download, not saved as a folder named "~" or the current folder', () => {
		expect(() => search({out: '~/calls'})).toThrow(/--out ~\/calls has a "~" the shell did not expand/);
		expect(() => search({out: ''})).toThrow('--out is empty; give the folder to download into (an empty value would mean the current folder).');
		expect(search({out: 'calls/~/x'}).outDir).toBe(path.resolve('calls/~/x'));
	});

	it('an s3:// or sftp:// destination is saved as given; a URL of another kind is refused', () => {
		for (const out of ['s3://exports/calls', 'sftp://backup@files.example.com:2222/srv/calls']) {
			const saved = search({out, 's3-endpoint': 'http://127.0.0.1:9000'});
			expect(saved.outDir).toBe(out);
			expect(missingParts(saved)).toEqual([]);
			expect(requestFromSearch(saved, new Date()).request.out).toBe(out);
		}

		expect(refusal({out: 'ftp://files.example.com/calls'})).toBe('The search "weekly" is incomplete and was not saved: a destination that cannot be used (ftp:// destinations are not supported; give a folder or s3://…, sftp://…).');
	});

	it('names each missing part', () => {
		expect(refusal({campaign: []})).toBe('The search "weekly" is incomplete and was not saved: no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see).');
		expect(missingParts(search({campaign: [], 'all-campaigns': true}))).toEqual([]);
		expect(refusal({campaign: ['Sales', '']})).toBe('The search "weekly" is incomplete and was not saved: a campaign with no value (each --campaign needs a name or an ID).');
		expect(refusal({'date-rule': undefined})).toBe('The search "weekly" is incomplete and was not saved: no date rule (give --date-rule, e.g. previous-7-days, or a fixed --from and --to).');
		expect(refusal({template: '{callStart}-{nope}'})).toMatch(/^The search "weekly" is incomplete and was not saved: a file-name template that does not parse \(.*nope.*\)\.$/);
		expect(refusal({mode: 'transcripts-only', transcripts: 'none'})).toBe('The search "weekly" is incomplete and was not saved: nothing to export (--mode transcripts-only with --transcripts none; choose --transcripts json or xml).');
		expect(refusal({server: undefined})).toBe('The search "weekly" is incomplete and was not saved: no server (give --server URL or --company NAME).');
		expect(refusal({user: undefined})).toBe('The search "weekly" is incomplete and was not saved: no user (give --user NAME).');
		expect(refusal({channel: ['fax']})).toBe('The search "weekly" is incomplete and was not saved: an unknown channel "fax" (use voice, video, chat, email, social).');
		expect(refusal({'date-rule': 'fortnightly'})).toMatch(/^The search "weekly" is incomplete and was not saved: an unusable date rule \("fortnightly" is not a date rule; use today, .*\)\.$/);
		expect(refusal({timezone: 'Mars/Olympus'})).toBe('The search "weekly" is incomplete and was not saved: an unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Budapest).');
		expect(refusal({mode: 'everything'})).toBe('The search "weekly" is incomplete and was not saved: a mode "everything" (use full, metadata-only or transcripts-only).');
		// Several at once, all named.
		expect(refusal({campaign: [], 'date-rule': undefined})).toBe('The search "weekly" is incomplete and was not saved: no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see); no date rule (give --date-rule, e.g. previous-7-days, or a fixed --from and --to).');
	});

	it('at run time, says it was not run and how to fix it', () => {
		expect(refusal({campaign: []}, 'run')).toBe('The saved search "weekly" is incomplete and was not run: no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see); fix it with "ccdl search save weekly --replace …".');
	});

	it('a fixed range needs both ends, and not a rule as well', () => {
		expect(search({'date-rule': undefined, from: '2026-10-01', to: '2026-10-31'}).dateRule).toBe('2026-10-01..2026-10-31');
		expect(() => search({'date-rule': undefined, from: '2026-10-01'})).toThrow('The search "weekly" is incomplete and was not saved: the end of the fixed date range (--to).');
		expect(() => search({'date-rule': undefined, to: '2026-10-01'})).toThrow('the start of the fixed date range (--from)');
		expect(() => search({from: '2026-10-01', to: '2026-10-31'})).toThrow('Give either --date-rule or a fixed --from and --to, not both.');
	});

	it('saves a company resolved through CCDL_COMPANY_URL as the server it named, so cron (without that variable) goes to the same server', () => {
		const saved = searchFromFlags('x', {...complete, server: undefined, company: 'acme'}, {timeZone: 'UTC', template: 't{callId}', env: {CCDL_COMPANY_URL: 'https://{company}.calls.example'}});
		expect(saved).toMatchObject({server: 'https://acme.calls.example', company: 'acme'});
		expect(requestFromSearch(saved, new Date()).request.server).toBe('https://acme.calls.example');
		// Without the variable the company stays a company, resolved the usual way when it runs.
		expect(searchFromFlags('x', {...complete, server: undefined, company: 'acme'}, {timeZone: 'UTC', template: 't{callId}', env: {}}).server).toBeUndefined();
	});

	it('takes the server and user from the environment when not given, and saves them', () => {
		const saved = searchFromFlags('x', {...complete, server: undefined, user: undefined}, {timeZone: 'UTC', template: 't{callId}', env: {CCDL_SERVER: 'https://env.example.com', CCDL_USER: 'bob'}});
		expect(saved).toMatchObject({server: 'https://env.example.com', user: 'bob'});
	});
});

describe('ccdl search', () => {
	it('saves, lists, shows and deletes; refuses incomplete searches naming the missing part', async () => {
		const {config, env} = await folders();
		const saveArgs = ['search', 'save', 'weekly-calls', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--campaign', 'Sales', '-c', '101', '--channel', 'voice',
			'--date-rule', 'previous-calendar-week', '--out', '/srv/calls', '--template', '{campaignName}/{callStart:YYYY-MM}/{callId}', '--timezone', 'Europe/Budapest'];
		const saved = await ccdl(saveArgs, env);
		expect(saved.code, saved.stderr).toBe(0);
		expect(saved.stdout).toMatch(/^Saved the search "weekly-calls" in .*searches\.json; today it means \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(previous-calendar-week\)\.\n/);
		const file = path.join(config, 'searches.json');
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		const stored = JSON.parse(await readFile(file, 'utf8')) as {version: number; searches: SavedSearch[]};
		expect(stored.version).toBe(1);
		expect(stored.searches[0]).toMatchObject({
			name: 'weekly-calls', server: 'http://127.0.0.1:9', user: 'admin', campaigns: ['Sales', '101'], allCampaigns: false, channels: ['voice'],
			dateRule: 'previous-calendar-week', timeZone: 'Europe/Budapest', outDir: '/srv/calls', template: '{campaignName}/{callStart:YYYY-MM}/{callId}',
			transcripts: 'json', mode: 'full', includeArchived: false, overwrite: false, noArchive: false, csvBom: false,
		});
		expect(JSON.stringify(stored)).not.toMatch(/password/i);

		// Saving the same name again needs --replace (names compared ignoring case).
		const again = await ccdl([...saveArgs.slice(0, 2), 'Weekly-Calls', ...saveArgs.slice(3)], env);
		expect(again.code).toBe(2);
		expect(expectOneSentence(again)).toBe('A saved search "weekly-calls" exists already (names are compared ignoring case); add --replace to replace it.');

		// Incomplete: refused, nothing written.
		const before = await readFile(file, 'utf8');
		const noCampaign = await ccdl(['search', 'save', 'all', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--date-rule', 'yesterday'], env);
		expect(noCampaign.code).toBe(2);
		expect(expectOneSentence(noCampaign)).toBe('The search "all" is incomplete and was not saved: no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see).');
		const noRule = await ccdl(['search', 'save', 'all', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns'], env);
		expect(expectOneSentence(noRule)).toBe('The search "all" is incomplete and was not saved: no date rule (give --date-rule, e.g. previous-7-days, or a fixed --from and --to).');
		const nothing = await ccdl(['search', 'save', 'all', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns', '--date-rule', 'today', '--mode', 'transcripts-only', '--transcripts', 'none'], env);
		expect(expectOneSentence(nothing)).toBe('The search "all" is incomplete and was not saved: nothing to export (--mode transcripts-only with --transcripts none; choose --transcripts json or xml).');
		const badTemplate = await ccdl(['search', 'save', 'all', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns', '--date-rule', 'today', '--template', '{callStart'], env);
		expect(expectOneSentence(badTemplate)).toMatch(/^The search "all" is incomplete and was not saved: a file-name template that does not parse \(.+\)\.$/);
		const badName = await ccdl(['search', 'save', 'my search', '--all-campaigns'], env);
		expect(expectOneSentence(badName)).toBe('A saved search\'s name may hold only letters a-z, digits, "-", "_" and "." (1 to 64, starting with a letter or digit), e.g. weekly-calls; "my search" does not.');
		expect(await readFile(file, 'utf8')).toBe(before);

		const monthly = await ccdl(['search', 'save', 'monthly', '--server', 'http://127.0.0.1:9', '--user', 'admin', '--all-campaigns', '--date-rule', 'previous-calendar-month', '--mode', 'metadata-only', '--out', '/srv/meta'], env);
		expect(monthly.code, monthly.stderr).toBe(0);

		const list = await ccdl(['search', 'list'], env);
		expect(list.code).toBe(0);
		expect(list.stdout).toBe([
			'NAME          DATES                    CAMPAIGNS      MODE           FOLDER',
			'monthly       previous-calendar-month  all campaigns  metadata-only  /srv/meta',
			'weekly-calls  previous-calendar-week   Sales, 101     full           /srv/calls',
			'',
		].join('\n'));
		const json = JSON.parse((await ccdl(['search', 'list', '--json'], env)).stdout) as {searches: Array<{name: string; missing: string[]}>};
		expect(json.searches.map(item => [item.name, item.missing])).toEqual([['monthly', []], ['weekly-calls', []]]);

		const show = await ccdl(['search', 'show', 'WEEKLY-CALLS'], env);
		expect(show.code).toBe(0);
		expect(show.stdout).toMatch(new RegExp([
			'^Search "weekly-calls"',
			'  server:      http://127\\.0\\.0\\.1:9',
			'  user:        admin',
			'  campaigns:   Sales, 101',
			'  channels:    voice',
			'  dates:       previous-calendar-week → now \\d{4}-\\d\\d-\\d\\d to \\d{4}-\\d\\d-\\d\\d \\(Europe/Budapest\\)',
			'  folder:      /srv/calls',
			'  template:    \\{campaignName\\}/\\{callStart:YYYY-MM\\}/\\{callId\\}',
			'  export:      full, transcripts json',
			'  run it with: ccdl run weekly-calls\n$',
		].join('\n')));
		const shown = JSON.parse((await ccdl(['search', 'show', 'monthly', '--json'], env)).stdout) as {range: {from: string; to: string}; missing: string[]};
		expect(shown.missing).toEqual([]);
		expect(Date.parse(shown.range.to)).toBeGreaterThan(Date.parse(shown.range.from));

		const unknown = await ccdl(['search', 'show', 'nope'], env);
		expect(expectOneSentence(unknown)).toBe('There is no saved search "nope"; saved: monthly, weekly-calls.');

		const deleted = await ccdl(['search', 'delete', 'monthly'], env);
		expect(deleted.stdout).toBe('Deleted the search "monthly".\n');
		expect((JSON.parse(await readFile(file, 'utf8')) as {searches: unknown[]}).searches).toHaveLength(1);
	});

	it('refuses a hand-edited search that became incomplete when it runs, before asking for a password', async () => {
		const {config, env} = await folders();
		expect((await ccdl(['search', 'save', 'nightly', '--server', 'http://127.0.0.1:9', '--user', 'admin', '-c', '101', '--date-rule', 'yesterday'], env)).code).toBe(0);
		const file = path.join(config, 'searches.json');
		const stored = JSON.parse(await readFile(file, 'utf8')) as {searches: Array<Record<string, unknown>>};
		stored.searches[0]!['campaigns'] = [];
		delete stored.searches[0]!['dateRule'];
		await writeFile(file, JSON.stringify(stored));
		const run = await ccdl(['run', 'nightly'], env);
		expect(run.code).toBe(2);
		expect(expectOneSentence(run)).toBe('The saved search "nightly" is incomplete and was not run: no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see); no date rule (give --date-rule, e.g. previous-7-days, or a fixed --from and --to); fix it with "ccdl search save nightly --replace …".');
	});

	it('reports a damaged or newer searches file in one sentence and leaves it alone', async () => {
		const {config, env} = await folders();
		const file = path.join(config, 'searches.json');
		await writeFile(file, '{"version": 1, "searches": [');
		const damaged = await ccdl(['search', 'list'], env);
		expect(damaged.code).toBe(2);
		expect(expectOneSentence(damaged)).toMatch(new RegExp(`^The saved searches file ${file.replaceAll('.', '\\.')} is damaged \\(not JSON: .+\\); fix it, or move it away to start again without them\\.$`));
		await writeFile(file, '{"version": 3, "searches": []}');
		const newer = await ccdl(['search', 'show', 'x'], env);
		expect(expectOneSentence(newer)).toBe(`The saved searches file ${file} was written by a newer ccdl (format 3; this one reads 1); update ccdl to use it.`);
		expect(await readFile(file, 'utf8')).toBe('{"version": 3, "searches": []}');
	});
});
