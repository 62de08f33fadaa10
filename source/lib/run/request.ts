/**
 * What a run exports and how, whoever starts it: `ccdl download` builds it from flags, `ccdl run` from a saved
 * search, the app from its screens. The password is not part of it: it travels separately, never through argv or
 * the environment of a child.
 */
import type {ExportMode} from '../searches/model.js';
import type {SinkOptions} from '../sinks/registry.js';
import type {AudioFormat, Channel, TranscriptChoice} from '../sources/model.js';

export interface RunRequest {
	/** The platform's key in the source registry. @default 'ccm' */
	platform: string;
	/** The API base URL. */
	server: string;
	/** The company (tenant) as given; the URL already names it where it was resolved from a company. */
	company?: string | undefined;
	username: string;
	/** Instants; undefined = open. */
	from?: Date | undefined;
	to?: Date | undefined;
	/** Zone of typed dates, names and the daily limit's midnight. */
	timeZone: string;
	/** Campaign names or IDs as given; empty = every one the user may see. */
	campaigns: string[];
	/** Empty = every channel. */
	channels: Channel[];
	includeArchived: boolean;
	overwrite: boolean;
	/** The destination: a folder, or a URL such as s3://bucket/prefix. */
	out: string;
	/** How to reach and write the destination: endpoint, identity, encryption, file mode. No secrets. */
	sinkOptions?: SinkOptions | undefined;
	template: string;
	dateFormat: string;
	transcripts: TranscriptChoice;
	mode: ExportMode;
	/** Files at once when no download profile applies. */
	concurrency: number;
	/** An active download profile for every file of the run, whatever is assigned. */
	profile?: string | undefined;
	/** Mark validated contacts archived (on the platform, or in the journal where it has no mark). */
	archive: boolean;
	csvBom: boolean;
	/** Audio container where the platform offers a choice. @default 'mp3' */
	audioFormat?: AudioFormat | undefined;
	/**
	 * Delete each recording on the platform once every file of its contact is validated, published and journaled
	 * (platforms that can; opt-in, never for a failed file or a missing transcript that was asked for).
	 */
	deleteAfter?: boolean | undefined;
	/** With deleteAfter: only say what would be deleted. */
	dryRun?: boolean | undefined;
	/** A body slower than this for this long is cut and retried (curl's --speed-limit/--speed-time). @default 1024 B/s, 60 s */
	minimumSpeed?: {bytesPerSecond: number; seconds: number} | undefined;
	/** The saved search this run performs, recorded with it. */
	search?: {name: string; dateRule?: string | undefined} | undefined;
}
