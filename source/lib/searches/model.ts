/**
 * Saved searches: a named filter set (campaigns, channels, a date rule) with the file-name template, the folder and
 * the options of a download (archived, overwrite, transcripts, mode…) and the connection (server, user — never a
 * password). A search that is not fully configured is refused, naming the missing part, when it is saved and again
 * when it is run (after the seed's bulk export, whose scheduled exports fail on a half-configured filter).
 */
import os from 'node:os';
import path from 'node:path';
import {localDestination} from '../text/paths.js';
import {type AudioFormat, audioFormats, type Channel, channels} from '../sources/model.js';
import {companyUrl} from '../sources/company-url.js';
import {platformInfo} from '../sources/registry.js';
import {isRemoteDestination, unsupportedDestination} from '../sinks/registry.js';
import {checkTimeZone} from '../dates.js';
import {UsageError} from '../errors.js';
import {phrased} from '../i18n/index.js';
import {defaultDateFormat, formatDate, parseTemplate} from '../naming/index.js';
import {type DateRule, dateRuleHelp, formatDateRule, parseDateRule, resolveDateRule, type ResolvedRange} from './date-rules.js';

export type ExportMode = 'full' | 'metadata-only' | 'transcripts-only';
export const exportModes: readonly ExportMode[] = ['full', 'metadata-only', 'transcripts-only'];
export type TranscriptSetting = 'json' | 'xml' | 'none';

export interface SavedSearch {
	name: string;
	/** The platform's key (ccm, twilio, webex-cc). @default 'ccm' */
	platform?: string;
	/** Where and as whom (no password, ever). One of server and company is needed (a vendor platform has a default). */
	server?: string;
	company?: string;
	user?: string;
	/** Campaign names or IDs, as given; empty means every campaign the user may see, which `allCampaigns` must say. */
	campaigns: string[];
	allCampaigns: boolean;
	/** Empty: every channel. */
	channels: Channel[];
	/** A relative rule (previous-7-days, …) or a fixed FROM..TO. */
	dateRule?: string;
	/** The zone the rule and the names are read in (saved explicitly, so cron's zone cannot change the meaning). */
	timeZone: string;
	includeArchived: boolean;
	overwrite: boolean;
	outDir: string;
	template: string;
	dateFormat?: string;
	transcripts: TranscriptSetting;
	/** full: recordings, screenshots and transcripts; transcripts-only; metadata-only (the manifest alone). */
	mode: ExportMode;
	concurrency?: number;
	profile?: string;
	noArchive: boolean;
	csvBom: boolean;
	/** mp3 or wav where the platform offers both. */
	audioFormat?: AudioFormat;
	/** How the destination is written: age recipients, an S3 endpoint, an SFTP key file, group-readable files. No secrets. */
	encryptTo?: string[];
	s3Endpoint?: string;
	sftpIdentity?: string;
	groupReadable?: boolean;
	createdAt: string;
	updatedAt: string;
}

/** A vendor platform's public API base, which a search then need not name. */
function platformDefault(platform: string | undefined): string | undefined {
	return platform ? platformInfo(platform).defaultServer : undefined;
}

/** A known platform's key (a usage error otherwise). */
function platformKey(platform: string): string {
	platformInfo(platform);
	return platform;
}

/** A search that lacks a part (or has one that cannot work); `missing` lists each, as a phrase. Exit code 2. */
export class IncompleteSearchError extends UsageError {
	readonly missing: string[];

	constructor(message: string, missing: string[]) {
		super(message);
		this.name = 'IncompleteSearchError';
		this.missing = missing;
	}
}

const namePattern = /^[A-Za-z\d][\w.-]{0,63}$/;

/** Search names go into crontab lines and systemd unit names: ASCII letters, digits, "-", "_" and ".". */
export function checkSearchName(raw: string): string {
	const name = raw.trim();
	if (!namePattern.test(name)) {
		throw new UsageError(`A saved search's name may hold only letters a-z, digits, "-", "_" and "." (1 to 64, starting with a letter or digit), e.g. weekly-calls; "${raw}" does not.`);
	}

	return name;
}

export function foldSearchName(name: string): string {
	return name.toLowerCase();
}

/**
 * Every missing or unusable part of a search, as phrases ("no campaigns (…)"); empty when it can run.
 * Checks only what needs no server: names of campaigns are checked against the server when it runs.
 */
export function missingParts(search: SavedSearch): string[] {
	const missing: string[] = [];
	if (!search.server && !search.company && !platformDefault(search.platform)) {
		missing.push('no server (give --server URL or --company NAME)');
	}

	if (!search.user) {
		missing.push('no user (give --user NAME)');
	}

	if (search.campaigns.some(campaign => campaign.trim() === '')) {
		missing.push('a campaign with no value (each --campaign needs a name or an ID)');
	} else if (search.campaigns.length === 0 && !search.allCampaigns) {
		missing.push('no campaigns (name them with --campaign, or say --all-campaigns to take every campaign you may see)');
	} else if (search.campaigns.length > 0 && search.allCampaigns) {
		missing.push('both campaigns and --all-campaigns (keep one of them)');
	}

	const badChannel = search.channels.find(channel => !(channels as readonly string[]).includes(channel));
	if (badChannel !== undefined) {
		missing.push(badChannel.trim() === '' ? 'a channel with no value (use voice, video, chat, email or social)' : `an unknown channel "${badChannel}" (use ${channels.join(', ')})`);
	}

	let zoneOk = true;
	try {
		checkTimeZone(search.timeZone);
	} catch {
		zoneOk = false;
		missing.push(`an unknown time zone "${search.timeZone}" (use an IANA name such as Europe/Budapest)`);
	}

	if (search.dateRule === undefined || search.dateRule.trim() === '') {
		missing.push('no date rule (give --date-rule, e.g. previous-7-days, or a fixed --from and --to)');
	} else {
		try {
			const rule = parseDateRule(search.dateRule);
			if (zoneOk) {
				resolveDateRule(rule, new Date(), search.timeZone);
			}
		} catch (error) {
			missing.push(`an unusable date rule (${(error as Error).message.replace(/\.$/, '')})`);
		}
	}

	try {
		parseTemplate(search.template);
	} catch (error) {
		missing.push(`a file-name template that does not parse (${(error as Error).message.replace(/\.$/, '')})`);
	}

	try {
		formatDate('2026-01-02T03:04:05Z', search.dateFormat ?? defaultDateFormat, 'UTC');
	} catch (error) {
		missing.push(`a date format that does not work (${(error as Error).message.replace(/\.$/, '')})`);
	}

	if (!['json', 'xml', 'none'].includes(search.transcripts)) {
		missing.push(`a transcript format "${search.transcripts}" (use json, xml or none)`);
	}

	if (!exportModes.includes(search.mode)) {
		missing.push(`a mode "${search.mode}" (use full, metadata-only or transcripts-only)`);
	} else if (search.mode === 'transcripts-only' && search.transcripts === 'none') {
		missing.push('nothing to export (--mode transcripts-only with --transcripts none; choose --transcripts json or xml)');
	}

	// A remote destination (s3://, sftp://) is saved as given; only a folder must be absolute.
	const unsupported = unsupportedDestination(search.outDir);
	if (unsupported) {
		missing.push(`a destination that cannot be used (${unsupported})`);
	} else if (!isRemoteDestination(search.outDir) && !path.isAbsolute(search.outDir)) {
		missing.push(`a folder that is not an absolute path ("${search.outDir}")`);
	}

	return missing;
}

/** Throws an IncompleteSearchError naming every missing part; `when` says what was refused. */
export function checkComplete(search: SavedSearch, when: 'save' | 'run' | 'schedule'): void {
	const missing = missingParts(search);
	if (missing.length === 0) {
		return;
	}

	const message = when === 'save'
		? `The search "${search.name}" is incomplete and was not saved: ${missing.join('; ')}.`
		: `The saved search "${search.name}" is incomplete and ${when === 'run' ? 'was not run' : 'cannot be scheduled'}: ${missing.join('; ')}; fix it with "ccdl search save ${search.name} --replace …".`;
	throw new IncompleteSearchError(message, missing);
}

/** The flags `ccdl search save` reads (those of `ccdl download`, less the password ones, plus the search's own). */
export interface SearchFlags {
	platform?: string | undefined;
	'audio-format'?: string | undefined;
	'encrypt-to'?: string[];
	's3-endpoint'?: string | undefined;
	'sftp-identity'?: string | undefined;
	'group-readable'?: boolean;
	server: string | undefined;
	company: string | undefined;
	user: string | undefined;
	from: string | undefined;
	to: string | undefined;
	campaign: string[];
	channel: string[];
	'include-archived': boolean;
	overwrite: boolean;
	out: string | undefined;
	template: string | undefined;
	'date-format': string | undefined;
	timezone: string | undefined;
	transcripts: string | undefined;
	'date-rule': string | undefined;
	'all-campaigns': boolean;
	mode: string | undefined;
	concurrency: number | undefined;
	profile: string | undefined;
	'no-archive': boolean;
	'csv-bom': boolean;
}

export interface SearchDefaults {
	env?: NodeJS.ProcessEnv;
	timeZone: string;
	template: string;
	now?: Date;
	homeDir?: string;
}

/** A search from flags, filled from the environment (CCDL_SERVER, CCDL_COMPANY, CCDL_USER) and defaults; not yet checked. */
export function searchFromFlags(name: string, flags: SearchFlags, defaults: SearchDefaults): SavedSearch {
	const env = defaults.env ?? process.env;
	if (flags['date-rule'] !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
		throw new UsageError('Give either --date-rule or a fixed --from and --to, not both.');
	}

	let dateRule = flags['date-rule'];
	if (dateRule === undefined && (flags.from !== undefined || flags.to !== undefined)) {
		if (flags.from === undefined) {
			throw new IncompleteSearchError(`The search "${name}" is incomplete and was not saved: the start of the fixed date range (--from).`, ['the start of the fixed date range (--from)']);
		}

		if (flags.to === undefined) {
			throw new IncompleteSearchError(`The search "${name}" is incomplete and was not saved: the end of the fixed date range (--to).`, ['the end of the fixed date range (--to)']);
		}

		dateRule = `${flags.from}..${flags.to}`;
	}

	if (dateRule !== undefined && dateRule.trim() !== '') {
		try {
			dateRule = formatDateRule(parseDateRule(dateRule));
		} catch {
			// Kept as typed: the completeness check names the problem.
		}
	}

	const company = flags.company ?? env['CCDL_COMPANY'];
	// A company resolved through CCDL_COMPANY_URL is saved as the server it named: cron runs without that variable,
	// and would otherwise take the password to the company's default address instead.
	const platform = flags.platform ?? env['CCDL_PLATFORM'];
	const server = flags.server ?? env['CCDL_SERVER']
		?? (company && env['CCDL_COMPANY_URL'] && (!platform || platform === 'ccm') ? companyUrl(company, env['CCDL_COMPANY_URL']) : undefined);
	const user = flags.user ?? env['CCDL_USER'];
	const now = (defaults.now ?? new Date()).toISOString();
	const audioFormat = flags['audio-format'];
	if (audioFormat !== undefined && !(audioFormats as readonly string[]).includes(audioFormat)) {
		const allowed = {key: 'cli.part.allowed.or', params: {first: audioFormats.slice(0, -1).join(' or '), last: audioFormats.at(-1)!}};
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--audio-format', allowed, value: audioFormat}));
	}

	return {
		name,
		...platform && platform !== 'ccm' ? {platform: platformKey(platform)} : {},
		...server ? {server} : {},
		...company ? {company} : {},
		...user ? {user} : {},
		campaigns: [...new Set(flags.campaign)],
		allCampaigns: flags['all-campaigns'],
		channels: [...new Set(flags.channel)] as Channel[],
		...dateRule === undefined ? {} : {dateRule},
		timeZone: flags.timezone ?? defaults.timeZone,
		includeArchived: flags['include-archived'],
		overwrite: flags.overwrite,
		// A remote destination is kept as typed; a folder is made absolute (cron runs elsewhere).
		outDir: flags.out === undefined ? path.join(defaults.homeDir ?? os.homedir(), 'Downloads') : isRemoteDestination(flags.out) ? flags.out : localDestination(flags.out, '--out'),
		template: flags.template ?? defaults.template,
		...flags['date-format'] === undefined ? {} : {dateFormat: flags['date-format']},
		transcripts: (flags.transcripts ?? 'json') as TranscriptSetting,
		mode: (flags.mode ?? 'full') as ExportMode,
		...flags.concurrency === undefined ? {} : {concurrency: flags.concurrency},
		...flags.profile === undefined ? {} : {profile: flags.profile},
		noArchive: flags['no-archive'],
		csvBom: flags['csv-bom'],
		...audioFormat ? {audioFormat: audioFormat as AudioFormat} : {},
		...flags['encrypt-to']?.length ? {encryptTo: [...new Set(flags['encrypt-to'])]} : {},
		...flags['s3-endpoint'] ? {s3Endpoint: flags['s3-endpoint']} : {},
		...flags['sftp-identity'] ? {sftpIdentity: path.resolve(flags['sftp-identity'])} : {},
		...flags['group-readable'] ? {groupReadable: true} : {},
		createdAt: now,
		updatedAt: now,
	};
}

/** The date range of a (complete) search for a run at `now`. */
export function searchRange(search: SavedSearch, now: Date): {rule: DateRule; range: ResolvedRange} {
	const rule = parseDateRule(search.dateRule ?? '');
	return {rule, range: resolveDateRule(rule, now, search.timeZone)};
}

/** What `ccdl search show` and the journal's filter say about a search, line by line. */
export function describeSearch(search: SavedSearch, now: Date = new Date()): string[] {
	let range = '';
	try {
		range = ` → now ${searchRange(search, now).range.description.replace(/ \(.*\)$/, '')}`;
	} catch {
		// An incomplete search shows its rule as it is.
	}

	return [
		`Search "${search.name}"`,
		...search.platform ? [`  platform:    ${search.platform}`] : [],
		`  server:      ${search.server ?? (search.company ? `company ${search.company}` : platformDefault(search.platform) ?? '(none)')}`,
		`  user:        ${search.user ?? '(none)'}`,
		`  campaigns:   ${search.allCampaigns ? 'all you may see' : search.campaigns.length > 0 ? search.campaigns.join(', ') : '(none)'}`,
		`  channels:    ${search.channels.length > 0 ? search.channels.join(', ') : 'all'}`,
		`  dates:       ${search.dateRule ?? '(none)'}${range} (${search.timeZone})`,
		`  folder:      ${search.outDir}${search.encryptTo?.length ? `, encrypted to ${search.encryptTo.length} age recipient${search.encryptTo.length === 1 ? '' : 's'}` : ''}`,
		`  template:    ${search.template}${search.dateFormat ? ` (dates ${search.dateFormat})` : ''}`,
		`  export:      ${search.mode}, transcripts ${search.transcripts}${search.includeArchived ? ', archived too' : ''}${search.overwrite ? ', overwrite' : ''}${search.noArchive ? ', not marked archived' : ''}`,
		...search.profile || search.concurrency || search.csvBom ? [`  run:         ${[
			...search.profile ? [`profile ${search.profile}`] : [],
			...search.concurrency ? [`concurrency ${search.concurrency}`] : [],
			...search.csvBom ? ['CSV with BOM'] : [],
		].join(', ')}`] : [],
	];
}

export {dateRuleHelp};
