import {randomInt} from 'node:crypto';

/**
 * A set of strings kept as 64-bit hashes in an open-addressing table: 8 bytes a string (16 at most, with the table
 * half full) instead of a string and a Set entry, so a million IDs or file names take 16 MiB (off the JS heap), not
 * 50–130 MiB. The hashes are seeded per set, so a server cannot choose strings that collide or pile up in one part
 * of the table. Two strings sharing both 32-bit hashes (odds about n²/2⁶⁵ for the whole set: 1 in 1.5 million for
 * 5,000,000 strings) make the second look present: use it only where that costs little (a listing's repeat check,
 * an extra `_2` suffix), never where it would drop data.
 */
export class FingerprintSet {
	#table = new Uint32Array(2 * 4096);
	#size = 0;
	readonly #seed1 = randomInt(2 ** 32 - 1) >>> 0;
	readonly #seed2 = randomInt(2 ** 32 - 1) >>> 0;

	get size(): number {
		return this.#size;
	}

	/** Adds `text`; true when it was not in the set. */
	add(text: string): boolean {
		this.#hash(text);
		if ((this.#size + 1) * 2 > this.#table.length / 2) {
			this.#grow();
		}

		return this.#insert(this.#table, this.#h1, this.#h2);
	}

	has(text: string): boolean {
		this.#hash(text);
		const table = this.#table;
		const mask = table.length / 2 - 1;
		for (let slot = this.#h1 & mask; ; slot = (slot + 1) & mask) {
			const stored = table[slot * 2 + 1]!;
			if (stored === 0) {
				return false;
			}

			if (stored === this.#h2 && table[slot * 2] === this.#h1) {
				return true;
			}
		}
	}

	// The last hash, in fields rather than a returned pair: no allocation per lookup.
	#h1 = 0;
	#h2 = 0;

	#hash(text: string): void {
		let h1 = this.#seed1 ^ 0x81_1c_9d_c5;
		let h2 = this.#seed2 ^ 0x9e_37_79_b9;
		for (let index = 0; index < text.length; index++) {
			const code = text.charCodeAt(index);
			h1 = Math.imul(h1 ^ code, 0x01_00_01_93);
			h2 = Math.imul(h2 ^ code, 0x5b_d1_e9_95);
			h2 ^= h2 >>> 15;
		}

		// Final mixing (murmur3's), so that short strings spread over the whole table.
		h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85_eb_ca_6b);
		this.#h1 = (h1 ^ (h1 >>> 13)) >>> 0;
		h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2_b2_ae_35);
		this.#h2 = ((h2 ^ (h2 >>> 16)) | 1) >>> 0; // Never 0: a pair with h2 = 0 marks an empty slot.
	}

	#insert(table: Uint32Array, h1: number, h2: number): boolean {
		const mask = table.length / 2 - 1;
		for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
			const stored = table[slot * 2 + 1]!;
			if (stored === 0) {
				table[slot * 2] = h1;
				table[slot * 2 + 1] = h2;
				if (table === this.#table) {
					this.#size++;
				}

				return true;
			}

			if (stored === h2 && table[slot * 2] === h1) {
				return false;
			}
		}
	}

	#grow(): void {
		const old = this.#table;
		const grown = new Uint32Array(old.length * 2);
		for (let slot = 0; slot < old.length / 2; slot++) {
			if (old[slot * 2 + 1] !== 0) {
				this.#insert(grown, old[slot * 2]!, old[slot * 2 + 1]!);
			}
		}

		this.#table = grown;
	}
}
