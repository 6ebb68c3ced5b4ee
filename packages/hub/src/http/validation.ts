import { Ajv } from 'ajv';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@outpost/protocol';
import { ValidationError } from '../platform/errors.js';

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
  // JSON bodies are measured before they are parsed: nesting past the bound is refused (a deep
  // enough body would otherwise break whatever walks it recursively later).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // The API speaks JSON only (artifact uploads have their own parser): a text/plain body, which a
  // form on another site can send without asking the browser first, is refused (validation_failed).
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonNestsDeeperThan(body as string)) {
      done(
        new ValidationError(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`, { path: 'body' }),
        undefined,
      );
      return;
    }
    parseJson(req, body as string, done);
  });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : lenient;
    return ajv.compile(schema as FastifySchema & object);
  });
}
