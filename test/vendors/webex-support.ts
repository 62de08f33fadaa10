/**
 * Webex Contact Center's own API document (vendor-apis/webex-contact-center/webex-contact-center.json, OpenAPI
 * 3.0) as a response validator, so the Webex test server is checked against Webex's words, not our reading of them.
 *
 * OpenAPI 3.0 schemas are almost JSON Schema draft 4/7: `nullable: true` becomes a `null` in `type` (and `enum`),
 * the boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, and `#/components/schemas/X` references point
 * into one registered schema. The formats the document uses and JSON Schema does not know (`int32`, `int64`) are
 * checked as integer ranges; a purely descriptive one (`format: string`) is accepted as it is.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as ajvModule from 'ajv';
import * as ajvFormatsModule from 'ajv-formats';
import type {ValidateFunction} from 'ajv';

type Json = Record<string, any>;

export const webexDocumentPath = fileURLToPath(new URL('../../../shared/vendor-apis/webex-contact-center/webex-contact-center.json', import.meta.url));
export const webexDocument = JSON.parse(readFileSync(webexDocumentPath, 'utf8')) as Json;

const Ajv = ((ajvModule as any).Ajv ?? (ajvModule as any).default?.default ?? (ajvModule as any).default) as new (options: object) => any;
const addFormats = ((ajvFormatsModule as any).default?.default ?? (ajvFormatsModule as any).default ?? ajvFormatsModule) as (ajv: any) => void;

const schemasId = 'urn:webex-cc:components';
const ajv = new Ajv({allErrors: true, strict: false, validateFormats: true});
addFormats(ajv);
ajv.addFormat('int32', {type: 'number', validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31});
ajv.addFormat('int64', {type: 'number', validate: (value: number) => Number.isSafeInteger(value)});

/** Formats the document names that neither JSON Schema nor ajv-formats defines are descriptive: accept them. */
(function acceptUnknownFormats(node: unknown): void {
	if (Array.isArray(node)) {
		node.forEach(acceptUnknownFormats);
	} else if (node && typeof node === 'object') {
		const format = (node as Json).format;
		if (typeof format === 'string' && !ajv.formats[format]) {
			ajv.addFormat(format, true);
		}

		Object.values(node).forEach(acceptUnknownFormats);
	}
})(webexDocument.components);

/** OpenAPI 3.0 schema → JSON Schema (draft 7, as Ajv's default). */
export function toJsonSchema(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => toJsonSchema(item));
	}

	if (!value || typeof value !== 'object') {
		return value;
	}

	const source = value as Json;
	const out: Json = {};
	for (const [key, item] of Object.entries(source)) {
		if (key === '$ref' && typeof item === 'string') {
			if (!item.startsWith('#/components/schemas/')) {
				throw new Error(`Unexpected reference ${item}`);
			}

			out.$ref = `${schemasId}#/definitions/${item.slice('#/components/schemas/'.length)}`;
		} else if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'xml' || key === 'discriminator' || key === 'externalDocs') {
			continue;
		} else if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
			out[key] = Object.fromEntries(Object.entries(item as Json).map(([name, schema]) => [name, toJsonSchema(schema)]));
		} else {
			out[key] = toJsonSchema(item);
		}
	}

	if (source.nullable === true) {
		if (typeof out.type === 'string') {
			out.type = [out.type, 'null'];
		}

		if (Array.isArray(out.enum) && !out.enum.includes(null)) {
			out.enum = [...out.enum, null];
		}

		if (out.$ref) {
			// A sibling of $ref is ignored in draft 7; wrap it so null stays allowed.
			return {anyOf: [{$ref: out.$ref}, {type: 'null'}]};
		}
	}

	for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
		if (typeof out[flag] === 'boolean') {
			if (out[flag] && typeof out[bound] === 'number') {
				out[flag] = out[bound];
				delete out[bound];
			} else {
				delete out[flag];
			}
		}
	}

	return out;
}

ajv.addSchema({$id: schemasId, definitions: toJsonSchema(webexDocument.components.schemas)});

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Json): ValidateFunction {
	let validate = compiled.get(key);
	if (!validate) {
		validate = ajv.compile(toJsonSchema(schema) as object) as ValidateFunction;
		compiled.set(key, validate);
	}

	return validate;
}

export class WebexContractError extends Error {
	override name = 'WebexContractError';
}

function errorsOf(validate: ValidateFunction): string {
	return (validate.errors ?? []).map(error => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
}

/** Validates `value` against a component schema of the document, e.g. 'MultimediaProfileDTO'. */
export function validateComponent(name: string, value: unknown): void {
	if (!webexDocument.components.schemas[name]) {
		throw new WebexContractError(`${name} is not a schema of the document`);
	}

	const validate = validatorFor(`component:${name}`, {$ref: `#/components/schemas/${name}`});
	if (!validate(value)) {
		throw new WebexContractError(`${name}: ${errorsOf(validate)}\n${JSON.stringify(value).slice(0, 600)}`);
	}
}

export interface ValidationOutcome {
	/** 'schema': the operation's own response schema; 'no-schema': documented status without a body schema. */
	against: 'schema' | 'no-schema';
}

/**
 * Checks a JSON response against the operation's documented response for its status. A status the operation does
 * not document fails; so does a content type it does not list (`*∕*` takes any). Where the document lists the status
 * but gives no schema (the capture query's errors, a 503 `application/json: {}`), `errorShape` says what to expect
 * instead: normally the document's common `ApiErrorResponse`, which every other operation uses for its errors.
 */
export function validateWebexResponse(
	method: string,
	pathTemplate: string,
	response: {status: number; contentType: string | null; body: unknown},
	{errorShape = 'ApiErrorResponse'}: {errorShape?: string | undefined} = {},
): ValidationOutcome {
	const where = `${method.toUpperCase()} ${pathTemplate} → ${response.status}`;
	const operation = webexDocument.paths[pathTemplate]?.[method.toLowerCase()] as Json | undefined;
	if (!operation) {
		throw new WebexContractError(`${where}: the document has no such operation`);
	}

	const documented = (operation.responses as Json)[String(response.status)] ?? (operation.responses as Json).default;
	if (!documented) {
		throw new WebexContractError(`${where}: status not documented (documented: ${Object.keys(operation.responses as Json).join(', ')})`);
	}

	const content = documented.content as Json | undefined;
	const mediaType = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
	let schema: Json | undefined;
	if (content) {
		const media = (content[mediaType] ?? content['*/*']) as Json | undefined;
		if (!media) {
			throw new WebexContractError(`${where}: content type ${mediaType} is not documented (documented: ${Object.keys(content).join(', ')})`);
		}

		schema = media.schema as Json | undefined;
	}

	if (schema) {
		const validate = validatorFor(`${where}:${mediaType}`, schema);
		if (!validate(response.body)) {
			throw new WebexContractError(`${where}: ${errorsOf(validate)}\n${JSON.stringify(response.body).slice(0, 600)}`);
		}

		return {against: 'schema'};
	}

	if (response.status >= 400 && errorShape) {
		validateComponent(errorShape, response.body);
	}

	return {against: 'no-schema'};
}
