/** `ccdl list`: the plan of a download, without downloading. */
import {listContacts} from '../lib/catalogue/listing.js';
import {buildPlan} from '../lib/engine/plan.js';
import {connect, connectionHelp, connectionOptionSpecs} from './connection.js';
import {parseOptions} from './options.js';
import {planSummaryLines, planTable, writePlanJson} from './plan-report.js';
import {buildQuery, checkSelection, selectionHelp, selectionOptionSpecs} from './selection.js';

export const listHelp = `Usage: ccdl list [options]

Shows what "ccdl download" with the same options would do: every contact with its file name, the counts by
campaign and channel, total size, free disk space, name collisions and files already on disk.

${connectionHelp}
${selectionHelp}
Output:
  --json              the plan as one JSON document on stdout
`;

const specs = {...connectionOptionSpecs, ...selectionOptionSpecs, json: {type: 'boolean'}} as const;

export async function runList(argv: string[]): Promise<number> {
	const {values} = parseOptions(argv, specs, 'list');
	const checked = checkSelection(values);
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
		if (values.json) {
			await writePlanJson(plan, process.stdout);
		} else {
			const width = process.stdout.isTTY ? process.stdout.columns : 160;
			process.stdout.write(`${[...planTable(plan, width), '', ...planSummaryLines(plan)].join('\n')}\n`);
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
