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
 *
 * Files are pulled from the plan as slots free, never gathered first: a download's plan is read back from disk, so
 * each group, and each channel of an exclusive one, is one more pass over it, and what the scheduler holds is the
 * files in flight and those waiting out a Retry-After.
 */
import {setTimeout as delay} from 'node:timers/promises';
import type {Channel} from '../sources/model.js';
import {exclusiveOrder, foldName, type Profile} from '../profiles/model.js';
import type {ItemList} from '../runtime/spool.js';
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
	 * Transfers one file (or settles one already on disk); `index` is its place in the plan. Should not throw; if it
	 * does, the run still finishes. Resolves with a Deferral when the file is to be started again later.
	 */
	run: (file: PlannedFile, index: number) => Promise<void | Deferral>;
	/** A file of a channel its profile gives 0: reported, not transferred. */
	skip: (file: PlannedFile, profile: Profile, index: number) => void;
}

/** A file of the plan and its place in it. */
interface Entry {
	file: PlannedFile;
	index: number;
}

/** Successes without a "slow down" before the limit goes up by one. */
const calmSteps = 8;

const groupKey = (profile: Profile | undefined) => profile ? `profile:${foldName(profile.name)}` : 'none';

/**
 * The plan's files that `keep` accepts, with their places, read as they are needed: a download's plan is read
 * from its spool, and a scheduler that gathered every file of a group first would hold the whole plan again.
 */
function * entries(files: ItemList<PlannedFile>, keep: (file: PlannedFile) => boolean): Generator<Entry> {
	let index = 0;
	for (const file of files) {
		if (keep(file)) {
			yield {file, index};
		}

		index++;
	}
}

export class Scheduler {
	readonly #files: ItemList<PlannedFile>;
	readonly #options: SchedulerOptions;
	/** What may be in flight now (the current group's limit, lowered by slow-downs). */
	#limit: number;
	/** What the current group allows when the server is calm. */
	#target: number;
	#calm = 0;
	/** Starts more files after `#limit` went up. */
	#wake: (() => void) | undefined;

	constructor(files: ItemList<PlannedFile>, options: SchedulerOptions) {
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
		const {profileFor} = this.#options;
		// The groups in the order each profile first appears in the plan. Channels at 0 are reported at once, before
		// any transfer, so the run's counts are right from the start.
		// Also the channels each group transfers: the group's limit is the sum of their counts, so that halving it
		// on a "slow down" bites.
		const groups = new Map<string, {profile: Profile | undefined; channels: Set<Channel>}>();
		if (profileFor) {
			let index = 0;
			for (const file of this.#files) {
				const profile = profileFor(file);
				const key = groupKey(profile);
				let group = groups.get(key);
				if (!group) {
					group = {profile, channels: new Set()};
					groups.set(key, group);
				}

				if (profile && file.action === 'download') {
					if (profile.counts[file.channel] === 0) {
						work.skip(file, profile, index);
					} else {
						group.channels.add(file.channel);
					}
				}

				index++;
			}
		} else {
			groups.set(groupKey(undefined), {profile: undefined, channels: new Set()});
		}

		let failure: {error: unknown} | undefined;
		const guarded = async ({file, index}: Entry): Promise<void | Deferral> => {
			try {
				return await work.run(file, index);
			} catch (error) {
				failure ??= {error};
				return undefined;
			}
		};

		for (const [key, {profile, channels: present}] of groups) {
			const inGroup = (file: PlannedFile) => !profileFor || groupKey(profileFor(file)) === key;
			if (!profile) {
				await this.#runQueue(entries(this.#files, inGroup), guarded);
				continue;
			}

			const transfer = (file: PlannedFile) => file.action === 'download' && profile.counts[file.channel] !== 0 && inGroup(file);
			// Files already on disk transfer nothing: settle them first, outside the counts.
			for (const entry of entries(this.#files, file => file.action !== 'download' && inGroup(file))) {
				await guarded(entry);
			}

			const channels = profile.mode === 'exclusive' ? exclusiveOrder.map(channel => [channel]) : [exclusiveOrder];
			for (const together of channels) {
				const queues = together.filter(channel => present.has(channel)).map(channel => ({
					channel, count: profile.counts[channel]!, source: entries(this.#files, file => file.channel === channel && transfer(file)),
				}));
				await this.#runPool(queues, guarded);
			}
		}

		if (failure) {
			throw failure.error;
		}
	}

	/**
	 * No profile: one queue over every channel, at most the current limit at once. Files are pulled from the plan
	 * as slots free (not all handed to a queue up front: a download's plan is read from disk, and a promise and a
	 * closure per file of a 20,000-file run add up).
	 */
	async #runQueue(source: Iterator<Entry>, run: (entry: Entry) => Promise<void | Deferral>): Promise<void> {
		this.#enter(this.#options.concurrency);
		await this.#drain([{count: Number.POSITIVE_INFINITY, source}], run);
	}

	/**
	 * At most `count` files of each queue's channel at once, and at most the current limit in all. When a slot
	 * frees, the waiting file that comes first in the plan among the channels with room starts.
	 */
	async #runPool(queues: Array<{count: number; source: Iterator<Entry>}>, run: (entry: Entry) => Promise<void | Deferral>): Promise<void> {
		if (queues.length === 0) {
			return;
		}

		this.#enter(queues.reduce((sum, queue) => sum + queue.count, 0));
		await this.#drain(queues, run);
	}

	/**
	 * Runs every file of the queues, pulling each queue's next file only when it may start. A file the server told
	 * to wait leaves its slot and goes back to the front of its queue once its Retry-After has passed: it has waited
	 * its turn already.
	 */
	async #drain(sources: Array<{count: number; source: Iterator<Entry>}>, run: (entry: Entry) => Promise<void | Deferral>): Promise<void> {
		const queues = sources.map(({count, source}) => ({
			count, source, running: 0, waiting: [] as Entry[], next: undefined as Entry | undefined, done: false,
		}));
		type Queue = (typeof queues)[number];
		const head = (queue: Queue): Entry | undefined => {
			if (queue.waiting.length > 0) {
				return queue.waiting[0];
			}

			if (!queue.next && !queue.done) {
				const step = queue.source.next();
				if (step.done) {
					queue.done = true;
				} else {
					queue.next = step.value;
				}
			}

			return queue.next;
		};

		let running = 0;
		let deferred = 0;
		await new Promise<void>(resolve => {
			const dispatch = () => {
				while (running < this.#limit) {
					let chosen: Queue | undefined;
					let chosenEntry: Entry | undefined;
					for (const queue of queues) {
						const entry = queue.running < queue.count ? head(queue) : undefined;
						if (entry && (!chosenEntry || entry.index < chosenEntry.index)) {
							chosen = queue;
							chosenEntry = entry;
						}
					}

					if (!chosen || !chosenEntry) {
						break;
					}

					const queue = chosen;
					const entry = chosenEntry;
					if (queue.waiting[0] === entry) {
						queue.waiting.shift();
					} else {
						queue.next = undefined;
					}

					queue.running++;
					running++;
					void run(entry).then(deferral => {
						queue.running--;
						running--;
						if (deferral) {
							// Out of the queue while it waits: its slot goes to the next file.
							deferred++;
							void this.#until(deferral.retryAt).then(() => {
								deferred--;
								queue.waiting.push(entry);
								dispatch();
							});
						}

						dispatch();
					});
				}

				if (running === 0 && deferred === 0 && queues.every(queue => queue.waiting.length === 0 && queue.done)) {
					resolve();
				}
			};

			this.#wake = dispatch;
			dispatch();
		});
		this.#wake = undefined;
	}
}
