import http, {type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {streamBody} from '../../source/lib/demo-server/stream-body.js';

let server: http.Server | undefined;

afterEach(async () => {
	await new Promise(resolve => {
		server?.close(resolve);
	});
	server = undefined;
});

describe('streamBody', () => {
	it('waits for a slow reader without piling up listeners on the response', async () => {
		const chunk = Buffer.alloc(64 * 1024, 7);
		const count = 256;
		let mostCloseListeners = 0;
		let mostErrorListeners = 0;
		let done: Promise<void> | undefined;
		server = http.createServer((_request, response: ServerResponse) => {
			response.writeHead(200, {'content-length': String(chunk.length * count)});
			done = streamBody(response, Array.from({length: count}, () => chunk), {
				length: chunk.length * count,
				onBytes() {
					mostCloseListeners = Math.max(mostCloseListeners, response.listenerCount('close'));
					mostErrorListeners = Math.max(mostErrorListeners, response.listenerCount('error'));
				},
			});
		});
		await new Promise<void>(resolve => {
			server!.listen(0, '127.0.0.1', resolve);
		});
		const {port} = server.address() as AddressInfo;
		const received = await new Promise<number>((resolve, reject) => {
			http.get({host: '127.0.0.1', port, path: '/'}, response => {
				let bytes = 0;
				// A reader slower than the writer: the server's writes fill the socket and wait for 'drain' many times.
				response.on('data', (data: Buffer) => {
					bytes += data.length;
					response.pause();
					setImmediate(() => response.resume());
				});
				response.on('end', () => {
					resolve(bytes);
				});
				response.on('error', reject);
			}).on('error', reject);
		});
		await done;
		expect(received).toBe(chunk.length * count);
		// Node's own listeners plus streamBody's one 'close' watch; racing once() promises added one per drain.
		expect(mostCloseListeners).toBeLessThanOrEqual(4);
		expect(mostErrorListeners).toBeLessThanOrEqual(3);
	});
});
