/**
 * Decides when each file of a run starts. Without a download profile: one queue of `concurrency` files of any
 * channel at once, as ccdl always did. With profiles: the files are grouped by their effective profile
 * and the groups run one after another; inside a group at most `count` files of each channel are in flight
 * (blended, blended-realtime), or the channels go one at a time in the order voice, video, chat, email, social,
 * each finished before the next starts (exclusive). Files of a channel the profile gives 0 are not transferred.
 *
 * The server's "slow down" (429/503) halves what may be in flight, whichever kind of group runs (the run passes on
 * at most one a second: a burst of 429s is one signal, not eight halvings); calm successes let it creep back (one more after every
 * 8) up to the group's own limit (AIMD). Under a profile that halving is a cap on top of the per-channel counts. A
 * file the server told to wait is handed back (`{retryAt}`): it leaves its slot to others and starts again once its
 * Retry-After has passed.
 */
import {setTimeout as delay} from 'node:timers/promises';
import type {Channel} from '../api/wire.js';
import {exclusiveOrder, foldName, type Profile} from '../profiles/model.js';
import type {PlannedFile} from './plan.js';

export interface SchedulerOptions {
	/** Files at once when no profile applies. */
	concurrency: number;
	/** The effective profile of a file; undefined (or no function) means no profile. */
	profileFor?: (file: PlannedFile) => Profile | undefined;
	/** Called whenever the number of files allowed at once changes. */
	onConcurrency?: (concurrency: number) => void;
	/** Cuts short the waits of files handed back (they then run at once, and see the cancel). */
	signal?: AbortSignal;
}

/** A file the server asked to wait: not before this time (ms since the epoch). */
export interface Deferral {
	retryAt: number;
}

export interface ScheduledWork {
	/**
	 * Transfers one file (or settles one already on disk). Should not throw; if it does, the run still finishes.
	 * Resolves with a Deferral when the file is to be started again later.
	 */
	run: (file: PlannedFile) => Promise<void | Deferral>;
	/** A file of a channel its profile gives 0: reported, not transferred. */
	skip: (file: PlannedFile, profile: Profile) => void;
}

export interface ProfileGroup {
	profile: Profile | undefined;
	files: PlannedFile[];
}

/** Successes without a "slow down" before the limit goes up by one. */
const calmSteps = 8;


/** The plan's files by effective profile, in the order each profile first appears in the plan. */
export function groupByProfile(files: readonly PlannedFile[], profileFor?: (file: PlannedFile) => Profile | undefined): ProfileGroup[] {
	const groups = new Map<string, ProfileGroup>();
	for (const file of files) {
		const profile = profileFor?.(file);
		const key = profile ? `profile:${foldName(profile.name)}` : 'none';
		let group = groups.get(key);
		if (!group) {
			group = {profile, files: []};
			groups.set(key, group);
		}

		group.files.push(file);
	}

	return [...groups.values()];
}

export class Scheduler {
	readonly #files: readonly PlannedFile[];
	readonly #options: SchedulerOptions;
	/** What may be in flight now (the current group's limit, lowered by slow-downs). */
	#limit: number;
	/** What the current group allows when the server is calm. */
	#target: number;
	#calm = 0;
	/** Starts more files after `#limit` went up. */
	#wake: (() => void) | undefined;

	constructor(files: readonly PlannedFile[], options: SchedulerOptions) {
		this.#files = files;
		this.#options = options;
		this.#limit = options.concurrency;
		this.#target = options.concurrency;
	}

	/** Files allowed in flight now. */
	get concurrency(): number {
		return this.#limit;
	}

	/** The server asked to slow down: halve what may be in flight. */
	slowDown(): void {
		this.#setLimit(Math.max(1, Math.floor(this.#limit / 2)));
		this.#calm = 0;
	}

	/** Waits until a handed-back file may start again (at once when the run is cancelled). */
	async #until(retryAt: number): Promise<void> {
		const wait = retryAt - Date.now();
		if (wait > 0 && !this.#options.signal?.aborted) {
			await delay(wait, undefined, {signal: this.#options.signal}).catch(() => undefined);
		}
	}

	/** A file went through: after enough of them in a row, allow one more again. */
	succeeded(): void {
		if (this.#limit < this.#target && ++this.#calm >= calmSteps) {
			this.#calm = 0;
			this.#setLimit(this.#limit + 1);
		}
	}

	#setLimit(limit: number): void {
		if (limit === this.#limit) {
			return;
		}

		this.#limit = limit;

		this.#options.onConcurrency?.(limit);
		this.#wake?.();
	}

	/** Starts a group (or an exclusive channel) allowing `target` at once; a slow-down so far keeps its cap. */
	#enter(target: number): void {
		const throttled = this.#limit < this.#target;
		this.#target = Math.max(1, target);
		this.#setLimit(throttled ? Math.min(this.#limit, this.#target) : this.#target);
	}

	async run(work: ScheduledWork): Promise<void> {
		const groups = groupByProfile(this.#files, this.#options.profileFor);
		const position = new Map(this.#files.map((file, index) => [file.fileId, index]));
		const plans: Array<{profile: Profile | undefined; files: PlannedFile[]}> = [];
		// Channels at 0 are reported at once, before any transfer, so the run's counts are right from the start.
		for (const group of groups) {
			const {profile} = group;
			if (!profile) {
				plans.push(group);
				continue;
			}

			const kept: PlannedFile[] = [];
			for (const file of group.files) {
				if (file.action === 'download' && profile.counts[file.channel] === 0) {
					work.skip(file, profile);
				} else {
					kept.push(file);
				}
			}

			plans.push({profile, files: kept});
		}

		let failure: {error: unknown} | undefined;
		const guarded = async (file: PlannedFile): Promise<void | Deferral> => {
			try {
				return await work.run(file);
			} catch (error) {
				failure ??= {error};
				return undefined;
			}
		};

		for (const {profile, files} of plans) {
			if (files.length === 0) {
				continue;
			}

			if (!profile) {
				await this.#runQueue(files, guarded);
				continue;
			}

			// Files already on disk transfer nothing: settle them first, outside the counts.
			await Promise.all(files.filter(file => file.action !== 'download').map(async file => guarded(file)));
			const transfers = files.filter(file => file.action === 'download');
			if (profile.mode === 'exclusive') {
				for (const channel of exclusiveOrder) {
					const ofChannel = transfers.filter(file => file.channel === channel);
					if (ofChannel.length > 0) {
						await this.#runPool(ofChannel, {[channel]: profile.counts[channel]}, position, guarded);
					}
				}
			} else {
				await this.#runPool(transfers, profile.counts, position, guarded);
			}
		}

		if (failure) {
			throw failure.error;
		}
	}

	/**
	 * No profile: one queue over every channel, at most the current limit at once. Files are pulled as slots free
	 * (not all handed to a queue up front: a promise and a closure per file of a 20,000-file run add up).
	 */
	async #runQueue(files: readonly PlannedFile[], run: (file: PlannedFile) => Promise<void | Deferral>): Promise<void> {
		this.#enter(this.#options.concurrency);
		if (files.length === 0) {
			return;
		}

		const waiting: PlannedFile[] = [];
		let next = 0;
		let running = 0;
		let settled = 0;
		await new Promise<void>(resolve => {
			const dispatch = () => {
				while (running < this.#limit && (waiting.length > 0 || next < files.length)) {
					// Files back from a Retry-After go first: they have waited their turn already.
					const file = waiting.shift() ?? files[next++]!;
					running++;
					void run(file).then(deferral => {
						running--;
						if (deferral) {
							// Out of the queue while it waits: its slot goes to the next file.
							void this.#until(deferral.retryAt).then(() => {
								waiting.push(file);
								dispatch();
							});
						} else if (++settled === files.length) {
							resolve();
							return;
						}

						dispatch();
					});
				}
			};

			this.#wake = dispatch;
			dispatch();
		});
		this.#wake = undefined;
	}

	/**
	 * At most `counts[channel]` files of each channel at once, and at most the current limit in all. When a slot
	 * frees, the waiting file that comes first in the plan among the channels with room starts.
	 */
	async #runPool(files: readonly PlannedFile[], counts: Partial<Record<Channel, number>>, position: ReadonlyMap<string, number>,
		run: (file: PlannedFile) => Promise<void | Deferral>): Promise<void> {
		if (files.length === 0) {
			return;
		}

		const queues = new Map<Channel, {files: PlannedFile[]; next: number; running: number; count: number}>();
		for (const file of files) {
			let queue = queues.get(file.channel);
			if (!queue) {
				queue = {files: [], next: 0, running: 0, count: counts[file.channel] ?? 0};
				queues.set(file.channel, queue);
			}

			queue.files.push(file);
		}

		this.#enter([...queues.values()].reduce((sum, queue) => sum + queue.count, 0));
		let running = 0;
		let settled = 0;
		await new Promise<void>(resolve => {
			const dispatch = () => {
				while (running < this.#limit) {
					let chosen: {files: PlannedFile[]; next: number; running: number; count: number} | undefined;
					for (const queue of queues.values()) {
						if (queue.next < queue.files.length && queue.running < queue.count
							&& (!chosen || position.get(queue.files[queue.next]!.fileId)! < position.get(chosen.files[chosen.next]!.fileId)!)) {
							chosen = queue;
						}
					}

					if (!chosen) {
						return;
					}

					const queue = chosen;
					const file = queue.files[queue.next++]!;
					queue.running++;
					running++;
					void run(file).then(deferral => {
						queue.running--;
						running--;
						if (deferral) {
							// Back into its channel's queue once it may start again; its slot is free meanwhile.
							void this.#until(deferral.retryAt).then(() => {
								queue.files.push(file);
								dispatch();
							});
							dispatch();
							return;
						}

						settled++;
						if (settled === files.length) {
							resolve();
						} else {
							dispatch();
						}
					});
				}
			};

			this.#wake = dispatch;
			dispatch();
		});
		this.#wake = undefined;
	}
}
