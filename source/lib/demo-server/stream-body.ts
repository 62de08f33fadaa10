/**
 * Sends a body chunk by chunk, honouring backpressure, and — when a fault was drawn for this request — cuts it part
 * way: a reset (RST) or a truncated body (FIN before the announced length). Shared by the demo server and the vendor
 * test servers, so every server injects faults the same way.
 */
import type {ServerResponse} from 'node:http';
import type {FaultDecision} from './faults.js';

export async function streamBody(response: ServerResponse, chunks: Iterable<Buffer>, options: {
	/** Bytes the body announces (the cut falls at a share of it). */
	length: number;
	fault?: FaultDecision | undefined;
	/** Called with each piece's length as it is written (byte counters). */
	onBytes?: (bytes: number) => void;
}): Promise<void> {
	const {fault} = options;
	let closed = false;
	response.once('close', () => {
		closed = true;
	});
	const cutAfter = fault && (fault.kind === 'reset' || fault.kind === 'truncate') ? Math.floor(options.length * fault.cutAt) : Number.POSITIVE_INFINITY;
	let sent = 0;
	for (const chunk of chunks) {
		if (closed) {
			return;
		}

		const piece = sent + chunk.length > cutAfter ? chunk.subarray(0, cutAfter - sent) : chunk;
		sent += piece.length;
		options.onBytes?.(piece.length);
		if (!response.write(piece) && !closed) {
			await drainedOrClosed(response);
		}

		if (sent >= cutAfter) {
			const {socket} = response;
			if (fault?.kind === 'reset') {
				socket?.resetAndDestroy();
			} else {
				socket?.end();
				socket?.destroySoon();
			}

			return;
		}
	}

	response.end();
}

/**
 * Resolves at the next 'drain' or 'close', and takes both listeners off again: a large body waits for 'drain'
 * thousands of times, and racing two `once()` promises left a 'close' (and an 'error') listener behind each time.
 */
async function drainedOrClosed(response: ServerResponse): Promise<void> {
	return new Promise(resolve => {
		const done = () => {
			response.off('drain', done);
			response.off('close', done);
			resolve();
		};

		response.on('drain', done);
		response.on('close', done);
	});
}
