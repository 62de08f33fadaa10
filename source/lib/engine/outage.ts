/**
 * Tells a dead server from a flaky file. Every answer from the server (any HTTP status but a gateway's 502/504, or
 * body bytes) is a sign of life. Requests that get no answer at all do not use up a file's tries while there has
 * been no sign of life since that file's last failure; instead the run waits, and when the server has given no sign
 * of life for `limitMs` (60 s by default, CCDL_OUTAGE_SECONDS), the run stops with exit 4 rather than failing file
 * after file.
 */
import {ServerError} from '../api/errors.js';
import {phrased} from '../i18n/index.js';

/** Seconds without any answer from the server before a run gives up on it. */
export const defaultOutageSeconds = 60;

/** CCDL_OUTAGE_SECONDS when it is a positive number, else the default. */
export function outageSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
	const value = Number(env['CCDL_OUTAGE_SECONDS']);
	return Number.isFinite(value) && value > 0 ? value : defaultOutageSeconds;
}

export class OutageWatch {
	readonly limitMs: number;
	readonly #server: string;
	readonly #onDown: (error: ServerError) => void;
	#lastLife = Date.now();
	/** Counts signs of life, so a file can tell whether the server answered anyone since its last failure. */
	#lives = 0;
	#lastError = '';
	#timer: NodeJS.Timeout | undefined;
	#down: ServerError | undefined;

	constructor(server: string, limitMs: number, onDown: (error: ServerError) => void) {
		this.#server = server;
		this.limitMs = limitMs;
		this.#onDown = onDown;
	}

	get lives(): number {
		return this.#lives;
	}

	/** The error that stopped the run, once the outage lasted too long. */
	get down(): ServerError | undefined {
		return this.#down;
	}

	/** The server answered something. */
	alive(): void {
		this.#lastLife = Date.now();
		this.#lives++;
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
	}

	/** A request got no answer (`why`: the error code); arms the deadline counted from the last sign of life. */
	unanswered(why: string): void {
		this.#lastError = why;
		if (this.#down || this.#timer) {
			return;
		}

		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#check();
		}, Math.max(0, this.#lastLife + this.limitMs - Date.now()));
		this.#timer.unref();
	}

	#check(): void {
		if (this.#down || Date.now() - this.#lastLife < this.limitMs) {
			return;
		}

		const seconds = Math.round(this.limitMs / 1000);
		const last = this.#lastError || {key: 'cli.part.last.none'};
		this.#down = new ServerError('server-unreachable', ...phrased('cli.error.server-gone', {server: this.#server, seconds, last}));
		this.#onDown(this.#down);
	}

	stop(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
