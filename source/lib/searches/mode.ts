/**
 * Export modes (after the bulk export's "audio/screen file type: none" and "transcript format: none"): `full`
 * downloads recordings, screenshots and transcripts; `transcripts-only` only transcripts; `metadata-only` nothing
 * but the manifest (every contact still gets its rows). Applied to a built plan.
 */
import type {Plan} from '../engine/plan.js';
import {narrowPlan} from '../limits/plan.js';
import type {ExportMode} from './model.js';

export function applyMode(plan: Plan, mode: ExportMode): Plan {
	switch (mode) {
		case 'full': {
			return plan;
		}

		case 'transcripts-only': {
			return narrowPlan(plan, () => true, file => file.kind === 'transcript');
		}

		case 'metadata-only': {
			return narrowPlan(plan, () => true, () => false);
		}
	}
}
