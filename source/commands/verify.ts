/** `ccdl verify DEST`: re-checks a destination (folder, s3://, sftp://) against its manifest: missing, changed, extra. */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {CcdlError, exitCodes, FilesystemError, UsageError} from '../lib/errors.js';
import {manifestJsonName, manifestRowsOf} from '../lib/export/manifest.js';
import {folderWhy} from '../lib/engine/disk.js';
import {phrased} from '../lib/i18n/index.js';
import type {Sink} from '../lib/sinks/sink.js';
import {parseIdentities} from '../lib/sinks/encrypt/encrypting-sink.js';
import {isRemoteDestination, openSink} from '../lib/sinks/registry.js';
import {verifySink} from '../lib/sinks/verify.js';
import {safeJson} from '../lib/text/safe-json.js';
import {visible} from '../lib/text/visible.js';
import {parseOptions} from './options.js';

export const verifyHelp = `Usage: ccdl verify [--json] [--identity FILE] DEST

Re-checks every file the manifest at DEST lists as downloaded: it must exist with the recorded size and SHA-256.
Reports missing files, changed files, and extra files that the manifest does not know. DEST is a folder,
s3://bucket/prefix or sftp://user@host/path. Encrypted files (.age) are checked by their ciphertext digest without
a key, and by their plaintext digest too with --identity.

  --identity FILE     age identity file (AGE-SECRET-KEY-1…) to check the plaintext of encrypted files as well
  --s3-endpoint URL   an S3-compatible endpoint (else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)
  --sftp-identity F   private key for sftp://
  --json              the report as one JSON document on stdout

Exit codes: 0 everything matches, 1 something is missing, changed or extra (or lines of the manifest are damaged),
2 usage (no manifest at DEST), 5 the destination cannot be read.
`;

const specs = {
	json: {type: 'boolean'},
	identity: {type: 'string'},
	's3-endpoint': {type: 'string'},
	'sftp-identity': {type: 'string'},
} as const;

/** DEST's manifest.jsonl text; a destination that cannot be read is one sentence and exit 5, never an internal error. */
/** A destination that cannot be read, in one sentence (exit 5). */
function unreadable(sink: Pick<Sink, 'location'>, error: unknown): Error {
	return error instanceof CcdlError ? error
		: new FilesystemError('unreadable', ...phrased('cli.error.cannot-read', {folder: sink.location, why: folderWhy(error)}, {cause: error}));
}

/** The destination's manifest.jsonl, open to be read as it streams, or undefined when there is none. */
export async function openManifest(sink: Pick<Sink, 'readStream' | 'location'>): Promise<AsyncIterable<Buffer> | undefined> {
	try {
		return await sink.readStream(manifestJsonName);
	} catch (error) {
		throw unreadable(sink, error);
	}
}

/** `rows`, with a failure to read them part-way through said as the destination being unreadable. */
async function * readable<T>(sink: Pick<Sink, 'location'>, rows: AsyncIterable<T>): AsyncGenerator<T> {
	try {
		yield * rows;
	} catch (error) {
		throw unreadable(sink, error);
	}
}

export async function runVerify(argv: string[]): Promise<number> {
	const {values, positionals} = parseOptions(argv, specs, 'verify', true);
	if (positionals.length !== 1) {
		throw new UsageError(...phrased('cli.error.verify-destination'));
	}

	const given = positionals[0]!;
	const destination = isRemoteDestination(given) ? given : path.resolve(given);
	let identities: string[] = [];
	if (values.identity !== undefined) {
		let text: string;
		try {
			text = await readFile(values.identity, 'utf8');
		} catch (error) {
			// This English is cli.error.cannot-read's word for word, and its Hungarian has always been that sentence's.
			const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
			throw new UsageError(...phrased('cli.error.cannot-read', {folder: `the identity file ${values.identity}`, why}));
		}

		identities = parseIdentities(text);
	}

	const sink = await openSink(destination, {
		...values['s3-endpoint'] ? {s3Endpoint: values['s3-endpoint']} : {},
		...values['sftp-identity'] ? {sftpIdentity: path.resolve(values['sftp-identity'])} : {},
	});
	try {
		const stream = await openManifest(sink);
		if (stream === undefined) {
			throw new UsageError(`${sink.location} has no ${manifestJsonName}; verify a destination that "ccdl download" wrote.`);
		}

		let damaged = 0;
		const report = await verifySink(sink, readable(sink, manifestRowsOf(stream, () => damaged++)), {identities});
		if (values.json) {
			process.stdout.write(`${safeJson({folder: report.location, ...report, damagedLines: damaged}, 2)}\n`);
		} else {
			const lines = [
				...report.missing.map(file => `missing  ${visible(file)}`),
				...report.changed.map(item => `changed  ${visible(item.file)}: ${visible(item.reason)}`),
				...report.extra.map(file => `extra    ${visible(file)}`),
				...damaged > 0 ? [`damaged  ${damaged} lines of ${manifestJsonName} are not manifest rows (the next download into this folder leaves them out)`] : [],
				`${report.ok} of ${report.checked} files match the manifest; ${report.missing.length} missing, ${report.changed.length} changed, ${report.extra.length} extra.`
				+ (report.decrypted > 0 ? ` ${report.decrypted} encrypted files were decrypted and checked too.` : ''),
			];
			process.stdout.write(`${lines.join('\n')}\n`);
		}

		return report.missing.length + report.changed.length + report.extra.length + damaged > 0 ? exitCodes.someFailed : exitCodes.ok;
	} finally {
		await sink.close();
	}
}
