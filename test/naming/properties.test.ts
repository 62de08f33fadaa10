/**
 * Property tests: whatever the server sends and whatever template the user writes, a name stays inside the output
 * folder, is never empty or a dot name, carries no control character, fits in 255 bytes with its extension, and comes
 * out the same every time; collision resolution never maps two recordings to one file.
 */
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	dateFields, defaultTemplate, type FileNameTemplate, formatDate, isReservedName, maxSegmentBytes, type NameFields, type NameRequest,
	parseTemplate, renderSegments, resolveBatchNames, sanitizeSegment, suffixedPath, TemplateError, templateFields,
} from '../../source/lib/naming/index.js';

const runs = {numRuns: 500};

/** Text meant to break things: traversal, device names, terminal escapes, bidi tricks, long and combining text. */
const hostilePieces = [
	'..', '../..', '.', '/', '\\', '..\\..', 'CON', 'con.txt', 'NUL', 'LPT¹', 'COM9', '\u001b[31m', '\u0000', '\u0085',
	'\u202Egpj.exe', '\u200B', '\u200D', '\uFEFF', '\uD800', '\uDFFF', ' ', '   ', '\t', '\n', '.', ' .', ':', '*', '?',
	'"', '<', '>', '|', '######', 'é', 'e\u0301', '\u0301', '👨‍👩‍👧', '🇭🇺', 'ß', 'İ', 'K', 'ſ', 'x'.repeat(300),
	'ő'.repeat(300), `x${'\u0301'.repeat(300)}`, '👨‍👩‍👧'.repeat(30), 'C:', 'C:\\Windows', '~', '-rf', '%2e%2e',
	// ccdl's own files and dot-names a server may try to hit.
	'.bashrc', '.git', '.ssh', '.ccdl-0123.part', '.ccdl-0123.part.json', 'manifest.csv', 'manifest.jsonl', 'MANIFEST.CSV',
	'manifest.csv.ccdl-tmp-42', '.ccdl', '.CCDL-x', 'x.ccdl-tmp-1', 'manifeſt.csv', 'manifest.csv.', 'manifest', '.csv', '.jsonl',
];

const anyCodeUnit = fc.string({unit: fc.integer({min: 0, max: 0xffff}).map((code) => String.fromCharCode(code))});

/** Arbitrary untrusted text: graphemes, raw code units (lone surrogates too), hostile pieces and mixtures of them. */
const untrusted: fc.Arbitrary<string> = fc.oneof(
	fc.string({unit: 'grapheme'}),
	fc.string({unit: 'binary'}),
	anyCodeUnit,
	fc.constantFrom(...hostilePieces),
	fc.array(fc.oneof(fc.constantFrom(...hostilePieces), fc.string({unit: 'grapheme'}), anyCodeUnit), {maxLength: 8})
		.map((pieces) => pieces.join('')),
	fc.string({unit: 'grapheme', minLength: 200, maxLength: 400}),
	fc.string({unit: 'binary', minLength: 250, maxLength: 320}),
);

const extensions = fc.constantFrom('', '.mp3', '.png', '.jpeg', '.json', '.xml', '.tar.gz', `.${'x'.repeat(120)}`);
const timeZones = fc.constantFrom(undefined, 'UTC', 'Europe/Budapest', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Kiritimati');

/** Date values: real instants (also at the edges of the calendar) or the untrusted text a server might send instead. */
const dateValue = fc.oneof(
	fc.date({min: new Date('1000-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true})
		.map((date) => date.toISOString()),
	fc.constantFrom('', '######', '2024-02-30T00:00:00Z', '2024-03-05T08:15:30+05:45'),
	untrusted,
);

const nameFields: fc.Arbitrary<NameFields> = fc.record(
	Object.fromEntries(templateFields.map((field) => [field, dateFields.has(field) ? dateValue : untrusted])) as {
		[K in keyof NameFields]: fc.Arbitrary<string>;
	},
);

/** Literal template text, escaped so it parses: braces doubled, no "\". */
const literal = fc.oneof(fc.constantFrom('-', '_', ' ', '.', '..', ' - ', ':', 'x'), fc.string({unit: 'grapheme', maxLength: 6}))
	.map((text) => text.replaceAll('\\', '').replaceAll('/', '').replaceAll('{', '{{').replaceAll('}', '}}'));

const fieldToken = fc.constantFrom(...templateFields).chain((field) =>
	dateFields.has(field)
		? fc.constantFrom(`{${field}}`, `{${field}:YYYY-MM-DD}`, `{${field}:HHmmss}`, `{${field}:YY.MM. DD}`)
		: fc.constant(`{${field}}`),
);

/** A segment with at least one field, or a fixed folder name. */
const segmentWithField = fc.tuple(fc.array(fc.oneof(literal, fieldToken), {maxLength: 4}), fieldToken, fc.array(fc.oneof(literal, fieldToken), {maxLength: 4}))
	.map(([before, field, after]) => [...before, field, ...after].join(''));
const fixedFolder = fc.constantFrom('recordings', 'Hívások', 'a b', '_', '...x', 'CON');

/** Valid templates by construction: folders (with or without fields), then a file name with a field. */
const validTemplate: fc.Arbitrary<FileNameTemplate> = fc.oneof(
	fc.constantFrom(defaultTemplate, '{campaignName}/{callStart:YYYY-MM-DD}/{callId}', '{operatorName}/{direction}/{callId}'),
	fc.tuple(fc.array(fc.oneof(segmentWithField, fixedFolder), {maxLength: 3}), segmentWithField)
		.map(([folders, name]) => [...folders, name].join('/')),
).map((text) => parseTemplate(text));

/** Control, bidi and invisible format characters that must never appear in a name; a joiner is checked apart. */
const forbidden = /[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\uD800-\uDFFF/\\:*?"<>|]/u;
const strayJoiner = /(?<!\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D|\u200D(?!\p{Extended_Pictographic})/u;
const reserved = /^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]) *(?:\..*)?$/iu;

const out = path.resolve('/srv/downloads/out');
const windowsOut = 'C:\\Users\\x\\Downloads';

/** Everything a safe segment must be; `extension` is the part that must survive whole at its end. */
function expectSafeSegment(segment: string, extension = ''): void {
	expect(segment.length).toBeGreaterThan(extension.length);
	expect(segment.endsWith(extension)).toBe(true);
	expect(['', '.', '..']).not.toContain(segment);
	expect(segment).not.toMatch(forbidden);
	expect(segment).not.toMatch(strayJoiner);
	expect(segment).not.toMatch(reserved);
	expect(segment).not.toMatch(/^[ .]|[ .]$|\s{2}|[^\S ]/u);
	expect(isReservedName(segment)).toBe(false);
	expect(Buffer.byteLength(segment, 'utf8')).toBeLessThanOrEqual(maxSegmentBytes);
	expect(segment.normalize('NFC')).toBe(segment);
}

/** The relative path stays strictly inside the output folder, on POSIX and on Windows path rules. */
function expectInside(relative: string): void {
	expect(path.posix.resolve(out, relative).startsWith(out + path.posix.sep)).toBe(true);
	expect(path.win32.resolve(windowsOut, relative).startsWith(windowsOut + path.win32.sep)).toBe(true);
	expect(path.posix.isAbsolute(relative) || path.win32.isAbsolute(relative)).toBe(false);
}

const fold = (text: string): string => text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');

describe('sanitizeSegment properties', () => {
	test('any text gives a safe segment that keeps the extension', () => {
		fc.assert(
			fc.property(untrusted, extensions, (text, extension) => {
				expectSafeSegment(sanitizeSegment(text, extension), extension);
			}),
			runs,
		);
	});

	test('is stable and idempotent', () => {
		fc.assert(
			fc.property(untrusted, extensions, (text, extension) => {
				const once = sanitizeSegment(text, extension);
				expect(sanitizeSegment(text, extension)).toBe(once);
				expect(sanitizeSegment(once.slice(0, once.length - extension.length), extension)).toBe(once);
			}),
			runs,
		);
	});

	test('leaves text that is already safe unchanged', () => {
		const safe = fc.string({unit: fc.constantFrom('a', 'Z', '0', '-', '_', 'é', 'ő', '😀', ' ', '.'), maxLength: 60})
			.map((text) => text.trim().replace(/ +/gu, ' ').replace(/[ .]+$/u, ''))
			.filter((text) => text !== '' && !text.startsWith('.') && !reserved.test(text));
		fc.assert(
			fc.property(safe, (text) => {
				expect(sanitizeSegment(text)).toBe(text);
			}),
			runs,
		);
	});
});

describe('isReservedName', () => {
	test('names ccdl\'s own files in every spelling a file system would take for them', () => {
		for (const name of ['manifest.csv', 'manifest.jsonl', 'Manifest.CSV', 'MANIFEST.JSONL', 'manifest.csv.', 'manifest.csv ',
			'manifeſt.csv', '.ccdl-0123.part', '.ccdl-0123.part.json', '.ccdl-write-test-1', 'manifest.csv.ccdl-tmp-42', 'x.CCDL-tmp-1', '.ccdl']) {
			expect(isReservedName(name), name).toBe(true);
		}
		for (const name of ['manifest', 'manifest.json', 'manifest_.csv', 'manifest.csv_', 'ccdl', 'x_ccdl-tmp-1', 'a.mp3']) {
			expect(isReservedName(name), name).toBe(false);
		}
	});

	test('no sanitised segment is reserved, with any extension, at any folder level', () => {
		const reservedLike = fc.oneof(
			fc.constantFrom('manifest', 'manifest.csv', 'manifest.jsonl', 'MANIFEST', 'manifeſt', '.ccdl', '.ccdl-', '.CCDL-tmp-', 'x.ccdl'),
			untrusted,
		);
		const pieces = fc.array(reservedLike, {minLength: 1, maxLength: 3}).map((parts) => parts.join(''));
		const withManifestExtension = fc.constantFrom('', '.csv', '.jsonl', '.mp3', '.part', '.json', '_2.csv');
		fc.assert(
			fc.property(pieces, withManifestExtension, (text, extension) => {
				const segment = sanitizeSegment(text, extension);
				expect(isReservedName(segment)).toBe(false);
				expect(segment.startsWith('.')).toBe(false);
				expect(segment.endsWith(extension)).toBe(true);
			}),
			runs,
		);
		fc.assert(
			fc.property(fc.array(fc.record({segments: fc.array(pieces, {minLength: 1, maxLength: 3}), extension: withManifestExtension}), {maxLength: 20}), (items) => {
				const result = resolveBatchNames(items.map((item, index) => ({key: `k${index}`, ...item})));
				for (const relative of result.values()) {
					for (const segment of relative.split('/')) {
						expect(isReservedName(segment), relative).toBe(false);
						expect(segment.startsWith('.'), relative).toBe(false);
					}
				}
			}),
			runs,
		);
	});

	test('extensions with the .ccdl mark are refused: they come from ccdl, and would make any name one of its own', () => {
		expect(() => sanitizeSegment('x', '.ccdl-tmp')).toThrow(RangeError);
	});
});

describe('renderSegments properties', () => {
	test('any fields and any valid template give a path inside the output folder, with safe segments', () => {
		fc.assert(
			fc.property(validTemplate, nameFields, extensions, timeZones, (template, fields, extension, timeZone) => {
				const segments = renderSegments(template, fields, {timeZone});
				expect(segments.length).toBeGreaterThan(0);
				for (const segment of segments) {
					expectSafeSegment(segment);
				}
				const name = sanitizeSegment(segments.at(-1)!, extension);
				expectSafeSegment(name, extension);
				expectInside([...segments.slice(0, -1), name].join('/'));
			}),
			runs,
		);
	});

	test('the number of folders comes from the template alone, never from the values', () => {
		fc.assert(
			fc.property(validTemplate, nameFields, nameFields, (template, first, second) => {
				expect(renderSegments(template, first, {timeZone: 'UTC'}).length).toBe(
					renderSegments(template, second, {timeZone: 'UTC'}).length,
				);
			}),
			runs,
		);
	});

	test('is stable: the same inputs give the same segments', () => {
		fc.assert(
			fc.property(validTemplate, nameFields, timeZones, (template, fields, timeZone) => {
				const first = renderSegments(template, fields, {timeZone});
				const reparsed = parseTemplate(template.source);
				expect(renderSegments(reparsed, structuredClone(fields), {timeZone})).toEqual(first);
			}),
			runs,
		);
	});

	test('any template text either parses or is refused with a TemplateError', () => {
		const templateText = fc.oneof(
			untrusted,
			fc.array(
				fc.oneof(
					fc.constantFrom('{', '}', '{{', '}}', '/', ':', '..', '.', '\\', ' ', '\n', '\u001b', 'callStart'),
					fc.constantFrom('{\n}', '{\u001b[31m}', '{callStart:\u0007}', '{call\u0085Id}', '{ä}'),
					fieldToken,
					literal,
				),
				{maxLength: 8},
			)
				.map((pieces) => pieces.join('')),
		);
		fc.assert(
			fc.property(templateText, nameFields, (text, fields) => {
				let template: FileNameTemplate;
				try {
					template = parseTemplate(text);
				} catch (error) {
					expect(error).toBeInstanceOf(TemplateError);
					// One sentence, and nothing that could drive the terminal it is printed on.
					expect((error as TemplateError).message).toMatch(/^[^\u0000-\u001F\u007F-\u009F]+\.$/u);
					return;
				}
				const segments = renderSegments(template, fields, {timeZone: 'UTC'});
				segments.forEach((segment) => expectSafeSegment(segment));
				expectInside(segments.join('/'));
			}),
			runs,
		);
	});
});

describe('formatDate properties', () => {
	/** Formats with Intl directly, one call per instant: slow but obviously right. */
	function reference(instant: Date, timeZone: string): string {
		const parts = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
			timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
			second: '2-digit',
		}).formatToParts(instant);
		const value = (type: string): string => parts.find((part) => part.type === type)!.value;
		return `${value('year').padStart(4, '0')}-${value('month')}-${value('day')}_${value('hour')}-${value('minute')}-${value('second')}`;
	}

	const zones = fc.constantFrom(
		'UTC', 'Europe/Budapest', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns',
		'Pacific/Chatham', 'Africa/Casablanca', 'Europe/Amsterdam',
	);
	/** Mostly recent instants, where daylight-saving changes are dense, and some from any century since 1000. */
	const instants = fc.oneof(
		fc.date({min: new Date('2019-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true}),
		fc.date({min: new Date('1000-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true}),
	);

	test('agrees with Intl in every time zone, across daylight-saving changes', () => {
		fc.assert(
			fc.property(instants, zones, (instant, timeZone) => {
				expect(formatDate(instant.toISOString(), 'YYYY-MM-DD_HH-mm-ss', timeZone)).toBe(reference(instant, timeZone));
			}),
			{numRuns: 2000},
		);
	});

	test('an instant written with any offset formats the same', () => {
		fc.assert(
			fc.property(instants, zones, fc.integer({min: -14 * 60, max: 14 * 60}), (instant, timeZone, offsetMinutes) => {
				const shifted = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
				const sign = offsetMinutes < 0 ? '-' : '+';
				const magnitude = Math.abs(offsetMinutes);
				const withOffset = `${shifted}${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
				fc.pre(Number(shifted.slice(0, 4)) >= 1000 && !shifted.startsWith('+'));
				expect(formatDate(withOffset, 'YYYY-MM-DD_HH-mm-ss', timeZone)).toBe(
					formatDate(instant.toISOString(), 'YYYY-MM-DD_HH-mm-ss', timeZone),
				);
			}),
			runs,
		);
	});
});

describe('resolveBatchNames properties', () => {
	/** Few distinct names in case and normalisation variants, so collisions are common. */
	const collidingSegment = fc.oneof(
		fc.constantFrom('a', 'A', 'ß', 'SS', 'ss', 'é', 'e\u0301', 'É', 'a_2', 'A_3', 'x'.repeat(260), 'X'.repeat(270), 'CON', '..'),
		untrusted,
	);
	const requests: fc.Arbitrary<NameRequest[]> = fc
		.array(
			fc.record({
				segments: fc.array(collidingSegment, {minLength: 1, maxLength: 3}),
				extension: fc.constantFrom('', '.mp3', '.MP3', '.png'),
			}),
			{maxLength: 40},
		)
		.map((items) => items.map((item, index) => ({key: `k${index}`, ...item})));

	/**
	 * A handful of names that meet once suffixed ("a" twice wants "a_2", which is also asked for) and a file named like
	 * a folder ("d" beside "d/a").
	 */
	const crowdedRequests: fc.Arbitrary<NameRequest[]> = fc
		.array(
			fc.record({
				segments: fc.oneof(
					fc.tuple(fc.constantFrom('d', 'D'), fc.constantFrom('a', 'A', 'a_2', 'A_2', 'a_3', 'a_2_2', 'd')),
					fc.constantFrom(['d'], ['D'], ['d_2'], ['a']),
				),
				extension: fc.constantFrom('', '.mp3'),
			}),
			{maxLength: 30},
		)
		.map((items) => items.map((item, index) => ({key: `k${index}`, ...item})));
	const batches = fc.oneof(requests, crowdedRequests);

	test('is injective: no two keys get the same case-folded path, and every key gets one', () => {
		fc.assert(
			fc.property(batches, (batch) => {
				const result = resolveBatchNames(batch);
				expect([...result.keys()].sort()).toEqual(batch.map((request) => request.key).sort());
				const folded = new Set([...result.values()].map((value) => value.split('/').map(fold).join('/')));
				expect(folded.size).toBe(batch.length);
			}),
			runs,
		);
	});

	test('gives safe paths that keep their extension', () => {
		fc.assert(
			fc.property(batches, (batch) => {
				const result = resolveBatchNames(batch);
				for (const {key, extension} of batch) {
					const relative = result.get(key)!;
					const segments = relative.split('/');
					segments.slice(0, -1).forEach((segment) => expectSafeSegment(segment));
					expectSafeSegment(segments.at(-1)!, extension);
					expectInside(relative);
				}
			}),
			runs,
		);
	});

	test('no file is given the name of a folder another request uses', () => {
		fc.assert(
			fc.property(batches, (batch) => {
				const paths = [...resolveBatchNames(batch).values()].map((value) => value.split('/').map(fold).join('/'));
				const folders = new Set(paths.flatMap((value) => {
					const parts = value.split('/');
					return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
				}));
				for (const value of paths) {
					expect(folders.has(value)).toBe(false);
				}
			}),
			runs,
		);
	});

	test('is deterministic', () => {
		fc.assert(
			fc.property(batches, (batch) => {
				expect([...resolveBatchNames(structuredClone(batch))]).toEqual([...resolveBatchNames(batch)]);
			}),
			runs,
		);
	});

	test('the first request for a name keeps it, and suffixed names are never a name someone asked for', () => {
		fc.assert(
			fc.property(batches, (batch) => {
				const result = resolveBatchNames(batch);
				const wanted = batch.map((request) => {
					const folder = request.segments.slice(0, -1).map((segment) => fold(sanitizeSegment(segment)));
					return [...folder, fold(sanitizeSegment(request.segments.at(-1)!, request.extension))].join('/');
				});
				const seen = new Set<string>();
				const asked = new Set(wanted);
				batch.forEach((request, index) => {
					const got = result.get(request.key)!.split('/').map(fold).join('/');
					if (got === wanted[index]) {
						expect(seen.has(got)).toBe(false);
					} else {
						expect(asked.has(got)).toBe(false);
					}
					seen.add(wanted[index]!);
				});
			}),
			runs,
		);
	});

	test('suffixedPath gives distinct safe names for distinct n', () => {
		fc.assert(
			fc.property(fc.array(untrusted, {minLength: 1, maxLength: 3}), extensions, fc.integer({min: 2, max: 1_000_000}), (segments, extension, n) => {
				const first = suffixedPath(segments, extension, n);
				const other = suffixedPath(segments, extension, n + 1);
				expect(first).toBe(suffixedPath(segments, extension, n));
				expect(other).not.toBe(first);
				const parts = first.split('/');
				expect(parts).toHaveLength(segments.length);
				parts.slice(0, -1).forEach((segment) => expectSafeSegment(segment));
				expectSafeSegment(parts.at(-1)!, `_${n}${extension}`);
				expectInside(first);
			}),
			runs,
		);
	});
});
