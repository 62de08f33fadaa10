/**
 * Signed, expiring storage URLs, the way Twilio's media redirect points at a time-limited storage URL (Twilio's docs;
 * the OpenAPI document has no media paths). The signature is an HMAC-SHA256 over the path, the channel count and
 * the expiry, so a URL cannot be stretched to another recording, another channel count or a later time.
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

export type SignatureCheck = 'valid' | 'expired' | 'bad-signature';

export class UrlSigner {
	readonly #key: Buffer;

	/** A fresh random key per server: URLs from an earlier run never work. */
	constructor(key: Buffer = randomBytes(32)) {
		this.#key = key;
	}

	#mac(path: string, channels: number, expires: number): Buffer {
		return createHmac('sha256', this.#key).update(`${path}\n${channels}\n${expires}`).digest();
	}

	/** The query of a storage URL for `path`, valid until `expires` (Unix seconds). */
	sign(path: string, channels: number, expires: number): URLSearchParams {
		return new URLSearchParams({
			channels: String(channels),
			Expires: String(expires),
			Signature: this.#mac(path, channels, expires).toString('base64url'),
		});
	}

	/** Checks a storage request; `nowSeconds` is the server's clock (which tests may move forward). */
	check(path: string, query: URLSearchParams, nowSeconds: number): {result: SignatureCheck; channels: number} {
		const channels = Number(query.get('channels'));
		const expires = Number(query.get('Expires'));
		const signature = Buffer.from(query.get('Signature') ?? '', 'base64url');
		if (!Number.isSafeInteger(channels) || !Number.isSafeInteger(expires)) {
			return {result: 'bad-signature', channels: 0};
		}

		const expected = this.#mac(path, channels, expires);
		if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
			return {result: 'bad-signature', channels};
		}

		return {result: nowSeconds >= expires ? 'expired' : 'valid', channels};
	}
}
