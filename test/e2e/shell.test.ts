/**
 * The app started from an interactive shell, as over SSH: the prompt is at the bottom of the screen when ccdl starts,
 * and Ctrl-Z / fg are how people set a program aside. Real bash, real tmux.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, nodePath, ccdlPath, tempDir} from '../helpers/ccdl.js';
import {startDemoProcess, type DemoProcess} from '../helpers/demo-server.js';
import {killAllTmux, startTmux, type TmuxSession} from '../helpers/tmux.js';

let server: DemoProcess;

beforeAll(async () => {
	server = await startDemoProcess(['--calls', '40', '--seed', '3']);
});

afterAll(async () => {
	await killAllTmux();
	await server?.stop();
	await cleanup();
});

async function shell(): Promise<TmuxSession> {
	return startTmux({
		command: ['bash', '--norc', '--noprofile', '-i'],
		// No history file: bash writes it into the session's folder as it exits, while the folder is being removed.
		env: {CCDL_CONFIG_DIR: await tempDir('ccdl-e2e-config-'), PS1: 'prompt$ ', HISTFILE: '/dev/null'},
		columns: 80,
		rows: 24,
	});
}

const command = () => [nodePath, ccdlPath, '--server', server.url, '--company', 'demo', '--user', 'admin', '--lang', 'en', '--timezone', 'UTC'].join(' ');

describe('the app from a shell', () => {
	it('draws from the top of the screen although the prompt was at the bottom', async () => {
		const app = await shell();
		try {
			await app.waitFor(/^prompt\$\s*$/m);
			await app.type(`seq 1 30; ${command()}`);
			await app.send('Enter');
			const screen = await app.waitFor(/Password/);
			expect(screen.split('\n')[0]).toMatch(/^ccdl — contact-center media downloader/);
		} finally {
			await app.kill();
		}
	});

	it('Ctrl-Z gives the shell back with the terminal as it was; fg brings the app back, redrawn, and it goes on', async () => {
		const app = await shell();
		try {
			await app.waitFor(/^prompt\$\s*$/m);
			// Through a parent process, as `npm start` and `npx ccdl` run it: the parent must stop too.
			await app.type(`sh -c '${command()}'`);
			await app.send('Enter');
			await app.waitFor(/^› Password/m);
			await app.send('C-z');
			await app.waitFor(/Stopped[\s\S]*^prompt\$\s*$/m);
			// The terminal is the shell's again: it echoes, and reads lines.
			await app.type('stty -a | grep -o -- "-\\?icanon" | head -1');
			await app.send('Enter');
			expect(await app.waitFor(/^icanon$/m)).toMatch(/^icanon$/m);
			await app.type('fg');
			await app.send('Enter');
			const back = await app.waitFor(/^ccdl — contact-center media downloader[\s\S]*^› Password/m);
			expect(back.split('\n')[0]).toMatch(/^ccdl — contact-center media downloader/);
			// And it still reads keys: log in.
			await app.type('demo');
			await app.send('Enter');
			await app.waitFor(/\[Campaigns\]/);
			await app.send('C-c');
			await app.waitFor(/^prompt\$\s*$/m);
		} finally {
			await app.kill();
		}
	});
});
