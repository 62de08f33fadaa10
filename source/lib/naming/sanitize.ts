/**
 * Turns untrusted text into one path segment that every common file system accepts (ext4, APFS/HFS+, NTFS, exFAT).
 * Everything here is a pure function of its input, because the same recording must always get the same name: resume,
 * "already downloaded" detection and `ccdl verify` all depend on it.
 */

/** Most file systems (ext4, APFS, NTFS in UTF-16 units, exFAT) cap one name at 255; bytes is the strictest reading. */
export const maxSegmentBytes = 255;

/**
 * Characters replaced by `_`:
 * - C0 and C1 control characters and DEL: they corrupt terminals (ANSI escapes) and are illegal on Windows.
 * - Bidi and invisible format characters: they make a name display as something it is not (`gpj.exe` shown as
 *   `exe.jpg`). The brief's set (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF) plus the other invisible
 *   ones that play the same tricks: U+061C (Arabic letter mark), U+180E, U+2060–U+2064, U+206A–U+206F, U+FFF9–U+FFFB.
 * - `/ \ : * ? " < > |`: separators or wildcards on at least one supported system.
 * The zero-width joiner (U+200D) is handled by {@link strayJoiner} instead.
 */
const unsafeOutsideSurrogates =
	'\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u180E\\u200B\\u200C\\u200E\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB/\\\\:*?"<>|';
const unsafeClass = unsafeOutsideSurrogates +
	// A lone surrogate cannot be written as UTF-8; Node would silently turn it into U+FFFD, so two names could meet.
	// (With the `u` flag this range matches lone surrogates only, never a pair.)
	'\\uD800-\\uDFFF';
// Replaced in two steps: an expression without the `u` flag runs about twice as fast, and only the lone surrogates
// need it; most names have no surrogate at all.
const unsafeCharacters = new RegExp(`[${unsafeOutsideSurrogates}]`, 'g');
const anySurrogate = /[\uD800-\uDFFF]/;
const loneSurrogates = /[\uD800-\uDFFF]/gu;

/**
 * A zero-width joiner anywhere but inside an emoji sequence (👨‍👩‍👧, 🏳️‍🌈): there it is what draws one family instead of
 * three people, and it can hide nothing, so it stays; everywhere else it is an invisible character like the others.
 */
const strayJoiner =
	/(?<!\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/**
 * Anything {@link clean} or {@link trim} would change, except normalisation. Most names are plain, and one test is
 * much cheaper than the chain of replacements, which matters when a plan names 100,000 recordings.
 */
const needsCleaning = new RegExp(`[${unsafeClass}\\u200D]|[^\\S ]| {2}|^[ .]|[ .]$`, 'u');
/**
 * {@link needsCleaning}, or a code point from U+0300 up. Every code point below U+0300 is NFC-stable and none of them
 * combines with its neighbours (test/unit/naming-shortcuts.test.ts walks them in pairs), so a name without such a code
 * point is already normalised: the usual Latin name is let through on one test, without asking ICU. Without the `u`
 * flag (twice as fast), the range takes in every surrogate, lone or not: a name with one gets the full check.
 */
const mayNeedCleaning = new RegExp(`[${unsafeOutsideSurrogates}\\u200D\\u0300-\\uFFFF]|[^\\S ]| {2}|^[ .]|[ .]$`);
const nonAscii = /[^\u0000-\u007F]/u;
const beyondLatin = /[\u0300-\uFFFF]/;

/**
 * Windows device names, reserved with any extension (`con.txt`, `nul.tar.gz`) and with spaces before the dot. COM0,
 * LPT0, CONIN$ and CONOUT$ are in Microsoft's current list too; guarding a few extra names costs nothing.
 */
const windowsReserved = /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³]) *(?:\..*)?$/iu;

/**
 * Whether {@link windowsReserved} could match: every device name starts with C, P, A, N or L, and no other character
 * matches those case-insensitively (test/unit/naming-shortcuts.test.ts checks every code point). A name of digits, as
 * those of the default template are, is let through without running the expression.
 */
function mayBeWindowsReserved(base: string): boolean {
	const first = base.charCodeAt(0) | 0x20;
	return first === 0x63 || first === 0x70 || first === 0x61 || first === 0x6E || first === 0x6C;
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * Makes one path segment safe on Linux, macOS and Windows; `extension` (e.g. '.mp3', may be '') is kept whole and
 * counted in the 255-byte limit.
 *
 * The text is NFC-normalised; control, bidi and invisible format characters and `/ \ : * ? " < > |` become `_`; runs
 * of whitespace become one space; leading spaces and trailing spaces and dots go; an empty result becomes `_`; a
 * Windows device name gets a leading `_`; the base is cut on a grapheme boundary so that base + extension is at most
 * {@link maxSegmentBytes} UTF-8 bytes. Idempotent: a sanitised segment comes back unchanged.
 *
 * @throws RangeError when `extension` is not already safe (it contains a character that would be replaced, whitespace,
 * ends in a dot, or leaves no room for a one-byte base): the extension comes from ccdl, never from the server.
 */
export function sanitizeSegment(text: string, extension = ''): string {
	const budget = maxSegmentBytes - safeExtensionBytes(extension);
	let base = text;
	if (mayNeedCleaning.test(base)) {
		if (!beyondLatin.test(base)) {
			// Below U+0300 only, so the test above matched a character or a space to clean, and the text is in NFC.
			base = trim(clean(base, true));
		} else if (needsCleaning.test(base) || base.normalize('NFC') !== base) {
			base = trim(clean(base, false));
		}
	}
	// A UTF-16 code unit is at most 3 UTF-8 bytes: most names fit without being measured.
	if (base.length * 3 > budget && utf8Length(base) > budget) {
		// A cut between code points (see cutToBytes) can leave a joiner without its emoji.
		base = trim(cutToBytes(base, budget).replace(strayJoiner, '_'));
	}
	if (base === '') {
		base = '_';
	}
	if (mayBeWindowsReserved(base) && windowsReserved.test(base + extension)) {
		// The prefix can push a full-length name over the limit; the cut keeps the `_`, so the result stays unreserved.
		base = trim(cutToBytes(`_${base}`, budget).replace(strayJoiner, '_'));
	}
	if (isReservedName(base + extension)) {
		base = unreserve(base, extension, budget);
	}
	return base + extension;
}

/**
 * Non-ASCII characters whose folding yields ASCII letters: ß, İ, ı, ŉ, ſ, ǰ, ẖ–ẚ, the Kelvin sign, the Latin
 * ligatures ﬀ–ﬆ (test/naming/sanitize.test.ts checks every code point against this list).
 */
export const foldsIntoAscii = /[\u00DF\u0130\u0131\u0149\u017F\u01F0\u1E96-\u1E9A\u212A\uFB00-\uFB06]/u;

/**
 * Every reserved name contains `ccdl` or `manifest` once folded. Without a character of {@link foldsIntoAscii}, the
 * only ASCII letters a name folds to are its own (test/unit/naming-shortcuts.test.ts walks every code point), so a
 * name matching none of this is free: one test instead of lower-casing every name of a plan. Cases spelled out rather
 * than the `i` flag: with it, the Kelvin sign and `ſ` in the class would match every `k` and `s`.
 */
const mayBeReserved = new RegExp(`${foldsIntoAscii.source}|[Cc][Cc][Dd][Ll]|[Mm][Aa][Nn][Ii][Ff][Ee][Ss][Tt]`);

/** ccdl's own files in a download folder; a name from the server must never be one of them. */
const manifestNames = new Set(['manifest.csv', 'manifest.jsonl']);
/** `.ccdl-….part` partials and their sidecars, `….ccdl-tmp-…` temporaries, `.ccdl-write-test-…` probes: all ccdl's. */
const ccdlMark = /\.ccdl/iu;

/**
 * Whether a path segment is, or could be taken for, one of the files ccdl itself writes in a download folder: the
 * manifests, and anything carrying the `.ccdl` mark (partials, sidecars, temporaries). Compared the way the most
 * forgiving supported file system would (case- and normalisation-insensitive, trailing dots and spaces ignored), so
 * `MANIFEST.CSV.` on NTFS counts too. Such a name, as a file or as a folder, could be overwritten, deleted or read
 * back as ccdl's own data.
 */
export function isReservedName(segment: string): boolean {
	if (!mayBeReserved.test(segment)) {
		return false;
	}

	let folded = segment;
	if (nonAscii.test(folded)) {
		// Folding (normalising twice, upper- then lower-casing) is the cost of this check, paid for every name of a
		// plan. Only the characters below fold into ASCII letters they are not (a test walks every code point); without
		// them, a name that does not even contain the words cannot fold into them.
		const lower = folded.toLowerCase();
		if (!foldsIntoAscii.test(folded) && !lower.includes('ccdl') && !lower.includes('manifest')) {
			return false;
		}

		folded = folded.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
	}
	folded = folded.toLowerCase().replace(/[ .]+$/u, '');
	return manifestNames.has(folded) || ccdlMark.test(folded);
}

/**
 * A base that is no longer reserved with `extension`: the dot of every `.ccdl` becomes `_` (a name like `x.ccdl-tmp-1`
 * must not look like a temporary at all); a manifest name gets a `_` before its extension (`manifest_.csv`, or
 * `manifest.csv_` for a folder). Whatever still folds to a reserved name loses its dots.
 */
function unreserve(base: string, extension: string, budget: number): string {
	let changed = base.replace(/\.(?=ccdl)/giu, '_');
	if (isReservedName(changed + extension)) {
		changed = `${trim(cutToBytes(changed, budget - 1))}_`;
	}
	if (isReservedName(changed + extension)) {
		changed = changed.replaceAll('.', '_');
	}
	return changed;
}

/** UTF-8 length of a string without lone surrogates (the only case where Buffer.byteLength would guess). */
function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

/** `latin`: the text has no code unit from U+0300 up, so it is in NFC and has no surrogate and no joiner. */
function clean(text: string, latin: boolean): string {
	let cleaned = (latin ? text : text.normalize('NFC')).replace(unsafeCharacters, '_');
	if (!latin && anySurrogate.test(cleaned)) {
		cleaned = cleaned.replace(loneSurrogates, '_');
	}
	if (!latin && cleaned.includes('\u200D')) {
		cleaned = cleaned.replace(strayJoiner, '_');
	}
	return cleaned.replace(/\s+/g, ' ');
}

/**
 * Windows drops trailing dots and spaces, so `a.` and `a` would be one file there; leading spaces are just confusing,
 * and leading dots hide a file.
 * A loop rather than a regular expression: `/[ .]+$/` backtracks quadratically on a long run of spaces and dots.
 */
function trim(text: string): string {
	let start = 0;
	while (start < text.length && text.charCodeAt(start) === 0x20) {
		start++;
	}
	let end = text.length;
	while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x2e)) {
		end--;
	}
	const trimmed = start === 0 && end === text.length ? text : text.slice(start, end);
	// A leading dot hides the file on Unix (`../x` would become `.._x`): a recording must never be hidden.
	return trimmed.charCodeAt(0) === 0x2e ? trimmed.replace(/^\.+/, dots => '_'.repeat(dots.length)) : trimmed;
}

/**
 * The longest prefix of `text` that fits in `budget` bytes, ending on a grapheme boundary so that no letter loses its
 * accent and no emoji is split. A single grapheme larger than the budget (a letter under hundreds of combining marks)
 * is cut between code points instead, so that the base letter survives.
 */
function cutToBytes(text: string, budget: number): string {
	if (utf8Length(text) <= budget) {
		return text;
	}
	let kept = '';
	let used = 0;
	for (const {segment} of graphemes.segment(text)) {
		const size = utf8Length(segment);
		if (used + size > budget) {
			break;
		}
		kept += segment;
		used += size;
	}
	if (kept !== '') {
		return kept;
	}
	for (const codePoint of text) {
		const size = utf8Length(codePoint);
		if (used + size > budget) {
			break;
		}
		kept += codePoint;
		used += size;
	}
	return kept;
}

/**
 * Extensions seen to be safe, with their UTF-8 length; a batch uses a handful, and checking (and measuring) each of
 * 100,000 names again would be waste.
 */
const safeExtensions = new Map<string, number>([['', 0]]);
const unsafeInExtension = new RegExp(`[${unsafeClass}\\u200D\\s]|\\.$`, 'u');

/** The UTF-8 length of an extension from ccdl. @throws RangeError when it is not safe (see {@link sanitizeSegment}). */
function safeExtensionBytes(extension: string): number {
	const known = safeExtensions.get(extension);
	if (known !== undefined) {
		return known;
	}
	if (
		unsafeInExtension.test(extension) ||
		ccdlMark.test(extension) ||
		extension.normalize('NFC') !== extension ||
		utf8Length(extension) > maxSegmentBytes - 1
	) {
		throw new RangeError(`Unsafe file-name extension ${JSON.stringify(extension)}.`);
	}
	const bytes = utf8Length(extension);
	if (safeExtensions.size < 1000) {
		safeExtensions.set(extension, bytes);
	}
	return bytes;
}
