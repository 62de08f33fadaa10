/**
 * OAuth 2 tokens of the test tenant. Access tokens really expire after `tokenTtl` seconds; a refresh token, with the
 * integration's client ID and secret, gets a new pair at `POST /v1/access_token`. The token endpoint is not in the
 * Contact Center document: its form (`grant_type=refresh_token&client_id&client_secret&refresh_token`) and its
 * answer (`access_token`, `expires_in`, `refresh_token`, `refresh_token_expires_in`, `token_type`) follow Webex's
 * public OAuth documentation ("Integrations": using the refresh token), and its errors RFC 6749 §5.2.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto';

export interface TokenPair {
	access_token: string;
	expires_in: number;
	refresh_token: string;
	refresh_token_expires_in: number;
	token_type: 'Bearer';
}

/** Why a token endpoint request was refused (RFC 6749 §5.2 error codes). */
export class OAuthError extends Error {
	readonly code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';
	readonly status: number;

	constructor(code: OAuthError['code'], message: string) {
		super(message);
		this.name = 'OAuthError';
		this.code = code;
		this.status = code === 'invalid_client' ? 401 : 400;
	}
}

/** Webex refresh tokens live 90 days. */
const refreshTtlSeconds = 90 * 86_400;

function secretsEqual(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

export class TokenStore {
	readonly clientId: string;
	readonly clientSecret: string;
	readonly tokenTtlSeconds: number;
	refreshed = 0;
	readonly #orgId: string;
	readonly #access = new Map<string, number>();
	readonly #refresh = new Map<string, number>();
	readonly #now: () => number;

	constructor(orgId: string, tokenTtlSeconds: number, now: () => number = Date.now) {
		this.#orgId = orgId;
		this.tokenTtlSeconds = tokenTtlSeconds;
		this.#now = now;
		this.clientId = `C${randomBytes(32).toString('hex')}`;
		this.clientSecret = randomBytes(32).toString('hex');
	}

	/** A new access and refresh token. Webex tokens end in `_<cluster>_<orgId>`; these do too. */
	issue(): TokenPair {
		const access = `${randomBytes(48).toString('base64url')}_PF84_${this.#orgId}`;
		const refresh = `${randomBytes(48).toString('base64url')}_PF84_${this.#orgId}`;
		const now = this.#now();
		this.#access.set(access, now + this.tokenTtlSeconds * 1000);
		this.#refresh.set(refresh, now + refreshTtlSeconds * 1000);
		return {access_token: access, expires_in: this.tokenTtlSeconds, refresh_token: refresh, refresh_token_expires_in: refreshTtlSeconds, token_type: 'Bearer'};
	}

	/** 'valid', 'expired' or 'unknown'. */
	check(accessToken: string): 'valid' | 'expired' | 'unknown' {
		const expiresAt = this.#access.get(accessToken);
		if (expiresAt === undefined) {
			return 'unknown';
		}

		return this.#now() < expiresAt ? 'valid' : 'expired';
	}

	/** Handles a token endpoint form; the old refresh token stays valid, as Webex's does until it expires. */
	refresh(form: URLSearchParams): TokenPair {
		const grant = form.get('grant_type');
		if (grant === null) {
			throw new OAuthError('invalid_request', 'grant_type is required.');
		}

		if (grant !== 'refresh_token') {
			throw new OAuthError('unsupported_grant_type', 'This test server supports grant_type=refresh_token only.');
		}

		const clientId = form.get('client_id');
		const clientSecret = form.get('client_secret');
		const refreshToken = form.get('refresh_token');
		if (!clientId || !clientSecret || !refreshToken) {
			throw new OAuthError('invalid_request', 'client_id, client_secret and refresh_token are required.');
		}

		if (!secretsEqual(clientId, this.clientId) || !secretsEqual(clientSecret, this.clientSecret)) {
			throw new OAuthError('invalid_client', 'The client ID or secret is wrong.');
		}

		const expiresAt = this.#refresh.get(refreshToken);
		if (expiresAt === undefined || this.#now() >= expiresAt) {
			throw new OAuthError('invalid_grant', 'The refresh token is unknown or expired.');
		}

		this.refreshed++;
		return this.issue();
	}

	/** Makes every access token issued so far expired (for tests of a client's refresh). */
	expireAll(): void {
		const now = this.#now();
		for (const token of this.#access.keys()) {
			this.#access.set(token, now);
		}
	}
}
