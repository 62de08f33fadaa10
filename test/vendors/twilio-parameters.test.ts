/**
 * The Twilio test server's table of constrained query parameters (source/lib/test-servers/twilio/parameters.ts)
 * against Twilio's own documents, and the server's answers to values inside and outside them: a value the
 * document's schema forbids is Twilio's 400 (error 20001, "Invalid parameter"), one it allows is answered.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {documentedOperations, queryRules, type DocumentedOperation, type QueryRule} from '../../source/lib/test-servers/twilio/parameters.js';
import {startVendorServer, type VendorServer} from '../helpers/vendor-server.js';
import {twilioClient, twilioDocuments, type TwilioClient} from './twilio-support.js';

type Json = Record<string, any>;

const constraints = ['pattern', 'enum', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

/** The document's constrained query parameters of an operation, in the table's form. */
function documentedRules(operation: DocumentedOperation): Record<string, QueryRule> {
	const {document, path, method} = documentedOperations[operation];
	const spec = twilioDocuments[document];
	const item = spec.paths[path] as Json;
	const rules: Record<string, QueryRule> = {};
	for (const parameter of [...(item.parameters ?? []), ...(item[method].parameters ?? [])] as Json[]) {
		if (parameter.in !== 'query') {
			continue;
		}

		let schema = parameter.schema as Json;
		if (schema.$ref) {
			schema = spec.components.schemas[(schema.$ref as string).split('/').pop()!] as Json;
		}

		const kept = Object.fromEntries(constraints.filter(key => schema[key] !== undefined).map(key => [key, schema[key]]));
		if (Object.keys(kept).length > 0 || schema.type === 'boolean' || schema.type === 'integer') {
			rules[parameter.name as string] = {type: schema.type, ...kept} as QueryRule;
		}
	}

	return rules;
}

describe('the table of constrained query parameters', () => {
	it.each(Object.keys(documentedOperations) as DocumentedOperation[])('%s: matches the document\'s parameter schemas exactly', operation => {
		expect(queryRules[operation]).toEqual(documentedRules(operation));
	});

	it('covers the constraints the audit found accepted silently', () => {
		expect(Object.keys(queryRules.recordings)).toEqual(expect.arrayContaining(['CallSid', 'ConferenceSid', 'IncludeSoftDeleted']));
		expect(queryRules.calls.Status).toMatchObject({enum: expect.arrayContaining(['completed', 'no-answer'])});
		expect(Object.keys(queryRules.transcripts)).toContain('ServiceSid');
		expect(Object.keys(queryRules.sentences)).toContain('WordTimestamps');
	});
});

/** Values a rule forbids, and one it allows. */
function valuesOf(rule: QueryRule): {bad: string[]; good: string} {
	switch (rule.type) {
		case 'boolean': {
			return {bad: ['foo', '1', ''], good: 'False'};
		}

		case 'integer': {
			return {
				bad: ['abc', '2.5', ...(rule.minimum === undefined ? [] : [String(rule.minimum - 1)]), ...(rule.maximum === undefined ? [] : [String(rule.maximum + 1)])],
				good: String(rule.minimum ?? 0),
			};
		}

		default: {
			if (rule.enum) {
				return {bad: ['bogus', rule.enum[0]!.toUpperCase()], good: rule.enum[0]!};
			}

			const prefix = /^\^([A-Z]{2})/.exec(rule.pattern ?? '')?.[1] ?? '';
			return {bad: ['bogus', `${prefix}${'g'.repeat(32)}`, `${prefix}${'a'.repeat(31)}`], good: `${prefix}${'a'.repeat(32)}`};
		}
	}
}

describe('the server', () => {
	let server: VendorServer;
	let client: TwilioClient;
	const paths = {} as Record<DocumentedOperation, string>;

	beforeAll(async () => {
		server = await startVendorServer('twilio', ['--calls', '20', '--seed', '9', '--until', '2026-11-01', '--days', '3']);
		client = twilioClient(server.url, server.user, server.password);
		const account = `/2010-04-01/Accounts/${server.user}`;
		const recording = (await client.call('GET', 'api', documentedOperations.recordings.path, `${account}/Recordings.json?PageSize=1`)).json.recordings[0];
		const transcript = (await client.call('GET', 'intelligence', documentedOperations.transcripts.path, '/v2/Transcripts?PageSize=1')).json.transcripts[0];
		Object.assign(paths, {
			recordings: `${account}/Recordings.json`,
			recording: `${account}/Recordings/${recording.sid}.json`,
			calls: `${account}/Calls.json`,
			call: `${account}/Calls/${recording.call_sid}.json`,
			transcripts: '/v2/Transcripts',
			transcript: `/v2/Transcripts/${transcript.sid}`,
			sentences: `/v2/Transcripts/${transcript.sid}/Sentences`,
		});
	});

	afterAll(async () => {
		await server?.stop();
	});

	it.each(Object.keys(documentedOperations) as DocumentedOperation[])('%s: a value the schema forbids is 400, code 20001; one it allows is answered', async operation => {
		const {document, path: template} = documentedOperations[operation];
		for (const [name, rule] of Object.entries(queryRules[operation])) {
			const {bad, good} = valuesOf(rule);
			for (const value of bad) {
				const reply = await client.call('GET', document, template, `${paths[operation]}?${new URLSearchParams({[name]: value})}`);
				expect(reply.status, `${name}=${value}`).toBe(400);
				expect(reply.json.code).toBe(20_001);
				expect(reply.json.message).toMatch(new RegExp(`^Invalid parameter ${name}\\b`));
			}

			const reply = await client.call('GET', document, template, `${paths[operation]}?${new URLSearchParams({[name]: good})}`);
			expect(reply.status, `${name}=${good}`).toBe(200);
		}
	});

	it('reads the audit\'s cases as Twilio does, and a Page past the end is an empty page, not an error', async () => {
		const base = paths.recordings;
		for (const query of ['CallSid=bogus', 'ConferenceSid=bogus', 'IncludeSoftDeleted=foo']) {
			expect((await client.raw(`${base}?${query}`)).status, query).toBe(400);
		}

		expect((await client.raw(`${paths.calls}?Status=bogus`)).status).toBe(400);
		expect((await client.raw(`${paths.transcripts}?ServiceSid=bogus`)).status).toBe(400);
		expect((await client.raw(`${paths.sentences}?WordTimestamps=foo`)).status).toBe(400);
		const upper = await client.call('GET', 'intelligence', documentedOperations.sentences.path, `${paths.sentences}?WordTimestamps=TRUE`);
		expect(upper.json.sentences[0].words).not.toBeNull();
		const far = await client.call('GET', 'api', documentedOperations.recordings.path, `${base}?Page=${'9'.repeat(20)}&PageSize=5`);
		expect(far.status).toBe(200);
		expect(far.json.recordings).toEqual([]);
		// Parameters the documents do not constrain, and unknown ones, are not refused.
		expect((await client.raw(`${paths.transcripts}?Status=whatever&LanguageCode=xx&Unknown=1`)).status).toBe(200);
	});
});
