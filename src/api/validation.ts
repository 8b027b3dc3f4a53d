/**
 * validation.ts — how request schemas are applied: strictly. Fastify's default Ajv silently
 * drops unknown properties (`removeAdditional: true`) and coerces types everywhere; here an
 * unknown field is refused as `invalid-request` naming the field (docs/errors.md), and types are
 * coerced only in the parts of a request that are text by nature — path parameters, the query
 * string and headers — where `?limit=20` must become 20, in one canonical spelling only (see
 * fromText). A JSON body is taken as sent: `"20"` is not a number, `"true"` is not a boolean.
 *
 * Defaults declared in a schema still fill absent values. Bodies that must reach the handler
 * byte for byte (signed observations) use strict-validator.ts instead.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

const COMMON: Options = {
  removeAdditional: false,
  useDefaults: true,
  addUsedSchema: false,
  // One error is enough for the caller, and allErrors lets a hostile body cost more (Fastify's note).
  allErrors: false,
};

function ajvWith(options: Options): Ajv {
  const ajv = new Ajv({ ...COMMON, ...options });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports.
  ajvFormats.default(ajv);
  return ajv;
}

/** Nothing is coerced by Ajv: text parts are converted by `fromText` first, canonically. */
const ajv = ajvWith({ coerceTypes: false });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validate = ajv.compile(schema as object);
  if (httpPart === 'body') return validate;
  const properties = (schema as { properties?: Record<string, JsonSchema> }).properties ?? {};
  // Shaped like an Ajv function (boolean result, `.errors`), as Fastify expects.
  const check = (data: unknown): boolean => {
    if (data && typeof data === 'object') {
      const record = data as Record<string, unknown>;
      for (const [key, sub] of Object.entries(properties)) {
        if (Object.hasOwn(record, key)) record[key] = fromText(record[key], sub);
      }
    }
    const ok = validate(data);
    check.errors = validate.errors;
    return ok;
  };
  check.errors = null as typeof validate.errors;
  return check;
};

interface JsonSchema {
  readonly type?: string;
  readonly items?: JsonSchema;
}

const INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;
const NUMBER = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,15})?$/;

/**
 * fromText converts one path, query or header value to the type its schema names, accepting
 * exactly one spelling of each value: "20" is 20 but "020", " 20", "2e1" and "0x14" stay text
 * and fail validation; "true"/"false" are booleans; a single value for an array is a one-item
 * array (`?tag=a` and `?tag=a&tag=b` alike). Anything else is left as it came.
 */
function fromText(value: unknown, schema: JsonSchema): unknown {
  if (schema.type === 'array') {
    const list = Array.isArray(value) ? value : [value];
    return schema.items ? list.map((v) => fromText(v, schema.items!)) : list;
  }
  if (typeof value !== 'string') return value;
  if (schema.type === 'integer' && INTEGER.test(value)) return Number(value);
  if (schema.type === 'number' && NUMBER.test(value)) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * formatSchemaErrors names the offending field in `detail`: `body.note: must be string`,
 * `querystring: unknown field "colour"`. Only field names from the schema or the request's own
 * keys appear, never values (a value may be personal data).
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0] as (FastifySchemaValidationError & Partial<ErrorObject>) | undefined;
  const path = `${dataVar}${(first?.instancePath ?? '').replaceAll('/', '.')}`;
  let message: string;
  if (first?.keyword === 'additionalProperties') {
    const field = String((first.params as { additionalProperty?: unknown }).additionalProperty ?? '');
    message = `${path}: unknown field "${visibleName(field)}"`;
  } else {
    message = `${path}: ${first?.message ?? 'does not match the schema'}`;
  }
  return Object.assign(new Error(message), { validation: errors, validationContext: dataVar });
}

/** visibleName bounds a caller-chosen key before it is echoed back (length, control characters). */
function visibleName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
