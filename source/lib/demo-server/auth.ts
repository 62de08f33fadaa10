/** Access and refresh tokens of the demo server, held in memory. */
import {randomBytes} from 'node:crypto';
import type {TokenResponse} from '../api/wire.js';
import type {DemoUser} from './people.js';

interface Grant {
	user: DemoUser;
	expiresAt: number;
}

export type TokenCheck = {ok: true; user: DemoUser} | {ok: false; reason: 'missing' | 'invalid' | 'expired'};

export class TokenStore {
	readonly #access = new Map<string, Grant>();
	readonly #refresh = new Map<string, Grant>();
	readonly #accessTtlMs: number;
	readonly #refreshTtlMs: number;
	readonly #company: string;

	constructor(company: string, accessTtlSeconds: number, refreshTtlSeconds = 7 * 86_400) {
		this.#company = company;
		this.#accessTtlMs = accessTtlSeconds * 1000;
		this.#refreshTtlMs = refreshTtlSeconds * 1000;
	}

	issue(user: DemoUser, now = Date.now()): TokenResponse {
		const accessToken = randomBytes(24).toString('base64url');
		const refreshToken = randomBytes(32).toString('base64url');
		this.#access.set(accessToken, {user, expiresAt: now + this.#accessTtlMs});
		this.#refresh.set(refreshToken, {user, expiresAt: now + this.#refreshTtlMs});
		return {
			tokenType: 'Bearer',
			accessToken,
			expiresIn: Math.round(this.#accessTtlMs / 1000),
			refreshToken,
			user: {username: user.username, displayName: user.displayName, role: user.role, company: this.#company},
		};
	}

	/** Rotates a refresh token: the old one stops working. */
	refresh(refreshToken: string, now = Date.now()): TokenResponse | undefined {
		const grant = this.#refresh.get(refreshToken);
		if (!grant || grant.expiresAt <= now) {
			return undefined;
		}

		this.#refresh.delete(refreshToken);
		return this.issue(grant.user, now);
	}

	check(authorization: string | undefined, now = Date.now()): TokenCheck {
		const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
		if (!match) {
			return {ok: false, reason: 'missing'};
		}

		const grant = this.#access.get(match[1]!);
		if (!grant) {
			return {ok: false, reason: 'invalid'};
		}

		if (grant.expiresAt <= now) {
			return {ok: false, reason: 'expired'};
		}

		return {ok: true, user: grant.user};
	}

	/** Expires every access token now (refresh tokens stay valid), so tests can force a refresh mid-run. */
	expireAll(now = Date.now()): void {
		for (const grant of this.#access.values()) {
			grant.expiresAt = Math.min(grant.expiresAt, now);
		}
	}
}
