/**
 * A pass-through stream that hashes what is actually sent: the whole object, and each multipart part at the
 * part-size boundaries the uploader cuts at, so a composite S3 checksum (`sha256(part digests)-N`) can be checked
 * against the one the store reports.
 */
import {createHash, type Hash} from 'node:crypto';
import {Transform, type TransformCallback} from 'node:stream';

export class HashingTap extends Transform {
	readonly partSize: number;
	readonly #whole = createHash('sha256');
	readonly #partDigests: Buffer[] = [];
	#part: Hash = createHash('sha256');
	#inPart = 0;
	#bytes = 0;

	constructor(partSize: number) {
		super();
		this.partSize = partSize;
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.#whole.update(chunk);
		this.#bytes += chunk.length;
		let offset = 0;
		while (offset < chunk.length) {
			const take = Math.min(this.partSize - this.#inPart, chunk.length - offset);
			this.#part.update(chunk.subarray(offset, offset + take));
			this.#inPart += take;
			offset += take;
			if (this.#inPart === this.partSize) {
				this.#partDigests.push(this.#part.digest());
				this.#part = createHash('sha256');
				this.#inPart = 0;
			}
		}

		callback(null, chunk);
	}

	/** After the stream ended: bytes, hex SHA-256 of all of them, and the digests of each part. */
	result(): {bytes: number; sha256: string; parts: Buffer[]} {
		const parts = [...this.#partDigests];
		if (this.#inPart > 0 || parts.length === 0) {
			parts.push(this.#part.digest());
		}

		return {bytes: this.#bytes, sha256: this.#whole.digest('hex'), parts};
	}
}

/** The checksum S3 reports for an object: base64 SHA-256 for a single PUT, `base64(sha256(part digests))-N` for multipart. */
export function expectedS3Checksums(sha256Hex: string, parts: Buffer[]): string[] {
	const whole = Buffer.from(sha256Hex, 'hex').toString('base64');
	const composite = `${createHash('sha256').update(Buffer.concat(parts)).digest('base64')}-${parts.length}`;
	return [whole, composite];
}
