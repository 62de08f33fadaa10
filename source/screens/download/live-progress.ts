/** What the live table and the overall bar show, computed from the run's state. Pure. */
import type {RunSnapshot} from '../../lib/engine/events.js';
import type {Translator} from '../../lib/i18n/index.js';
import type {RunView} from '../../hooks/use-run.js';
import type {ContactRow, RowProgress} from '../list/contact-rows.js';

export interface LiveRowProgress extends RowProgress {
	readonly isFailed: boolean;
	readonly isRunning: boolean;
}

/** A contact's files together: downloaded share of their bytes, the archive time, `valid` once all are. */
export function liveProgress(t: Translator, view: Pick<RunView, 'files' | 'archivedAt'>, row: ContactRow): LiveRowProgress {
	const archivedAt = view.archivedAt.get(row.contact.id) ?? row.contact.archivedAt ?? '';
	if (row.contact.recycled || row.files.length === 0) {
		return {downloaded: '', archivedAt, validated: '', isFailed: false, isRunning: false};
	}

	let bytes = 0;
	let size = 0;
	let sizeKnown = true;
	let valid = 0;
	let skipped = 0;
	let failed = 0;
	let running = 0;
	let uploading: {bytes: number; size: number} | undefined;
	for (const file of row.files) {
		const state = view.files.get(file.fileId);
		if (state?.state === 'running' && state.upload && state.upload.bytes < state.upload.size) {
			uploading = {bytes: (uploading?.bytes ?? 0) + state.upload.bytes, size: (uploading?.size ?? 0) + state.upload.size};
		}
		const fileSize = state?.size ?? file.size;
		bytes += state?.bytes ?? 0;
		if (fileSize === undefined) {
			sizeKnown = false;
		} else {
			size += fileSize;
		}

		switch (state?.state) {
			case 'valid': {
				valid++;
				break;
			}

			case 'skipped': {
				skipped++;
				break;
			}

			case 'failed': {
				failed++;
				break;
			}

			case 'running': {
				running++;
				break;
			}

			default:
		}
	}

	const done = valid + skipped === row.files.length;
	const downloaded = done
		? '100%'
		: uploading && uploading.size > 0
			? t.t('cell.uploading', {percent: Math.min(99, Math.floor(uploading.bytes / uploading.size * 100))})
		: sizeKnown && size > 0
			? `${Math.min(99, Math.floor(bytes / size * 100))}%`
			: bytes > 0 ? t.bytes(bytes) : '0%';
	const validated = failed > 0 ? t.t('cell.failed') : done ? (valid > 0 ? t.t('cell.valid') : t.t('cell.identical')) : '';
	return {downloaded, archivedAt, validated, isFailed: failed > 0, isRunning: running > 0};
}

/** Share of the run done, 0–1: by bytes when sizes are known, else by files. */
export function shareDone(snapshot: RunSnapshot): number {
	const finished = snapshot.valid + snapshot.skipped + snapshot.failed;
	if (snapshot.finished && finished === snapshot.files) {
		return 1;
	}

	const share = snapshot.bytesTotal > 0 ? snapshot.bytesDone / snapshot.bytesTotal : snapshot.files > 0 ? finished / snapshot.files : 1;
	return Math.min(1, Math.max(0, share));
}

/** `[████░░░░]` of `width` columns in all. */
export function progressBar(share: number, width: number): string {
	const inner = Math.max(1, width - 2);
	const filled = Math.round(Math.min(1, Math.max(0, share)) * inner);
	return `[${'█'.repeat(filled)}${'░'.repeat(inner - filled)}]`;
}
