import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { typeScriptFiles } from '../../../scripts/testing/type-probe.js';
import * as protocol from '@outpost/protocol';
import { ROUTE_FILES, ROUTE_RESPONSES, ROUTES, type RouteDefinition } from '@outpost/protocol';

// A file a page saves (a session recording, a device file, an archive) is bytes, not a JSON answer:
// the page downloads it with `downloadRoute` (app/download-route.ts), whose route must be one the
// table says answers a file (`ROUTE_FILES`). A page's own `fetch` is refused by
// route-typed-pages.test.ts, so this is the one way a page reads a file.

const here = dirname(fileURLToPath(import.meta.url));
const SRC = join(here, '..', 'src');

/** Every `downloadRoute(X_ROUTES.key…)` in the console, as where it is and the route it names. */
function downloadCalls(): { where: string; table: string; key: string }[] {
  const calls: { where: string; table: string; key: string }[] = [];
  for (const path of typeScriptFiles(SRC)) {
    const where = relative(SRC, path);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'downloadRoute') {
        const arg = n.arguments[0];
        if (arg && ts.isPropertyAccessExpression(arg) && ts.isIdentifier(arg.expression))
          calls.push({ where, table: arg.expression.text, key: arg.name.text });
        else calls.push({ where, table: '?', key: arg?.getText() ?? '' });
      }
      ts.forEachChild(n, visit);
    };
    visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return calls.filter((c) => !c.where.startsWith('app/download-route'));
}

describe('console file downloads typed by the route table', () => {
  it('every route the table says answers a file is a GET route of the table, not a JSON answer', () => {
    const byId = new Map(ROUTES.map((r) => [r.id, r]));
    const files: Record<string, readonly string[]> = ROUTE_FILES;
    const problems = Object.entries(files).flatMap(([id, types]) => {
      const route = byId.get(id);
      if (!route) return [`${id} is no route of the table`];
      if (route.method !== 'GET' || route.websocket) return [`${id} is no plain GET`];
      if (id in ROUTE_RESPONSES) return [`${id} is typed as a JSON answer too`];
      if (types.length === 0) return [`${id} names no media type`];
      return [];
    });
    assert.deepEqual(problems, []);
  });

  it('every file a page downloads is a route the table says answers a file', () => {
    const calls = downloadCalls();
    assert.ok(
      calls.some((c) => c.where === 'pages/access/recording-download.ts'),
      'a session recording is saved through downloadRoute',
    );
    const tables = protocol as unknown as Record<string, Record<string, RouteDefinition> | undefined>;
    const problems = calls.flatMap((c) => {
      const route = tables[c.table]?.[c.key];
      if (!route || !ROUTES.includes(route)) return [`${c.where}: ${c.table}.${c.key} is no route of the table`];
      if (!(route.id in ROUTE_FILES)) return [`${c.where}: ${route.id} is not in ROUTE_FILES`];
      return [];
    });
    assert.deepEqual(problems, []);
  });
});
