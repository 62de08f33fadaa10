/**
 * The scheduler in process, with fake transfers of random length: per-channel counts are never exceeded,
 * exclusive mode never overlaps two channels and keeps the documented order, groups with different profiles run
 * one after another, channels at 0 are skipped, and without a profile it is one queue of --concurrency whose
 * "slow down" halving still works — also as a cap on top of profile counts.
 */
import {setTimeout as delay} from 'node:timers/promises';
import {describe, expect, it} from 'vitest';
import type {Channel} from '../../source/lib/api/wire.js';
import type {PlannedFile} from '../../source/lib/engine/plan.js';
import {Scheduler} from '../../source/lib/engine/scheduler.js';
import type {Profile, ProfileMode} from '../../source/lib/profiles/model.js';

const channelCycle: Channel[] = ['chat', 'voice', 'email', 'voice', 'video', 'social', 'voice', 'chat'];

function files(count: number, campaign = (index: number) => String(101 + (index % 3))): PlannedFile[] {
	return Array.from({length: count}, (_, index) => ({
		fileId: `f${index}`, contactId: `c${index}`, channel: channelCycle[index % channelCycle.length]!, action: 'download',
		contact: {campaignId: campaign(index)},
	}) as unknown as PlannedFile);
}

function profile(name: string, mode: ProfileMode, counts: Partial<Profile['counts']>): Profile {
	return {name, mode, counts: {voice: 0, video: 0, chat: 0, email: 0, social: 0, ...counts}, active: true};
}

interface Trace {
	maxByChannel: Partial<Record<Channel, number>>;
	maxTotal: number;
	/** Channel of each start and end, in order. */
	events: Array<{type: 'start' | 'end'; file: PlannedFile}>;
	skipped: PlannedFile[];
}

async function runTraced(scheduler: Scheduler, onStart?: (file: PlannedFile, trace: Trace) => void): Promise<Trace> {
	const running = new Map<Channel, number>();
	let total = 0;
	const trace: Trace = {maxByChannel: {}, maxTotal: 0, events: [], skipped: []};
	let seed = 7;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};

	await scheduler.run({
		async run(file) {
			running.set(file.channel, (running.get(file.channel) ?? 0) + 1);
			total++;
			trace.maxByChannel[file.channel] = Math.max(trace.maxByChannel[file.channel] ?? 0, running.get(file.channel)!);
			trace.maxTotal = Math.max(trace.maxTotal, total);
			trace.events.push({type: 'start', file});
			onStart?.(file, trace);
			await delay(1 + Math.floor(random() * 6));
			running.set(file.channel, running.get(file.channel)! - 1);
			total--;
			trace.events.push({type: 'end', file});
		},
		skip(file) {
			trace.skipped.push(file);
		},
	});
	return trace;
}

describe('scheduler', () => {
	it('without a profile: one queue of --concurrency files of any channel', async () => {
		const trace = await runTraced(new Scheduler(files(60), {concurrency: 5}));
		expect(trace.maxTotal).toBe(5);
		expect(trace.events.filter(event => event.type === 'end')).toHaveLength(60);
	});

	it('blended: at most the count of each channel at once, all channels together', async () => {
		const blend = profile('Blend', 'blended', {voice: 3, video: 1, chat: 2, email: 1, social: 1});
		const trace = await runTraced(new Scheduler(files(120), {concurrency: 8, profileFor: () => blend}));
		for (const [channel, max] of Object.entries(trace.maxByChannel)) {
			expect(max, channel).toBeLessThanOrEqual(blend.counts[channel as Channel]);
		}

		expect(trace.maxByChannel.voice).toBe(3);
		expect(trace.maxTotal).toBeGreaterThan(3);
		expect(trace.events.filter(event => event.type === 'end')).toHaveLength(120);
	});

	it('exclusive: one channel at a time, in the order voice, video, chat, email, social', async () => {
		const exclusive = profile('Ex', 'exclusive', {voice: 2, video: 1, chat: 3, email: 1, social: 2});
		const trace = await runTraced(new Scheduler(files(80), {concurrency: 8, profileFor: () => exclusive}));
		const running = new Map<Channel, number>();
		const order: Channel[] = [];
		for (const event of trace.events) {
			const channel = event.file.channel;
			if (event.type === 'start') {
				const others = [...running].filter(([other, count]) => other !== channel && count > 0);
				expect(others, `${channel} started while ${others.map(([other]) => other).join(', ')} ran`).toEqual([]);
				running.set(channel, (running.get(channel) ?? 0) + 1);
				if (order.at(-1) !== channel) {
					order.push(channel);
				}
			} else {
				running.set(channel, running.get(channel)! - 1);
			}
		}

		expect(order).toEqual(['voice', 'video', 'chat', 'email', 'social']);
		expect(trace.maxByChannel).toEqual({voice: 2, video: 1, chat: 3, email: 1, social: 2});
	});

	it('a channel at 0 is skipped, never run', async () => {
		const voiceOnly = profile('Voice', 'blended', {voice: 2});
		const all = files(40);
		const trace = await runTraced(new Scheduler(all, {concurrency: 8, profileFor: () => voiceOnly}));
		expect(trace.skipped.map(file => file.fileId).sort()).toEqual(all.filter(file => file.channel !== 'voice').map(file => file.fileId).sort());
		expect(trace.events.every(event => event.file.channel === 'voice')).toBe(true);
		expect(trace.maxByChannel.voice).toBe(2);
	});

	it('files already on disk are settled, not skipped, even on a channel at 0', async () => {
		const voiceOnly = profile('Voice', 'blended', {voice: 1});
		const all = files(16);
		all[0]!.action = 'skip';
		const trace = await runTraced(new Scheduler(all, {concurrency: 8, profileFor: () => voiceOnly}));
		expect(trace.skipped).not.toContain(all[0]);
		expect(trace.events.some(event => event.file === all[0])).toBe(true);
	});

	it('files with different profiles run group after group, a file without profile in its own group', async () => {
		const a = profile('A', 'blended', {voice: 2, chat: 2, email: 1, video: 1, social: 1});
		const b = profile('B', 'exclusive', {voice: 1, chat: 1, email: 1, video: 1, social: 1});
		const all = files(90);
		const profileFor = (file: PlannedFile) => file.contact.campaignId === '101' ? a : file.contact.campaignId === '102' ? b : undefined;
		const trace = await runTraced(new Scheduler(all, {concurrency: 4, profileFor}));
		const groupOf = (file: PlannedFile) => file.contact.campaignId;
		// Once a group has started, no file of a group that started before it runs any more.
		const finished = new Set<string>();
		let current: string | undefined;
		for (const event of trace.events.filter(item => item.type === 'start')) {
			const group = groupOf(event.file);
			if (group !== current) {
				expect(finished.has(group), `group ${group} started again`).toBe(false);
				if (current) {
					finished.add(current);
				}

				current = group;
			}
		}

		expect(finished.size).toBe(2);
	});

	it('"slow down" halves what may be in flight, as a cap on top of the profile counts, and recovers', async () => {
		const blend = profile('Blend', 'blended', {voice: 4, chat: 4, email: 4, video: 4, social: 4});
		const scheduler = new Scheduler(files(200), {concurrency: 8, profileFor: () => blend});
		const seen: number[] = [];
		let slowed = false;
		await runTraced(scheduler, (_file, trace) => {
			seen.push(scheduler.concurrency);
			if (!slowed && trace.events.length > 20) {
				slowed = true;
				scheduler.slowDown();
				scheduler.slowDown();
				scheduler.slowDown();
			}
		});
		expect(seen[0]).toBe(20);
		expect(Math.min(...seen)).toBe(2);
		const afterSlowDown = seen.indexOf(2);
		expect(afterSlowDown).toBeGreaterThan(0);
		// It never went back above 2 by itself (recovery comes from succeeded(), which this test does not call)...
		expect(Math.max(...seen.slice(afterSlowDown))).toBe(2);
		// ...and succeeded() brings it back one step per 8 calm successes, up to the group's total.
		for (let index = 0; index < 8 * 30; index++) {
			scheduler.succeeded();
		}

		expect(scheduler.concurrency).toBe(20);
	});

	it('"slow down" without a profile lowers the p-limit queue like before', async () => {
		const scheduler = new Scheduler(files(80), {concurrency: 8});
		let total = 0;
		let maxAfter = 0;
		let slowed = false;
		await scheduler.run({
			async run() {
				total++;
				if (slowed) {
					maxAfter = Math.max(maxAfter, total);
				}

				await delay(2);
				total--;
				if (!slowed) {
					slowed = true;
					scheduler.slowDown();
				}
			},
			skip() {},
		});
		expect(scheduler.concurrency).toBe(4);
		expect(maxAfter).toBeLessThanOrEqual(8);
	});
});
