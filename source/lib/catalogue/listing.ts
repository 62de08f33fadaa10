/** Fetches every contact matching a query from a source, page by page, de-duplicated, within bounds. */
import {ServerError} from '../api/errors.js';
import type {Contact, ContactQuery, Source} from '../sources/model.js';
import {FingerprintSet} from '../text/fingerprint-set.js';

/** More than this is not a filter a person meant, or a server that never ends its listing. */
export const maxListedContacts = 5_000_000;

export interface ListingOptions {
	signal?: AbortSignal;
	/** After each page: contacts listed so far, and the total when the server says. */
	onPage?: (listed: number, total: number | undefined) => void;
}

/**
 * The listing as it arrives, a page at a time: contacts not seen on an earlier page. Only 96-bit fingerprints of
 * their IDs are kept between pages (12–24 bytes an ID, where a Set of the ID strings held ~50: a million contacts
 * listed kept 30 MB more heap). A false match would drop a contact, so the set is the wide one (odds in
 * text/fingerprint-set.ts).
 */
export async function * contactBatches(source: Source, query: ContactQuery, options: ListingOptions = {}): AsyncGenerator<Contact[]> {
	const seen = new FingerprintSet({wide: true});
	// What the server sends counts, not only new IDs: a server repeating the same items forever must still stop.
	let received = 0;
	for await (const page of source.contactPages(query, options.signal)) {
		received += page.received;
		if (received > maxListedContacts) {
			throw new ServerError('too-many', `The server listed more than ${maxListedContacts.toLocaleString('en')} recordings; narrow the dates or campaigns.`);
		}

		const fresh: Contact[] = [];
		for (const contact of page.contacts) {
			// A server that repeats an item across pages must not make ccdl download it twice.
			if (seen.add(contact.id)) {
				fresh.push(contact);
			}
		}

		options.onPage?.(seen.size, page.total);
		yield fresh;
	}
}
