import { Ajv } from 'ajv';
import type { FastifyInstance, FastifySchema } from 'fastify';

// Bodies are checked strictly: a wrong type or an unknown field is an error, never coerced or
// silently dropped. Query strings and path params arrive as text, so those are coerced.
const strict = new Ajv({
  allErrors: false,
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
});
const lenient = new Ajv({
  allErrors: false,
  coerceTypes: true,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
});

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : lenient;
    return ajv.compile(schema as FastifySchema & object);
  });
}
