/**
 * Fault injection for reliability tests. A spec such as `reset=0.05,truncate=0.05,500=0.03,429=0.02,slow=0.02`
 * gives each fault a probability. Whether the n-th request for a resource is hit depends only on the seed, the
 * resource and n, so a run under concurrency meets the same faults every time.
 */
import {hashString} from './random.js';

export type FaultKind = 'reset' | 'truncate' | '500' | '503' | '429' | 'slow';
const kinds: FaultKind[] = ['reset', 'truncate', '500', '503', '429', 'slow'];
/** Faults that make sense on a JSON API call (no body to cut). */
const apiKinds = new Set<FaultKind>(['500', '503', '429', 'slow']);

export interface FaultSpec {
	rates: Partial<Record<FaultKind, number>>;
	/** Share of recordings whose downloads always break (truncated), to test "keeps failing". */
	broken: number;
	/** At most this many faults per resource; later requests pass, so retries succeed. */
	maxPerResource: number;
	/** Seconds sent in Retry-After with 429 and 503. */
	retryAfter: number;
	/** Delay of a "slow" response, in milliseconds. */
	slowMs: number;
	/** `media`: only downloads are hit; `all`: the JSON API too. */
	scope: 'media' | 'all';
}

export const noFaults: FaultSpec = {rates: {}, broken: 0, maxPerResource: 3, retryAfter: 1, slowMs: 1500, scope: 'media'};

export class FaultSpecError extends Error {
	readonly code = 'invalid-fault-spec';
}

export function parseFaultSpec(text: string | undefined): FaultSpec {
	const spec: FaultSpec = {...noFaults, rates: {}};
	if (!text?.trim()) {
		return spec;
	}

	for (const part of text.split(',')) {
		const [rawKey, rawValue] = part.split('=').map(piece => piece.trim());
		const key = rawKey ?? '';
		if (rawValue === undefined || rawValue === '') {
			throw new FaultSpecError(`Fault "${key}" has no value; write it as ${key}=0.05.`);
		}

		if (key === 'scope') {
			if (rawValue !== 'media' && rawValue !== 'all') {
				throw new FaultSpecError('Fault scope must be "media" or "all".');
			}

			spec.scope = rawValue;
			continue;
		}

		const value = Number(rawValue);
		if (!Number.isFinite(value) || value < 0) {
			throw new FaultSpecError(`Fault "${key}" needs a non-negative number, not "${rawValue}".`);
		}

		if ((kinds as string[]).includes(key) || key === 'broken') {
			if (value > 1) {
				throw new FaultSpecError(`Fault "${key}" is a probability between 0 and 1, not ${value}.`);
			}

			if (key === 'broken') {
				spec.broken = value;
			} else {
				spec.rates[key as FaultKind] = value;
			}
		} else if (key === 'max') {
			spec.maxPerResource = Math.floor(value);
		} else if (key === 'retryAfter') {
			spec.retryAfter = Math.ceil(value);
		} else if (key === 'slowMs') {
			spec.slowMs = Math.floor(value);
		} else {
			throw new FaultSpecError(
				`Unknown fault "${key}"; use ${[...kinds, 'broken', 'max', 'retryAfter', 'slowMs', 'scope'].join(', ')}.`);
		}
	}

	const total = kinds.reduce((sum, kind) => sum + (spec.rates[kind] ?? 0), 0);
	if (total > 1) {
		throw new FaultSpecError(`Fault probabilities add up to ${total.toFixed(2)}; they must not exceed 1.`);
	}

	return spec;
}

export interface FaultDecision {
	kind: FaultKind;
	/** For reset/truncate: the share of the body sent before the cut. */
	cutAt: number;
}

export class FaultInjector {
	readonly spec: FaultSpec;
	readonly #seed: number;
	readonly #attempts = new Map<string, number>();
	readonly #hits = new Map<string, number>();
	readonly injected: Record<string, number> = {};

	constructor(spec: FaultSpec, seed: number) {
		this.spec = spec;
		this.#seed = seed;
	}

	get enabled(): boolean {
		return this.spec.broken > 0 || Object.values(this.spec.rates).some(rate => (rate ?? 0) > 0);
	}

	/** Whether a recording's downloads always break. */
	isBroken(recordingId: string): boolean {
		return this.spec.broken > 0 && hashString(this.#seed ^ 0xb0_0b, recordingId) / 4_294_967_296 < this.spec.broken;
	}

	/** The fault for this request, if any. `isMedia` requests can be cut; API requests only get errors or delays. */
	decide(resource: string, isMedia: boolean): FaultDecision | undefined {
		if (!this.enabled || (!isMedia && this.spec.scope !== 'all')) {
			return undefined;
		}

		const attempt = (this.#attempts.get(resource) ?? 0) + 1;
		this.#attempts.set(resource, attempt);
		if ((this.#hits.get(resource) ?? 0) >= this.spec.maxPerResource) {
			return undefined;
		}

		const roll = hashString(this.#seed, `${resource}#${attempt}`) / 4_294_967_296;
		let edge = 0;
		for (const kind of kinds) {
			edge += this.spec.rates[kind] ?? 0;
			if (roll < edge) {
				if (!isMedia && !apiKinds.has(kind)) {
					return undefined;
				}

				this.#hits.set(resource, (this.#hits.get(resource) ?? 0) + 1);
				this.injected[kind] = (this.injected[kind] ?? 0) + 1;
				const cutAt = 0.1 + 0.8 * (hashString(this.#seed ^ 0xc0_7c_07, `${resource}#${attempt}`) / 4_294_967_296);
				return {kind, cutAt};
			}
		}

		return undefined;
	}

	/** Zeroes the injected-fault counters; which request gets which fault stays as it was. */
	clearCounts(): void {
		for (const key of Object.keys(this.injected)) {
			delete this.injected[key];
		}
	}
}
