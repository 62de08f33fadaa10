/**
 * `ccdl --demo`: the whole product against the built-in demo server, started in this process on a free loopback
 * port. Until the interactive screens land it runs a headless download of the last two days of demo calls.
 */
import path from 'node:path';
import {startDemoServer} from '../lib/demo-server/server.js';
import {runDownload} from './download.js';

export async function runDemo(argv: string[]): Promise<number> {
	const server = await startDemoServer({port: 0});
	process.stderr.write(`Demo server at ${server.url} (company demo, users admin/demo and supervisor/demo)\n`);
	const today = new Date();
	const from = new Date(today.getTime() - 2 * 86_400_000);
	const day = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
	const has = (flag: string) => argv.some(argument => argument === flag || argument.startsWith(`${flag}=`));
	const defaults = [
		'--server', server.url, '--company', 'demo',
		...(has('--user') || has('-u') ? [] : ['--user', 'admin']),
		...(has('--from') ? [] : ['--from', day(from)]),
		...(has('--out') || has('-o') ? [] : ['--out', path.resolve('ccdl-demo-downloads')]),
	];
	process.env['CCDL_PASSWORD'] ??= 'demo';
	try {
		return await runDownload([...defaults, ...argv]);
	} finally {
		await server.close();
	}
}
