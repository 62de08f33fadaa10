/** `ccdl list`: the plan of a download, without downloading. */
import {listContacts} from '../lib/catalogue/listing.js';
import {buildPlan} from '../lib/engine/plan.js';
import {connect, connectionHelp, connectionOptionSpecs} from './connection.js';
import {parseOptions} from './options.js';
import {planSummaryLines, planTable, writePlanJson} from './plan-report.js';
import {loginCompany, prepareProfiles, profileOptionHelp, profileOptionSpecs, profileSummaryLines, profileUses, runProfiles} from './run-profiles.js';
import {buildQuery, checkSelection, selectionHelp, selectionOptionSpecs} from './selection.js';

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
`;

const specs = {
	...connectionOptionSpecs, ...selectionOptionSpecs, ...profileOptionSpecs, concurrency: {type: 'integer', min: 1, max: 64}, json: {type: 'boolean'},
} as const;

export async function runList(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'list');
	const checked = checkSelection(values);
	const prepared = await prepareProfiles(values);
	const controller = new AbortController();
	const stop = () => {
		controller.abort();
	};

	process.once('SIGINT', stop);
	try {
		const client = await connect(values, controller.signal);
		const query = await buildQuery(client, values, checked, controller.signal);
		const contacts = await listContacts(client, query, {signal: controller.signal});
		const plan = await buildPlan(contacts, {...checked.planOptions, includeArchived: values['include-archived'], dryRun: true});
		const profiles = runProfiles(prepared, loginCompany(values, client));
		if (values.json) {
			await writePlanJson(plan, process.stdout, {uses: profileUses(plan, profiles), profileFor: profiles.profileFor});
		} else {
			const width = process.stdout.isTTY ? process.stdout.columns : 160;
			const lines = [...planTable(plan, width), '', ...planSummaryLines(plan), ...profileSummaryLines(plan, profiles, values.concurrency ?? 8)];
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
