import chalk from 'chalk';
import {afterAll, beforeAll, describe, expect, test, vi} from 'vitest';
import type {Plan} from '../../source/lib/engine/plan.js';
import type {FileOutcome, RunSummary} from '../../source/lib/engine/run.js';
import type {Lang} from '../../source/lib/i18n/index.js';
import {SummaryScreen, type SummaryScreenProps, wrappedLines} from '../../source/screens/summary/summary-screen.js';
import type {Admission} from '../../source/lib/journal/download.js';
import {keys, renderScreen, type Rendered} from '../helpers/ink.js';
import {planOf, recording, recycled, summaryOf, syntheticPlan} from './fixtures/plan.js';

function resize(rendered: Rendered, columns: number, rows: number): void {
	Object.defineProperty(rendered.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(rendered.stdout, 'rows', {value: rows, configurable: true});
	rendered.stdout.emit('resize');
}

function fits(frame: string, columns: number, rows: number): boolean {
	const lines = frame.split('\n');
	return lines.length <= rows - 3 && lines.every(line => [...line].length <= columns);
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

function withFailures(plan: Plan, failed: number): RunSummary {
	const outcomes: FileOutcome[] = plan.files.map((file, index) => index < failed
		? {file, state: 'failed', code: 'http-503', reason: `Server busy (503) for file ${index + 1} after 5 attempts; run again later.`}
		: index === failed ? {file, state: 'skipped'} : {file, state: 'valid', size: file.size ?? 0});
	return summaryOf(plan, outcomes);
}

function samplePlan(): Plan {
	return planOf([recording(100_001), recording(100_002), recycled(100_003), recording(100_004), recording(100_005)]);
}

async function renderSummary(summary: RunSummary, plan: Plan, options: {lang?: Lang; noColor?: boolean; columns?: number; rows?: number; manifestPath?: string; extra?: Partial<SummaryScreenProps>} = {}) {
	const callbacks = {onRetryFailed: vi.fn(), onNewSearch: vi.fn(), onQuit: vi.fn(), onHelp: vi.fn()};
	const rendered = renderScreen(
		<SummaryScreen summary={summary} plan={plan} manifestPath={options.manifestPath ?? '/tmp/out/manifest.csv'} {...callbacks} isActive {...options.extra}/>,
		options,
	);
	const columns = options.columns ?? 80;
	const rows = options.rows ?? 24;
	resize(rendered, columns, rows);
	await rendered.waitFor(frame => frame.includes('q quit') || frame.includes('q kilépés'));
	await rendered.waitFor(frame => fits(frame, columns, rows));
	return {rendered, ...callbacks};
}

describe('SummaryScreen', () => {
	test('what was downloaded, how much, how long, where, and the manifest', async () => {
		const plan = samplePlan();
		const {rendered} = await renderSummary(withFailures(plan, 1), plan);
		const frame = rendered.frame();
		expect(frame).toContain('Download finished.');
		expect(frame).toContain('2 valid · 1 already on disk · 1 failed');
		expect(frame).toContain('123.0 MB transferred in 01:02:05');
		expect(frame).toContain('Folder: /tmp/out');
		expect(frame).toContain('Manifest: /tmp/out/manifest.csv');
		expect(frame).toContain('Recycled contacts, in the manifest only: 1');
		rendered.unmount();
	});

	test('failures are listed with their reasons, and r retries only them', async () => {
		const plan = samplePlan();
		const {rendered, onRetryFailed} = await renderSummary(withFailures(plan, 2), plan, {columns: 140});
		const frame = await rendered.waitFor(text => /100001 +2026-03-01_100001\.mp3 +http-503 +Server busy \(503\) for file 1 after 5 attempts; run again later\./.test(text));
		expect(frame).toContain('Failures (2):');
		expect(frame).toContain('Server busy (503) for file 2');
		expect(frame).toContain('r retry the 2 failed · n new search · q quit · ? keys');
		rendered.stdin.write('r');
		await until(() => onRetryFailed.mock.calls.length === 1);
		rendered.unmount();
	});

	test('at 80 columns the selected failure\'s whole reason shows under the table', async () => {
		const plan = samplePlan();
		const {rendered} = await renderSummary(withFailures(plan, 2), plan);
		let frame = rendered.frame();
		// Wrapped, not cut.
		expect(frame).toContain('2026-03-01_100001.mp3: Server busy (503) for file 1 after 5 attempts; run again\nlater.');
		frame = await rendered.press(keys.down, 'Row 2 of 2');
		expect(frame).toContain('2026-03-01_100002.mp3: Server busy (503) for file 2');
		rendered.unmount();
	});

	test('n starts a new search, q quits, ? opens the help', async () => {
		const plan = samplePlan();
		const {rendered, onNewSearch, onQuit, onHelp} = await renderSummary(withFailures(plan, 1), plan);
		rendered.stdin.write('n');
		await until(() => onNewSearch.mock.calls.length === 1);
		rendered.stdin.write('?');
		await until(() => onHelp.mock.calls.length === 1);
		rendered.stdin.write('q');
		await until(() => onQuit.mock.calls.length === 1);
		rendered.unmount();
	});

	test('nothing failed: r is neither offered nor taken', async () => {
		const plan = samplePlan();
		const {rendered, onRetryFailed, onQuit} = await renderSummary(withFailures(plan, 0), plan);
		const frame = rendered.frame();
		expect(frame).toContain('No failures.');
		expect(frame).toContain('n new search · q quit · ? keys');
		expect(frame).not.toContain('r retry');
		rendered.stdin.write('r');
		rendered.stdin.write('q');
		// Keys are handled in order: once q arrived, r was seen and ignored.
		await until(() => onQuit.mock.calls.length === 1);
		expect(onRetryFailed).not.toHaveBeenCalled();
		rendered.unmount();
	});

	test('many failures scroll inside the frame', async () => {
		const plan = syntheticPlan(300);
		const {rendered} = await renderSummary(withFailures(plan, 250), plan);
		let frame = await rendered.waitFor('Row 1 of 250');
		expect(fits(frame, 80, 24)).toBe(true);
		expect(frame).toContain('› 100000');
		frame = await rendered.press(keys.pageDown, text => /Row \d+ of 250/.test(text) && !text.includes('Row 1 of'));
		expect(frame).not.toContain('› 100000');
		frame = await rendered.press(keys.end, 'Row 250 of 250');
		expect(frame).toContain('› 100249');
		expect(fits(frame, 80, 24)).toBe(true);
		rendered.unmount();
	});

	test('an interrupted run and a fatal error say so; not-downloaded files are counted', async () => {
		const plan = samplePlan();
		const outcomes: FileOutcome[] = plan.files.map((file, index) => index === 0 ? {file, state: 'valid'} : {file, state: 'interrupted'});
		const interrupted = await renderSummary(summaryOf(plan, outcomes, {interrupted: true}), plan);
		expect(interrupted.rendered.frame()).toContain('Download interrupted: run it again to resume');
		expect(interrupted.rendered.frame()).toContain('3 not downloaded (interrupted)');
		interrupted.rendered.unmount();
		const fatal = await renderSummary(summaryOf(plan, outcomes, {interrupted: true, fatal: new Error('The session expired\u001B[2J and could not be renewed.')}), plan, {columns: 120});
		expect(fatal.rendered.frame()).toContain('Download stopped: The session expired\\x1b[2J and could not be renewed.');
		fatal.rendered.unmount();
	});

	test('archive failures are reported', async () => {
		const plan = samplePlan();
		const summary = {...withFailures(plan, 0), archiveFailures: new Map([['100001', 'Server error'], ['100002', 'Server error']])};
		const {rendered} = await renderSummary(summary, plan);
		expect(rendered.frame()).toContain('Not marked archived (they will be listed again next time): 2');
		rendered.unmount();
	});

	test('at 80 columns long lines wrap instead of being cut, and the frame still fits', async () => {
		const plan = {...samplePlan(), outDir: `/srv/exports/${'very-long-folder-name/'.repeat(5)}calls`};
		const manifestPath = `${plan.outDir}/manifest.csv`;
		const {rendered} = await renderSummary(withFailures(plan, 2), plan, {manifestPath});
		const frame = await rendered.waitFor(text => text.includes('Row 1 of 2') && fits(text, 80, 24));
		const joined = frame.replaceAll('\n', '');
		expect(joined).toContain(`Folder: ${plan.outDir}`);
		expect(joined).toContain(`Manifest: ${manifestPath}`);
		rendered.unmount();
	});

	test('contacts held back by a limit are said, and the title is no longer green', async () => {
		const plan = samplePlan();
		const admission = {limited: ['1', '2', '3'], busy: [], lines: []} as unknown as Admission;
		const {rendered} = await renderSummary(withFailures(plan, 0), plan, {extra: {result: {admission}}});
		const frame = await rendered.waitFor('3 contacts held back by a limit');
		expect(frame.replaceAll('\n', ' ')).toContain('run the same search again later');
		expect(fits(frame, 80, 24)).toBe(true);
		rendered.unmount();
		const hu = await renderSummary(withFailures(plan, 0), plan, {lang: 'hu', extra: {result: {admission}}});
		expect(await hu.rendered.waitFor('3 kontaktust egy korlát visszatartott')).toBeTruthy();
		hu.rendered.unmount();
	});

	test('where the platform has no archived mark, archived is said to mean the journal', async () => {
		const plan = samplePlan();
		const summary = withFailures(plan, 0);
		summary.archived = 2;
		const {rendered} = await renderSummary(summary, plan, {extra: {archivedByJournal: true}});
		const frame = await rendered.waitFor('Archived: 2 contacts.');
		expect(frame.replaceAll('\n', ' ')).toContain('archived = exported and verified by ccdl before (its journal)');
		rendered.unmount();
		const platform = await renderSummary(summary, plan);
		expect(platform.rendered.frame()).not.toContain('journal');
		platform.rendered.unmount();
		const hu = await renderSummary(summary, plan, {lang: 'hu', extra: {archivedByJournal: true}});
		expect(await hu.rendered.waitFor('Archivált: 2 kontakt.')).toBeTruthy();
		hu.rendered.unmount();
	});

	test('wrappedLines counts lines as words wrap', () => {
		expect(wrappedLines('', 10)).toBe(1);
		expect(wrappedLines('0123456789', 10)).toBe(1);
		expect(wrappedLines('01234 6789 abc', 10)).toBe(2);
		expect(wrappedLines('a'.repeat(25), 10)).toBe(3);
		expect(wrappedLines(`ab ${'c'.repeat(12)}`, 10)).toBe(3);
	});

	test('in Hungarian', async () => {
		const plan = samplePlan();
		const {rendered} = await renderSummary(withFailures(plan, 1), plan, {lang: 'hu', columns: 120});
		const frame = rendered.frame();
		expect(frame).toContain('A letöltés befejeződött.');
		expect(frame).toContain('2 valid · 1 már a lemezen · 1 hibás');
		expect(frame).toContain('Mappa: /tmp/out');
		expect(frame).toContain('Jegyzék: /tmp/out/manifest.csv');
		expect(frame).toContain('Hibák (1):');
		expect(frame).toContain('r a(z) 1 hibás újrapróbálása · n új keresés · q kilépés');
		rendered.unmount();
	});

	describe('colours', () => {
		const level = chalk.level;
		beforeAll(() => {
			chalk.level = 1;
		});
		afterAll(() => {
			chalk.level = level;
		});
		// eslint-disable-next-line no-control-regex
		const colourCode = /\u001B\[(?:3\d|4\d|9[0-7]|10[0-7])m/;

		test('no colour codes under NO_COLOR', async () => {
			const plan = samplePlan();
			const coloured = await renderSummary(withFailures(plan, 1), plan);
			expect(coloured.rendered.lastFrame()).toMatch(colourCode);
			coloured.rendered.unmount();
			const plain = await renderSummary(withFailures(plan, 1), plan, {noColor: true});
			expect(plain.rendered.lastFrame()).not.toMatch(colourCode);
			plain.rendered.unmount();
		});
	});
});
