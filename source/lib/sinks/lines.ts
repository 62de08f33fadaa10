/** Reading a text file of a destination line by line, as it streams. */
import {createInterface} from 'node:readline';
import {Readable} from 'node:stream';
import type {Sink} from './sink.js';

/**
 * The lines of a destination's text file as they are read, never its whole text (a folder's manifest grows with every
 * run into it). None when the file is not there; throws when it is there but cannot be read.
 */
export async function * linesOf(sink: Sink, relativePath: string): AsyncGenerator<string> {
	const stream = await sink.readStream(relativePath);
	if (stream) {
		yield * linesOfStream(stream);
	}
}

/** The lines of bytes as they come (LF or CRLF). */
export function linesOfStream(stream: AsyncIterable<Buffer>): AsyncIterable<string> {
	return createInterface({input: Readable.from(stream), crlfDelay: Number.POSITIVE_INFINITY});
}
