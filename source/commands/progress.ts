/**
 * Headless progress of a download: JSON lines for machines (--json, on stdout), one line per file event when
 * stderr is not a terminal (logs, cron mail), and one live status line when it is.
 */
import type {EngineEvent, RunSnapshot} from '../lib/engine/events.js';
import type {RunHandle} from '../lib/run/state.js';
import {isQuiet, isVerbose} from '../lib/output/verbosity.js';
import type {Translator} from '../lib/i18n/index.js';
import {safeJson} from '../lib/text/safe-json.js';
import {english} from './plan-report.js';
import {visible} from '../lib/text/visible.js';

export type ProgressMode = 'json' | 'lines' | 'live' | 'quiet';

function clock(seconds: number): string {
	const whole = Math.max(0, Math.round(seconds));
	const minutes = Math.floor(whole / 60);
	return minutes >= 60
		? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`
		: `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}

export function statusLine(snapshot: RunSnapshot, width: number, translator: Translator = english): string {
	const {t} = translator;
	const done = snapshot.valid + snapshot.skipped + snapshot.failed;
	const share = snapshot.bytesTotal > 0 ? Math.min(1, snapshot.bytesDone / snapshot.bytesTotal) : snapshot.files > 0 ? done / snapshot.files : 1;
	const barWidth = Math.max(10, Math.min(30, width - 70));
	const filled = Math.round(share * barWidth);
	const bar = `[${'='.repeat(filled)}${' '.repeat(barWidth - filled)}]`;
	const parts = [
		bar,
		`${Math.floor(share * 100)}%`,
		t('status.files', {done, total: snapshot.files}),
		`${translator.bytes(snapshot.rate)}/s`,
		snapshot.etaSeconds === undefined ? '' : `ETA ${clock(snapshot.etaSeconds)}`,
		snapshot.failed ? t('status.failed', {count: snapshot.failed}) : '',
		snapshot.skipped ? t('status.skipped', {count: snapshot.skipped}) : '',
	].filter(Boolean);
	return parts.join('  ').slice(0, Math.max(20, width - 1));
}

function eventLine(event: EngineEvent, run: RunHandle, {t, bytes}: Translator): string | undefined {
	const name = (fileId: string) => visible(run.state.files.get(fileId)?.relativePath ?? fileId);
	switch (event.type) {
		case 'started': {
			return !isVerbose() ? undefined
				: event.resumedFrom > 0 ? t('event.resuming', {name: name(event.fileId), size: bytes(event.resumedFrom)}) : t('event.started', {name: name(event.fileId)});
		}

		case 'validated': {
			return t('event.valid', {name: name(event.fileId), size: bytes(event.size)});
		}

		case 'skipped': {
			return t('event.skipped', {name: name(event.fileId), reason: event.reason});
		}

		case 'failed': {
			return t('event.failed', {name: name(event.fileId), reason: visible(event.reason)});
		}

		case 'retrying': {
			return t('event.retry', {name: name(event.fileId), reason: visible(event.reason)});
		}

		case 'archive-failed': {
			return t('event.archive-failed', {contact: visible(event.contactId), reason: visible(event.reason)});
		}

		default: {
			return undefined;
		}
	}
}

/** Subscribes a reporter to the run; returns a function that ends it (clears the live line). */
export function reportProgress(run: RunHandle, mode: ProgressMode, translator: Translator = english): () => void {
	if (mode === 'json') {
		return run.subscribe(events => {
			const at = new Date().toISOString();
			process.stdout.write(events.map(event => safeJson({at, ...event})).join('\n') + '\n');
		});
	}

	if (mode === 'lines' || mode === 'quiet') {
		return run.subscribe(events => {
			// Quiet: only what went wrong.
			const lines = events.filter(event => mode === 'lines' || event.type === 'failed' || event.type === 'archive-failed')
				.map(event => eventLine(event, run, translator)).filter(Boolean);
			if (lines.length > 0) {
				process.stderr.write(`${lines.join('\n')}\n`);
			}
		});
	}

	let shown = false;
	const unsubscribe = run.subscribe((events, snapshot) => {
		const width = process.stderr.columns || 80;
		const lines = events.filter(event => event.type === 'failed' || event.type === 'archive-failed')
			.map(event => eventLine(event, run, translator)).filter(Boolean);
		process.stderr.write(`\r\u001B[2K${lines.length > 0 ? `${lines.join('\n')}\n` : ''}${statusLine(snapshot, width, translator)}`);
		shown = true;
	});
	return () => {
		unsubscribe();
		if (shown) {
			process.stderr.write('\n');
		}
	};
}

/**
 * Says on stderr (the log of a cron job) why the listing holds still: the server asked it to wait. Not when quiet;
 * with --json too, since stdout is the JSON stream and stderr is for people.
 */
export function listingWait(translator: Translator): (seconds: number) => void {
	return seconds => {
		if (!isQuiet()) {
			process.stderr.write(`ccdl: ${translator.t('listing.wait', {seconds: Math.ceil(seconds)})}\n`);
		}
	};
}
