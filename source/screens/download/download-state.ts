/**
 * The download screen's own state: running, asking whether to cancel, or cancelling. Pure; the run's progress is
 * not here (it comes from the run through useRun).
 */
export type DownloadPhase = 'running' | 'confirming' | 'cancelling';

export type DownloadAction = {type: 'ask-cancel'} | {type: 'keep-going'} | {type: 'confirm-cancel'};

export function downloadReducer(phase: DownloadPhase, action: DownloadAction): DownloadPhase {
	switch (action.type) {
		case 'ask-cancel': {
			return phase === 'running' ? 'confirming' : phase;
		}

		case 'keep-going': {
			return phase === 'confirming' ? 'running' : phase;
		}

		case 'confirm-cancel': {
			return phase === 'confirming' ? 'cancelling' : phase;
		}
	}
}
