/** Fetches every contact matching a query from a source, all pages, de-duplicated, within bounds. */
import {ServerError} from '../api/errors.js';
import type {Contact, ContactQuery, Source} from '../sources/model.js';

/** More than this is not a filter a person meant, or a server that never ends its listing. */
export const maxListedContacts = 5_000_000;

export async function listContacts(source: Source, query: ContactQuery, options: {
	signal?: AbortSignal;
	onPage?: (listed: number, total: number | undefined) => void;
} = {}): Promise<Contact[]> {
	const contacts: Contact[] = [];
	const seen = new Set<string>();
	// What the server sends counts, not only new IDs: a server repeating the same items forever must still stop.
	let received = 0;
	for await (const page of source.contactPages(query, options.signal)) {
		received += page.received;
		for (const contact of page.contacts) {
			// A server that repeats an item across pages must not make ccdl download it twice.
			if (!seen.has(contact.id)) {
				seen.add(contact.id);
				contacts.push(contact);
			}
		}

		if (received > maxListedContacts) {
			throw new ServerError('too-many', `The server listed more than ${maxListedContacts.toLocaleString('en')} recordings; narrow the dates or campaigns.`);
		}

		options.onPage?.(contacts.length, page.total);
	}

	return contacts;
}
