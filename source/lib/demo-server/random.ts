/**
 * Deterministic pseudo-randomness for the demo data. Every value is a pure function of the seed and an index,
 * so the dataset can be generated lazily, in any order, and is the same on every run.
 */

/** 32-bit integer hash (a murmur3 finaliser): mixes `value` with `seed`. */
export function hash32(seed: number, value: number): number {
	let h = (seed ^ Math.imul(value, 0x9e_37_79_b1)) >>> 0;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85_eb_ca_6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2_b2_ae_35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** Hash of a string, for seeding by resource key. */
export function hashString(seed: number, text: string): number {
	let h = seed >>> 0;
	for (let i = 0; i < text.length; i++) {
		h = hash32(h, text.charCodeAt(i));
	}

	return h;
}

/** A small, fast PRNG (mulberry32). */
export class Random {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** A float in [0, 1). */
	next(): number {
		this.#state = (this.#state + 0x6d_2b_79_f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	/** An integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	digits(count: number): string {
		let text = '';
		for (let i = 0; i < count; i++) {
			text += String(Math.floor(this.next() * 10));
		}

		return text;
	}
}
