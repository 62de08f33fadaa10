/** A pass-through stream that hashes (SHA-256) and counts the bytes going through: what was sent, read or stored. */
import {createHash} from 'node:crypto';
import {Transform, type TransformCallback} from 'node:stream';

export class HashCounter extends Transform {
	readonly hash = createHash('sha256');
	bytes = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.hash.update(chunk);
		this.bytes += chunk.length;
		callback(null, chunk);
	}
}
