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

export class CcdlError extends Error {
	readonly code: string;
	readonly exitCode: ExitCode;

	constructor(code: string, message: string, exitCode: ExitCode, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'CcdlError';
		this.code = code;
		this.exitCode = exitCode;
	}
}

export class UsageError extends CcdlError {
	constructor(message: string, options?: {cause?: unknown}) {
		super('usage', message, exitCodes.usage, options);
		this.name = 'UsageError';
	}
}
