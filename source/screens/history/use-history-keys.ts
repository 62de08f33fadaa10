import {isHelpKey} from '../../components/form/index.js';
import {useKeys} from '../../hooks/use-keys.js';

/**
 * The History screen's own keys (the table takes ↑ ↓ PgUp PgDn Home End ← → j k g G, its filter `/`): Esc or q close
 * (Esc clears a filter first), ? help.
 */
export function useHistoryKeys({onClose, onHelp, isActive, hasFilter = false}: {
	readonly onClose: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
	/** A filter is set: Esc clears it (the table filter does) instead of closing. */
	readonly hasFilter?: boolean;
}): void {
	useKeys((input, key) => {
		if ((key.escape && !hasFilter) || (input === 'q' && !key.ctrl && !key.meta)) {
			onClose();
		} else if (isHelpKey(input, key)) {
			onHelp();
		}
	}, {isActive});
}
