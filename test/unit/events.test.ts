import {describe, expect, it} from 'vitest';
import {CoalescingEmitter, type EngineEvent, type RunSnapshot} from '../../source/lib/engine/events.js';

const snapshot = () => ({files: 1}) as RunSnapshot;

describe('CoalescingEmitter', () => {
	it('delivers at most ~10 batches a second however many events arrive', async () => {
		const emitter = new CoalescingEmitter(snapshot, 100);
		const batches: Array<readonly EngineEvent[]> = [];
		emitter.subscribe(events => batches.push(events));
		const started = Date.now();
		let bytes = 0;
		while (Date.now() - started < 1000) {
			emitter.emit({type: 'progress', fileId: 'a', bytes: ++bytes});
			emitter.emit({type: 'progress', fileId: 'b', bytes});
			await new Promise(resolve => setImmediate(resolve));
		}

		emitter.flush();
		expect(batches.length).toBeLessThanOrEqual(12);
		expect(batches.length).toBeGreaterThanOrEqual(5);
		// Progress is merged per file: never more than one progress event per file in a batch.
		for (const batch of batches) {
			expect(batch.filter(event => event.type === 'progress' && event.fileId === 'a').length).toBeLessThanOrEqual(1);
		}

		const last = batches.at(-1)!.find(event => event.type === 'progress' && event.fileId === 'a');
		expect(last).toEqual({type: 'progress', fileId: 'a', bytes});
	});

	it('keeps every discrete event, in order, and flushes at once on finished', () => {
		const emitter = new CoalescingEmitter(snapshot, 10_000);
		const seen: EngineEvent[] = [];
		emitter.subscribe(events => seen.push(...events));
		emitter.emit({type: 'started', fileId: 'a', resumedFrom: 0});
		emitter.emit({type: 'progress', fileId: 'a', bytes: 1});
		emitter.emit({type: 'validated', fileId: 'a', path: 'a.mp3', sha256: 'x', size: 2});
		emitter.emit({type: 'failed', fileId: 'b', code: 'gave-up', reason: 'no'});
		expect(seen).toEqual([]);
		emitter.emit({type: 'finished', interrupted: false});
		expect(seen.map(event => event.type)).toEqual(['started', 'progress', 'validated', 'failed', 'finished']);
	});

	it('stops delivering after unsubscribe', () => {
		const emitter = new CoalescingEmitter(snapshot, 10);
		let calls = 0;
		const unsubscribe = emitter.subscribe(() => calls++);
		emitter.emit({type: 'finished', interrupted: false});
		unsubscribe();
		emitter.emit({type: 'finished', interrupted: false});
		expect(calls).toBe(1);
	});
});
