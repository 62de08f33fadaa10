/**
 * What to download and how to name it, from flags: the date range, campaigns (by name or ID), channels, the
 * archived and overwrite switches, the output folder and the file-name template. Shared by `list` and `download`.
 */
import os from 'node:os';
import path from 'node:path';
import type {ApiClient, RecordingQuery} from '../lib/api/client.js';
import {type Campaign, type Channel, channels} from '../lib/api/wire.js';
import type {TranscriptChoice} from '../lib/catalogue/contacts.js';
import {checkTimeZone, parseUserInstant, systemTimeZone} from '../lib/dates.js';
import type {PlanOptions} from '../lib/engine/plan.js';
import {UsageError} from '../lib/errors.js';
import {defaultDateFormat, defaultTemplate, formatDate, parseTemplate} from '../lib/naming/index.js';
import {visible} from '../lib/text/visible.js';

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
} as const;

export const selectionHelp = `Selection:
  --from DATE         calls starting on or after DATE (YYYY-MM-DD or "YYYY-MM-DD HH:MM", local time)
  --to DATE           calls starting up to DATE (a date includes that whole day)
  -c, --campaign X    campaign name or ID; repeat for several (default: all you may see)
  --channel C         voice, video, chat, email or social; repeat for several (default: all)
  --include-archived  also contacts already downloaded and marked archived
  --overwrite         replace same-named files (otherwise keep both, the new one with _2, _3, ...)
  -o, --out DIR       download folder (default ~/Downloads)
  -t, --template T    file-name template (default ${defaultTemplate})
                      fields: {callId} {recordId} {campaignId} {campaignName} {operatorId} {operatorName}
                      {phoneNumber} {terminationId} {terminationName} {callStart} {connectedAt} {callEnd}
                      {direction}; dates take a format: {callStart:YYYY-MM-DD}; "/" makes sub-folders
  --date-format F     date format for date fields (default ${defaultDateFormat})
  --timezone ZONE     time zone for dates typed and in names (default the system's, ${systemTimeZone()})
  --transcripts F     json, xml or none for chat, e-mail and social transcripts (default json)
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
}

export function defaultOutDir(): string {
	return path.join(os.homedir(), 'Downloads');
}

/** Checks everything that needs no server, so bad input fails before a password is asked. */
export function checkSelection(values: SelectionValues): {planOptions: Omit<PlanOptions, 'includeArchived'>; from?: Date; to?: Date; channels: Channel[]} {
	const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
	const from = values.from === undefined ? undefined : parseUserInstant('from', values.from, timeZone);
	const to = values.to === undefined ? undefined : parseUserInstant('to', values.to, timeZone);
	if (from && to && from >= to) {
		throw new UsageError(`The date range is empty: --from ${values.from} is not before --to ${values.to}.`);
	}

	for (const channel of values.channel) {
		if (!(channels as readonly string[]).includes(channel)) {
			throw new UsageError(`--channel ${channel} is not a channel; use ${channels.join(', ')}.`);
		}
	}

	const transcripts = values.transcripts ?? 'json';
	if (!['json', 'xml', 'none'].includes(transcripts)) {
		throw new UsageError(`--transcripts must be json, xml or none, not "${transcripts}".`);
	}

	const dateFormat = values['date-format'] ?? defaultDateFormat;
	// Rendering a sample proves the format before any listing.
	formatDate('2026-01-02T03:04:05Z', dateFormat, timeZone);
	const template = parseTemplate(values.template ?? defaultTemplate);
	return {
		planOptions: {
			outDir: path.resolve(values.out ?? defaultOutDir()),
			template,
			dateFormat,
			timeZone,
			overwrite: values.overwrite,
			transcripts: transcripts as TranscriptChoice,
		},
		...(from ? {from} : {}),
		...(to ? {to} : {}),
		channels: [...new Set(values.channel as Channel[])],
	};
}

/** Campaign names or IDs → IDs, against the campaigns this user may see. */
export function resolveCampaigns(wanted: readonly string[], available: readonly Campaign[]): string[] {
	const ids: string[] = [];
	for (const text of wanted) {
		const match = available.find(campaign => campaign.id === text)
			?? available.find(campaign => campaign.name === text)
			?? (() => {
				const loose = available.filter(campaign => campaign.name.toLocaleLowerCase() === text.toLocaleLowerCase());
				return loose.length === 1 ? loose[0] : undefined;
			})();
		if (!match) {
			const names = available.slice(0, 12).map(campaign => `${campaign.id} "${visible(campaign.name)}"`).join(', ');
			throw new UsageError(`No campaign "${visible(text)}" among those you may see (${names}${available.length > 12 ? ', …' : ''}).`);
		}

		ids.push(match.id);
	}

	return [...new Set(ids)];
}

export async function buildQuery(client: ApiClient, values: SelectionValues, checked: ReturnType<typeof checkSelection>, signal?: AbortSignal): Promise<RecordingQuery> {
	const campaigns = values.campaign.length > 0 ? resolveCampaigns(values.campaign, await client.campaigns(signal)) : [];
	return {
		...(checked.from ? {from: checked.from.toISOString()} : {}),
		...(checked.to ? {to: checked.to.toISOString()} : {}),
		campaigns,
		channels: checked.channels,
		// Archived contacts are always listed, so the plan can say how many it leaves out.
		includeArchived: true,
	};
}
