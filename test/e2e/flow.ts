/**
 * The steps of the interactive app as a user walks them in a real terminal (tmux), shared by the end-to-end tests:
 * start `dist/cli.js` against a demo server, log in, pick campaigns, type dates, set a template, reach the list.
 * Each step sends one key at a time and waits for the screen to show its effect before the next key. The first key
 * on a screen that has just appeared is sent again if it had no effect at all (see `PressOptions.resend`).
 */
import {createHash} from 'node:crypto';
import type {Recording, RecordingPage} from '../../source/lib/api/wire.js';
import {ccdlPath, nodePath, serverToken, tempDir} from '../helpers/ccdl.js';
import {startTmux, type TmuxSession} from '../helpers/tmux.js';

export interface AppOptions {
	/** The demo server's base URL. */
	server: string;
	/** The download folder (--out). */
	out: string;
	columns?: number;
	rows?: number;
	/** More arguments for `ccdl`, e.g. ['--concurrency', '2']. @default ['--lang', 'en'] */
	args?: readonly string[];
	/** More environment (CCDL_CONFIG_DIR is a fresh temporary folder unless given here). */
	env?: Record<string, string | undefined>;
}

/** `ccdl` (the interactive app) in tmux, as admin of company demo, dates in UTC. */
export async function startApp(options: AppOptions): Promise<TmuxSession> {
	return startTmux({
		command: [
			nodePath, ccdlPath, '--server', options.server, '--company', 'demo', '--user', 'admin', '--out', options.out,
			'--timezone', 'UTC', ...options.args ?? ['--lang', 'en'],
		],
		env: {CCDL_CONFIG_DIR: await tempDir('ccdl-e2e-config-'), TZ: 'UTC', ...options.env},
		columns: options.columns ?? 80,
		rows: options.rows ?? 24,
	});
}

export function escapeRegExp(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Login screen, focus on the password (company and user come from the flags): type it, Enter. */
export async function typePassword(app: TmuxSession, password: string): Promise<void> {
	await app.waitFor(/^› Password\s*$/m);
	await app.until(async () => app.type(password), new RegExp(`^› Password\\s+\\*{${password.length}}\\s*$`, 'm'), {resend: /^› Password\s*$/m});
}

export async function logIn(app: TmuxSession, password = 'demo'): Promise<void> {
	await typePassword(app, password);
	await app.press('Enter', /\[Campaigns\][\s\S]*\d+ of \d+ selected/);
}

/** Campaigns screen: Ctrl-A selects all shown, Enter goes on to the filters. */
export async function selectAllCampaigns(app: TmuxSession): Promise<void> {
	await app.press('C-a', /(\d+) of \1 selected/, {resend: true});
	await app.press('Enter', /\[Filters\][\s\S]*^› From/m);
}

/** Filters screen, focus on From (both dates empty): types From, Tab, types To; focus stays on To. */
export async function typeDates(app: TmuxSession, from: string, to: string): Promise<void> {
	await app.until(async () => app.type(from), new RegExp(`^› From\\s+${escapeRegExp(from)}\\s*$`, 'm'), {resend: /^› From\s+YYYY-MM-DD/m});
	await app.press('Tab', /^› To/m);
	await app.type(to);
	await app.waitFor(new RegExp(`^› To\\s+${escapeRegExp(to)}\\s*$`, 'm'));
}

/** From the To field: Shift-Tab twice reaches Continue (the focus wraps), Enter lists → File names. */
export async function continueFromFilters(app: TmuxSession): Promise<void> {
	await app.press('BTab', /^› From/m);
	await app.press('BTab', /› \[ Continue \]/);
	await app.press('Enter', /\[File names\][\s\S]*^› Template/m, {timeoutMs: 30_000});
}

/** File names screen, focus on Template: erase it, type `template`, wait for the preview to use it. */
export async function typeTemplate(app: TmuxSession, template: string): Promise<void> {
	await app.until(async () => app.repeat('BSpace', 120), /^› Template\s*$/m, {resend: true});
	await app.type(template);
	await app.waitFor(screen => screen.split('\n').some(line => line.startsWith('› Template') && line.trimEnd().endsWith(template)));
}

/** From the Template field: Shift-Tab reaches Continue, Enter plans → the List, whose matched count is returned. */
export async function continueToList(app: TmuxSession): Promise<{screen: string; matched: number}> {
	await app.press('BTab', /› \[ Continue \]/);
	const screen = await app.press('Enter', /\[List\][\s\S]*\d+ matched/, {timeoutMs: 30_000});
	return {screen, matched: Number(/([\d,]+) matched/.exec(screen)![1]!.replaceAll(',', ''))};
}

/** Log in, select all campaigns, type the dates, set the template and reach the list. */
export async function walkToList(app: TmuxSession, choice: {from: string; to: string; template: string}): Promise<{screen: string; matched: number}> {
	await logIn(app);
	await selectAllCampaigns(app);
	await typeDates(app, choice.from, choice.to);
	await continueFromFilters(app);
	await typeTemplate(app, choice.template);
	return continueToList(app);
}

/**
 * What the app should list for dates typed as YYYY-MM-DD in UTC (a date alone as To covers that whole day), straight
 * from the server: every page of GET /v1/recordings?from&to&includeArchived=false.
 */
export async function expectedContacts(url: string, from: string, to: string): Promise<Recording[]> {
	const end = new Date(`${to}T00:00:00Z`);
	end.setUTCDate(end.getUTCDate() + 1);
	const token = await serverToken(url);
	const items: Recording[] = [];
	let cursor: string | null = null;
	do {
		const query = new URLSearchParams({from: `${from}T00:00:00Z`, to: end.toISOString(), includeArchived: 'false', limit: '1000'});
		if (cursor) {
			query.set('cursor', cursor);
		}

		const response = await fetch(`${url}/v1/recordings?${query.toString()}`, {headers: {authorization: `Bearer ${token}`}});
		if (!response.ok) {
			throw new Error(`listing failed: ${response.status} ${await response.text()}`);
		}

		const page = await response.json() as RecordingPage;
		items.push(...page.items);
		cursor = page.nextCursor;
	} while (cursor);

	return items;
}

/** A transcript's Repr-Digest (hex) and size from a GET; tries again when a fault injection cut the body short. */
async function transcriptDigest(url: URL, token: string): Promise<{sha256: string; size: number}> {
	let problem = '';
	for (let attempt = 0; attempt < 6; attempt++) {
		try {
			const response = await fetch(url, {headers: {authorization: `Bearer ${token}`}});
			const body = Buffer.from(await response.arrayBuffer());
			const digest = /sha-256=:([^:]+):/.exec(response.headers.get('repr-digest') ?? '')?.[1];
			if (response.ok && digest) {
				const sha256 = Buffer.from(digest, 'base64').toString('hex');
				// The header describes the whole body; a body cut short does not match it.
				if (createHash('sha256').update(body).digest('hex') === sha256) {
					return {sha256, size: body.length};
				}
			}

			problem = `status ${response.status}, ${body.length} bytes`;
		} catch (error) {
			problem = (error as Error).message;
		}
	}

	throw new Error(`no valid transcript from ${url.href}: ${problem}`);
}

export interface ExpectedFile {
	contactId: string;
	kind: 'recording' | 'screenshot' | 'transcript';
	sha256: string;
	size: number;
}

/**
 * Every file the contacts offer with JSON transcripts: media and screenshots with the listing's digest, transcripts
 * with the Repr-Digest of a GET (fetched now: the listing gives none). Recycled contacts offer nothing.
 */
export async function expectedFiles(url: string, contacts: readonly Recording[]): Promise<ExpectedFile[]> {
	const token = await serverToken(url);
	// All transcripts at once: the server may delay every response (--latency).
	const perContact = await Promise.all(contacts.map(async contact => {
		if (contact.recycled) {
			return [];
		}

		const files: ExpectedFile[] = [];
		if (contact.media) {
			files.push({contactId: contact.id, kind: 'recording', sha256: contact.media.sha256, size: contact.media.size});
		}

		for (const shot of contact.screenshots) {
			files.push({contactId: contact.id, kind: 'screenshot', sha256: shot.sha256, size: shot.size});
		}

		if (contact.transcript?.formats.includes('json')) {
			const separator = contact.transcript.href.includes('?') ? '&' : '?';
			const {sha256, size} = await transcriptDigest(new URL(`${contact.transcript.href}${separator}format=json`, url), token);
			files.push({contactId: contact.id, kind: 'transcript', sha256, size});
		}

		return files;
	}));
	return perContact.flat();
}
