/**
 * Presigned storage URLs in the manner of S3's query-string authentication: the path, a credential, an issue time
 * and a lifetime are signed with a key only the server knows (HMAC-SHA256), so the URL itself is the permission and
 * no bearer token is needed, or wanted, at the storage origin. A URL stops working when its lifetime ends, or when
 * the test hook revokes every URL issued so far: each URL's credential carries a serial number for that.
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

export type SignatureCheck = 'valid' | 'expired' | 'bad-signature' | 'missing';

function amzDate(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replaceAll(/[-:]/g, '').replace('.000', '');
}

function parseAmzDate(text: string): number | undefined {
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])) : undefined;
}

export class UrlSigner {
	readonly #key = randomBytes(32);
	readonly #now: () => number;
	#serial = 0;
	/** URLs whose serial is below this are treated as expired. */
	#firstValidSerial = 0;

	constructor(now: () => number = Date.now) {
		this.#now = now;
	}

	#signature(path: string, credential: string, date: string, expires: string): string {
		return createHmac('sha256', this.#key).update(`GET\n${path}\n${credential}\n${date}\n${expires}`).digest('hex');
	}

	/** `origin` + `path` + the signing query for a URL valid for `seconds`. */
	sign(origin: string, path: string, seconds: number): string {
		const now = this.#now();
		const date = amzDate(now);
		const credential = `AKIACCDLTEST${this.#serial++}/${date.slice(0, 8)}/eu-central-1/s3/aws4_request`;
		const expires = String(Math.max(1, Math.floor(seconds)));
		const query = new URLSearchParams({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Credential': credential,
			'X-Amz-Date': date,
			'X-Amz-Expires': expires,
			'X-Amz-SignedHeaders': 'host',
			'X-Amz-Signature': this.#signature(path, credential, date, expires),
		});
		return `${origin}${path}?${query.toString()}`;
	}

	check(path: string, query: URLSearchParams): SignatureCheck {
		const credential = query.get('X-Amz-Credential');
		const date = query.get('X-Amz-Date');
		const expires = query.get('X-Amz-Expires');
		const signature = query.get('X-Amz-Signature');
		if (!credential || !date || !expires || !signature) {
			return 'missing';
		}

		const expected = Buffer.from(this.#signature(path, credential, date, expires));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
			return 'bad-signature';
		}

		const issued = parseAmzDate(date);
		const serial = /^AKIACCDLTEST(\d+)\//.exec(credential);
		if (issued === undefined || !/^\d+$/.test(expires) || !serial) {
			return 'bad-signature';
		}

		if (Number(serial[1]) < this.#firstValidSerial) {
			return 'expired';
		}

		// The issue time is rounded down to the second, so a URL may live up to a second less than asked; never more.
		return this.#now() < issued + Number(expires) * 1000 ? 'valid' : 'expired';
	}

	/** Every URL issued up to now stops working. */
	expireAll(): void {
		this.#firstValidSerial = this.#serial;
	}
}
