/**
 * Narrowing a plan after it is built: to the contacts a limit allows, without the contacts another process is
 * downloading into the same folder, or to some kinds of file (transcripts only, metadata only). The totals the plan
 * reports (bytes, counts by campaign and channel, identical files) are recomputed; names stay as planned.
 */
import type {Channel} from '../api/wire.js';
import type {Plan, PlannedFile} from '../engine/plan.js';
import {filterList} from '../runtime/spool.js';

/**
 * The plan with only the contacts `keepContact` accepts and, of theirs, the files `keepFile` accepts. A plan held
 * in arrays stays so (the app's); a download's spooled plan is filtered as it is read.
 */
export function narrowPlan<P extends Plan>(plan: P, keepContact: (contactId: string) => boolean, keepFile: (file: PlannedFile) => boolean = () => true): P {
	const contacts = filterList(plan.contacts, contact => keepContact(contact.id));
	const files = filterList(plan.files, file => keepContact(file.contactId) && keepFile(file));
	const byCampaign: Record<string, number> = {};
	const byChannel: Partial<Record<Channel, number>> = {};
	let recycled = 0;
	for (const contact of contacts) {
		byCampaign[contact.campaignName] = (byCampaign[contact.campaignName] ?? 0) + 1;
		byChannel[contact.channel] = (byChannel[contact.channel] ?? 0) + 1;
		recycled += contact.recycled ? 1 : 0;
	}

	let bytes = 0;
	let downloadBytes = 0;
	let unknownSizes = 0;
	let identical = 0;
	for (const file of files) {
		bytes += file.size ?? 0;
		downloadBytes += file.action === 'download' ? file.size ?? 0 : 0;
		unknownSizes += file.size === undefined ? 1 : 0;
		identical += file.action === 'skip' ? 1 : 0;
	}

	return {...plan, contacts, files, recycled, bytes, downloadBytes, unknownSizes, byCampaign, byChannel, identical};
}

/**
 * The contacts a run would export, in plan order: those with at least one file to download. Contacts whose files
 * are all on disk already, and recycled ones (nothing to download), do not count against a limit.
 */
export function contactsToExport(plan: Plan): string[] {
	const ids: string[] = [];
	const seen = new Set<string>();
	for (const file of plan.files) {
		if (file.action === 'download' && !seen.has(file.contactId)) {
			seen.add(file.contactId);
			ids.push(file.contactId);
		}
	}

	return ids;
}

/**
 * The plan cut to the first `allowed` contacts that would export (in plan order); contacts that export nothing
 * stay. Returns the contact IDs left out, for the journal ('limited') and the message. `exporting`: the plan's own
 * `contactsToExport`, when the caller has it already.
 */
export function limitPlan<P extends Plan>(plan: P, allowed: number, exporting = contactsToExport(plan)): {plan: P; left: string[]} {
	if (exporting.length <= allowed) {
		return {plan, left: []};
	}

	const left = new Set(exporting.slice(Math.max(0, allowed)));
	return {plan: narrowPlan(plan, id => !left.has(id)), left: [...left]};
}
