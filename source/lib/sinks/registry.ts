/**
 * Destinations by the form of `--out`: a folder path is the local sink; `scheme://…` picks another sink. Each kind
 * lives in its own folder and is loaded when used.
 */
import {UsageError} from '../errors.js';
import {EncryptingSink, validateRecipients} from './encrypt/encrypting-sink.js';
import {LocalSink, type LocalSinkOptions} from './local/local-sink.js';
import type {S3SinkOptions} from './s3/s3-sink.js';
import type {SftpSinkOptions} from './sftp/sftp-sink.js';
import type {Sink} from './sink.js';

export interface SinkOptions extends LocalSinkOptions, S3SinkOptions, SftpSinkOptions {
	/** age X25519 recipients: every exported file is encrypted to them (`--encrypt-to`). */
	encryptTo?: readonly string[];
}

export type OpenSink = (url: URL, options: SinkOptions) => Promise<Sink>;

/** Remote kinds by URL scheme: one line each, loaded when used. */
const remote: Record<string, () => Promise<OpenSink>> = {
	's3:': async () => (await import('./s3/s3-sink.js')).openS3Sink as OpenSink,
	'sftp:': async () => (await import('./sftp/sftp-sink.js')).openSftpSink as OpenSink,
};

/** Whether `out` names a remote destination (a URL with a scheme) rather than a folder. */
export function isRemoteDestination(out: string): boolean {
	return /^[a-z][a-z\d+.-]*:\/\//i.test(out);
}

/** Why `out` cannot name a destination, when it is a URL of a kind ccdl does not write to. */
export function unsupportedDestination(out: string): string | undefined {
	if (!isRemoteDestination(out)) {
		return undefined;
	}

	let protocol: string;
	try {
		protocol = new URL(out).protocol;
	} catch {
		return `--out ${JSON.stringify(out)} is not a valid URL`;
	}

	return Object.hasOwn(remote, protocol) ? undefined
		: `${protocol}// destinations are not supported; give a folder or ${Object.keys(remote).map(scheme => `${scheme}//…`).join(', ')}`;
}

export async function openSink(out: string, options: SinkOptions = {}): Promise<Sink> {
	const sink = await openPlain(out, options);
	return options.encryptTo && options.encryptTo.length > 0 ? new EncryptingSink(sink, await validateRecipients(options.encryptTo)) : sink;
}

async function openPlain(out: string, options: SinkOptions): Promise<Sink> {
	if (!isRemoteDestination(out)) {
		return new LocalSink(out, options);
	}

	const unsupported = unsupportedDestination(out);
	if (unsupported) {
		throw new UsageError(`${unsupported}.`);
	}

	return (await remote[new URL(out).protocol]!())(new URL(out), options);
}
