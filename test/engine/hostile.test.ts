/**
 * A server whose campaign names try path traversal, Windows device names, terminal escapes and overlong names
 * (the demo server's --hostile): every file lands inside the output folder under a safe name, and nothing the
 * server sent reaches the terminal as an escape sequence.
 */
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {cleanup, connection, runCcdl, tempDir, walk} from '../helpers/ccdl.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '400', '--seed', '11', '--media-size', '3000', '--hostile']);
});

afterAll(async () => {
	await server?.stop();
	await cleanup();
});

it('keeps every file of hostile campaign names inside the folder, visible and short enough, and no escape reaches stderr', async () => {
	const base = await tempDir();
	const out = path.join(base, 'out');
	const result = await runCcdl(['download', ...connection(server.url), '--campaign', '901', '--campaign', '902', '--campaign', '903', '--campaign', '904',
		'--include-archived', '--out', out, '--template', '{campaignName}/{campaignName}-{callId}']);
	expect(result.code, result.stderr).toBe(0);
	expect(result.stderr).not.toContain('\u001B[31m');
	expect(result.stderr).not.toContain('\u0007');
	const files = await walk(out);
	const downloaded = files.filter(file => !file.startsWith('manifest.'));
	expect(downloaded.length).toBeGreaterThan(10);
	// Nothing escaped: the walk of the parent finds only the output folder.
	expect((await walk(base)).every(file => file.startsWith('out/'))).toBe(true);
	for (const file of downloaded) {
		for (const segment of file.split('/')) {
			expect(segment.startsWith('.'), file).toBe(false);
			expect(Buffer.byteLength(segment), file).toBeLessThanOrEqual(255);
			// eslint-disable-next-line no-control-regex
			expect(segment, file).not.toMatch(/[\u0000-\u001F\u007F]/);
			expect(segment.split('.')[0]!.toUpperCase(), file).not.toMatch(/^(CON|PRN|AUX|NUL|COM\d|LPT\d)$/);
		}
	}
});
