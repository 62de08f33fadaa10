/**
 * Webex OAuth 2 bearer tokens. ccdl either takes an access token as it is (the secret: CCDL_PASSWORD,
 * --password-stdin, a prompt or a credentials file), or — when CCDL_WEBEX_REFRESH_TOKEN, CCDL_WEBEX_CLIENT_ID and
 * CCDL_WEBEX_CLIENT_SECRET are all set — obtains and renews access tokens itself at the token endpoint
 * (`POST {api}/v1/access_token`, form `grant_type=refresh_token&client_id&client_secret&refresh_token`, Webex's
 * "Integrations" documentation). These three come from the environment only: never argv, never a config file.
 * The token endpoint is derived from the API base, so the refresh token and the client secret never go to another
 * origin than the API the user named.
 */
import {UsageError} from '../../errors.js';
import {AuthError, ServerError} from '../../api/errors.js';
import {phrased} from '../../i18n/index.js';
import {visible} from '../../text/visible.js';

export const refreshEnv = {
	refreshToken: 'CCDL_WEBEX_REFRESH_TOKEN',
	clientId: 'CCDL_WEBEX_CLIENT_ID',
	clientSecret: 'CCDL_WEBEX_CLIENT_SECRET',
} as const;

export interface RefreshCredentials {
	refreshToken: string;
	clientId: string;
	clientSecret: string;
}

/**
 * A token ccdl can send back: printable ASCII without spaces, at most 8 KiB. Anything else would break the
 * Authorization header or smuggle another header into it (a CR/LF).
 */
export function isToken(value: unknown): value is string {
	return typeof value === 'string' && value.length > 0 && value.length <= 8192 && /^[\x21-\x7E]+$/.test(value);
}

/** The refresh credentials from the environment: all three, or none (some of them is a usage error naming the rest). */
export function refreshCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): RefreshCredentials | undefined {
	const values = {
		refreshToken: env[refreshEnv.refreshToken] ?? '',
		clientId: env[refreshEnv.clientId] ?? '',
		clientSecret: env[refreshEnv.clientSecret] ?? '',
	};
	const given = (Object.keys(values) as Array<keyof RefreshCredentials>).filter(key => values[key] !== '');
	if (given.length === 0) {
		return undefined;
	}

	if (given.length < 3) {
		const missing = (Object.keys(values) as Array<keyof RefreshCredentials>).filter(key => values[key] === '').map(key => refreshEnv[key]);
		throw new UsageError(`To let ccdl renew Webex access tokens, set ${refreshEnv.refreshToken}, ${refreshEnv.clientId} and ${refreshEnv.clientSecret} together; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing.`);
	}

	for (const key of given) {
		if (!isToken(values[key])) {
			throw new UsageError(`${refreshEnv[key]} is not a usable value (printable characters without spaces, at most 8 KiB).`);
		}
	}

	return values;
}

/** The token endpoint of an API base: `https://webexapis.com` → `https://webexapis.com/v1/access_token`. */
export function tokenUrlOf(baseUrl: string): URL {
	return new URL(`${baseUrl.replace(/\/+$/, '')}/v1/access_token`);
}

/** What the token endpoint answered, as a new access token (and the refresh token to use next). */
export function tokenPairOf(status: number, body: unknown, baseUrl: string): {accessToken: string; refreshToken?: string; expiresIn?: number} {
	const answer = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
	if (status >= 200 && status < 300) {
		if (!isToken(answer['access_token'])) {
			throw new ServerError('bad-response', `${baseUrl} answered the token refresh without a usable access token; check --server.`);
		}

		const expiresIn = answer['expires_in'];
		return {
			accessToken: answer['access_token'],
			...(isToken(answer['refresh_token']) ? {refreshToken: answer['refresh_token']} : {}),
			...(typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? {expiresIn} : {}),
		};
	}

	// RFC 6749 §5.2: invalid_client (wrong ID or secret), invalid_grant (refresh token unknown, expired or revoked).
	const code = typeof answer['error'] === 'string' ? visible(answer['error'].slice(0, 40)) : `HTTP ${status}`;
	if (code === 'invalid_client') {
		throw new AuthError('refresh-refused', `Webex refused the integration's client ID or secret (${refreshEnv.clientId}, ${refreshEnv.clientSecret}) when renewing the access token; check them.`);
	}

	if (status === 400 || status === 401 || status === 403) {
		throw new AuthError('refresh-refused', `Webex refused to renew the access token (${code}): the refresh token in ${refreshEnv.refreshToken} is unknown, expired or revoked; get a new one from the integration.`);
	}

	throw new ServerError(`http-${status}`, `${baseUrl} answered the token refresh with ${status} (${code}); try again later.`);
}

/** The sentence for an expired access token when ccdl has no way to renew it. */
export function expiredWithoutRefresh(): AuthError {
	return new AuthError('token-expired', ...phrased('cli.error.webex-token-expired', {...refreshEnv}));
}

/**
 * The current access token and, when the environment gave them, what renews it. Concurrent callers that meet an
 * expired token share one renewal: the first starts it, the others wait for it, and a caller whose token was
 * already replaced retries at once without renewing again.
 */
export class TokenKeeper {
	#access: string;
	#refresh: RefreshCredentials | undefined;
	#renewing: Promise<void> | undefined;
	readonly #exchange: (form: URLSearchParams, signal?: AbortSignal) => Promise<{status: number; body: unknown}>;
	readonly #baseUrl: string;
	renewals = 0;

	constructor(access: string, refresh: RefreshCredentials | undefined, baseUrl: string, exchange: (form: URLSearchParams, signal?: AbortSignal) => Promise<{status: number; body: unknown}>) {
		this.#access = access;
		this.#refresh = refresh;
		this.#baseUrl = baseUrl;
		this.#exchange = exchange;
	}

	get accessToken(): string {
		return this.#access;
	}

	get canRenew(): boolean {
		return this.#refresh !== undefined;
	}

	/** Renews the token that `used` was; returns at once when another caller already replaced it. */
	async renew(used: string, signal?: AbortSignal): Promise<void> {
		if (this.#access !== used && this.#access !== '') {
			return;
		}

		const refresh = this.#refresh;
		if (!refresh) {
			throw expiredWithoutRefresh();
		}

		this.#renewing ??= (async () => {
			try {
				const form = new URLSearchParams({
					grant_type: 'refresh_token', client_id: refresh.clientId, client_secret: refresh.clientSecret, refresh_token: refresh.refreshToken,
				});
				const {status, body} = await this.#exchange(form, signal);
				const pair = tokenPairOf(status, body, this.#baseUrl);
				this.#access = pair.accessToken;
				if (pair.refreshToken) {
					this.#refresh = {...refresh, refreshToken: pair.refreshToken};
				}

				this.renewals++;
			} finally {
				this.#renewing = undefined;
			}
		})();
		return this.#renewing;
	}
}
