/** `ccdl download`: plan, transfer, validate, archive, and write the manifest — headless, for terminals and cron. */
import {listContacts} from '../lib/catalogue/listing.js';
import {buildPlan} from '../lib/engine/plan.js';
import {DownloadRun, type RunSummary} from '../lib/engine/run.js';
import {CcdlError, exitCodes, formatBytes} from '../lib/errors.js';
import {manifestRows, writeManifest} from '../lib/export/manifest.js';
import {visible} from '../lib/text/visible.js';
import {connect, connectionHelp, connectionOptionSpecs} from './connection.js';
import {parseOptions} from './options.js';
import {planSummaryLines} from './plan-report.js';
import {type ProgressMode, reportProgress} from './progress.js';
import {loginCompany, prepareProfiles, profileOptionHelp, profileOptionSpecs, profileSummaryLines, runProfiles} from './run-profiles.js';
import {buildQuery, checkSelection, selectionHelp, selectionOptionSpecs} from './selection.js';

export const downloadHelp = `Usage: ccdl download [options]

Downloads every matching recording, screenshot and transcript into the output folder. Each file is written under
a temporary name and takes its final name only after its length, SHA-256 digest and media type are checked; then
the contact is marked archived on the server. Ctrl-C stops cleanly; the same command again resumes.
A manifest (manifest.csv, manifest.jsonl) describes the folder.

${connectionHelp}
${selectionHelp}
Run:
  --concurrency N     files at once when no download profile applies, 1-64 (default 8); a profile's
                      per-channel counts replace it (429/503 from the server still halve either)
${profileOptionHelp}  --no-archive        do not mark downloaded contacts archived on the server
  --csv-bom           start manifest.csv with a BOM (spreadsheet programs then show accents right)
  --json              progress as JSON lines on stdout

Exit codes: 0 all valid, 1 some failed, 2 usage, 3 authentication, 4 server, 5 file system, 130 interrupted.
`;

export const downloadOptionSpecs = {
	...connectionOptionSpecs,
	...selectionOptionSpecs,
	concurrency: {type: 'integer', min: 1, max: 64},
	...profileOptionSpecs,
	'no-archive': {type: 'boolean'},
	'csv-bom': {type: 'boolean'},
	json: {type: 'boolean'},
} as const;

function summaryLines(summary: RunSummary, outDir: string, manifest: string): string[] {
	const seconds = summary.durationMs / 1000;
	const byProfile = summary.outcomes.filter(outcome => outcome.skipReason === 'profile').length;
	const lines = [
		`${summary.interrupted ? 'Interrupted' : 'Done'}: ${summary.valid} valid, ${summary.skipped - byProfile} already there, `
		+ `${byProfile ? `${byProfile} skipped by profile, ` : ''}${summary.failed} failed; `
		+ `${formatBytes(summary.bytesTransferred)} in ${seconds.toFixed(1)} s → ${outDir}`,
		`Manifest: ${manifest}`,
	];
	for (const outcome of summary.outcomes.filter(item => item.state === 'failed')) {
		lines.push(`  failed: ${visible(outcome.file.relativePath)}: ${visible(outcome.reason ?? '')}`);
	}

	for (const [contactId, reason] of summary.archiveFailures) {
		lines.push(`  not marked archived: contact ${visible(contactId)}: ${visible(reason)}`);
	}

	if (summary.interrupted) {
		lines.push('Run the same command again to finish; bytes already downloaded are kept.');
	}

	return lines;
}

export async function runDownload(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, downloadOptionSpecs, 'download');
	const checked = checkSelection(values);
	const prepared = await prepareProfiles(values);
	const controller = new AbortController();
	let run: DownloadRun | undefined;
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) {
			process.stderr.write('\nccdl: stopped at once; partial files are kept for the next run.\n');
			process.exit(exitCodes.interrupted);
		}

		process.stderr.write('\nccdl: stopping — finishing bookkeeping (Ctrl-C again to quit at once)…\n');
		controller.abort();
		run?.cancel();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		const client = await connect(values, controller.signal);
		const query = await buildQuery(client, values, checked, controller.signal);
		const contacts = await listContacts(client, query, {signal: controller.signal});
		const plan = await buildPlan(contacts, {...checked.planOptions, includeArchived: values['include-archived']});
		const mode: ProgressMode = values.json ? 'json' : process.stderr.isTTY ? 'live' : 'lines';
		const concurrency = values.concurrency ?? 8;
		const profiles = runProfiles(prepared, loginCompany(values, client));
		if (!values.json) {
			process.stderr.write(`${[...planSummaryLines(plan), ...profileSummaryLines(plan, profiles, concurrency)].join('\n')}\n`);
		}

		run = new DownloadRun(client, plan, {
			concurrency,
			...(profiles.any ? {profileFor: profiles.profileFor} : {}),
			overwrite: values.overwrite,
			archive: !values['no-archive'],
			signal: controller.signal,
		});
		const stopReporting = reportProgress(run, mode);
		const summary = await run.start();
		stopReporting();
		const {csv} = await writeManifest(plan.outDir, manifestRows(plan, summary), {bom: values['csv-bom']});
		if (values.json) {
			process.stdout.write(`${JSON.stringify({
				type: 'summary', valid: summary.valid, skipped: summary.skipped,
				skippedByProfile: summary.outcomes.filter(outcome => outcome.skipReason === 'profile').length, failed: summary.failed, interrupted: summary.interrupted,
				archiveFailures: summary.archiveFailures.size, bytesTransferred: summary.bytesTransferred, durationMs: summary.durationMs,
				outDir: plan.outDir, manifest: csv,
			})}\n`);
		} else {
			process.stderr.write(`${summaryLines(summary, plan.outDir, csv).join('\n')}\n`);
		}

		if (summary.fatal) {
			throw summary.fatal;
		}

		if (summary.interrupted) {
			return exitCodes.interrupted;
		}

		return summary.failed > 0 || summary.archiveFailures.size > 0 ? exitCodes.someFailed : exitCodes.ok;
	} catch (error) {
		if (controller.signal.aborted && !(error instanceof CcdlError)) {
			process.stderr.write('ccdl: interrupted before the download started.\n');
			return exitCodes.interrupted;
		}

		throw error;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}
