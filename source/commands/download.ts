/** `ccdl download`: the run pipeline from flags, headless — for terminals and cron. */
import type {RunRequest} from '../lib/run/request.js';
import {defaultMinimumSpeed} from '../lib/engine/transfer.js';
import {UsageError} from '../lib/errors.js';
import {checkLang, phrased} from '../lib/i18n/index.js';
import {prepareProfiles} from '../lib/profiles/run-profiles.js';
import {connectionHelp, connectionOptionSpecs, connectionTarget, readSecret} from './connection.js';
import {runHeadless} from './headless.js';
import {parseOptions} from './options.js';
import {profileOptionHelp, profileOptionSpecs} from './profile-options.js';
import {checkDestinationOptions, checkSelection, selectionHelp, selectionOptionSpecs} from './selection.js';

export const downloadHelp = `Usage: ccdl download [options]

Downloads every matching recording, screenshot and transcript to the destination. Each file is written under
a temporary name and takes its final name only after its length, SHA-256 digest and media type are checked; then
the contact is marked archived on the server. Ctrl-C stops cleanly; the same command again resumes.
A manifest (manifest.csv, manifest.jsonl) describes the folder. The run is recorded in the journal ("ccdl history"),
daily and per-run limits apply ("ccdl limits"), and two ccdl processes never download the same recording into the
same folder at once.

${connectionHelp}
${selectionHelp}
Run:
  --concurrency N     files at once when no download profile applies, 1-64 (default 8); a profile's
                      per-channel counts replace it (429/503 from the server still halve either)
${profileOptionHelp}  --no-archive        do not mark downloaded contacts archived on the server
  --csv-bom           start manifest.csv with a BOM (spreadsheet programs then show accents right)
  --delete-after      delete each recording on the platform once its files are validated, published and
                      journaled (platforms that allow it, e.g. twilio); never a failed one, never one whose
                      transcript was asked for and is missing; in the journal, the manifest and the history
  --dry-run           with --delete-after: download as usual, delete nothing, list what would be deleted
  --speed-limit B     a file whose body comes slower than B bytes/s for --speed-time seconds is cut and
  --speed-time S      retried, as curl does (default 1024 bytes/s for 60 s; 0 turns it off)
  --lang en|hu        language of what is printed for people (default from LC_ALL / LC_MESSAGES / LANG)
  --json              progress as JSON lines on stdout

Exit codes: 0 all valid, 1 some failed, 2 usage, 3 authentication, 4 server, 5 file system,
6 a limit left contacts for a later run, 130 interrupted.
`;

export const downloadOptionSpecs = {
	...connectionOptionSpecs,
	...selectionOptionSpecs,
	concurrency: {type: 'integer', min: 1, max: 64},
	...profileOptionSpecs,
	'no-archive': {type: 'boolean'},
	'csv-bom': {type: 'boolean'},
	'delete-after': {type: 'boolean'},
	'dry-run': {type: 'boolean'},
	'speed-limit': {type: 'integer', min: 0, max: 1_000_000_000},
	'speed-time': {type: 'integer', min: 1, max: 86_400},
	lang: {type: 'string'},
	json: {type: 'boolean'},
} as const;

export async function runDownload(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, downloadOptionSpecs, 'download');
	// Everything that needs no network is checked before the password is asked.
	const target = connectionTarget(values);
	checkLang(values.lang);
	const selection = checkSelection(values);
	await checkDestinationOptions(selection);
	const profiles = await prepareProfiles(values);
	if (values['dry-run'] && !values['delete-after']) {
		throw new UsageError(...phrased('cli.error.dry-run-alone'));
	}

	const request: RunRequest = {
		...target, ...selection, concurrency: values.concurrency ?? 8, profile: values.profile, archive: !values['no-archive'], csvBom: values['csv-bom'],
		deleteAfter: values['delete-after'], dryRun: values['dry-run'],
		...values['speed-limit'] === undefined && values['speed-time'] === undefined ? {} : {
			minimumSpeed: {bytesPerSecond: values['speed-limit'] ?? defaultMinimumSpeed.bytesPerSecond, seconds: values['speed-time'] ?? defaultMinimumSpeed.seconds},
		},
	};
	return runHeadless(request, await readSecret(values, target.username, target.platform), {json: values.json, profiles, lang: values.lang});
}
