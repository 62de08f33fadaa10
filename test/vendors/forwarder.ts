/**
 * A loopback forwarder in front of a vendor test server, for the misbehaviour the test servers do not offer: every
 * request goes on to the real server, and `rewrite` may replace its JSON answer (upper-case IDs, control characters
 * in a field, a page that comes round again). What the server answers stays the document's shape unless the test
 * changes it; media are never forwarded, since the storage origins are named by absolute URL.
 */
import {once} from 'node:events';
import {createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage} from 'node:http';
import type {AddressInfo} from 'node:net';

export interface Exchange {
	method: string;
	url: URL;
	requestBody: Buffer;
	status: number;
	/** The upstream answer, parsed when it is JSON. */
	json: unknown;
}

/** A replacement JSON body, or undefined to pass the upstream answer on unchanged. */
export type Rewrite = (exchange: Exchange) => unknown;

export interface Forwarder {
	url: string;
	/** Method and path with query of every request, in order. */
	readonly requests: string[];
	close(): Promise<void>;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
	}

	return Buffer.concat(chunks);
}

/**
 * Hop-by-hop headers and those that would stop a rewrite (compression) or lie after one (length). Host is passed on
 * as the client sent it, as a reverse proxy that keeps the host does, so absolute URLs in answers point back here.
 */
const dropped = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'accept-encoding']);

function passed(headers: IncomingHttpHeaders): Record<string, string | string[]> {
	return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined && !dropped.has(entry[0])));
}

export async function startForwarder(upstream: string, rewrite: Rewrite): Promise<Forwarder> {
	const target = new URL(upstream);
	const requests: string[] = [];
	const server = createServer((request, response) => {
		void (async () => {
			const method = request.method ?? 'GET';
			requests.push(`${method} ${request.url ?? '/'}`);
			const requestBody = await readAll(request);
			const answer = await new Promise<IncomingMessage>((resolve, reject) => {
				const outgoing = httpRequest({
					host: target.hostname, port: target.port, method, path: request.url, headers: {...passed(request.headers), 'content-length': String(requestBody.length)},
				}, resolve);
				outgoing.on('error', reject);
				outgoing.end(requestBody);
			});
			let body = await readAll(answer);
			const isJson = /json/i.test(String(answer.headers['content-type'] ?? ''));
			if (isJson && body.length > 0) {
				const url = new URL(request.url ?? '/', 'http://forwarder.invalid');
				const replaced = rewrite({method, url, requestBody, status: answer.statusCode ?? 0, json: JSON.parse(body.toString('utf8')) as unknown});
				if (replaced !== undefined) {
					body = Buffer.from(JSON.stringify(replaced));
				}
			}

			response.writeHead(answer.statusCode ?? 502, {...passed(answer.headers), 'content-length': String(body.length)});
			response.end(body);
		})().catch(() => {
			response.destroy();
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		async close() {
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}
