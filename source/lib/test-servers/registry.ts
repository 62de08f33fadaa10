/**
 * Test servers of other platforms (`ccdl demo-server --platform NAME`): each answers in its vendor's own shapes,
 * checked in the tests against the vendor's published API document, so ccdl's adapters are tested against the
 * vendor's words and not against our reading of them. Each lives in its own folder and is loaded only when asked.
 */
import type {RunningTestServer, TestServerOptions} from './types.js';

export type {RunningTestServer, TestServerOptions} from './types.js';

export type TestServerPlatform = 'twilio' | 'webex-cc';

export const testServers: Record<TestServerPlatform, () => Promise<{start(options: TestServerOptions): Promise<RunningTestServer>}>> = {
	twilio: async () => import('./twilio/server.js'),
	'webex-cc': async () => import('./webex-cc/server.js'),
};
