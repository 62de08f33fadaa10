/**
 * Test servers of other platforms (`ccdl demo-server --platform NAME`): each answers in its vendor's own shapes,
 * checked in the tests against the vendor's published API document, so ccdl's adapters are tested against the
 * vendor's words and not against our reading of them. Each lives in its own folder and is loaded only when asked.
 */

export interface TestServerOptions {
	host?: string | undefined;
	port?: number | undefined;
	seed?: number | undefined;
	calls?: number | undefined;
	days?: number | undefined;
	/** End of the data, YYYY-MM-DD. */
	until?: string | undefined;
	/** Fault spec as for the demo server (reset, truncate, 500, 503, 429, slow, broken, max, retryAfter, …). */
	faults?: string | undefined;
	latencyMs?: number | undefined;
	/** Seconds a presigned or signed media URL stays valid. */
	urlTtl?: number | undefined;
	/** Seconds an access token stays valid (where the platform has expiring tokens). */
	tokenTtl?: number | undefined;
}

export interface RunningTestServer {
	/** The API base URL; printed alone on the first stdout line. */
	url: string;
	/** What a client logs in with; printed on the second line as `user=… password=…`. */
	credentials: {user: string; password: string};
	/** Further lines for a person (counts, the storage origin, …). */
	describe(): string[];
	close(): Promise<void>;
}

export type TestServerPlatform = 'twilio' | 'webex-cc';

export const testServers: Record<TestServerPlatform, () => Promise<{start(options: TestServerOptions): Promise<RunningTestServer>}>> = {
	twilio: async () => import('./twilio/server.js'),
	'webex-cc': async () => import('./webex-cc/server.js'),
};
