/**
 * "Contact Center Media API v1" (ccdl's own API, served by `ccdl demo-server`) as a source: ApiClient speaks the
 * HTTP, this maps its answers to the neutral model. The platform keeps an archived mark and gives digests.
 */
import {ApiClient} from '../../api/client.js';
import {ServerError} from '../../api/errors.js';
import type {
	ArchiveBatchResult, Campaign, ContactPage, ContactQuery, MediaResponse, OpenMediaOptions, Source, SourceCapabilities, SourceLogin,
	SourceUser,
} from '../model.js';
import {channels} from '../model.js';
import {contactOf} from './map.js';

const capabilities: SourceCapabilities = {
	markArchived: true, delete: false, digestGiven: true, transcriptFormats: ['json', 'xml'], groups: 'campaigns',
};

export class CcmV1Source implements Source {
	readonly platform = 'ccm';
	readonly capabilities = capabilities;
	readonly client: ApiClient;

	constructor(client: ApiClient) {
		this.client = client;
	}

	static async login(login: SourceLogin): Promise<CcmV1Source> {
		return new CcmV1Source(await ApiClient.login({
			server: login.server, username: login.username, password: login.secret,
			...(login.company ? {company: login.company} : {}), ...(login.signal ? {signal: login.signal} : {}), ...(login.retry ? {retry: login.retry} : {}),
		}));
	}

	get baseUrl(): string {
		return this.client.baseUrl;
	}

	get user(): SourceUser {
		return this.client.user;
	}

	get gate() {
		return this.client.gate;
	}

	get retry() {
		return this.client.retry;
	}

	async campaigns(signal?: AbortSignal): Promise<Campaign[]> {
		const list = await this.client.campaigns(signal);
		return list.flatMap(raw => {
			const item = raw as unknown as Record<string, unknown>;
			const id = typeof item?.['id'] === 'string' ? item['id'] : typeof item?.['id'] === 'number' ? String(item['id']) : '';
			if (!id) {
				return [];
			}

			const offered = Array.isArray(item['channels']) ? item['channels'] : [];
			return [{id, name: typeof item['name'] === 'string' ? item['name'] : id, channels: channels.filter(channel => offered.includes(channel))}];
		});
	}

	async *contactPages(query: ContactQuery, signal?: AbortSignal): AsyncGenerator<ContactPage> {
		for await (const page of this.client.recordingPages({
			...(query.from ? {from: query.from} : {}), ...(query.to ? {to: query.to} : {}),
			campaigns: query.campaigns ?? [], channels: query.channels ?? [], includeArchived: query.includeArchived ?? false,
		}, signal)) {
			const contacts = [];
			for (const raw of page.items) {
				const contact = contactOf(raw);
				if (contact) {
					contacts.push(contact);
				}
			}

			yield {contacts, received: page.items.length, ...(typeof page.total === 'number' ? {total: page.total} : {})};
		}
	}

	async openMedia(href: string, options: OpenMediaOptions = {}): Promise<MediaResponse> {
		return this.client.openDownload(href, options);
	}

	async markArchived(ids: readonly string[], signal?: AbortSignal): Promise<ArchiveBatchResult> {
		const response = await this.client.archiveBatch(ids, signal);
		if (!Array.isArray(response?.items) || !Array.isArray(response.errors)) {
			throw new ServerError('bad-response', 'The server answered the archive call with something malformed.');
		}

		return {
			archived: response.items.flatMap(item => typeof item?.id === 'string' && typeof item.archivedAt === 'string' ? [{id: item.id, archivedAt: item.archivedAt}] : []),
			errors: response.errors.flatMap(error => typeof error?.id === 'string' ? [{id: error.id, detail: String(error.detail ?? error.code ?? 'refused')}] : []),
		};
	}
}
