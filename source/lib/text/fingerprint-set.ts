import {randomInt} from 'node:crypto';

/**
 * A set of strings kept as hashes in an open-addressing table (off the JS heap), instead of a string and a Set entry
 * each: a million strings take 8–16 MiB (64-bit) or 12–24 MiB (96-bit), not 50–130 MiB. The table is filled up to
 * three quarters before it doubles: at half, a million names took 32 MiB and 48 MiB while growing.
 *
 * The hashes are seeded per set, so a server cannot choose strings that collide or pile up in one part of the table.
 * Two strings with the same hash make the second look present. With 64 bits (the default) the odds are about n²/2⁶⁵
 * for the whole set (1 in 1.5 million for 5,000,000 strings): use that only where a false match costs little (an
 * extra `_2` suffix, a listing's repeat check). With `wide` (96 bits) they are about n²/2⁹⁷ (1 in 6 · 10¹⁵ for
 * 5,000,000): far below the odds of a disk or memory error, for sets where a false match would drop data.
 */
export class FingerprintSet {
	/** 32-bit words a slot: h1, h2 (never 0 in a filled slot: 0 marks an empty one) and, when wide, h3. */
	readonly #width: 2 | 3;
	#table: Uint32Array;
	#mask: number;
	#size = 0;
	readonly #seed1 = randomInt(2 ** 32 - 1) >>> 0;
	readonly #seed2 = randomInt(2 ** 32 - 1) >>> 0;
	readonly #seed3 = randomInt(2 ** 32 - 1) >>> 0;

	constructor(options: {wide?: boolean} = {}) {
		this.#width = options.wide ? 3 : 2;
		this.#table = new Uint32Array(this.#width * initialSlots);
		this.#mask = initialSlots - 1;
	}

	get size(): number {
		return this.#size;
	}

	/** Adds `text`; true when it was not in the set. */
	add(text: string): boolean {
		this.#hash(text);
		if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) {
			this.#grow();
		}

		if (this.#insert(this.#table, this.#mask, this.#h1, this.#h2, this.#h3)) {
			this.#size++;
			return true;
		}

		return false;
	}

	has(text: string): boolean {
		this.#hash(text);
		return this.#find(this.#table, this.#mask, this.#h1, this.#h2, this.#h3) >= 0;
	}

	// The last hash, in fields rather than a returned tuple: no allocation per lookup.
	#h1 = 0;
	#h2 = 0;
	#h3 = 0;

	#hash(text: string): void {
		let h1 = this.#seed1 ^ 0x81_1c_9d_c5;
		let h2 = this.#seed2 ^ 0x9e_37_79_b9;
		const wide = this.#width === 3;
		let h3 = this.#seed3 ^ 0x27_d4_eb_2d;
		for (let index = 0; index < text.length; index++) {
			const code = text.charCodeAt(index);
			h1 = Math.imul(h1 ^ code, 0x01_00_01_93);
			h2 = Math.imul(h2 ^ code, 0x5b_d1_e9_95);
			h2 ^= h2 >>> 15;
			if (wide) {
				h3 = Math.imul(h3 ^ code, 0x16_5e_4d_bf);
				h3 ^= h3 >>> 13;
			}
		}

		// Final mixing (murmur3's), so that short strings spread over the whole table.
		h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85_eb_ca_6b);
		this.#h1 = (h1 ^ (h1 >>> 13)) >>> 0;
		h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2_b2_ae_35);
		this.#h2 = ((h2 ^ (h2 >>> 16)) | 1) >>> 0; // Never 0: a slot with h2 = 0 is empty.
		if (wide) {
			h3 = Math.imul(h3 ^ (h3 >>> 16), 0x85_eb_ca_6b);
			this.#h3 = (h3 ^ (h3 >>> 13)) >>> 0;
		}
	}

	/** The slot holding this hash, or -(the empty slot where it would go) - 1. */
	#find(table: Uint32Array, mask: number, h1: number, h2: number, h3: number): number {
		const width = this.#width;
		for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
			const at = slot * width;
			const stored = table[at + 1]!;
			if (stored === 0) {
				return -slot - 1;
			}

			if (stored === h2 && table[at] === h1 && (width === 2 || table[at + 2] === h3)) {
				return slot;
			}
		}
	}

	/** Stores the hash unless it is there; true when it was not. */
	#insert(table: Uint32Array, mask: number, h1: number, h2: number, h3: number): boolean {
		const found = this.#find(table, mask, h1, h2, h3);
		if (found >= 0) {
			return false;
		}

		const at = (-found - 1) * this.#width;
		table[at] = h1;
		table[at + 1] = h2;
		if (this.#width === 3) {
			table[at + 2] = h3;
		}

		return true;
	}

	#grow(): void {
		const width = this.#width;
		const old = this.#table;
		const mask = (this.#mask + 1) * 2 - 1;
		const grown = new Uint32Array((mask + 1) * width);
		for (let at = 0; at < old.length; at += width) {
			if (old[at + 1] !== 0) {
				this.#insert(grown, mask, old[at]!, old[at + 1]!, width === 3 ? old[at + 2]! : 0);
			}
		}

		this.#table = grown;
		this.#mask = mask;
	}
}

/** Slots of a new set: 32 KiB of a 64-bit set, enough for a run of 3,000 files without growing. */
const initialSlots = 4096;
