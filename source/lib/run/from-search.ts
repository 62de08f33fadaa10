/** A saved search as a run request at a moment: its date rule resolved, its options taken as saved. */
import {companyUrl} from '../sources/company-url.js';
import {platformInfo} from '../sources/registry.js';
import {defaultDateFormat} from '../naming/index.js';
import {checkComplete, type SavedSearch, searchRange} from '../searches/model.js';
import type {RunRequest} from './request.js';

/** Refuses an incomplete search (naming the missing part); `now` resolves its date rule. */
export function requestFromSearch(search: SavedSearch, now: Date): {request: RunRequest; description: string} {
	checkComplete(search, 'run');
	const {range} = searchRange(search, now);
	return {
		description: `${range.description}, ${search.timeZone}`,
		request: {
			platform: search.platform ?? 'ccm',
			server: search.server ?? platformInfo(search.platform ?? 'ccm').defaultServer ?? companyUrl(search.company!),
			...(search.company ? {company: search.company} : {}),
			username: search.user!,
			from: range.from,
			to: range.to,
			timeZone: search.timeZone,
			campaigns: search.campaigns,
			channels: search.channels,
			includeArchived: search.includeArchived,
			overwrite: search.overwrite,
			out: search.outDir,
			sinkOptions: {
				...search.encryptTo?.length ? {encryptTo: search.encryptTo} : {},
				...search.s3Endpoint ? {s3Endpoint: search.s3Endpoint} : {},
				...search.sftpIdentity ? {sftpIdentity: search.sftpIdentity} : {},
				...search.groupReadable ? {fileMode: 0o640} : {},
			},
			...search.audioFormat ? {audioFormat: search.audioFormat} : {},
			template: search.template,
			dateFormat: search.dateFormat ?? defaultDateFormat,
			transcripts: search.transcripts,
			mode: search.mode,
			concurrency: search.concurrency ?? 8,
			...(search.profile ? {profile: search.profile} : {}),
			archive: !search.noArchive,
			csvBom: search.csvBom,
			search: {name: search.name, ...(search.dateRule ? {dateRule: search.dateRule} : {})},
		},
	};
}
