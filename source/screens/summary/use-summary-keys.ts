import {useKeys} from '../../hooks/use-keys.js';

export interface SummaryKeysOptions {
	readonly isActive: boolean;
	/** Some files failed: r retries them. Otherwise r does nothing. */
	readonly canRetry: boolean;
	readonly onRetryFailed: () => void;
	readonly onNewSearch: () => void;
	readonly onQuit: () => void;
	readonly onHelp: () => void;
}

/** r retry the failed files (only when some failed), n new search, q quit, ? help. The failures table takes the arrows. */
export function useSummaryKeys({isActive, canRetry, onRetryFailed, onNewSearch, onQuit, onHelp}: SummaryKeysOptions): void {
	useKeys(input => {
		switch (input) {
			case 'r': {
				if (canRetry) {
					onRetryFailed();
				}

				break;
			}

			case 'n': {
				onNewSearch();
				break;
			}

			case 'q': {
				onQuit();
				break;
			}

			case '?': {
				onHelp();
				break;
			}

			default:
		}
	}, {isActive});
}
