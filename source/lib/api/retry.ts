/**
 * Retry timing shared by API calls and transfers: exponential backoff with jitter, and one gate for the whole run.
 * An API call told to wait (429/503 with Retry-After) closes the gate for every request until then (`pause`): API
 * calls are few and one after another. A media transfer told to wait only signals the run (`throttle`): the run
 * halves its concurrency (AIMD) and that one file waits out its Retry-After outside its slot, so the transfers in
 * flight and the files behind them are not frozen — pausing the whole run for every 429 made 10 % throttling
 * about 50 times slower.
 */
import {setTimeout as delay} from 'node:timers/promises';

export interface RetryPolicy {
	/** Tries per request or file, the first included. */
	attempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** How many times one request may be told to wait (429/503) before it fails. */
	maxWaits: number;
}

export const defaultRetryPolicy: RetryPolicy = {attempts: 6, baseDelayMs: 250, maxDelayMs: 15_000, maxWaits: 12};

/** Delay before retry number `attempt` (1 = first retry): doubling, capped, with "equal jitter". */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + random() * ceiling / 2);
}

export class RateGate {
	#openAt = 0;
	/** Called whenever the server asks the run to slow down; the engine lowers its concurrency. */
	onSlowDown: ((seconds: number) => void) | undefined;

	/** Holds every request until `seconds` from now (an API call was told to wait), and signals the slow-down. */
	pause(seconds: number): void {
		this.#openAt = Math.max(this.#openAt, Date.now() + seconds * 1000);
		this.onSlowDown?.(seconds);
	}

	/** A transfer was told to wait `seconds`: signals the slow-down without holding any other request. */
	throttle(seconds: number): void {
		this.onSlowDown?.(seconds);
	}

	async wait(signal?: AbortSignal): Promise<void> {
		for (let wait = this.#openAt - Date.now(); wait > 0; wait = this.#openAt - Date.now()) {
			await delay(wait, undefined, {signal});
		}
	}
}
