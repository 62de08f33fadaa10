import {useKeys} from '../../hooks/use-keys.js';

export interface ListKeysOptions {
	readonly isActive: boolean;
	/** False when nothing matched: Enter does nothing then. */
	readonly canDownload: boolean;
	readonly onDownload: () => void;
	readonly onBack: () => void;
	readonly onHelp: () => void;
}

/** The list screen's own keys (the table takes the arrows and paging keys): Enter or d, Esc, ?. */
export function useListKeys({isActive, canDownload, onDownload, onBack, onHelp}: ListKeysOptions): void {
	useKeys((input, key) => {
		if (key.return || input === 'd') {
			if (canDownload) {
				onDownload();
			}

			return;
		}

		if (key.escape) {
			onBack();
			return;
		}

		if (input === '?') {
			onHelp();
		}
	}, {isActive});
}
