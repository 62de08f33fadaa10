/** Fetches every contact matching a query, all pages, checked and de-duplicated. */
import type {ApiClient, RecordingQuery} from '../api/client.js';
import type {Recording} from '../api/wire.js';
import {normaliseRecording} from './contacts.js';

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

		options.onPage?.(contacts.length, typeof page.total === 'number' ? page.total : undefined);
	}

	return contacts;
}
