/**
 * Twilio's own OpenAPI documents (../shared/vendor-apis/twilio, OpenAPI 3.0.1) as response validators, and a small
 * Basic-auth client for the Twilio test server.
 *
 * The documents are converted for Ajv (JSON Schema draft-07) in the fewest steps that keep Twilio's meaning:
 * - `nullable: true` becomes a `null` in `type` (and in `enum`), as OpenAPI 3.0 means it.
 * - Twilio's own formats are defined: `date-time-rfc-2822` (`Fri, 14 Oct 2016 21:56:34 +0000`), `uri-map` (an object
 *   of URI strings), `currency`, `phone-number`. `uri` is an absolute URI, as the schemas say and as validators such
 *   as Prism check it; only for the documents' own examples does it also accept an absolute path, because Twilio's
 *   paging URIs (`first_page_uri`, `uri`, …) are relative there (and at Twilio itself).
 * - Twilio marks no property `required` and leaves `additionalProperties` open, so `{}` would pass every schema.
 *   Twilio's answers (and every example in the documents) carry every documented property, null where empty, so
 *   every object schema with `properties` is checked as "exactly these": all required, no others. The documents'
 *   own examples pass this conversion (a test says so), so it asks no more than Twilio shows.
 * The documents describe no error responses; errors are checked against `twilioErrorSchema`, from Twilio's public
 * error docs (twilio.com/docs/api/errors), which is our reading, marked as such.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as ajvModule from 'ajv';
import * as ajvFormatsModule from 'ajv-formats';
import type {ValidateFunction} from 'ajv';
import {send, type Reply, type SendOptions} from '../contract/support.js';

type Json = Record<string, any>;

export type TwilioDocument = 'api' | 'intelligence';

const files: Record<TwilioDocument, string> = {
	api: 'twilio_api_v2010.json',
	intelligence: 'twilio_intelligence_v2.json',
};

const folder = new URL('../../../shared/vendor-apis/twilio/', import.meta.url);

export const twilioDocuments: Record<TwilioDocument, Json> = {
	api: JSON.parse(readFileSync(fileURLToPath(new URL(files.api, folder)), 'utf8')) as Json,
	intelligence: JSON.parse(readFileSync(fileURLToPath(new URL(files.intelligence, folder)), 'utf8')) as Json,
};

const Ajv = ((ajvModule as any).Ajv ?? (ajvModule as any).default?.default ?? (ajvModule as any).default) as new (options: object) => any;
const addFormats = ((ajvFormatsModule as any).default?.default ?? (ajvFormatsModule as any).default ?? ajvFormatsModule) as (ajv: any) => void;

const months = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const absoluteUri = /^[a-z][a-z\d+.-]*:[^\s]*$/i;

/** An Ajv with Twilio's formats; `relativeUris` lets `uri` be an absolute path as well (the documents' examples). */
function twilioAjv(relativeUris: boolean): any {
	const instance = new Ajv({allErrors: true, strict: false, validateFormats: true});
	addFormats(instance);
	instance.addFormat('date-time-rfc-2822', {
		type: 'string',
		validate: (text: string) => new RegExp(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (${months}) \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}$`).test(text)
			&& Number.isFinite(Date.parse(text)),
	});
	instance.addFormat('uri-map', {type: 'object', validate: (value: unknown) => Object.values(value as object).every(item => typeof item === 'string')});
	instance.addFormat('currency', /^[A-Z]{3}$/);
	instance.addFormat('phone-number', /^\+?[\d\s()-]+$|^(client|sip):/);
	instance.addFormat('uri', (text: string) => (absoluteUri.test(text) || (relativeUris && /^\/[^\s]*$/.test(text))) && !text.includes('\\'));
	return instance;
}

/** For the server's answers: `uri` absolute, as the schemas say. */
const ajv = twilioAjv(false);
/** For the documents' own examples, whose paging URIs are paths. */
const examplesAjv = twilioAjv(true);

function schemasId(document: TwilioDocument): string {
	return `urn:twilio:${document}`;
}

/** The conversion described above, applied to any schema of `document`. */
export function convert(document: TwilioDocument, value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => convert(document, item));
	}

	if (!value || typeof value !== 'object') {
		return value;
	}

	const node = value as Json;
	const out: Json = {};
	for (const [key, item] of Object.entries(node)) {
		if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')) {
			out.$ref = `${schemasId(document)}#/definitions/${item.slice('#/components/schemas/'.length)}`;
		} else if (key === 'properties') {
			out.properties = Object.fromEntries(Object.entries(item as Json).map(([name, schema]) => [name, convert(document, schema)]));
		} else if (key !== 'nullable' && key !== 'example' && key !== 'examples' && !key.startsWith('x-')) {
			out[key] = convert(document, item);
		}
	}

	if (node.nullable === true) {
		if (typeof node.type === 'string') {
			out.type = [node.type, 'null'];
		}

		if (Array.isArray(node.enum)) {
			out.enum = [...(node.enum as unknown[]), null];
		}
	}

	if (node.properties && typeof node.properties === 'object') {
		out.required = Object.keys(node.properties as Json);
		out.additionalProperties = false;
	}

	return out;
}

for (const document of ['api', 'intelligence'] as const) {
	for (const instance of [ajv, examplesAjv]) {
		instance.addSchema({$id: schemasId(document), definitions: convert(document, twilioDocuments[document].components.schemas)});
	}
}

/** Twilio's error body per its public error docs (the OpenAPI documents have none). */
export const twilioErrorSchema = {
	type: 'object',
	required: ['code', 'message', 'more_info', 'status'],
	additionalProperties: false,
	properties: {
		code: {type: 'integer', minimum: 10_000, maximum: 99_999},
		message: {type: 'string', minLength: 1},
		more_info: {type: 'string', pattern: '^https://www\\.twilio\\.com/docs/errors/\\d+$'},
		status: {type: 'integer', minimum: 400, maximum: 599},
		detail: {type: 'string'},
	},
};

const compiled = {strict: new Map<unknown, ValidateFunction>(), examples: new Map<unknown, ValidateFunction>()};

function validatorFor(document: TwilioDocument, schema: Json, relativeUris = false): ValidateFunction {
	const cache = relativeUris ? compiled.examples : compiled.strict;
	let validate = cache.get(schema);
	if (!validate) {
		validate = (relativeUris ? examplesAjv : ajv).compile(convert(document, schema) as object) as ValidateFunction;
		cache.set(schema, validate);
	}

	return validate;
}

const validateError = ajv.compile(twilioErrorSchema) as ValidateFunction;

function errorsOf(validate: ValidateFunction): string {
	return (validate.errors ?? []).map(error => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
}

export class TwilioContractError extends Error {
	override name = 'TwilioContractError';
}

/** The documented operation, or a failure naming what the document has instead. */
export function operation(document: TwilioDocument, method: string, pathTemplate: string): Json {
	const item = twilioDocuments[document].paths[pathTemplate] as Json | undefined;
	if (!item) {
		throw new TwilioContractError(`${pathTemplate} is not a path of ${files[document]}`);
	}

	const found = item[method.toLowerCase()] as Json | undefined;
	if (!found) {
		throw new TwilioContractError(`${method} is not documented for ${pathTemplate} in ${files[document]}`);
	}

	return found;
}

/**
 * Validates a value against the schema of an operation's JSON response for `status`; returns the error text or ''.
 * `relativeUris` is for the documents' own examples only (their page URIs are paths; the schemas say absolute).
 */
export function schemaErrors(document: TwilioDocument, method: string, pathTemplate: string, status: number, value: unknown,
	options: {relativeUris?: boolean} = {}): string {
	const responses = operation(document, method, pathTemplate).responses as Json;
	const response = responses[String(status)] as Json | undefined;
	if (!response) {
		throw new TwilioContractError(`${method} ${pathTemplate}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
	}

	const schema = response.content?.['application/json']?.schema as Json | undefined;
	if (!schema) {
		throw new TwilioContractError(`${method} ${pathTemplate} ${status}: no JSON body is documented`);
	}

	const validate = validatorFor(document, schema, options.relativeUris);
	return validate(value) ? '' : errorsOf(validate);
}

/** Every example the document gives for its JSON responses, with the operation it belongs to. */
export function documentExamples(document: TwilioDocument, pathTemplates: readonly string[]):
Array<{where: string; method: string; path: string; status: number; value: unknown}> {
	const examples = [];
	for (const path of pathTemplates) {
		for (const [method, found] of Object.entries(twilioDocuments[document].paths[path] as Json)) {
			for (const [status, response] of Object.entries(((found as Json).responses ?? {}) as Json)) {
				for (const [name, example] of Object.entries(((response as Json).content?.['application/json']?.examples ?? {}) as Json)) {
					examples.push({where: `${method.toUpperCase()} ${path} ${status} example ${name}`, method, path, status: Number(status), value: (example as Json).value});
				}
			}
		}
	}

	return examples;
}

export interface TwilioReply extends Reply {
	/** The parsed JSON body, validated (undefined for a bodiless answer). */
	json: any;
}

function header(reply: Reply, name: string): string | undefined {
	const value = reply.headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Checks a received answer: a 2xx against the operation's documented response, any error against Twilio's error
 * shape (its `status` and the HTTP status must agree). Content-Type and Content-Length are checked as well.
 */
export function checkReply(document: TwilioDocument, method: string, pathTemplate: string, reply: Reply): any {
	const where = `${method} ${pathTemplate} → ${reply.status}`;
	const responses = operation(document, method, pathTemplate).responses as Json;
	if (reply.error) {
		throw new TwilioContractError(`${where}: the exchange failed: ${reply.error}`);
	}

	const length = header(reply, 'content-length');
	if (length !== undefined && Number(length) !== reply.body.length) {
		throw new TwilioContractError(`${where}: Content-Length ${length}, body ${reply.body.length} bytes`);
	}

	if (reply.status < 400) {
		const documented = responses[String(reply.status)] as Json | undefined;
		if (!documented) {
			throw new TwilioContractError(`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`);
		}

		if (!documented.content) {
			if (reply.body.length > 0) {
				throw new TwilioContractError(`${where}: no body is documented, got ${reply.body.length} bytes`);
			}

			return undefined;
		}
	}

	const type = header(reply, 'content-type')?.split(';')[0]?.trim();
	if (type !== 'application/json') {
		throw new TwilioContractError(`${where}: Content-Type ${type}, expected application/json`);
	}

	let body: unknown;
	try {
		body = JSON.parse(reply.body.toString('utf8')) as unknown;
	} catch {
		throw new TwilioContractError(`${where}: body is not JSON: ${reply.body.subarray(0, 200).toString('utf8')}`);
	}

	if (reply.status >= 400) {
		if (!validateError(body)) {
			throw new TwilioContractError(`${where}: not Twilio's error shape: ${errorsOf(validateError)}\n${JSON.stringify(body)}`);
		}

		if ((body as Json).status !== reply.status) {
			throw new TwilioContractError(`${where}: error body says status ${(body as Json).status}`);
		}

		return body;
	}

	const errors = schemaErrors(document, method, pathTemplate, reply.status, body);
	if (errors) {
		throw new TwilioContractError(`${where}: body does not match ${files[document]}: ${errors}\n${JSON.stringify(body).slice(0, 600)}`);
	}

	return body;
}

export function basic(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface TwilioClient {
	/** The origin the client talks to. */
	base: string;
	/** Sends a request with Basic auth and validates the answer against `template` of `document`. */
	call(method: string, document: TwilioDocument, template: string, path: string, options?: SendOptions): Promise<TwilioReply>;
	/** A request with Basic auth and no validation (media, test endpoints). */
	raw(path: string, options?: SendOptions): Promise<Reply>;
}

export function twilioClient(base: string, user: string, password: string): TwilioClient {
	const withAuth = (options: SendOptions = {}): SendOptions => ({
		...options, headers: {authorization: basic(user, password), ...options.headers},
	});
	return {
		base,
		async call(method, document, template, path, options = {}) {
			const reply = await send(base, path, withAuth({...options, method}));
			return {...reply, json: checkReply(document, method, template, reply)};
		},
		async raw(path, options = {}) {
			return send(base, path, withAuth(options));
		},
	};
}
