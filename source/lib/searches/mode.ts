/**
 * Export modes (after the bulk export's "audio/screen file type: none" and "transcript format: none"): `full`
 * downloads recordings, screenshots and transcripts; `transcripts-only` only transcripts; `metadata-only` nothing
 * but the manifest (every contact still gets its rows). The plan leaves out the files a mode does not want.
 */
import type {FileKind} from '../catalogue/contacts.js';
import type {ExportMode} from './model.js';

/** Whether a mode exports files of this kind. */
export function modeWants(mode: ExportMode): (kind: FileKind) => boolean {
	switch (mode) {
		case 'full': {
			return () => true;
		}

		case 'transcripts-only': {
			return kind => kind === 'transcript';
		}

		case 'metadata-only': {
			return () => false;
		}
	}
}
