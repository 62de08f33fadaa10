import {useKeys} from '../../hooks/use-keys.js';

export interface ListKeysOptions {
	readonly isActive: boolean;
	/** False when nothing matched: d does nothing then. */
	readonly canDownload: boolean;
	/** The selected row's detail is open. */
	readonly isDetailOpen: boolean;
	/** A filter is set (Esc clears it first, the table filter does that). */
	readonly hasFilter: boolean;
	readonly onDownload: () => void;
	/** Enter on a row: its detail; Enter, Esc or q in the detail: back to the table. */
	readonly onDetail: (isOpen: boolean) => void;
	readonly onBack: () => void;
	readonly onHelp: () => void;
}

/**
 * The list screen's own keys (the table takes the arrows, paging keys and j k g G, its filter `/`): d download, Enter
 * a row's detail, Esc or q back (or out of the detail), ?. The screen turns them off while a filter is typed.
 */
export function useListKeys({isActive, canDownload, isDetailOpen, hasFilter, onDownload, onDetail, onBack, onHelp}: ListKeysOptions): void {
	useKeys((input, key) => {
		const plain = !key.ctrl && !key.meta;
		if (input === 'd' && plain) {
			if (canDownload) {
				onDownload();
			}

			return;
		}

		if (isDetailOpen) {
			if (key.return || key.escape || (input === 'q' && plain)) {
				onDetail(false);
			} else if (input === '?' && plain) {
				onHelp();
			}

			return;
		}

		if (key.return) {
			onDetail(true);
		} else if ((key.escape && !hasFilter) || (input === 'q' && plain)) {
			onBack();
		} else if (input === '?' && plain) {
			onHelp();
		}
	}, {isActive});
}
