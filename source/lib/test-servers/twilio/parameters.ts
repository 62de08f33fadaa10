/**
 * The query parameters the Twilio documents constrain, for each operation this server answers, and the check that
 * answers a value outside them as Twilio does: 400, error 20001, "Invalid parameter". A user's install has no copy
 * of the documents (vendor-apis is not shipped), so this is a table; test/vendors/twilio-parameters.test.ts compares
 * it with the documents' parameter schemas, so the two cannot drift apart unnoticed.
 *
 * Constrained means a schema with a pattern, an enum, a length, a minimum or maximum, or a boolean or integer type.
 * The documents' own formats are left to the handlers: `date-time` (Twilio also reads `YYYY-MM-DD` and the
 * `>`/`<` forms; listing.ts parses them) and `phone-number` (also SIP addresses and client names).
 */
import {invalidParameter} from './errors.js';

export type QueryRule =
	| {type: 'boolean'}
	| {type: 'integer'; minimum?: number; maximum?: number}
	| {type: 'string'; pattern?: string; minLength?: number; maxLength?: number; enum?: readonly string[]};

/** The routes of server.ts that are operations of the documents, and where each is documented. */
export const documentedOperations = {
	recordings: {document: 'api', path: '/2010-04-01/Accounts/{AccountSid}/Recordings.json', method: 'get'},
	recording: {document: 'api', path: '/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json', method: 'get'},
	calls: {document: 'api', path: '/2010-04-01/Accounts/{AccountSid}/Calls.json', method: 'get'},
	call: {document: 'api', path: '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json', method: 'get'},
	transcripts: {document: 'intelligence', path: '/v2/Transcripts', method: 'get'},
	transcript: {document: 'intelligence', path: '/v2/Transcripts/{Sid}', method: 'get'},
	sentences: {document: 'intelligence', path: '/v2/Transcripts/{TranscriptSid}/Sentences', method: 'get'},
} as const;

export type DocumentedOperation = keyof typeof documentedOperations;

const sid = (prefix: string): QueryRule => ({type: 'string', minLength: 34, maxLength: 34, pattern: `^${prefix}[0-9a-fA-F]{32}$`});
const boolean: QueryRule = {type: 'boolean'};
const page: QueryRule = {type: 'integer', minimum: 0};
const pageSize = (maximum: number): QueryRule => ({type: 'integer', minimum: 1, maximum});

/** `call_enum_status` of twilio_api_v2010.json. */
export const callStatuses = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;

export const queryRules: Record<DocumentedOperation, Record<string, QueryRule>> = {
	recordings: {
		CallSid: sid('CA'), ConferenceSid: sid('CF'), IncludeSoftDeleted: boolean, PageSize: pageSize(1000), Page: page,
	},
	recording: {IncludeSoftDeleted: boolean},
	calls: {
		ParentCallSid: sid('CA'), Status: {type: 'string', enum: callStatuses}, PageSize: pageSize(1000), Page: page,
	},
	call: {},
	transcripts: {ServiceSid: sid('GA'), PageSize: pageSize(1000), Page: page},
	transcript: {},
	sentences: {Redacted: boolean, WordTimestamps: boolean, PageSize: pageSize(5000), Page: page},
};

/** A boolean query value as Twilio reads it: `true` or `false`, in any case. */
export function isTrue(value: string | null): boolean {
	return value?.toLowerCase() === 'true';
}

function shown(value: string): string {
	return JSON.stringify([...value].slice(0, 60).join(''));
}

function problem(value: string, rule: QueryRule): string | undefined {
	switch (rule.type) {
		case 'boolean': {
			return /^(true|false)$/i.test(value) ? undefined : 'must be true or false';
		}

		case 'integer': {
			if (!/^-?\d+$/.test(value)) {
				return 'must be a whole number';
			}

			const number = Number(value);
			if (rule.minimum !== undefined && number < rule.minimum) {
				return `must be ${rule.minimum} or more`;
			}

			return rule.maximum !== undefined && number > rule.maximum ? `must be ${rule.maximum} or less` : undefined;
		}

		default: {
			if (rule.enum && !rule.enum.includes(value)) {
				return `must be one of ${rule.enum.join(', ')}`;
			}

			if ((rule.minLength !== undefined && value.length < rule.minLength) || (rule.maxLength !== undefined && value.length > rule.maxLength)
				|| (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value))) {
				return rule.pattern ? `must match ${rule.pattern}` : 'has the wrong length';
			}

			return undefined;
		}
	}
}

/** Throws Twilio's 400 (20001) for the first query value `operation`'s documented schema does not allow. */
export function checkQuery(operation: DocumentedOperation, query: URLSearchParams): void {
	for (const [name, rule] of Object.entries(queryRules[operation])) {
		for (const value of query.getAll(name)) {
			const wrong = problem(value, rule);
			if (wrong) {
				throw invalidParameter(`Invalid parameter ${name}: ${shown(value)} ${wrong}`);
			}
		}
	}
}
