/**
 * Where exported files go. The engine downloads each file into a local staging area, validates it there, and then
 * hands it to the sink, which makes it appear under its final name only once it is complete and verified where it
 * landed. The plan asks the sink what is already there (collisions, files already exported). The local folder is one
 * sink; object storage and SFTP are others, and none of them is known to the engine.
 */

/** A file already at the destination: for "keep both" names and "already there" checks. */
export interface SinkEntry {
	/** The name inside its folder. */
	name: string;
	size: number;
}

export interface PublishOptions {
	/** Replace what is under the name (only ever after the new file is valid); otherwise never clobber. */
	overwrite: boolean;
	size: number;
	/** Plaintext SHA-256 of the staged file, for verification where it lands. */
	sha256: string;
	signal?: AbortSignal;
	/** Bytes sent so far to a remote destination (uploads can take as long as the download did). */
	onProgress?: (bytes: number, total: number) => void;
}

export interface PublishResult {
	/** The '/'-separated path under the destination where the file now is (it may carry a suffix such as `.age`). */
	relativePath: string;
	/** A location a person or `ccdl verify` can use: an absolute path or a URL. */
	location: string;
	/** SHA-256 of the stored bytes when they differ from the plaintext (encryption). */
	storedSha256?: string;
	storedSize?: number;
}

/** The mode of the folders a sink creates for files of `fileMode`: each read bit becomes a search bit (0600 → 0700, 0640 → 0750). */
export function folderModeFor(fileMode: number): number {
	return fileMode | ((fileMode & 0o444) >> 2) | 0o700;
}

/** The sink cannot take files: not writable, full, gone, refused. Stops the run (exit 5). */
export interface Sink {
	/** `local`, `s3`, `sftp`, … */
	readonly kind: string;
	/** Where files go, for people and the journal: a folder, `s3://bucket/prefix`, `sftp://user@host/path`. */
	readonly location: string;
	/**
	 * The local folder where downloads are staged before publishing: the destination itself for the local sink (so
	 * publishing is a rename), a private cache folder for remote sinks.
	 */
	readonly stagingDir: string;
	/** Checks the destination can take files; creates it unless `dryRun`. Throws FilesystemError (exit 5). */
	prepare(options: {dryRun: boolean}): Promise<void>;
	/** Bytes free at the destination, when it can be known. */
	freeSpace(): Promise<number | undefined>;
	/** Files in a folder of the destination ('' = the top). */
	list(relativeDir: string): Promise<SinkEntry[]>;
	/** SHA-256 (hex) of the stored file at relativePath, or undefined when it is not there. */
	digest(relativePath: string): Promise<string | undefined>;
	/**
	 * How a file already at the destination under its plan name (`relativePath`, as `list` and `digest` know it) is
	 * stored, when that is not as it is: encrypted, under `….age`, with the digest and size of the ciphertext. A run that
	 * finds the file already there describes it so in the manifest. Sinks that store files as they are leave it out.
	 */
	stored?(relativePath: string): Promise<{relativePath: string; storedSha256: string; storedSize?: number} | undefined>;
	/** Publishes a staged, validated file under relativePath (see PublishOptions); the staged file is consumed. */
	publish(staged: string, relativePath: string, options: PublishOptions): Promise<PublishResult>;
	/** A small text file (the manifest), or undefined when it is not there. */
	readText(relativePath: string): Promise<string | undefined>;
	/**
	 * A file's bytes as they are read (the manifest, line by line: a folder's grows with every run), or undefined
	 * when it is not there. Throws when it is there but cannot be read.
	 */
	readStream(relativePath: string): Promise<AsyncIterable<Buffer> | undefined>;
	/**
	 * Replaces a text file (the manifest) atomically; returns its location. The content may come as chunks, in
	 * order, read once: a manifest of many thousand rows is then never one string in memory.
	 */
	writeText(relativePath: string, content: string | Iterable<string>): Promise<string>;
	/** A file's location for people (path or URL), whether or not it exists yet. */
	locate(relativePath: string): string;
	close(): Promise<void>;
}
