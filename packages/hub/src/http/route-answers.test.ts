import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { typeCheckProbe } from '../../../../scripts/testing/type-probe.js';

// A route whose answer `ROUTE_RESPONSES` types is served by a handler that must return that type
// (or the reply it sent itself): `serve` takes it from the table, so a handler that answers another
// shape (a field missing or of another type) fails the type check of the hub. A field beyond the
// contract is not caught: TypeScript checks no excess property in a callback's returned object.

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..', '..', '..');

/** The type checker's messages about `text`, compiled as a file beside route-table.ts, by line. */
function typeErrors(text: string): string[] {
  const probe = join(here, '__route-answer-probe.ts');
  return typeCheckProbe(join(ROOT, 'tsconfig.json'), probe, text).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const chain = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n');
    return `${line}: ${chain[chain.length - 1].trim()}`;
  });
}

describe('route answers', () => {
  it('the type checker holds a typed route to its table answer and leaves an untyped one free', () => {
    const lines = [
      "import type { FastifyInstance } from 'fastify';",
      "import { USERS_ROUTES, type ApiToken } from '@outpost/protocol';",
      "import { serve } from './route-table.js';",
      'declare const app: FastifyInstance;',
      'declare const tokens: ApiToken[];',
      // 6: the table's answer, then a reply the handler sent itself (an error).
      'serve(app, USERS_ROUTES.listTokens, async () => ({ items: tokens }));',
      "serve(app, USERS_ROUTES.listTokens, async (_req, reply) => reply.code(404).send({ error: 'x' }));",
      // 8: a token without its fields; 9: a field of another type; 10: no list at all.
      "serve(app, USERS_ROUTES.listTokens, async () => ({ items: [{ id: 't1', name: 'ci' }] }));",
      'serve(app, USERS_ROUTES.listTokens, () => ({ items: tokens.map((t) => ({ ...t, expiresAt: 0 })) }));',
      'serve(app, USERS_ROUTES.listTokens, async () => tokens);',
      // 11: a route the table does not type answers what it likes.
      'serve(app, USERS_ROUTES.createUser, async () => ({ anything: 1 }));',
    ];
    const errors = typeErrors(lines.join('\n'));
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(
      errors[0],
      /^8: .*is missing the following properties from type .*: role, userId, expiresAt, createdAt/,
    );
    assert.match(errors[1], /^9: Type 'number' is not assignable to type 'string'/);
    assert.match(errors[2], /^10: Type '\{ id: string; .*\}\[\]' is not assignable to type '\{ items: /);
  });
});
