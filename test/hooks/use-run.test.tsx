import {Text} from 'ink';
import {describe, expect, test} from 'vitest';
import {useRun} from '../../source/hooks/use-run.js';
import type {DownloadRun} from '../../source/lib/engine/run.js';
import {renderScreen} from '../helpers/ink.js';
import {FakeRun, planOf, recording} from '../screens/fixtures/plan.js';

function fakeRun(count = 3): FakeRun {
	return new FakeRun(planOf(Array.from({length: count}, (_, index) => recording(100_001 + index))));
}

/** Shows what the hook returns and counts its renders. */
function Probe({run, renders}: {readonly run: DownloadRun; readonly renders: {count: number}}) {
	const view = useRun(run);
	renders.count++;
	const first = view.files.get('100001:recording');
	return (
		<Text>
			batch={view.batch} valid={view.snapshot.valid} failed={view.snapshot.failed} running={view.snapshot.running} bytes={view.snapshot.bytesDone}
			{' '}first={first?.state}:{first?.bytes} archived={view.archivedAt.get('100001') ?? '-'} failures={view.failed.join(',') || '-'}
		</Text>
	);
}

async function until(predicate: () => boolean): Promise<void> {
	const deadline = Date.now() + 3000;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error('Timed out');
		}

		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

/** A probe on a fresh fake run, subscribed and drawn once, with its render count so far. */
async function probed() {
	const run = fakeRun();
	const renders = {count: 0};
	const rendered = renderScreen(<Probe run={run.asRun()} renders={renders}/>);
	await until(() => run.listeners.size === 1);
	await rendered.waitFor('batch=0');
	return {run, renders, rendered, before: renders.count};
}

describe('useRun', () => {
	test('starts from the run\'s current state and subscribes', async () => {
		const run = fakeRun();
		const rendered = renderScreen(<Probe run={run.asRun()} renders={{count: 0}}/>);
		await rendered.waitFor('first=queued:0');
		expect(rendered.frame()).toContain('batch=0 valid=0');
		await until(() => run.listeners.size === 1);
		rendered.unmount();
	});

	test('one render per coalesced batch, however many events it carries', async () => {
		const {run, renders, rendered, before} = await probed();
		const events = Array.from({length: 500}, (_, index) => ({type: 'progress' as const, fileId: '100001:recording', bytes: index + 1}));
		run.batch([{type: 'started', fileId: '100001:recording', resumedFrom: 0}, ...events]);
		await rendered.waitFor('batch=1');
		expect(rendered.frame()).toContain('first=running:500');
		expect(rendered.frame()).toContain('bytes=500');
		expect(renders.count - before).toBe(1);
		rendered.unmount();
	});

	test('batches that come faster than four a second are drawn together, and the last one is always drawn', async () => {
		const {run, renders, rendered, before} = await probed();
		run.batch([{type: 'started', fileId: '100001:recording', resumedFrom: 0}]);
		for (let bytes = 1; bytes <= 20; bytes++) {
			run.batch([{type: 'progress', fileId: '100001:recording', bytes}]);
		}

		// The first batch is drawn at once, the twenty after it within the same quarter second as one, once it is over.
		const frame = await rendered.waitFor('batch=2');
		expect(frame).toContain('first=running:20');
		await new Promise(resolve => setTimeout(resolve, 400));
		expect(rendered.frame()).toContain('batch=2');
		expect(renders.count - before).toBeLessThanOrEqual(3);
		rendered.unmount();
	});

	test('keeps per-file state, archive times and failures in order', async () => {
		const run = fakeRun();
		const rendered = renderScreen(<Probe run={run.asRun()} renders={{count: 0}}/>);
		await until(() => run.listeners.size === 1);
		run.batch([
			{type: 'failed', fileId: '100003:recording', code: 'http', reason: 'boom'},
			{type: 'validated', fileId: '100001:recording', path: 'a.mp3', sha256: 'a'.repeat(64), size: 1000},
		]);
		await rendered.waitFor('batch=1');
		run.batch([
			{type: 'archived', contactId: '100001', archivedAt: '2026-03-02T10:00:00Z'},
			{type: 'failed', fileId: '100002:recording', code: 'http', reason: 'bang'},
		]);
		const frame = await rendered.waitFor('batch=2');
		expect(frame).toContain('valid=1 failed=2');
		expect(frame).toContain('first=valid:1000');
		expect(frame).toContain('archived=2026-03-02T10:00:00Z');
		expect(frame).toContain('failures=100003:recording,100002:recording');
		rendered.unmount();
	});

	test('the map holds copies: later engine changes show only with the next batch', async () => {
		const run = fakeRun();
		const rendered = renderScreen(<Probe run={run.asRun()} renders={{count: 0}}/>);
		await until(() => run.listeners.size === 1);
		run.batch([{type: 'progress', fileId: '100001:recording', bytes: 10}]);
		await rendered.waitFor('first=running:10');
		run.live.get('100001:recording')!.bytes = 999;
		run.batch([{type: 'progress', fileId: '100002:recording', bytes: 1}]);
		await rendered.waitFor('batch=2');
		expect(rendered.frame()).toContain('first=running:10');
		rendered.unmount();
	});

	test('on finish, files a cancel put back to queued without an event are caught up', async () => {
		const run = fakeRun();
		const rendered = renderScreen(<Probe run={run.asRun()} renders={{count: 0}}/>);
		await until(() => run.listeners.size === 1);
		run.batch([{type: 'progress', fileId: '100001:recording', bytes: 10}]);
		await rendered.waitFor('first=running:10');
		Object.assign(run.live.get('100001:recording')!, {state: 'queued', bytes: 0});
		run.batch([{type: 'finished', interrupted: true}]);
		await rendered.waitFor('first=queued:0');
		rendered.unmount();
	});

	test('catches up with a batch delivered before it subscribed', async () => {
		const run = fakeRun();
		// Progress the engine made before the screen mounted, with no listener to hear it.
		Object.assign(run.live.get('100001:recording')!, {state: 'valid', bytes: 1000});
		const rendered = renderScreen(<Probe run={run.asRun()} renders={{count: 0}}/>);
		await rendered.waitFor('first=valid:1000');
		expect(rendered.frame()).toContain('valid=1');
		rendered.unmount();
	});

	test('unsubscribes on unmount and when the run changes', async () => {
		const first = fakeRun();
		const second = fakeRun(2);
		const renders = {count: 0};
		const rendered = renderScreen(<Probe run={first.asRun()} renders={renders}/>);
		await until(() => first.listeners.size === 1);
		first.batch([{type: 'progress', fileId: '100001:recording', bytes: 10}]);
		await rendered.waitFor('batch=1');
		rendered.rerender(<Probe run={second.asRun()} renders={renders}/>);
		await until(() => second.listeners.size === 1);
		expect(first.listeners.size).toBe(0);
		await rendered.waitFor('batch=0');
		expect(rendered.frame()).toContain('first=queued:0');
		rendered.unmount();
		expect(second.listeners.size).toBe(0);
	});
});
