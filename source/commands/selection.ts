/**
 * What to download and how to name it, from flags: the date range, campaigns (by name or ID), channels, the
 * archived and overwrite switches, the output folder and the file-name template. Shared by `list` and `download`.
 */
import os from 'node:os';
import path from 'node:path';
import {checkTimeZone, parseUserInstant, systemTimeZone} from '../lib/dates.js';
import {UsageError} from '../lib/errors.js';
import {phrased} from '../lib/i18n/index.js';
import {defaultDateFormat, defaultTemplate, formatDate, parseTemplate} from '../lib/naming/index.js';
import type {RunRequest} from '../lib/run/request.js';
import {exportModes, type ExportMode} from '../lib/searches/model.js';
import {validateRecipients} from '../lib/sinks/encrypt/encrypting-sink.js';
import {isRemoteDestination} from '../lib/sinks/registry.js';
import {localDestination} from '../lib/text/paths.js';
import {type Channel, channels, type TranscriptChoice} from '../lib/sources/model.js';

export const selectionOptionSpecs = {
	from: {type: 'string'},
	to: {type: 'string'},
	campaign: {type: 'strings', short: 'c'},
	channel: {type: 'strings'},
	'include-archived': {type: 'boolean'},
	overwrite: {type: 'boolean'},
	out: {type: 'string', short: 'o'},
	template: {type: 'string', short: 't'},
	'date-format': {type: 'string'},
	timezone: {type: 'string'},
	transcripts: {type: 'string'},
	mode: {type: 'string'},
	'encrypt-to': {type: 'strings'},
	's3-endpoint': {type: 'string'},
	'sftp-identity': {type: 'string'},
	'group-readable': {type: 'boolean'},
} as const;

export const selectionHelp = `Selection:
  --from DATE         calls starting on or after DATE (YYYY-MM-DD or "YYYY-MM-DD HH:MM", local time)
  --to DATE           calls starting up to DATE (a date includes that whole day)
  -c, --campaign X    campaign name or ID; repeat for several (default: all you may see)
  --channel C         voice, video, chat, email or social; repeat for several (default: all)
  --include-archived  also contacts already downloaded and marked archived
  --overwrite         replace same-named files (otherwise keep both, the new one with _2, _3, ...)
  -o, --out DEST      download folder (default ~/Downloads), or s3://bucket/prefix, or
                      sftp://user@host[:port]/path (keys from the SSH agent or ~/.ssh; known_hosts checked)
  --encrypt-to KEY    encrypt every file to this age recipient (age1…; repeatable): files get .age after
                      their name; the manifest keeps both digests and stays readable
  --s3-endpoint URL   an S3-compatible endpoint (else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL; credentials
                      from the AWS SDK's usual chain: environment, ~/.aws files, profiles)
  --sftp-identity F   private key for sftp:// (else the agent, ~/.ssh/id_ed25519, ~/.ssh/id_rsa;
                      a password only from CCDL_SFTP_PASSWORD)
  --group-readable    files 0640 and folders 0750 instead of owner-only 0600/0700 (shared folders)
  -t, --template T    file-name template (default ${defaultTemplate})
                      fields: {callId} {recordId} {campaignId} {campaignName} {operatorId} {operatorName}
                      {phoneNumber} {terminationId} {terminationName} {callStart} {connectedAt} {callEnd}
                      {direction}; dates take a format: {callStart:YYYY-MM-DD}; "/" makes sub-folders
  --date-format F     date format for date fields (default ${defaultDateFormat})
  --timezone ZONE     time zone for dates typed and in names (default the system's, ${systemTimeZone()})
  --transcripts F     json, xml or none for chat, e-mail and social transcripts (default json)
  --mode M            full (default), transcripts-only, or metadata-only (the manifest alone)
`;

export interface SelectionValues {
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
	mode: string | undefined;
	'encrypt-to'?: string[];
	's3-endpoint'?: string | undefined;
	'sftp-identity'?: string | undefined;
	'group-readable'?: boolean;
}

export function defaultOutDir(): string {
	return path.join(os.homedir(), 'Downloads');
}

/** What the selection flags ask for: the request's fields that need no server. */
export type Selection = Pick<RunRequest, 'from' | 'to' | 'timeZone' | 'campaigns' | 'channels' | 'includeArchived' | 'overwrite' | 'out' | 'template' | 'dateFormat' | 'transcripts' | 'mode' | 'sinkOptions'>;

/** A destination as typed: a folder (resolved; a literal `~` is refused, the shell did not expand it) or a URL. */
export function checkDestination(out: string | undefined): string {
	if (out === undefined) {
		return defaultOutDir();
	}

	if (isRemoteDestination(out)) {
		return out;
	}

	return localDestination(out, '--out');
}

/** Checks everything that needs no server, so bad input fails before a password is asked. */
export function checkSelection(values: SelectionValues): Selection {
	const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
	const from = values.from === undefined ? undefined : parseUserInstant('from', values.from, timeZone);
	const to = values.to === undefined ? undefined : parseUserInstant('to', values.to, timeZone);
	if (from && to && from >= to) {
		throw new UsageError(...phrased('cli.error.empty-range', {from: values.from!, to: values.to!}));
	}

	for (const channel of values.channel) {
		if (!(channels as readonly string[]).includes(channel)) {
			throw new UsageError(...phrased('cli.error.channel', {value: channel, list: channels.join(', ')}));
		}
	}

	const transcripts = values.transcripts ?? 'json';
	if (!['json', 'xml', 'none'].includes(transcripts)) {
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--transcripts', allowed: {key: 'cli.part.allowed.or', params: {first: 'json, xml', last: 'none'}}, value: transcripts}));
	}

	const mode = values.mode ?? 'full';
	if (!(exportModes as readonly string[]).includes(mode)) {
		throw new UsageError(...phrased('cli.error.must-be', {flag: '--mode', allowed: exportModes.join(', '), value: mode}));
	}

	const dateFormat = values['date-format'] ?? defaultDateFormat;
	// Rendering a sample proves the format before any listing.
	formatDate('2026-01-02T03:04:05Z', dateFormat, timeZone);
	const template = values.template ?? defaultTemplate;
	parseTemplate(template);
	return {
		from, to, timeZone,
		campaigns: [...new Set(values.campaign)],
		channels: [...new Set(values.channel as Channel[])],
		includeArchived: values['include-archived'],
		overwrite: values.overwrite,
		out: checkDestination(values.out),
		template,
		dateFormat,
		transcripts: transcripts as TranscriptChoice,
		mode: mode as ExportMode,
		sinkOptions: {
			...values['encrypt-to']?.length ? {encryptTo: values['encrypt-to']} : {},
			...values['s3-endpoint'] ? {s3Endpoint: values['s3-endpoint']} : {},
			...values['sftp-identity'] ? {sftpIdentity: path.resolve(values['sftp-identity'])} : {},
			...values['group-readable'] ? {fileMode: 0o640} : {},
		},
	};
}

/** Checks what needs no server but is slow to check (age recipients), before the password is asked. */
export async function checkDestinationOptions(selection: Selection): Promise<void> {
	if (selection.sinkOptions?.encryptTo) {
		await validateRecipients(selection.sinkOptions.encryptTo);
	}
}
