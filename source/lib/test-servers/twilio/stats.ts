/** What the Twilio test server counts, for tests to assert on (`GET /_test/stats` on the API origin). */

export interface TwilioStats {
	/** Requests to the API origin (both APIs and /_test). */
	apiRequests: number;
	/** Media redirects (302) the API gave out. */
	redirects: number;
	storageRequests: number;
	/** Storage requests that carried an Authorization header: a client leaking credentials across origins. */
	storageRequestsWithAuthorization: number;
	/** Media bytes the storage origin sent. */
	mediaBytes: number;
	expiredUrls: number;
	badSignatures: number;
	/** 429 answers sent, by either origin. */
	tooManyRequests: number;
	deletions: number;
	/** Faults injected by kind (reset, truncate, 500, 503, 429, slow). */
	faults: Record<string, number>;
}

export function emptyStats(): TwilioStats {
	return {
		apiRequests: 0,
		redirects: 0,
		storageRequests: 0,
		storageRequestsWithAuthorization: 0,
		mediaBytes: 0,
		expiredUrls: 0,
		badSignatures: 0,
		tooManyRequests: 0,
		deletions: 0,
		faults: {},
	};
}
