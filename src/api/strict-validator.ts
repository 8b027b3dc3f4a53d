/**
 * strict-validator.ts — a route-level validator for bodies that must reach the handler exactly as
 * sent: no type coercion, no stripping of unknown properties, no defaults (Fastify's Ajv does all
 * three). Signed observations need it: the server verifies the signature over the object received,
 * so normalising it first would turn a malformed body into a misleading invalid-signature.
 * It uses TypeBox's own compiler, since the schemas are TypeBox schemas.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';

export const strictValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema as TSchema);
  return (data: unknown) => {
    if (check.Check(data)) return { value: data };
    const first = check.Errors(data).First();
    const where = first?.path
      ? `${httpPart ?? 'body'}${first.path.replaceAll('/', '.')}`
      : (httpPart ?? 'body');
    const error = Object.assign(new Error(`${where}: ${first?.message ?? 'does not match the schema'}`), {
      validation: [{ message: first?.message ?? 'invalid' }],
    });
    return { error };
  };
};
