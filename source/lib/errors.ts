/**
 * Errors a user can act on. Each kind has a stable `code` and the process exit code it maps to; the message is one
 * sentence that says what to do. Anything else that escapes is a bug and is reported as such.
 */

export const exitCodes = {
	ok: 0,
	someFailed: 1,
	usage: 2,
	auth: 3,
	server: 4,
	filesystem: 5,
	limit: 6,
	interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * A sentence of the message catalogue (source/lib/i18n): its key and the values it names. A value may be a phrase
 * itself, for a clause the catalogue words on its own (a "did you mean" hint, a reason).
 */
export interface Phrase {
	key: string;
	params?: Readonly<Record<string, string | number | Phrase>>;
}

export interface CcdlErrorOptions {
	cause?: unknown;
	/**
	 * The message as a catalogue sentence, so it can be printed in the user's language; `message` stays its English
	 * text (logs, JSON, the journal). i18n's phrased() makes both from one key.
	 */
	phrase?: Phrase;
}

export class CcdlError extends Error {
	readonly code: string;
	readonly exitCode: ExitCode;
	readonly phrase: Phrase | undefined;

	constructor(code: string, message: string, exitCode: ExitCode, options?: CcdlErrorOptions) {
		super(message, options && 'cause' in options ? {cause: options.cause} : undefined);
		this.name = 'CcdlError';
		this.code = code;
		this.exitCode = exitCode;
		this.phrase = options?.phrase;
	}
}

export class UsageError extends CcdlError {
	constructor(message: string, options?: CcdlErrorOptions) {
		super('usage', message, exitCodes.usage, options);
		this.name = 'UsageError';
	}
}

/** The output folder cannot take the files: not writable, not a folder, or not enough space. */
export class FilesystemError extends CcdlError {
	constructor(code: string, message: string, options?: CcdlErrorOptions) {
		super(code, message, exitCodes.filesystem, options);
		this.name = 'FilesystemError';
	}
}

/** Bytes as a person reads them: 1.5 MB, 820 kB. */
export function formatBytes(bytes: number): string {
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}

	return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
