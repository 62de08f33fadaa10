/**
 * The list and download screens show one row per contact: its main file (the recording, else the transcript),
 * its screenshots counted. Recycled contacts keep their `######` fields and say there is nothing to download.
 * Pure; cell texts are computed only for the rows on screen.
 */
import type {Column} from '../../components/table/index.js';
import {recycledMask, type Contact} from '../../lib/sources/model.js';
import {isListed, type PlannedContact, type PlannedFile, type Plan} from '../../lib/engine/plan.js';
import {formatDuration} from '../../lib/export/manifest.js';
import type {Translator} from '../../lib/i18n/index.js';

export interface ContactRow {
	readonly contact: Contact;
	/** Recording, else transcript, else the first screenshot; none for recycled contacts. */
	readonly main: PlannedFile | undefined;
	readonly files: readonly PlannedFile[];
	readonly screenshots: number;
}

/** The app's plans keep every listed field; a download's slim contact (never the app's) shows what it kept. */
function shown(contact: PlannedContact): Contact {
	return isListed(contact) ? contact : {
		recordId: '', direction: '', operatorId: '', operatorName: '', agentLastName: '', agentFirstName: '', groupName: '', teamName: '', phoneNumber: '',
		callingNumber: '', calledNumber: '', externalParty: '', subject: '', terminationId: '', terminationName: '', callStart: '', connectedAt: '',
		callEnd: '', durationSeconds: 0, timeZone: '', contactType: '', screenshots: [], ...contact,
	};
}

/** One row per contact of the plan, in the plan's order. Linear in the number of files. */
export function contactRows(plan: Plan): ContactRow[] {
	const byContact = new Map<string, PlannedFile[]>();
	for (const file of plan.files) {
		const list = byContact.get(file.contactId);
		if (list) {
			list.push(file);
		} else {
			byContact.set(file.contactId, [file]);
		}
	}

	return Array.from(plan.contacts, contact => {
		const files = byContact.get(contact.id) ?? [];
		let main: PlannedFile | undefined;
		let screenshots = 0;
		for (const file of files) {
			if (file.kind === 'screenshot') {
				screenshots++;
			} else if (!main || (main.kind !== 'recording' && file.kind === 'recording')) {
				main = file;
			}
		}

		return {contact: shown(contact), main: main ?? files[0], files, screenshots};
	});
}

/** What the progress columns show for a row: before the run from the plan, during it from the run's events. */
export interface RowProgress {
	readonly downloaded: string;
	/** ISO instant, or empty. */
	readonly archivedAt: string;
	readonly validated: string;
}

/**
 * The seed's 14 columns. `progress` fills downloaded %, archived and validated; with `pinProgress` (the live
 * download) downloaded % and validated stay at the left beside the ID, whatever the horizontal scroll.
 */
export function contactColumns(t: Translator, progress: (row: ContactRow) => RowProgress, options: {pinProgress?: boolean} = {}): Array<Column<ContactRow>> {
	const pinProgress = options.pinProgress ?? false;
	// Dates are as wide as the locale writes them (20 columns in English, 22 in Hungarian).
	const dateWidth = [...t.dateTime('2026-12-31T23:59:59Z')].length;
	const masked = (row: ContactRow, text: () => string) => row.contact.recycled ? recycledMask : text();
	return [
		{key: 'id', title: t.t('col.id'), minWidth: 6, maxWidth: 10, pinned: true, value: row => row.contact.id},
		{key: 'record', title: t.t('col.record'), minWidth: 7, maxWidth: 16, priority: 5, value: row => row.contact.recordId},
		{key: 'campaign', title: t.t('col.campaign'), minWidth: 10, maxWidth: 48, priority: 2, grows: true, value: row => row.contact.campaignName},
		{key: 'operator', title: t.t('col.operator'), minWidth: 10, maxWidth: 22, priority: 2, value: row => row.contact.operatorName},
		{key: 'phone', title: t.t('col.phone'), minWidth: 12, maxWidth: 16, priority: 3, value: row => row.contact.phoneNumber || row.contact.externalParty},
		{key: 'termination', title: t.t('col.termination'), minWidth: 10, maxWidth: 22, priority: 4, value: row => row.contact.terminationName},
		{key: 'call-start', title: t.t('col.call-start'), minWidth: dateWidth, maxWidth: dateWidth, priority: 1, value: row => masked(row, () => t.dateTime(row.contact.callStart))},
		{key: 'length', title: t.t('col.length'), minWidth: 8, maxWidth: 12, priority: 3, value: row => masked(row, () => formatDuration(row.contact.durationSeconds))},
		{key: 'file-name', title: t.t('col.file-name'), minWidth: 16, maxWidth: 120, priority: 4, grows: true, value: row => row.contact.recycled ? t.t('cell.recycled') : row.main?.relativePath ?? t.t('cell.no-file')},
		{key: 'file-type', title: t.t('col.file-type'), minWidth: 5, maxWidth: 10, priority: 6, value: row => row.main?.extension ?? ''},
		{key: 'screenshots', title: t.t('col.screenshots'), minWidth: 5, maxWidth: 13, priority: 6, align: 'right', value: row => row.contact.recycled || row.main === undefined ? '' : String(row.screenshots)},
		{key: 'downloaded', title: t.t('col.downloaded'), minWidth: 6, maxWidth: 10, priority: 1, pinned: pinProgress, align: 'right', value: row => progress(row).downloaded},
		{key: 'archived', title: t.t('col.archived'), minWidth: dateWidth, maxWidth: dateWidth, priority: 4, value: row => t.dateTime(progress(row).archivedAt)},
		{key: 'validated', title: t.t('col.validated'), minWidth: 7, maxWidth: 10, priority: 1, pinned: pinProgress, value: row => progress(row).validated},
	];
}

/** Before the run: files identical on disk are already complete; archived contacts show their archive time. */
export function plannedProgress(t: Translator, row: ContactRow): RowProgress {
	if (row.contact.recycled || row.files.length === 0) {
		return {downloaded: '', archivedAt: row.contact.archivedAt ?? '', validated: ''};
	}

	const onDisk = row.files.every(file => file.action === 'skip');
	return {downloaded: onDisk ? '100%' : '0%', archivedAt: row.contact.archivedAt ?? '', validated: onDisk ? t.t('cell.identical') : ''};
}
