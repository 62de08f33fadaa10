/**
 * A growing byte buffer for building large response bodies (listing pages) from many small pieces: strings are
 * encoded straight into it and fixed fragments are copied in as bytes, so a page of a thousand records is one buffer
 * and not a thousand strings concatenated, flattened and encoded again.
 */
export class ByteWriter {
	#buffer: Buffer;
	#length = 0;

	constructor(capacity = 64 * 1024) {
		this.#buffer = Buffer.allocUnsafe(capacity);
	}

	get length(): number {
		return this.#length;
	}

	/** Appends `text` as UTF-8. */
	text(text: string): this {
		// UTF-8 needs at most 3 bytes per UTF-16 code unit.
		this.#room(text.length * 3);
		this.#length += this.#buffer.write(text, this.#length, 'utf8');
		return this;
	}

	bytes(bytes: Uint8Array): this {
		this.#room(bytes.length);
		this.#buffer.set(bytes, this.#length);
		this.#length += bytes.length;
		return this;
	}

	/** The bytes written so far (a view of the writer's buffer: write nothing more while it is used). */
	view(): Buffer {
		return this.#buffer.subarray(0, this.#length);
	}

	/** A copy of the bytes written, of exactly their length. */
	copy(): Buffer {
		return Buffer.from(this.view());
	}

	#room(bytes: number): void {
		if (this.#length + bytes <= this.#buffer.length) {
			return;
		}

		const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
		this.#buffer.copy(grown, 0, 0, this.#length);
		this.#buffer = grown;
	}
}
