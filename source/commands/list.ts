/** `ccdl list`: the plan of a download, without downloading — the pipeline's plan step, shown. */
import {loginCompany, prepareProfiles, profileSummaryLines, profileUses, runProfiles} from '../lib/profiles/run-profiles.js';
import {listForRun, login, planRun} from '../lib/run/pipeline.js';
import type {RunRequest} from '../lib/run/request.js';
import {connectionHelp, connectionOptionSpecs, connectionTarget, readSecret} from './connection.js';
import {parseOptions} from './options.js';
import {checkLang, createTranslator} from '../lib/i18n/index.js';
import {isQuiet} from '../lib/output/verbosity.js';
import {planSummaryLines, planTable, planTsv, writePlanJson} from './plan-report.js';
import {profileOptionHelp, profileOptionSpecs} from './profile-options.js';
import {checkDestinationOptions, checkSelection, selectionHelp, selectionOptionSpecs} from './selection.js';

export const listHelp = `Usage: ccdl list [options]

Shows what "ccdl download" with the same options would do: every contact with its file name, the counts by
campaign and channel, total size, free disk space, name collisions and files already on disk.

${connectionHelp}
${selectionHelp}
Download profiles:
  --concurrency N     files at once when no profile applies, as for download (default 8; shown in the plan)
${profileOptionHelp}
Output:
  --json              the plan as one JSON document on stdout (with "profiles", and each item's "profile")
  --lang en|hu        language of the summary (default from LC_ALL / LC_MESSAGES / LANG)
`;

const specs = {
	...connectionOptionSpecs, ...selectionOptionSpecs, ...profileOptionSpecs, concurrency: {type: 'integer', min: 1, max: 64}, json: {type: 'boolean'},
	lang: {type: 'string'},
} as const;

export async function runList(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'list');
	const target = connectionTarget(values);
	const translator = createTranslator(checkLang(values.lang), 'UTC');
	const selection = checkSelection(values);
	await checkDestinationOptions(selection);
	const prepared = await prepareProfiles(values);
	const request: RunRequest = {...target, ...selection, concurrency: values.concurrency ?? 8, profile: values.profile, archive: true, csvBom: false};
	const secret = await readSecret(values, target.username, target.platform);
	const controller = new AbortController();
	const stop = () => {
		controller.abort();
	};

	process.once('SIGINT', stop);
	try {
		const source = await login(request, secret, controller.signal);
		const contacts = await listForRun(source, request, {signal: controller.signal});
		const plan = await planRun(contacts, request, {dryRun: true});
		await plan.sink.close();
		const profiles = runProfiles(prepared, loginCompany({company: request.company}, source));
		if (values.json) {
			await writePlanJson(plan, process.stdout, {uses: profileUses(plan, profiles), profileFor: profiles.profileFor});
		} else if (!process.stdout.isTTY) {
			// Piped (gh's habit): every value in full, one tab-separated row per file; the summary goes to stderr.
			process.stdout.write(`${planTsv(plan, {uses: [], profileFor: profiles.profileFor}).join('\n')}\n`);
			if (!isQuiet()) {
				process.stderr.write(`${[...planSummaryLines(plan, translator), ...profileSummaryLines(plan, profiles, request.concurrency)].join('\n')}\n`);
			}
		} else {
			const width = process.stdout.columns;
			const lines = [...planTable(plan, width), '', ...planSummaryLines(plan, translator), ...profileSummaryLines(plan, profiles, request.concurrency)];
			process.stdout.write(`${lines.join('\n')}\n`);
		}

		return 0;
	} catch (error) {
		if (controller.signal.aborted) {
			process.stderr.write('ccdl: interrupted.\n');
			return 130;
		}

		throw error;
	} finally {
		process.off('SIGINT', stop);
	}
}
