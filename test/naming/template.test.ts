import {describe, expect, test} from 'vitest';
import {UsageError} from '../../source/lib/errors.js';
import {
	dateFields, defaultDateFormat, defaultTemplate, formatDate, type NameFields, parseTemplate, renderSegments,
	TemplateError, templateFields,
} from '../../source/lib/naming/index.js';

const fields: NameFields = {
	callId: '100001',
	recordId: 'R-7',
	campaignId: 'c-12',
	campaignName: 'Sales/Q1: "Big" <deal>',
	operatorId: 'op-3',
	operatorName: 'Kovács Éva',
	phoneNumber: '+36301234567',
	terminationId: 't-1',
	terminationName: 'Sikeres megrendelés',
	callStart: '2024-03-05T08:15:30.123Z',
	connectedAt: '2024-03-05T08:15:42Z',
	callEnd: '2024-03-05T08:21:03Z',
	direction: 'incoming',
};

const utc = {timeZone: 'UTC'};

/** The TemplateError a parse throws, so tests can check its class, code and message together. */
function parseError(text: string): TemplateError {
	try {
		parseTemplate(text);
	} catch (error) {
		expect(error).toBeInstanceOf(TemplateError);
		return error as TemplateError;
	}
	throw new Error(`parseTemplate(${JSON.stringify(text)}) did not throw`);
}

describe('constants', () => {
	test('has the 13 fields and the three date fields', () => {
		expect(templateFields).toHaveLength(13);
		expect([...dateFields].sort()).toEqual(['callEnd', 'callStart', 'connectedAt']);
		expect(defaultTemplate).toBe('{callStart}-{campaignName}-{phoneNumber}-{terminationName}');
		expect(defaultDateFormat).toBe('YYYY-MM-DD_HH-mm-ss');
	});

	test('TemplateError is a UsageError with the usage code', () => {
		const error = new TemplateError('x');
		expect(error).toBeInstanceOf(UsageError);
		expect(error.code).toBe('usage');
		expect(error.exitCode).toBe(2);
		expect(error.name).toBe('TemplateError');
	});
});

describe('parseTemplate', () => {
	test('parses the default template', () => {
		expect(parseTemplate(defaultTemplate)).toEqual({
			source: defaultTemplate,
			parts: [
				{type: 'field', field: 'callStart'},
				{type: 'text', text: '-'},
				{type: 'field', field: 'campaignName'},
				{type: 'text', text: '-'},
				{type: 'field', field: 'phoneNumber'},
				{type: 'text', text: '-'},
				{type: 'field', field: 'terminationName'},
			],
		});
	});

	test('parses formats, sub-folders and escaped braces', () => {
		expect(parseTemplate('{campaignName}/{callStart:YYYY-MM-DD}/{{x}}{callId}').parts).toEqual([
			{type: 'field', field: 'campaignName'},
			{type: 'text', text: '/'},
			{type: 'field', field: 'callStart', format: 'YYYY-MM-DD'},
			{type: 'text', text: '/{x}'},
			{type: 'field', field: 'callId'},
		]);
		expect(parseTemplate('{{{callId}}}').parts).toEqual([
			{type: 'text', text: '{'},
			{type: 'field', field: 'callId'},
			{type: 'text', text: '}'},
		]);
	});

	test('accepts every field, with a format on every date field', () => {
		for (const field of templateFields) {
			expect(parseTemplate(`{${field}}`).parts).toEqual([{type: 'field', field}]);
		}
		for (const field of dateFields) {
			expect(parseTemplate(`{${field}:YYYYMMDD HHmmss}`).parts).toEqual([
				{type: 'field', field, format: 'YYYYMMDD HHmmss'},
			]);
		}
	});

	test('refuses an empty template', () => {
		expect(parseError('').message).toBe(
			'The file-name template is empty; write one such as {callStart}-{campaignName}-{phoneNumber}-{terminationName}.',
		);
		expect(parseError('   ').message).toMatch(/is empty/u);
	});

	test('refuses an unknown field and lists the valid ones', () => {
		expect(parseError('{callStart}-{foo}').message).toBe(
			'Unknown field {foo} in the file-name template; use one of: callId, recordId, campaignId, campaignName, ' +
				'operatorId, operatorName, phoneNumber, terminationId, terminationName, callStart, connectedAt, callEnd, direction.',
		);
	});

	test('suggests the field when only the case or spaces are wrong', () => {
		expect(parseError('{callid}').message).toMatch(/^Unknown field \{callid\} in the file-name template \(did you mean \{callId\}\?\); use one of: callId, /u);
		expect(parseError('{ phoneNumber }').message).toMatch(/did you mean \{phoneNumber\}/u);
	});

	test('escapes control characters of a mistyped field name in the message', () => {
		expect(parseError('{\u001b[2Jx}').message).toMatch(/^Unknown field \{\\u001B\[2Jx\} in the file-name template; /u);
		expect(parseError('{callStart:YYYY\u202E}').message).toMatch(/^The date format "YYYY\\u202E" has "\\u202E", /u);
	});

	test('refuses a field without a name', () => {
		expect(parseError('a{}b').message).toMatch(/^The file-name template has a field without a name at character 2; use one of: callId, /u);
		expect(parseError('{:YYYY}').message).toMatch(/field without a name/u);
	});

	test('refuses an unclosed brace', () => {
		expect(parseError('{callId').message).toBe(
			'The file-name template has an unclosed "{" at character 1; close the field with "}" or write "{{" for a literal brace.',
		);
		expect(parseError('{callId}-{callStart-{phoneNumber}').message).toMatch(/unclosed "\{" at character 10/u);
	});

	test('refuses a stray closing brace', () => {
		expect(parseError('{callId}}x').message).toBe(
			'The file-name template has a stray "}" at character 9; write "}}" for a literal brace.',
		);
	});

	test('refuses a format on a field that is not a date', () => {
		expect(parseError('{campaignName:YYYY}').message).toBe(
			'The field {campaignName} cannot take a format; only the date fields callStart, connectedAt, callEnd can, e.g. {callStart:YYYY-MM-DD}.',
		);
	});

	const tokens = '; use the tokens YYYY, YY, MM, DD, HH, mm and ss with separators such as - _ . or a space.';
	test.each([
		['{callStart:}', `The date format "" is empty${tokens}`],
		['{callStart:abc}', `The date format "abc" has no date token${tokens}`],
		['{callStart:YYYY-M-D}', `The date format "YYYY-M-D" has "M" at character 6, which is not a date token${tokens}`],
		['{callStart:yyyy}', `The date format "yyyy" has "y" at character 1, which is not a date token${tokens}`],
		['{callStart:HH:mm}', `The date format "HH:mm" has ":", which cannot be part of a file name${tokens}`],
		['{callStart:YYYY\tMM}', `The date format "YYYY\\u0009MM" has "\\u0009", which cannot be part of a file name${tokens}`],
		['{callStart:YYYY/MM}', `The date format "YYYY/MM" has "/", which cannot make folders inside a field; put "/" outside the braces, as in {callStart:YYYY}/{callStart:MM}.`],
	])('refuses the invalid format in %j', (template, message) => {
		expect(parseError(template).message).toBe(message);
	});

	test('allows literal characters in a format', () => {
		expect(parseTemplate('{callStart:YYYY.MM.DD at HH_mm}').parts).toEqual([
			{type: 'field', field: 'callStart', format: 'YYYY.MM.DD at HH_mm'},
		]);
	});

	test('refuses an absolute template', () => {
		expect(parseError('/{callId}').message).toBe(
			'The file-name template starts with "/"; sub-folders are made inside the download folder, so remove the leading "/".',
		);
	});

	test('refuses a backslash, which would be a folder separator on Windows only', () => {
		expect(parseError('a\\{callId}').message).toBe('The file-name template contains "\\"; use "/" to make sub-folders.');
	});

	test.each(['../{callId}', 'a/../{callId}', './{callId}', 'a/ .. /{callId}'])('refuses the dot folder in %j', (template) => {
		expect(parseError(template).message).toMatch(
			/^The file-name template has a "\.\.?" folder, which would point outside or back to the same folder; remove it\.$/u,
		);
	});

	test('allows dots that are part of a name', () => {
		expect(() => parseTemplate('...{callId}/{callId}..')).not.toThrow();
		expect(() => parseTemplate('.archive/{callId}')).not.toThrow();
	});

	test.each(['a//{callId}', '{callId}/', '{campaignName}/ /{callId}'])('refuses the empty folder in %j', (template) => {
		expect(parseError(template).message).toBe(
			'The file-name template has an empty folder name ("//" or a "/" at the end); remove the extra "/".',
		);
	});

	test('refuses a template without any field', () => {
		expect(parseError('recording').message).toBe(
			'The file-name template has no field, so every file would get the same name; add one such as {callId}.',
		);
		expect(parseError('{{callId}}').message).toMatch(/has no field/u);
	});

	test('refuses a template whose file name has no field', () => {
		expect(parseError('{campaignName}/recording').message).toBe(
			'The file name after the last "/" in the template has no field, so all files in a folder would get the same name; add one such as {callId}.',
		);
	});

	test('allows fixed folder names', () => {
		expect(() => parseTemplate('recordings/{campaignName}/{callId}')).not.toThrow();
	});
});

describe('renderSegments', () => {
	test('renders the default template', () => {
		expect(renderSegments(parseTemplate(defaultTemplate), fields, utc)).toEqual([
			'2024-03-05_08-15-30-Sales_Q1_ _Big_ _deal_-+36301234567-Sikeres megrendelés',
		]);
	});

	test('formats dates in the given time zone', () => {
		const template = parseTemplate('{callStart}');
		expect(renderSegments(template, fields, {timeZone: 'Europe/Budapest'})).toEqual(['2024-03-05_09-15-30']);
		expect(renderSegments(template, fields, {timeZone: 'America/New_York'})).toEqual(['2024-03-05_03-15-30']);
		expect(renderSegments(template, fields, {timeZone: 'Asia/Kolkata'})).toEqual(['2024-03-05_13-45-30']);
	});

	test('uses the date format option for fields without their own format', () => {
		const template = parseTemplate('{callStart}_{callEnd:HHmm}');
		expect(renderSegments(template, fields, {...utc, dateFormat: 'YYMMDD'})).toEqual(['240305_0821']);
	});

	test('refuses an invalid date format option', () => {
		expect(() => renderSegments(parseTemplate('{callStart}'), fields, {dateFormat: 'HH:mm'})).toThrow(TemplateError);
	});

	test('refuses an unknown time zone with a usage error', () => {
		expect(() => renderSegments(parseTemplate('{callStart}'), fields, {timeZone: 'Mars/Olympus'})).toThrow(
			'Unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Budapest or UTC.',
		);
		expect(() => formatDate(fields.callStart, 'YYYY', 'Mars/Olympus')).toThrow(UsageError);
	});

	test('makes sub-folders only from the literal "/" of the template', () => {
		const template = parseTemplate('{campaignName}/{callStart:YYYY}/{callStart:MM}/{callId}-{direction}');
		expect(renderSegments(template, fields, utc)).toEqual(['Sales_Q1_ _Big_ _deal_', '2024', '03', '100001-incoming']);
	});

	test('never makes a folder from a "/" or "\\" in a value', () => {
		const hostile = {...fields, campaignName: '../../etc/passwd', operatorName: '..\\..\\Windows'};
		const segments = renderSegments(parseTemplate('{campaignName}/{operatorName}-{callId}'), hostile, utc);
		expect(segments).toEqual(['___.._etc_passwd', '___.._Windows-100001']);
	});

	test('a value of ".." alone becomes _', () => {
		const segments = renderSegments(parseTemplate('{campaignName}/{callId}'), {...fields, campaignName: '..'}, utc);
		expect(segments).toEqual(['_', '100001']);
	});

	test('renders a recycled contact (######) and an empty date as the raw value, sanitised', () => {
		const recycled = Object.fromEntries(templateFields.map((field) => [field, '######'])) as NameFields;
		recycled.callId = '100002';
		expect(renderSegments(parseTemplate(defaultTemplate), recycled, utc)).toEqual(['######-######-######-######']);
		const template = parseTemplate('{callId}-{connectedAt}-{callEnd:HH}');
		expect(renderSegments(template, {...fields, connectedAt: '', callEnd: 'soon: maybe'}, utc)).toEqual([
			'100001--soon_ maybe',
		]);
	});

	test('sanitises every segment and NFC-normalises values', () => {
		const template = parseTemplate('{campaignName}/{operatorName} {callId}');
		const segments = renderSegments(
			template,
			{...fields, campaignName: 'CON', operatorName: 'Kova\u0301cs \u202Eva\u001b[0m'},
			utc,
		);
		expect(segments).toEqual(['_CON', 'Kovács _va_[0m 100001']);
	});

	test('a segment that renders empty becomes _', () => {
		const segments = renderSegments(parseTemplate('{campaignName}/{callId}'), {...fields, campaignName: ' '}, utc);
		expect(segments).toEqual(['_', '100001']);
	});

	test('cuts long segments to 255 bytes', () => {
		const segments = renderSegments(parseTemplate('{operatorName}/{operatorName}'), {...fields, operatorName: 'ő'.repeat(200)}, utc);
		expect(segments).toEqual(['ő'.repeat(127), 'ő'.repeat(127)]);
	});

	test('treats a missing value as empty rather than "undefined"', () => {
		const partial = {callId: '1'} as NameFields;
		expect(renderSegments(parseTemplate('{callId}-{campaignName}-{callStart}'), partial, utc)).toEqual(['1--']);
	});
});

describe('formatDate', () => {
	test('formats every token', () => {
		expect(formatDate('2024-03-05T08:15:30Z', 'YYYY YY MM DD HH mm ss', 'UTC')).toBe('2024 24 03 05 08 15 30');
		expect(formatDate('2009-12-31T23:59:59Z', defaultDateFormat, 'UTC')).toBe('2009-12-31_23-59-59');
	});

	test('accepts offsets, fractions and a space separator', () => {
		expect(formatDate('2024-03-05T10:15:30+02:00', defaultDateFormat, 'UTC')).toBe('2024-03-05_08-15-30');
		expect(formatDate('2024-03-05T03:15:30-0500', defaultDateFormat, 'UTC')).toBe('2024-03-05_08-15-30');
		expect(formatDate('2024-03-05 08:15:30.999999z', defaultDateFormat, 'UTC')).toBe('2024-03-05_08-15-30');
		expect(formatDate('2024-03-05T08:15Z', defaultDateFormat, 'UTC')).toBe('2024-03-05_08-15-00');
	});

	test('uses the 24-hour clock at midnight and handles daylight saving', () => {
		expect(formatDate('2024-03-05T00:00:00Z', 'HH', 'UTC')).toBe('00');
		// Budapest moves from +01:00 to +02:00 at 01:00 UTC on 31 March 2024.
		expect(formatDate('2024-03-31T00:59:59Z', 'HH-mm', 'Europe/Budapest')).toBe('01-59');
		expect(formatDate('2024-03-31T01:00:00Z', 'HH-mm', 'Europe/Budapest')).toBe('03-00');
	});

	test('handles an offset change in the middle of an hour', () => {
		// Lord Howe Island moves from +10:30 to +11:00 at 15:30 UTC on 5 October 2024 (2:00 local).
		for (const [instant, local] of [
			['2024-10-05T15:00:00Z', '01-30-00'],
			['2024-10-05T15:29:59.999Z', '01-59-59'],
			['2024-10-05T15:30:00Z', '02-30-00'],
			['2024-10-05T15:59:59Z', '02-59-59'],
		] as const) {
			expect(formatDate(instant, 'HH-mm-ss', 'Australia/Lord_Howe')).toBe(local);
		}
		// Budapest's local mean time (+01:16:20) gave way to +01:00 in 1890, 22:43:40 UTC on 31 October.
		expect(formatDate('1890-10-31T22:43:39Z', 'YYYY-MM-DD_HH-mm-ss', 'Europe/Budapest')).toBe('1890-10-31_23-59-59');
		expect(formatDate('1890-10-31T22:43:40Z', 'YYYY-MM-DD_HH-mm-ss', 'Europe/Budapest')).toBe('1890-10-31_23-43-40');
	});

	test('returns a value that is not an ISO 8601 instant unchanged', () => {
		for (const value of ['', '######', '2024-03-05', '2024-03-05T08:15:30', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z',
			'0999-01-01T00:00:00Z', 'yesterday', '+275760-09-13T00:00:00.000Z', '2024-03-05T24:00:00Z']) {
			expect(formatDate(value, defaultDateFormat, 'UTC')).toBe(value);
		}
	});

	test('pads years to four digits', () => {
		expect(formatDate('1000-01-01T00:00:00Z', 'YYYY-MM-DD', 'Etc/GMT+1')).toBe('0999-12-31');
	});

	test('refuses an invalid format', () => {
		expect(() => formatDate('2024-03-05T08:15:30Z', 'YYYY:MM')).toThrow(TemplateError);
	});
});
