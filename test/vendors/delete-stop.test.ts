/**
 * `--delete-after` stopped in the middle of its deletions: every recording the platform deleted is in the journal
 * (a kill -9 included), and a stop (SIGTERM, Ctrl-C) deletes nothing more and ends the run as interrupted.
 * The Twilio test server answers slowly, so the deleting takes a while.
 */
import path from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {afterAll, describe, expect, it} from 'vitest';
import {cleanup, startCcdl, tempDir} from '../helpers/ccdl.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';

const servers: VendorServer[] = [];

afterAll(async () => {
	await Promise.all(servers.map(async server => server.stop()));
	await cleanup();
});

interface Stats {
	deletions: number;
	deleted: string[];
}

async function stats(server: VendorServer): Promise<Stats> {
	return await (await fetch(`${server.url}/_test/stats`)).json() as Stats;
}

/** Starts a download with --delete-after and returns once the platform has deleted `count` recordings. */
async function deletingRun(count: number) {
	const server = await startVendorServer('twilio', ['--calls', '40', '--days', '2', '--seed', '23', '--latency', '150']);
	servers.push(server);
	const home = await tempDir('ccdl-delete-stop-');
	const data = path.join(home, 'data');
	const ccdl = startCcdl(['download', '--platform', 'twilio', '--server', server.url, '--user', server.user, '--timezone', 'UTC',
		'--transcripts', 'none', '--include-archived', '--out', path.join(home, 'out'), '--delete-after'], {
		env: {CCDL_CONFIG_DIR: path.join(home, 'config'), CCDL_DATA_DIR: data, CCDL_PASSWORD: server.password},
		timeoutMs: 120_000,
	});
	for (let seen = 0; seen < count;) {
		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
		seen = (await stats(server)).deletions;
	}

	return {server, ccdl, journal: path.join(data, 'journal.db')};
}

function journaled(file: string, status: string): string[] {
	const database = new DatabaseSync(file, {readOnly: true});
	try {
		return (database.prepare('SELECT recording_id FROM items WHERE status = ? ORDER BY recording_id').all(status) as Array<{recording_id: string}>)
			.map(row => row.recording_id);
	} finally {
		database.close();
	}
}

describe('--delete-after, stopped while deleting', () => {
	it('SIGTERM: no deletion after the stop, exit 130, the run interrupted; each deletion made is journaled', async () => {
		const {server, ccdl, journal} = await deletingRun(3);
		ccdl.signal('SIGTERM');
		const result = await ccdl.done;
		expect(result.code, result.stderr).toBe(130);
		const {deleted} = await stats(server);
		// At most the one under way when the signal came finishes.
		await new Promise(resolve => {
			setTimeout(resolve, 500);
		});
		expect((await stats(server)).deleted).toEqual(deleted);
		expect(deleted.length).toBeLessThan(20);
		expect(journaled(journal, 'deleted')).toEqual([...deleted].sort());
		const runs = new DatabaseSync(journal, {readOnly: true});
		try {
			expect((runs.prepare('SELECT outcome FROM runs ORDER BY id DESC LIMIT 1').get() as {outcome: string}).outcome).toBe('interrupted');
		} finally {
			runs.close();
		}
	}, 120_000);

	it('kill -9: every recording the platform deleted is in the journal', async () => {
		const {server, ccdl, journal} = await deletingRun(3);
		ccdl.signal('SIGKILL');
		await ccdl.done;
		const {deleted} = await stats(server);
		expect(deleted.length).toBeGreaterThanOrEqual(3);
		// Deleted and answered, or asked with no answer recorded (killed in between): none is missing.
		const known = new Set([...journaled(journal, 'deleted'), ...journaled(journal, 'delete-failed')]);
		for (const id of deleted) {
			expect(known.has(id), id).toBe(true);
		}
	}, 120_000);
});
