/**
 * Limits: the presets of the seed, custom numbers, the arithmetic of what a run may still take and its one
 * sentence, the settings file, and cutting a plan to the contacts allowed.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Recording} from '../../source/lib/api/wire.js';
import type {Plan, PlannedFile} from '../../source/lib/engine/plan.js';
import {openJournal} from '../../source/lib/journal/journal.js';
import {
	checkLimit, computeAllowance, describeLimits, limitPresets, limitsFromFlags, loadLimits, loadLimitsSync, reserveWithinLimits, saveLimits,
} from '../../source/lib/limits/limits.js';
import {contactsToExport, limitPlan} from '../../source/lib/limits/plan.js';
import {modeWants} from '../../source/lib/searches/mode.js';
import {cleanup, tempDir} from '../helpers/ccdl.js';
import {ccdl, expectOneSentence, folders} from './support.js';

afterAll(async () => {
	await cleanup();
});

const standard = limitPresets.standard;
const performance = limitPresets.performance;

describe('limit arithmetic', () => {
	it('lets everything through without limits', () => {
		expect(computeAllowance({wanted: 1_000_000, usedToday: 5_000_000, settings: {preset: 'none'}})).toMatchObject({allowed: 1_000_000, ok: true});
		expect(computeAllowance({wanted: 1_000_000, usedToday: 0, settings: limitPresets.none}).reason).toBeUndefined();
	});

	it('standard: 1,000 a day, shared by every run of the day', () => {
		expect(computeAllowance({wanted: 400, usedToday: 0, settings: standard})).toMatchObject({allowed: 400, ok: true, leftToday: 1000});
		expect(computeAllowance({wanted: 400, usedToday: 600, settings: standard})).toMatchObject({allowed: 400, ok: true, leftToday: 400});
		const cut = computeAllowance({wanted: 400, usedToday: 750, settings: standard, server: 'https://demo.example.com'});
		expect(cut).toMatchObject({allowed: 250, ok: false, limitedBy: 'daily', leftToday: 250, usedToday: 750});
		expect(cut.reason).toBe('The daily limit of 1,000 contacts (standard: 1,000 contacts a day) leaves 250 of the 400 contacts for today on https://demo.example.com (750 exported or reserved today); the other 150 are left for tomorrow.');
		const none = computeAllowance({wanted: 5, usedToday: 1000, settings: standard});
		expect(none).toMatchObject({allowed: 0, ok: false, leftToday: 0});
		expect(none.reason).toBe('The daily limit of 1,000 contacts (standard: 1,000 contacts a day) is reached: 1,000 exported or reserved today, so none of the 5 contacts can be taken; run again tomorrow.');
		// Over the limit already (limits lowered during the day): nothing, never a negative number.
		expect(computeAllowance({wanted: 5, usedToday: 1200, settings: standard})).toMatchObject({allowed: 0, leftToday: 0});
	});

	it('performance: 10,000 a run and 40,000 a day; whichever is tighter says why', () => {
		const perRun = computeAllowance({wanted: 12_000, usedToday: 0, settings: performance});
		expect(perRun).toMatchObject({allowed: 10_000, limitedBy: 'per-run'});
		expect(perRun.reason).toBe('The per-run limit of 10,000 contacts (performance: 10,000 contacts a run, 40,000 contacts a day) takes 10,000 of the 12,000 contacts; run again for the other 2,000.');
		const daily = computeAllowance({wanted: 12_000, usedToday: 35_000, settings: performance});
		expect(daily).toMatchObject({allowed: 5000, limitedBy: 'daily', leftToday: 5000});
		expect(computeAllowance({wanted: 10_000, usedToday: 30_000, settings: performance})).toMatchObject({allowed: 10_000, ok: true});
		expect(computeAllowance({wanted: 10_001, usedToday: 30_000, settings: performance})).toMatchObject({allowed: 10_000, limitedBy: 'daily'});
	});

	it('custom numbers, from flags, with their mistakes refused', () => {
		expect(limitsFromFlags({daily: 500})).toEqual({preset: 'custom', daily: 500});
		expect(limitsFromFlags({perRun: 50, daily: 500})).toEqual({preset: 'custom', daily: 500, perRun: 50});
		expect(limitsFromFlags({preset: 'performance'})).toEqual(performance);
		expect(computeAllowance({wanted: 80, usedToday: 470, settings: {preset: 'custom', daily: 500, perRun: 50}})).toMatchObject({allowed: 30, limitedBy: 'daily'});
		expect(computeAllowance({wanted: 80, usedToday: 0, settings: {preset: 'custom', daily: 500, perRun: 50}})).toMatchObject({allowed: 50, limitedBy: 'per-run'});
		expect(() => limitsFromFlags({preset: 'gold'})).toThrow('--preset must be standard (1,000 contacts a day), performance (10,000 a run, 40,000 a day) or none, not "gold".');
		expect(() => limitsFromFlags({preset: 'standard', daily: 5})).toThrow('Give either --preset or custom numbers (--daily N, --per-run N), not both.');
		expect(() => limitsFromFlags({daily: 100, perRun: 200})).toThrow('--per-run 200 is more than --daily 100; a run can never take more than a day allows.');
		expect(() => limitsFromFlags({})).toThrow('Say which limits: --preset standard|performance|none, or --daily N and/or --per-run N.');
		expect(describeLimits({preset: 'custom', daily: 500, perRun: 50})).toBe('custom: 50 contacts a run, 500 contacts a day');
		expect(describeLimits({preset: 'none'})).toBe('no limits');
	});
});

describe('limits from the journal and the config file', () => {
	it('checkLimit counts what every run exported today; reserveWithinLimits holds the allowance', async () => {
		const folder = await tempDir('ccdl-limits-');
		const journal = openJournal({file: path.join(folder, 'journal.db')});
		const server = 'https://demo.example.com';
		const run = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(run, Array.from({length: 900}, (_, index) => ({recordingId: String(index), fileId: `${index}:recording`, status: 'valid' as const})));
		const now = new Date();
		expect(checkLimit(journal, server, 300, now, {settings: standard})).toMatchObject({allowed: 100, usedToday: 900});
		const next = journal.startRun({server, user: 'admin', filter: {}, outDir: '/calls'});
		expect(reserveWithinLimits(journal, next, server, 60, now, {settings: standard})).toMatchObject({allowed: 60, ok: true});
		// The reservation counts for everyone else, not for the run itself.
		expect(checkLimit(journal, server, 300, now, {settings: standard})).toMatchObject({allowed: 40, usedToday: 960});
		expect(checkLimit(journal, server, 300, now, {settings: standard, runId: next})).toMatchObject({allowed: 100});
		// Another server has its own allowance.
		expect(checkLimit(journal, 'https://other.example.com', 300, now, {settings: standard})).toMatchObject({allowed: 300, ok: true});
		journal.finishRun(next, {counts: {}, bytes: 0, durationMs: 1, outcome: 'ok'});
		expect(checkLimit(journal, server, 300, now, {settings: standard})).toMatchObject({allowed: 100});
		journal.close();
	});

	it('keeps the settings in limits.json; none saved means no limits; a damaged file is one sentence', async () => {
		const folder = await tempDir('ccdl-limits-');
		const file = path.join(folder, 'limits.json');
		expect(await loadLimits(file)).toEqual({preset: 'none'});
		await saveLimits(standard, file);
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({version: 1, preset: 'standard', daily: 1000});
		expect(await loadLimits(file)).toEqual(standard);
		expect(loadLimitsSync(file)).toEqual(standard);
		await saveLimits({preset: 'custom', daily: 20, perRun: 5}, file);
		expect(loadLimitsSync(file)).toEqual({preset: 'custom', daily: 20, perRun: 5});
		await writeFile(file, '{"version": 1, "preset": "custom", "daily": -3}');
		await expect(loadLimits(file)).rejects.toThrow(`The limits file ${file} is damaged ("daily" is not a whole number from 1 to 100000000); fix it, or move it away to start again without them.`);
		await writeFile(file, '{"version": 9, "preset": "standard"}');
		await expect(loadLimits(file)).rejects.toThrow(`The limits file ${file} was written by a newer ccdl (format 9; this one reads 1); update ccdl to use it.`);
		expect(() => loadLimitsSync(file)).toThrow('was written by a newer ccdl');
	});
});

function contact(id: string, extra: Partial<Recording> = {}): Recording {
	return {id, channel: 'voice', campaignName: `C${id.at(-1)}`, recycled: false, archived: false, ...extra} as Recording;
}

function file(contactId: string, kind: PlannedFile['kind'], action: PlannedFile['action'], size: number): PlannedFile {
	return {fileId: `${contactId}:${kind}`, contactId, kind, action, size, channel: 'voice', relativePath: `${contactId}-${kind}`, path: `/calls/${contactId}-${kind}`} as PlannedFile;
}

function fakePlan(): Plan {
	const contacts = [contact('1'), contact('2'), contact('3', {recycled: true}), contact('4'), contact('5', {channel: 'chat'})];
	const files = [
		file('1', 'recording', 'download', 100), file('1', 'screenshot', 'download', 10),
		file('2', 'recording', 'skip', 200),
		file('4', 'recording', 'download', 400),
		file('5', 'transcript', 'download', 5),
	];
	return {
		outDir: '/calls', contacts, files, recycled: 1, archivedSkipped: 0, bytes: 715, downloadBytes: 515, unknownSizes: 0,
		byCampaign: {}, byChannel: {}, collisions: {inBatch: 0, onDisk: 0}, identical: 1, freeBytes: 1e12,
	};
}

describe('cutting a plan to the limit', () => {
	it('counts only contacts with something to download, and keeps the first ones in plan order', () => {
		const plan = fakePlan();
		expect(contactsToExport(plan)).toEqual(['1', '4', '5']);
		const {plan: cut, left} = limitPlan(plan, 2);
		expect(left).toEqual(['5']);
		expect(cut.contacts.map(item => item.id)).toEqual(['1', '2', '3', '4']);
		expect(cut.files.map(item => item.fileId)).toEqual(['1:recording', '1:screenshot', '2:recording', '4:recording']);
		expect(cut).toMatchObject({bytes: 710, downloadBytes: 510, identical: 1, recycled: 1, byChannel: {voice: 4}});
		expect(limitPlan(plan, 3).left).toEqual([]);
		expect(limitPlan(plan, 3).plan).toBe(plan);
		expect(limitPlan(plan, 0).plan.files.map(item => item.fileId)).toEqual(['2:recording']);
	});

	it('says which kinds of file each export mode plans', () => {
		const kinds = ['recording', 'screenshot', 'transcript'] as const;
		expect(kinds.filter(kind => modeWants('transcripts-only')(kind))).toEqual(['transcript']);
		expect(kinds.filter(kind => modeWants('metadata-only')(kind))).toEqual([]);
		expect(kinds.filter(kind => modeWants('full')(kind))).toEqual(kinds);
	});
});

describe('ccdl limits', () => {
	it('sets presets and custom numbers, and shows today\'s usage of a server from the journal', async () => {
		const {env, config, data} = await folders();
		expect((await ccdl(['limits'], env)).stdout).toBe('Limits: no limits.\n');
		expect((await ccdl(['limits', 'set', '--preset', 'standard'], env)).stdout).toBe('Limits set: standard: 1,000 contacts a day.\n');
		expect(JSON.parse(await readFile(path.join(config, 'limits.json'), 'utf8'))).toEqual({version: 1, preset: 'standard', daily: 1000});
		const journal = openJournal({file: path.join(data, 'journal.db')});
		const run = journal.startRun({server: 'https://demo.example.com', user: 'admin', filter: {}, outDir: '/calls'});
		journal.recordItems(run, Array.from({length: 250}, (_, index) => ({recordingId: String(index), fileId: `${index}:recording`, status: 'valid' as const})));
		journal.close();
		expect((await ccdl(['limits', 'show', '--server', 'https://demo.example.com/'], env)).stdout)
			.toBe('Limits: standard: 1,000 contacts a day.\nToday on https://demo.example.com: 250 contacts exported or reserved, 750 left.\n');
		expect((await ccdl(['limits', 'set', '--daily', '40000', '--per-run', '10000'], env)).stdout).toBe('Limits set: custom: 10,000 contacts a run, 40,000 contacts a day.\n');
		expect(JSON.parse((await ccdl(['limits', 'show', '--json'], env)).stdout)).toEqual({file: path.join(config, 'limits.json'), preset: 'custom', daily: 40_000, perRun: 10_000});
		const bad = await ccdl(['limits', 'set', '--preset', 'gold'], env);
		expect(bad.code).toBe(2);
		expect(expectOneSentence(bad)).toBe('--preset must be standard (1,000 contacts a day), performance (10,000 a run, 40,000 a day) or none, not "gold".');
	});
});
