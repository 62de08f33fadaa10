import {spawnSync} from 'node:child_process';
import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkFolder, completeFolder, expandHome, homeOf, localDestination, refuseLiteralTilde} from '../../source/lib/text/paths.js';
import {nodePath} from '../helpers/ccdl.js';

let root: string;

beforeAll(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ccdl-paths-'));
	for (const folder of ['exports', 'export-old', 'Downloads', '.hidden', 'only/inner']) {
		await mkdir(path.join(root, folder), {recursive: true});
	}

	await writeFile(path.join(root, 'exports.txt'), 'a file, never completed as a folder');
	await symlink(path.join(root, 'Downloads'), path.join(root, 'linked'));
});

afterAll(async () => {
	await chmod(path.join(root, 'only'), 0o755).catch(() => {});
	await rm(root, {recursive: true, force: true});
});

describe('expandHome', () => {
	const users = (user: string) => (user === 'bob' ? '/home/bob' : undefined);
	it('expands ~ and ~/x to the home folder', () => {
		expect(expandHome('~', {home: '/home/me'})).toBe('/home/me');
		expect(expandHome('~/', {home: '/home/me'})).toBe('/home/me/');
		expect(expandHome('~/calls/2026', {home: '/home/me/'})).toBe('/home/me/calls/2026');
		expect(expandHome('~')).toBe(os.homedir());
	});

	it('expands ~user to that user\'s home and leaves an unknown user as typed', () => {
		expect(expandHome('~bob/x', {homeOf: users})).toBe('/home/bob/x');
		expect(expandHome('~bob', {homeOf: users})).toBe('/home/bob');
		expect(expandHome('~nobody-here/x', {homeOf: users})).toBe('~nobody-here/x');
	});

	it('leaves a ~ that does not start the path alone', () => {
		expect(expandHome('/srv/~/x', {home: '/home/me'})).toBe('/srv/~/x');
		expect(expandHome('a~b', {home: '/home/me'})).toBe('a~b');
		expect(expandHome('', {home: '/home/me'})).toBe('');
	});

	it('reads other users from the password file', async () => {
		const passwd = path.join(root, 'passwd');
		await writeFile(passwd, 'root:x:0:0:root:/root:/bin/sh\nbob:x:1001:1001:Bob:/home/bob:/bin/bash\n');
		expect(homeOf('bob', passwd)).toBe('/home/bob');
		expect(homeOf('alice', passwd)).toBeUndefined();
		expect(homeOf(os.userInfo().username, passwd)).toBe(os.homedir());
	});
});

describe('refuseLiteralTilde', () => {
	it('passes a path without ~ through', () => {
		expect(refuseLiteralTilde('/srv/exports', '--out')).toBe('/srv/exports');
		expect(refuseLiteralTilde('exports/a~b', '--out')).toBe('exports/a~b');
		// A shell expands only a leading ~: one further in is a name like any other.
		expect(refuseLiteralTilde('exports/~/x', '--out')).toBe('exports/~/x');
	});

	it('refuses a leading ~ with a usage error that names the flag and the path meant', () => {
		expect(() => refuseLiteralTilde('~/calls', '--out')).toThrow(`--out ~/calls has a "~" the shell did not expand (it was quoted), which would make a folder named "~"; write the full path, e.g. --out ${path.join(os.homedir(), 'calls')}.`);
		expect(() => refuseLiteralTilde('~nosuchuser-ccdl/x', '--out')).toThrow(/~nosuchuser-ccdl\/x has a "~"/);
		try {
			refuseLiteralTilde('~', '--out');
		} catch (error) {
			expect((error as {exitCode: number}).exitCode).toBe(2);
		}
	});
});

describe('localDestination', () => {
	it('resolves a folder, and refuses an empty value and a leading ~ as usage errors', () => {
		expect(localDestination('exports/x', '--out')).toBe(path.resolve('exports/x'));
		for (const value of ['', '  ', '~/calls']) {
			try {
				localDestination(value, '--out');
				throw new Error(`accepted ${JSON.stringify(value)}`);
			} catch (error) {
				expect((error as {exitCode: number}).exitCode, String(error)).toBe(2);
			}
		}
	});
});

describe('completeFolder', () => {
	it('completes a single folder with a slash, as bash does', async () => {
		expect(completeFolder(`${root}/Dow`)).toEqual({value: `${root}/Downloads/`, candidates: ['Downloads/']});
		expect(completeFolder('on', {cwd: root})).toEqual({value: 'only/', candidates: ['only/']});
	});

	it('completes several to their common start and lists them, folders only', async () => {
		const completion = completeFolder(`${root}/ex`);
		expect(completion.value).toBe(`${root}/export`);
		expect(completion.candidates).toEqual(['export-old/', 'exports/']);
	});

	it('follows links to folders and shows hidden ones only after a dot', async () => {
		expect((completeFolder(`${root}/li`)).value).toBe(`${root}/linked/`);
		expect((completeFolder(`${root}/`)).candidates).not.toContain('.hidden/');
		expect((completeFolder(`${root}/.h`)).value).toBe(`${root}/.hidden/`);
	});

	it('keeps ~ as typed while reading the home folder', async () => {
		expect(completeFolder('~/Dow', {home: root})).toEqual({value: '~/Downloads/', candidates: ['Downloads/']});
		expect((completeFolder('~', {home: root})).value).toBe('~/');
	});

	it('leaves the value alone when nothing matches or the folder cannot be read', async () => {
		expect(completeFolder(`${root}/zz`)).toEqual({value: `${root}/zz`, candidates: []});
		expect(completeFolder(`${root}/missing/x`)).toEqual({value: `${root}/missing/x`, candidates: []});
	});
});

describe('checkFolder', () => {
	it('accepts a writable folder, and a missing one under a writable folder', async () => {
		expect(await checkFolder(root)).toBeUndefined();
		expect(await checkFolder(path.join(root, 'new/deeper'))).toBeUndefined();
		expect(await checkFolder('~', {})).toBeUndefined();
		// A ~user this machine does not know would become a folder named "~user".
		expect(await checkFolder('~nosuchuser-ccdl/x')).toEqual({kind: 'unknown-user', path: '~nosuchuser-ccdl'});
		expect(await checkFolder(' ~nosuchuser-ccdl ')).toEqual({kind: 'unknown-user', path: '~nosuchuser-ccdl'});
	});

	it('says "not a folder" for a file, also one further up', async () => {
		expect(await checkFolder(path.join(root, 'exports.txt'))).toEqual({kind: 'not-folder', path: path.join(root, 'exports.txt')});
		expect(await checkFolder(path.join(root, 'exports.txt/x'))).toEqual({kind: 'not-folder', path: path.join(root, 'exports.txt')});
	});

	it('says "not writable" for a folder without write access (as nobody when the tests run as root)', async () => {
		await chmod(path.join(root, 'only'), 0o555);
		const target = path.join(root, 'only/new');
		if (process.getuid?.() !== 0) {
			expect(await checkFolder(target)).toEqual({kind: 'not-writable', path: path.join(root, 'only')});
			return;
		}

		// Root may write anywhere: the same check in a child process running as nobody, from the build.
		await chmod(root, 0o755);
		const script = `const {checkFolder} = await import(${JSON.stringify(new URL('../../dist/lib/text/paths.js', import.meta.url).href)});`
			+ `process.stdout.write(JSON.stringify(await checkFolder(${JSON.stringify(target)}) ?? null));`;
		const child = spawnSync(nodePath, ['--input-type=module', '-e', script], {uid: 65_534, gid: 65_534, encoding: 'utf8', cwd: '/'});
		expect(child.status, child.stderr).toBe(0);
		expect(JSON.parse(child.stdout)).toEqual({kind: 'not-writable', path: path.join(root, 'only')});
	});
});
