/** Fetches every contact matching a query, all pages, checked and de-duplicated. */
import type {ApiClient, RecordingQuery} from '../api/client.js';
import {ServerError} from '../api/errors.js';
import type {Recording} from '../api/wire.js';
import {normaliseRecording} from './contacts.js';

/** More than this is not a filter a person meant, or a server that never ends its listing. */
export const maxListedContacts = 5_000_000;

export async function listContacts(client: ApiClient, query: RecordingQuery, options: {
	signal?: AbortSignal;
	onPage?: (listed: number, total: number | undefined) => void;
} = {}): Promise<Recording[]> {
	const contacts: Recording[] = [];
	const seen = new Set<string>();
	for await (const page of client.recordingPages(query, options.signal)) {
		for (const raw of page.items) {
			const contact = normaliseRecording(raw);
			// A server that repeats an item across pages must not make ccdl download it twice.
			if (contact && !seen.has(contact.id)) {
				seen.add(contact.id);
				contacts.push(contact);
			}
		}

		if (contacts.length > maxListedContacts) {
			throw new ServerError('too-many', `The server listed more than ${maxListedContacts.toLocaleString('en')} recordings; narrow the dates or campaigns.`);
		}

		options.onPage?.(contacts.length, typeof page.total === 'number' ? page.total : undefined);
	}

	return contacts;
}
