/**
 * Narrowing a plan after it is built: to the contacts a limit allows, without the contacts another process is
 * downloading into the same folder, or to some kinds of file (transcripts only, metadata only). The totals the plan
 * reports (bytes, counts by campaign and channel, identical files) are recomputed; names stay as planned.
 */
import type {Channel} from '../api/wire.js';
import type {Plan, PlannedFile} from '../engine/plan.js';

/** The plan with only the contacts `keepContact` accepts and, of theirs, the files `keepFile` accepts. */
export function narrowPlan(plan: Plan, keepContact: (contactId: string) => boolean, keepFile: (file: PlannedFile) => boolean = () => true): Plan {
	const contacts = plan.contacts.filter(contact => keepContact(contact.id));
	const files = plan.files.filter(file => keepContact(file.contactId) && keepFile(file));
	const byCampaign: Record<string, number> = {};
	const byChannel: Partial<Record<Channel, number>> = {};
	for (const contact of contacts) {
		byCampaign[contact.campaignName] = (byCampaign[contact.campaignName] ?? 0) + 1;
		byChannel[contact.channel] = (byChannel[contact.channel] ?? 0) + 1;
	}

	return {
		...plan,
		contacts,
		files,
		recycled: contacts.filter(contact => contact.recycled).length,
		bytes: files.reduce((sum, file) => sum + (file.size ?? 0), 0),
		downloadBytes: files.reduce((sum, file) => sum + (file.action === 'download' ? file.size ?? 0 : 0), 0),
		unknownSizes: files.filter(file => file.size === undefined).length,
		byCampaign,
		byChannel,
		identical: files.filter(file => file.action === 'skip').length,
	};
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
 * stay. Returns the contact IDs left out, for the journal ('limited') and the message.
 */
export function limitPlan(plan: Plan, allowed: number): {plan: Plan; left: string[]} {
	const exporting = contactsToExport(plan);
	if (exporting.length <= allowed) {
		return {plan, left: []};
	}

	const left = new Set(exporting.slice(Math.max(0, allowed)));
	return {plan: narrowPlan(plan, id => !left.has(id)), left: [...left]};
}
