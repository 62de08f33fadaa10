import {describe, expect, it} from 'vitest';
import {FilesystemError} from '../../source/lib/errors.js';
import {describeError, withoutFlagAdvice} from '../../source/lib/i18n/describe-error.js';
import {createTranslator} from '../../source/lib/i18n/index.js';

describe('errors in the app', () => {
	it('cut the command-line advice off the engine\'s messages', () => {
		expect(withoutFlagAdvice('Cannot reach http://127.0.0.1:9: ECONNREFUSED; check --server/--company and your network.')).toBe('Cannot reach http://127.0.0.1:9: ECONNREFUSED');
		expect(withoutFlagAdvice('/srv/x is not a folder; choose another with --out.')).toBe('/srv/x is not a folder');
		expect(withoutFlagAdvice('http://x is not a Contact Center Media API server (GET /v1/health answered 501); check --server or --company.')).toBe('http://x is not a Contact Center Media API server (GET /v1/health answered 501)');
		expect(withoutFlagAdvice('The user name or password is wrong.')).toBe('The user name or password is wrong.');
		expect(withoutFlagAdvice('Profile "A" is assigned globally; unassign it there first ("ccdl profile unassign --global"), then deactivate it.'))
			.toBe('Profile "A" is assigned globally; unassign it there first, then deactivate it.');
	});

	it('name the app\'s fields and keys instead of flags, in both languages', () => {
		const error = new FilesystemError('not-writable', 'Cannot write to /srv/x: EACCES; choose another folder with --out.');
		const en = describeError(error, createTranslator('en', 'UTC'));
		expect(en).toBe('The download folder cannot be written (Cannot write to /srv/x: EACCES); go back with Esc to the filters and choose another Folder.');
		const hu = describeError(error, createTranslator('hu', 'UTC'));
		expect(hu).toContain('Mappát');
		expect(`${en} ${hu}`).not.toMatch(/--[a-z]/);
	});
});
