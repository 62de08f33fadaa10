/** What every test server takes and gives (see ./registry.ts). */

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
