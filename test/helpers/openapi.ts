/**
 * The API contract (docs/api/openapi.yaml) as a response validator for tests.
 *
 * `validateResponse(method, pathTemplate, response)` finds the documented response for the status (an explicit
 * status, else `default` for error statuses only), checks the content type against the documented media types,
 * validates a JSON body with Ajv (JSON Schema 2020-12, the document's dialect) and checks the documented response
 * headers: present (the document does not mark headers `required`, so every documented header is treated as
 * required unless it says `required: false`) and valid against their schemas. A status, method or path the document
 * does not describe fails. Problems are also checked against the code/status table of the document's description.
 */
import {readFileSync} from 'node:fs';
import type {IncomingHttpHeaders} from 'node:http';
import {fileURLToPath} from 'node:url';
import * as ajv2020Module from 'ajv/dist/2020.js';
import * as ajvFormatsModule from 'ajv-formats';
import type {ValidateFunction} from 'ajv';
import {parse} from 'yaml';

type Json = Record<string, any>;

export const openapiPath = fileURLToPath(new URL('../../docs/api/openapi.yaml', import.meta.url));
export const openapi = parse(readFileSync(openapiPath, 'utf8')) as Json;

const Ajv2020 = ((ajv2020Module as any).Ajv2020 ?? (ajv2020Module as any).default) as new (options: object) => any;
const addFormats = ((ajvFormatsModule as any).default?.default ?? (ajvFormatsModule as any).default ?? ajvFormatsModule) as (ajv: any) => void;

const schemasId = 'urn:ccdl:openapi:schemas';
const ajv = new Ajv2020({allErrors: true, strict: false, validateFormats: true});
addFormats(ajv);

/** Rewrites `#/components/schemas/X` references so that they point into the registered `$defs` schema. */
function rewriteRefs(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => rewriteRefs(item));
	}

	if (value && typeof value === 'object') {
		const out: Json = {};
		for (const [key, item] of Object.entries(value)) {
			out[key] = key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
				? `${schemasId}#/$defs/${item.slice('#/components/schemas/'.length)}`
				: rewriteRefs(item);
		}

		return out;
	}

	return value;
}

ajv.addSchema({$id: schemasId, $defs: rewriteRefs(openapi.components.schemas)});

const compiled = new Map<unknown, ValidateFunction>();
function validatorFor(schema: Json): ValidateFunction {
	let validate = compiled.get(schema);
	if (!validate) {
		validate = ajv.compile(rewriteRefs(schema) as object) as ValidateFunction;
		compiled.set(schema, validate);
	}

	return validate;
}

/** Resolves a local `$ref` (`#/components/...`) of the OpenAPI document (not JSON Schema refs). */
export function resolve<T = Json>(node: Json): T {
	let current = node;
	const seen = new Set<string>();
	while (current && typeof current.$ref === 'string') {
		const reference = current.$ref as string;
		if (!reference.startsWith('#/') || seen.has(reference)) {
			throw new Error(`Cannot resolve ${reference}`);
		}

		seen.add(reference);
		current = reference.slice(2).split('/')
			.map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
			.reduce<any>((parent, key) => parent?.[key], openapi);
		if (current === undefined) {
			throw new Error(`Dangling reference ${reference}`);
		}
	}

	return current as T;
}

/** Validates `value` against a schema of the document (e.g. a component name like 'Problem'). */
export function validateSchema(schema: Json | string, value: unknown): string[] {
	const node = typeof schema === 'string' ? {$ref: `#/components/schemas/${schema}`} : schema;
	const validate = validatorFor(node);
	if (validate(value)) {
		return [];
	}

	return (validate.errors ?? []).map(error => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/** The code → status table of the document's "Errors" section. */
export const problemStatuses: ReadonlyMap<string, number> = (() => {
	const table = new Map<string, number>();
	for (const line of (openapi.info.description as string).split('\n')) {
		const cells = line.split('|').map(cell => cell.trim());
		if (cells.length >= 4 && cells[1]!.startsWith('`') && /^\d{3}$/.test(cells[2]!)) {
			table.set(cells[1]!.replaceAll('`', ''), Number(cells[2]));
		}
	}

	return table;
})();

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Documented methods (upper case) of a path template. */
export function documentedMethods(pathTemplate: string): string[] {
	const item = openapi.paths[pathTemplate] as Json | undefined;
	return item ? methods.filter(method => item[method]).map(method => method.toUpperCase()) : [];
}

/** Every documented operation as `METHOD /path/template`. */
export function documentedOperations(): string[] {
	return Object.keys(openapi.paths).flatMap(path => documentedMethods(path).map(method => `${method} ${path}`));
}

/** Explicitly documented statuses of an operation (no `default`). */
export function documentedStatuses(method: string, pathTemplate: string): number[] {
	const operation = openapi.paths[pathTemplate]?.[method.toLowerCase()] as Json | undefined;
	return Object.keys(operation?.responses ?? {}).filter(key => /^\d{3}$/.test(key)).map(Number);
}

/** A received HTTP response. */
export interface ContractResponse {
	status: number;
	headers: IncomingHttpHeaders | Headers;
	/** The raw body (empty for HEAD). */
	body: Buffer;
}

/** What was validated, as `METHOD /template STATUS` (for coverage checks). */
export const validated = new Set<string>();

function header(headers: IncomingHttpHeaders | Headers, name: string): string | undefined {
	if (headers instanceof Headers) {
		return headers.get(name) ?? undefined;
	}

	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : value;
}

export class ContractError extends Error {
	override name = 'ContractError';
}

function fail(where: string, message: string): never {
	throw new ContractError(`${where}: ${message}`);
}

function checkHeaders(where: string, responseObject: Json, response: ContractResponse): void {
	for (const [name, raw] of Object.entries((responseObject.headers ?? {}) as Json)) {
		const definition = resolve(raw as Json);
		const value = header(response.headers, name);
		if (value === undefined) {
			if (definition.required === false) {
				continue;
			}

			fail(where, `documented header ${name} is missing`);
		}

		const schema = (definition.schema ?? {}) as Json;
		const typed = schema.type === 'integer' || schema.type === 'number'
			? (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value)
			: value;
		const errors = validateSchema(schema, typed);
		if (errors.length > 0) {
			fail(where, `header ${name}: ${JSON.stringify(value)} does not match its schema: ${errors.join('; ')}`);
		}
	}
}

/** The problem table: the code's documented status must be the response's status, and the body must say so too. */
function checkProblem(where: string, status: number, body: Json): void {
	const expected = problemStatuses.get(body.code as string);
	if (expected === undefined) {
		fail(where, `problem code ${JSON.stringify(body.code)} is not in the document's error table`);
	}

	if (expected !== status) {
		fail(where, `problem code ${body.code} is documented with status ${expected}, answered with ${status}`);
	}

	if (body.status !== status) {
		fail(where, `problem body says status ${body.status}, the response is ${status}`);
	}
}

function parseJson(where: string, body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch (error) {
		fail(where, `body is not JSON: ${(error as Error).message}: ${body.subarray(0, 200).toString('utf8')}`);
	}
}

/**
 * Checks a response against the document. Returns the parsed JSON body (for JSON and problem bodies), else
 * undefined. Throws a ContractError naming what does not match.
 */
export function validateResponse(method: string, pathTemplate: string, response: ContractResponse): any {
	const upper = method.toUpperCase();
	const where = `${upper} ${pathTemplate} → ${response.status}`;
	const pathItem = openapi.paths[pathTemplate] as Json | undefined;
	if (!pathItem) {
		fail(where, `path ${pathTemplate} is not in the document`);
	}

	const operation = pathItem[method.toLowerCase()] as Json | undefined;
	if (!operation) {
		fail(where, `${upper} is not documented for ${pathTemplate} (documented: ${documentedMethods(pathTemplate).join(', ')})`);
	}

	const responses = operation.responses as Json;
	const raw = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`]
		?? (response.status >= 400 ? responses.default : undefined);
	if (!raw) {
		fail(where, `status ${response.status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
	}

	const responseObject = resolve(raw as Json);
	checkHeaders(where, responseObject, response);
	const contentLength = header(response.headers, 'content-length');
	if (upper === 'HEAD') {
		if (response.body.length > 0) {
			fail(where, `a HEAD response carries ${response.body.length} body bytes`);
		}
	} else if (contentLength !== undefined && Number(contentLength) !== response.body.length) {
		fail(where, `Content-Length ${contentLength} but ${response.body.length} body bytes`);
	}

	const content = responseObject.content as Json | undefined;
	validated.add(`${upper} ${pathTemplate} ${response.status}`);
	if (!content) {
		if (upper !== 'HEAD' && response.body.length > 0) {
			fail(where, `no content is documented, but the body has ${response.body.length} bytes`);
		}

		return undefined;
	}

	const contentType = header(response.headers, 'content-type');
	if (!contentType) {
		fail(where, 'Content-Type is missing');
	}

	const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
	const media = content[mediaType] as Json | undefined;
	if (!media) {
		fail(where, `Content-Type ${mediaType} is not documented (documented: ${Object.keys(content).join(', ')})`);
	}

	if (upper === 'HEAD') {
		return undefined;
	}

	const schema = (media.schema ?? {}) as Json;
	const resolved = schema.$ref ? resolve(schema) : schema;
	if (resolved.type === 'string') {
		// A byte representation (audio, image, XML, a slice of a transcript): documented as a string of that type.
		if (resolved.contentMediaType && resolved.contentMediaType !== mediaType) {
			fail(where, `schema says ${resolved.contentMediaType}, Content-Type is ${mediaType}`);
		}

		return undefined;
	}

	const body = parseJson(where, response.body);
	const errors = validateSchema(schema, body);
	if (errors.length > 0) {
		fail(where, `body does not match the schema: ${errors.join('; ')}\n${JSON.stringify(body).slice(0, 500)}`);
	}

	if (mediaType === 'application/problem+json') {
		checkProblem(where, response.status, body as Json);
	}

	return body;
}

/**
 * For requests the document does not describe (an unknown path, or a method a path does not have): the answer must
 * be a valid problem (404 for an unknown path, 405 with `Allow` naming the documented methods for a known path).
 */
export function validateUndocumented(method: string, pathTemplate: string | undefined, response: ContractResponse): any {
	const where = `${method.toUpperCase()} ${pathTemplate ?? '(undocumented path)'} → ${response.status}`;
	const contentType = header(response.headers, 'content-type')?.split(';')[0]?.trim();
	if (contentType !== 'application/problem+json') {
		fail(where, `expected application/problem+json, got ${contentType}`);
	}

	const body = method.toUpperCase() === 'HEAD' ? undefined : parseJson(where, response.body) as Json;
	if (body) {
		const errors = validateSchema('Problem', body);
		if (errors.length > 0) {
			fail(where, `body is not a Problem: ${errors.join('; ')}`);
		}

		checkProblem(where, response.status, body);
	}

	if (pathTemplate === undefined || !openapi.paths[pathTemplate]) {
		if (response.status !== 404) {
			fail(where, 'an unknown path must answer 404');
		}

		return body;
	}

	const documented = documentedMethods(pathTemplate);
	if (documented.includes(method.toUpperCase())) {
		fail(where, `${method} is documented for ${pathTemplate}; use validateResponse`);
	}

	if (response.status !== 405) {
		fail(where, `a method the path does not have must answer 405, got ${response.status}`);
	}

	const allow = (header(response.headers, 'allow') ?? '').split(',').map(part => part.trim().toUpperCase()).filter(Boolean);
	const permitted = new Set([...documented, ...(documented.includes('GET') ? ['HEAD'] : [])]);
	if (documented.some(name => !allow.includes(name)) || allow.some(name => !permitted.has(name))) {
		fail(where, `Allow is "${allow.join(', ')}", the document has ${documented.join(', ')}`);
	}

	validated.add(`${method.toUpperCase()} ${pathTemplate} ${response.status}`);
	return body;
}
