/**
 * The app's remembered settings (config.json): a damaged file is reported and left as it is, never emptied.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/lib/settings/settings.js';

let folder: string;
let before: string | undefined;

beforeEach(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'ccdl-settings-'));
	before = process.env['CCDL_CONFIG_DIR'];
	process.env['CCDL_CONFIG_DIR'] = folder;
});

afterEach(async () => {
	if (before === undefined) {
		delete process.env['CCDL_CONFIG_DIR'];
	} else {
		process.env['CCDL_CONFIG_DIR'] = before;
	}

	await rm(folder, {recursive: true, force: true});
});

describe('remembered settings', () => {
	it('remembers what is set, and has no problem with a good file', () => {
		openSettings().set({company: 'acme', username: 'eva'});
		const again = openSettings();
		expect(again.get()).toMatchObject({company: 'acme', username: 'eva'});
		expect(again.problem).toBeUndefined();
	});

	it('a damaged file is named as a problem, read as empty, and never written over', async () => {
		const file = path.join(folder, 'config.json');
		await writeFile(file, '{"company": "acme", "username": ');
		const settings = openSettings();
		expect(settings.problem).toEqual({file, detail: 'not JSON'});
		expect(settings.get()).toEqual({});
		settings.set({company: 'other'});
		expect(await readFile(file, 'utf8')).toBe('{"company": "acme", "username": ');
	});
});
