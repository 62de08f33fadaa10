/** "Did you mean …?": the known word closest to a mistyped one, when it is close enough to be what was meant. */
import leven from 'leven';

/**
 * How far a word may be from a known one and still be a typo of it: one edit for words of up to 3 characters, two
 * up to 8 (`lsit` → `list`, `form` → `from` are two edits), three beyond.
 */
function tolerance(word: string): number {
	return word.length <= 3 ? 1 : word.length <= 8 ? 2 : 3;
}

/**
 * The candidate `typed` most likely stands for, or undefined: a unique candidate that starts with it (`--include` →
 * `--include-archived`), else the nearest by edit distance within the tolerance (case ignored). Ties go to the
 * candidate listed first, so callers list the common words first.
 */
export function suggest(typed: string, candidates: readonly string[]): string | undefined {
	const word = typed.toLowerCase();
	if (word === '') {
		return undefined;
	}

	const prefixed = candidates.filter(candidate => candidate.toLowerCase().startsWith(word) && candidate.length > word.length);
	if (prefixed.length === 1) {
		return prefixed[0];
	}

	const limit = tolerance(word);
	let best: {candidate: string; distance: number} | undefined;
	for (const candidate of candidates) {
		const distance = leven(word, candidate.toLowerCase(), {maxDistance: limit + 1});
		if (distance <= limit && (best === undefined || distance < best.distance)) {
			best = {candidate, distance};
		}
	}

	return best?.candidate;
}

/** ` (did you mean X?)` for a message, or '' when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[], quote = (text: string) => text): string {
	const found = suggest(typed, candidates);
	return found === undefined ? '' : ` (did you mean ${quote(found)}?)`;
}
