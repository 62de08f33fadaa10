/**
 * Twilio's REST error body, `{code, message, more_info, status}` (plus `detail` on 401), with Twilio's error codes.
 * The OpenAPI documents describe no error responses at all; the shape and codes follow Twilio's public error docs
 * (twilio.com/docs/api/errors). Both APIs, 2010-04-01 and Intelligence v2, answer errors in this shape.
 */

/** Twilio error codes this server sends. */
export const twilioCodes = {
	invalidParameter: 20_001,
	authenticate: 20_003,
	methodNotAllowed: 20_004,
	notFound: 20_404,
	tooManyRequests: 20_429,
	internal: 20_500,
	unavailable: 20_503,
} as const;

export interface TwilioErrorBody {
	code: number;
	message: string;
	more_info: string;
	status: number;
	detail?: string;
}

/** An error answer; thrown inside a handler, sent by the router. */
export class TwilioApiError extends Error {
	/** Stable code for ccdl's own use (house rule); the Twilio code is `twilioCode`. */
	readonly code = 'twilio-api-error';
	readonly status: number;
	readonly twilioCode: number;
	readonly detail: string | undefined;
	readonly headers: Record<string, string>;

	constructor(status: number, twilioCode: number, message: string, options: {detail?: string; headers?: Record<string, string>} = {}) {
		super(message);
		this.name = 'TwilioApiError';
		this.status = status;
		this.twilioCode = twilioCode;
		this.detail = options.detail;
		this.headers = options.headers ?? {};
	}

	get body(): TwilioErrorBody {
		return {
			code: this.twilioCode,
			message: this.message,
			more_info: `https://www.twilio.com/docs/errors/${this.twilioCode}`,
			status: this.status,
			...(this.detail === undefined ? {} : {detail: this.detail}),
		};
	}
}

/** Twilio's 404 names the path that was asked for. */
export function notFound(path: string): TwilioApiError {
	return new TwilioApiError(404, twilioCodes.notFound, `The requested resource ${path} was not found`);
}

export function invalidParameter(message: string): TwilioApiError {
	return new TwilioApiError(400, twilioCodes.invalidParameter, message);
}
