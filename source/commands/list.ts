/** `ccdl list`: the plan of a download, without downloading — the pipeline's plan step, shown. */
import {loginCompany, prepareProfiles, ProfileTally, profileSummaryLines, profileUses, runProfiles} from '../lib/profiles/run-profiles.js';
import {login, planListing, planToShow} from '../lib/run/pipeline.js';
import {listingWait} from './progress.js';
import type {RunRequest} from '../lib/run/request.js';
import {connectionHelp, connectionOptionSpecs, connectionTarget, readSecret} from './connection.js';
import {parseOptions} from './options.js';
import {checkLang, createTranslator} from '../lib/i18n/index.js';
import {Spool} from '../lib/output/spool.js';
import {isQuiet} from '../lib/output/verbosity.js';
import {figuresOf, PlanJsonWriter, planSummaryLines, planTable, planTsvHeader, planTsvRows} from './plan-report.js';
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
	let spool: Spool | undefined;
	try {
		const source = await login(request, secret, controller.signal);
		const profiles = runProfiles(prepared, loginCompany({company: request.company}, source));
		const jsonProfiles = {profileFor: profiles.profileFor};
		if (values.json || !process.stdout.isTTY) {
			// For machines: every page is written out as it is planned, and only the plan's totals are kept, so a
			// listing of a million recordings goes through in bounded memory. Out to a spool first: stdout gets the
			// whole plan once it is complete, or nothing.
			spool = await Spool.open();
			const out = spool.write;
			const json = values.json ? new PlanJsonWriter(out, jsonProfiles) : undefined;
			const tally = new ProfileTally(profiles);
			let contactCount = 0;
			let fileCount = 0;
			let replacing = false;
			// Piped (gh's habit): every value in full, one tab-separated row per file; the summary goes to stderr.
			if (!json) {
				await out(`${planTsvHeader}\n`);
			}

			const totals = await planListing(source, request, async page => {
				contactCount += page.contacts.length;
				fileCount += page.files.length;
				for (const file of page.files) {
					tally.add(file);
					replacing ||= file.replaces;
				}

				if (json) {
					await json.items(page.files);
				} else {
					const rows = planTsvRows(page, jsonProfiles);
					if (rows.length > 0) {
						await out(`${rows.join('\n')}\n`);
					}
				}
			}, {signal: controller.signal, dryRun: true, onWait: listingWait(translator)});
			await totals.sink.close();
			const figures = {...totals, contactCount, fileCount, replacing};
			if (json) {
				await json.end(figures, tally.uses);
			}

			await spool.deliver(process.stdout);
			spool = undefined;
			if (!json && !isQuiet()) {
				process.stderr.write(`${[...planSummaryLines(figures, translator), ...profileSummaryLines(tally.uses, request.concurrency)].join('\n')}\n`);
			}
		} else {
			const plan = await planToShow(source, request, {signal: controller.signal, dryRun: true, onWait: listingWait(translator)});
			await plan.sink.close();
			const width = process.stdout.columns;
			const lines = [...planTable(plan, width), '', ...planSummaryLines(figuresOf(plan), translator), ...profileSummaryLines(profileUses(plan, profiles), request.concurrency)];
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
		await spool?.discard();
		process.off('SIGINT', stop);
	}
}
