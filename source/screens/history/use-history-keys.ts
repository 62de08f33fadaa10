import {isHelpKey} from '../../components/form/index.js';
import {useKeys} from '../../hooks/use-keys.js';

/** The History screen's own keys (the table takes ↑ ↓ PgUp PgDn Home End ← →): Esc or q close, ? help. */
export function useHistoryKeys({onClose, onHelp, isActive}: {
	readonly onClose: () => void;
	readonly onHelp: () => void;
	readonly isActive: boolean;
}): void {
	useKeys((input, key) => {
		if (key.escape || (input === 'q' && !key.ctrl && !key.meta)) {
			onClose();
		} else if (isHelpKey(input, key)) {
			onHelp();
		}
	}, {isActive});
}
