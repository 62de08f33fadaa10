/**
 * Collision resolution for one batch, done before a byte is written so that no two recordings ever share a file.
 * Names are compared the way the most forgiving supported file system would (case-insensitive, normalisation-
 * insensitive), because the same batch must land safely on ext4, APFS and NTFS alike.
 */
import {FingerprintSet} from '../text/fingerprint-set.js';
import {sanitizeSegment} from './sanitize.js';

/** One file a batch wants to write. */
export interface NameRequest {
	/** Identifies the request in the result (e.g. the recording ID plus the part); unique within a batch. */
	key: string;
	/** Path segments from `renderSegments` (sub-folders then the base name, without extension). */
	segments: readonly string[];
	/** E.g. `.mp3`; may be ''. */
	extension: string;
}

/**
 * Resolves collisions inside one batch: returns key → relative path ('/'-joined). Requests are taken in the given
 * order; the first keeps its name, later ones get `_2`, `_3`, … before the extension (re-cut to fit 255 bytes). Names
 * compare case-insensitively and NFC-normalised (case-insensitive file systems), and a suffixed name never takes a
 * name another request asked for.
 *
 * Two more rules keep the batch writable everywhere: folders whose names differ only in case or normalisation are
 * spelled as the first request spelled them (on a case-insensitive system they are one folder anyway), and a file is
 * never given a name that another request needs as a folder.
 *
 * @throws RangeError when two requests share a key or a request has no segments (both are caller bugs).
 */
export function resolveBatchNames(requests: readonly NameRequest[]): Map<string, string> {
	return new NameResolver().resolve(requests);
}

/**
 * The names of a plan that arrives page by page. Each `resolve` is one batch with the rules of `resolveBatchNames`;
 * across batches the names taken, the folders and their spellings carry over, so a later page never takes a name an
 * earlier one holds. A suffixed name avoids the names its own batch asked for, not those later pages will ask for:
 * a later file wanting `x_2.mp3` that an earlier collision took gets a suffix of its own. Memory grows by 16 bytes
 * a name given out.
 */
export class NameResolver {
	readonly #folderSpelling = new Map<string, string>();
	readonly #folders = new Set<string>();
	// Hashes, not strings: a million names would otherwise hold ~130 MB; a false match only costs a `_2` suffix.
	readonly #taken = new FingerprintSet();
	// Per wanted name, the next suffix worth trying: keeps a thousand same-named files linear instead of quadratic.
	readonly #nextSuffix = new Map<string, number>();
	// A plan has few distinct folders (campaigns, days) but many files; sanitising and folding each once is enough.
	readonly #memo = new Map<string, {safe: string; folded: string}>();

	/** The form under which two relative paths are one file on some supported system. */
	fold(relativePath: string): string {
		// `/` folds to itself: a path that folds by lower-casing alone need not be cut into segments.
		if (!needsFullFold.test(relativePath)) {
			return relativePath.toLowerCase();
		}
		return relativePath.split('/').map(segment => foldSegment(segment)).join('/');
	}

	/** Whether a relative path is a name given out (or taken with `take`), or a folder of the plan. */
	isTaken(relativePath: string): boolean {
		const folded = this.fold(relativePath);
		return this.#taken.has(folded) || this.#folders.has(folded);
	}

	/** Reserves a relative path that the plan gives a file by other means (a file on disk it keeps or replaces). */
	take(relativePath: string): void {
		this.#taken.add(this.fold(relativePath));
	}

	#folderSegment(segment: string): {safe: string; folded: string} {
		let entry = this.#memo.get(segment);
		if (entry === undefined) {
			const safe = sanitizeSegment(segment);
			entry = {safe, folded: foldSegment(safe)};
			this.#memo.set(segment, entry);
		}

		return entry;
	}

	resolve(requests: readonly NameRequest[]): Map<string, string> {
		const seenKeys = new Set<string>();
		const folders = this.#folders;
		const prepared = requests.map((request) => {
			if (seenKeys.has(request.key)) {
				throw new RangeError(`Duplicate name request key ${JSON.stringify(request.key)}.`);
			}
			seenKeys.add(request.key);
			const base = lastSegment(request.segments);
			let spelled = '';
			let folded = '';
			for (let index = 0; index < request.segments.length - 1; index++) {
				const {safe, folded: foldedSegment} = this.#folderSegment(request.segments[index]!);
				const prefix = spelled === '' ? safe : `${spelled}/${safe}`;
				folded = folded === '' ? foldedSegment : `${folded}/${foldedSegment}`;
				spelled = this.#folderSpelling.get(folded) ?? prefix;
				this.#folderSpelling.set(folded, spelled);
				folders.add(folded);
			}
			const name = sanitizeSegment(base, request.extension);
			const wanted = join(spelled, name);
			return {request, spelled, folded, base, wanted, wantedFolded: join(folded, foldSegment(name))};
		});
		// Only a collision needs the names the batch asked for; most batches have none, so the set is made on the first.
		let asked: Set<string> | undefined;
		const taken = this.#taken;
		const result = new Map<string, string>();
		for (const {request, spelled, folded: folderFolded, base, wanted, wantedFolded} of prepared) {
			// `add` both tests and takes: one hash of the name, not two.
			if (!folders.has(wantedFolded) && taken.add(wantedFolded)) {
				result.set(request.key, wanted);
				continue;
			}
			asked ??= new Set(prepared.map((entry) => entry.wantedFolded));
			// Every suffix gives a different name, so at most |taken| + |asked| + |folders| + 1 tries find a free one.
			const limit = taken.size + asked.size + folders.size + 1;
			let n = this.#nextSuffix.get(wantedFolded) ?? 2;
			for (let tries = 0; ; tries++, n++) {
				if (tries > limit) {
					throw new Error(`No free name found for ${JSON.stringify(wanted)} after ${tries} suffixes.`);
				}
				const name = sanitizeSegment(base, `_${n}${request.extension}`);
				const candidate = join(spelled, name);
				const folded = join(folderFolded, foldSegment(name));
				if (!taken.has(folded) && !asked.has(folded) && !folders.has(folded)) {
					taken.add(folded);
					result.set(request.key, candidate);
					this.#nextSuffix.set(wantedFolded, n + 1);
					break;
				}
			}
		}
		return result;
	}
}

/**
 * The n-th alternative of a name for "keep both" (n>=2): 'a/b/name_2.mp3'. The suffix goes before the extension and
 * the base is re-cut so the name still fits in 255 bytes; `resolveBatchNames` builds its suffixed names the same way.
 *
 * @throws RangeError when n is not an integer of at least 2 or there are no segments.
 */
export function suffixedPath(segments: readonly string[], extension: string, n: number): string {
	if (!Number.isSafeInteger(n) || n < 2) {
		throw new RangeError(`A name suffix must be an integer of at least 2, not ${n}.`);
	}
	const base = lastSegment(segments);
	const folder = segments.slice(0, -1).map((segment) => sanitizeSegment(segment));
	return join(folder.join('/'), sanitizeSegment(base, `_${n}${extension}`));
}

/**
 * The base name. Every segment is sanitised again where it is used, because requests may be built by hand;
 * sanitising is idempotent, so names from `renderSegments` are kept as they are.
 */
function lastSegment(segments: readonly string[]): string {
	const base = segments.at(-1);
	if (base === undefined) {
		throw new RangeError('A name request needs at least one path segment.');
	}
	return base;
}

function join(folder: string, name: string): string {
	return folder === '' ? name : `${folder}/${name}`;
}

/**
 * The form under which two names are one file on some supported system. Upper- then lower-casing also merges what
 * only full case folding merges (`ß`/`SS`, `ſ`/`s`, the Kelvin sign and `k`); merging too much only costs a suffix.
 */
function foldSegment(segment: string): string {
	if (!needsFullFold.test(segment)) {
		return segment.toLowerCase();
	}
	return segment.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * A code unit from U+0300 up, or one below whose folding is not its lower case alone (µ ß İ ı ŉ ſ ǰ Ⱥ Ⱦ fold into
 * several characters, other letters, or above U+0300). Every other character below U+0300 is NFC-stable, combines
 * with nothing, and folds into its own lower case, one character below U+0300 (test/unit/naming-shortcuts.test.ts
 * walks them): a text of them folds by `toLowerCase` alone, which spares the usual Latin name two normalisations and
 * a case mapping.
 */
const needsFullFold = /[\u00B5\u00DF\u0130\u0131\u0149\u017F\u01F0\u023A\u023E\u0300-\uFFFF]/;
