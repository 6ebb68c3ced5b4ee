import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { typeCheckProbe, typeScriptFiles } from '../../../scripts/testing/type-probe.js';
import * as protocol from '@outpost/protocol';
import { ROUTE_RESPONSES, ROUTES, type RouteDefinition } from '@outpost/protocol';

// The console's pages are typed against the protocol's route table: what a page loads with
// `useRoute` is a GET route of the table whose answer `ROUTE_RESPONSES` types, and a page never
// imports the type of such an answer from the protocol or the client itself: it takes it from the
// table (`RouteResponse`, `app/route-types.ts`), so it cannot drift from the route it came from.

const here = dirname(fileURLToPath(import.meta.url));
const SRC = join(here, '..', 'src');
const RESPONSES_FILE = join(here, '..', '..', 'protocol', 'src', 'routes', 'route-responses.ts');
const CLIENT_SRC = join(here, '..', '..', 'client', 'src');

// Pages that still name a response type themselves: the list only shrinks.
// The health and schedules pages name the answers of health.fleet and schedules.upcoming, routes the
// dashboard and the automations list now load through the table: they go when those pages move too.
const KNOWN_OWN_TYPES: string[] = [];

// Loads that still call the client (or fetch) rather than the route table: the list only shrinks.
// A file a page saves is no JSON load: it goes through `downloadRoute` (app/download-route.ts), by a
// route the table says answers a file (`ROUTE_FILES`); route-downloads.test.ts holds that rule.
const KNOWN_UNTYPED_LOADS: string[] = [];

const parse = (path: string) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);

/** The names `ROUTE_RESPONSES` types answers with: `body<X>()` and `body<{ items: X[] }>()`. */
function responseTypeNames(): Set<string> {
  const names = new Set<string>();
  const add = (t: ts.TypeNode | undefined): void => {
    if (!t || !ts.isTypeReferenceNode(t) || !ts.isIdentifier(t.typeName)) return;
    names.add(t.typeName.text);
    // `Page<Device>`: a page of devices answers devices too.
    if (t.typeName.text === 'Page') for (const arg of t.typeArguments ?? []) add(arg);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.getText() === 'body' && n.typeArguments?.length === 1) {
      const t = n.typeArguments[0];
      add(t);
      if (ts.isTypeLiteralNode(t))
        for (const m of t.members)
          if (ts.isPropertySignature(m) && m.type) add(ts.isArrayTypeNode(m.type) ? m.type.elementType : m.type);
    }
    ts.forEachChild(n, visit);
  };
  visit(parse(RESPONSES_FILE));
  // Generic wrappers are no answer of their own.
  for (const builtin of ['Record', 'Array', 'Partial', 'Page']) names.delete(builtin);
  return names;
}

/** `file: Name` for each response type a console file imports from the protocol or the client. */
function ownResponseTypes(names: Set<string>): string[] {
  const found: string[] = [];
  for (const path of typeScriptFiles(join(SRC, 'pages'))) {
    for (const st of parse(path).statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      if (!/^@outpost\/(protocol|client)/.test(st.moduleSpecifier.text)) continue;
      const bindings = st.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      for (const e of bindings.elements) {
        const imported = (e.propertyName ?? e.name).text;
        if (names.has(imported)) found.push(`${relative(SRC, path)}: ${imported}`);
      }
    }
  }
  return found;
}

/**
 * The client's methods that load a GET route of the table for its JSON answer (`r<T>(X.key, …)`),
 * as the chain a page calls them by (`devices.get`, `guard.status`), with the route's id.
 */
function clientGetMethods(): Map<string, string> {
  const tables = protocol as unknown as Record<string, Record<string, RouteDefinition> | undefined>;
  const files = readdirSync(CLIENT_SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => parse(join(CLIENT_SRC, f)));
  // `guard: guardApi(r)` mounts a domain's methods under a name; a spread mounts them at the top.
  const mounts = new Map<string, string>();
  for (const f of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && ts.isCallExpression(n.initializer)) {
        const callee = n.initializer.expression;
        if (ts.isIdentifier(callee) && /Api$/.test(callee.text)) mounts.set(callee.text, n.name.text);
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
  }
  const gets = new Map<string, string>();
  for (const f of files) {
    const aliases = new Map<string, string>();
    for (const st of f.statements) {
      const b = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : undefined;
      if (b && ts.isNamedImports(b))
        for (const e of b.elements) aliases.set(e.name.text, (e.propertyName ?? e.name).text);
    }
    const visit = (n: ts.Node): void => {
      const arg = ts.isCallExpression(n) ? n.arguments[0] : undefined;
      if (
        ts.isCallExpression(n) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'r' &&
        arg &&
        ts.isPropertyAccessExpression(arg) &&
        ts.isIdentifier(arg.expression)
      ) {
        const route = tables[aliases.get(arg.expression.text) ?? '']?.[arg.name.text];
        if (route?.method === 'GET') {
          const chain: string[] = [];
          let p: ts.Node | undefined = n.parent;
          for (; p && !ts.isFunctionDeclaration(p); p = p.parent)
            if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && ts.isIdentifier(p.name))
              chain.unshift(p.name.text);
          const mount = p && ts.isFunctionDeclaration(p) && p.name ? mounts.get(p.name.text) : undefined;
          gets.set([...(mount ? [mount] : []), ...chain].join('.'), route.id);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
  }
  return gets;
}

/** `api.a.b(…)` as `a.b`; undefined for any other call. */
function apiChain(call: ts.CallExpression): string | undefined {
  const names: string[] = [];
  let e: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(e)) {
    names.unshift(e.name.text);
    e = e.expression;
  }
  return ts.isIdentifier(e) && e.text === 'api' && names.length > 0 ? names.join('.') : undefined;
}

/** The values an address expression may take: both branches of `c ? a : b`, else itself. */
function addressLeaves(e: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(e)) return addressLeaves(e.expression);
  if (ts.isConditionalExpression(e)) return [...addressLeaves(e.whenTrue), ...addressLeaves(e.whenFalse)];
  return [e];
}

/** What an identifier of `file` stands for: the module of the import it names, or the string a `const` holds. */
function bindingOf(file: ts.SourceFile, name: string): { module?: string; text?: string } {
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause?.name?.text === name)
      return { module: st.moduleSpecifier.text };
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const)
      for (const d of st.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer && ts.isStringLiteralLike(d.initializer))
          return { text: d.initializer.text };
  }
  return {};
}

/** True when a route of the table serves `path` (any method): `/api/v1/devices/:id` serves `/api/v1/devices/d1`. */
const tableServes = (path: string): boolean =>
  ROUTES.some((r) => new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path.split('?')[0]));

/**
 * Why a `fetch` of a page is no load of a route of the table, or undefined when it may be one. Only
 * three kinds are no load by nature, whatever the file:
 * - a write: its init names another method than GET (a file's bytes streamed up with PUT);
 * - an asset of the console's own build: its address is only `…?url` imports (the map's country outlines);
 * - a document the hub serves outside the table: its address is a constant path no route of the table
 *   serves (the OpenAPI document the API explorer lists the routes from).
 * Any other `fetch` is an untyped load: load it with `loadRoute`, or list it in KNOWN_UNTYPED_LOADS.
 */
function fetchExemption(call: ts.CallExpression, file: ts.SourceFile): string | undefined {
  const [address, init] = call.arguments;
  if (init && ts.isObjectLiteralExpression(init))
    for (const p of init.properties)
      if (ts.isPropertyAssignment(p) && p.name.getText(file) === 'method' && ts.isStringLiteralLike(p.initializer))
        if (p.initializer.text.toUpperCase() !== 'GET') return `write (${p.initializer.text.toUpperCase()})`;
  if (!address) return undefined;
  const leaves = addressLeaves(address).map((e) =>
    ts.isIdentifier(e) ? bindingOf(file, e.text) : ts.isStringLiteralLike(e) ? { text: e.text } : {},
  );
  if (leaves.every((b) => b.module?.endsWith('?url'))) return 'asset of the console build';
  if (leaves.every((b) => b.text?.startsWith('/') && !tableServes(b.text))) return 'outside the route table';
  return undefined;
}

/** `file: api.a.b (route id)` for each GET a page or a shared component loads past the table; `file: fetch`. */
function untypedLoads(gets: Map<string, string>): string[] {
  const found = new Set<string>();
  for (const path of [...typeScriptFiles(join(SRC, 'pages')), ...typeScriptFiles(join(SRC, 'ui'))]) {
    const where = relative(SRC, path);
    const file = parse(path);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const chain = apiChain(n);
        if (chain && gets.has(chain)) found.add(`${where}: api.${chain} (${gets.get(chain)})`);
        if (ts.isIdentifier(n.expression) && n.expression.text === 'fetch' && !fetchExemption(n, file))
          found.add(`${where}: fetch`);
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  return [...found].sort();
}

/** Every `useRoute(X_ROUTES.key…)` / `loadRoute(…)` in the console, as `file: X_ROUTES.key`. */
function routeHookCalls(): { where: string; table: string; key: string }[] {
  const calls: { where: string; table: string; key: string }[] = [];
  for (const path of typeScriptFiles(SRC)) {
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && /^(useRoute|loadRoute)$/.test(n.expression.text)) {
        const arg = n.arguments[0];
        const where = relative(SRC, path);
        if (arg && ts.isPropertyAccessExpression(arg) && ts.isIdentifier(arg.expression))
          calls.push({ where, table: arg.expression.text, key: arg.name.text });
        else if (arg) calls.push({ where, table: '?', key: arg.getText() });
      }
      ts.forEachChild(n, visit);
    };
    visit(parse(path));
  }
  return calls.filter((c) => !c.where.startsWith('app/use-route'));
}

describe('console pages typed against the route table', () => {
  const names = responseTypeNames();

  it('reads the response types the table gives', () => {
    for (const n of ['User', 'ApiToken', 'MfaStatus', 'RolloutRecord', 'NotificationChannel'])
      assert.ok(names.has(n), n);
    assert.equal(names.has('Record'), false);
  });

  it('no page imports a response type the table gives (beyond the known list)', () => {
    const found = ownResponseTypes(names);
    assert.deepEqual(
      found.filter((f) => !KNOWN_OWN_TYPES.includes(f)),
      [],
      'take these types from the route table (app/route-types.ts or RouteResponse)',
    );
    assert.deepEqual(
      KNOWN_OWN_TYPES.filter((k) => !found.includes(k)),
      [],
      'strike these from KNOWN_OWN_TYPES',
    );
  });

  it('reads which client methods load a GET route', () => {
    const gets = clientGetMethods();
    assert.equal(gets.get('devices.get'), 'devices.get');
    assert.equal(gets.get('guard.status'), 'guard.status');
    assert.equal(gets.get('alerts.summary'), 'alerts.summary');
    assert.equal(gets.get('diagnostics.list'), 'diagnostics.list');
    assert.equal(gets.has('devices.update'), false, 'a PATCH is no load');
    assert.equal(gets.has('alerts.ack'), false, 'a POST is no load');
  });

  it('tells a fetch that is no load by nature from one that may load a route', () => {
    const file = ts.createSourceFile(
      'x.ts',
      [
        "import outline from 'world-atlas/countries-110m.json?url';",
        "import other from './other.js';",
        "const DOCUMENT = '/api/v1/openapi.json';",
        "const DEVICES = '/api/v1/devices';",
        "fetch(url, { method: 'PUT', body: file });",
        'fetch(detail ? outline : (outline));',
        "fetch(DOCUMENT, { credentials: 'same-origin' });",
        'fetch(url);',
        "fetch(url, { method: 'get' });",
        'fetch(DEVICES);',
        "fetch('/api/v1/devices/d1/events?limit=5');",
        'fetch(detail ? outline : other);',
        "fetch(detail ? DOCUMENT : '/api/v1/groups');",
        'fetch(routeUrl(ACCESS_ROUTES.recording, { id }));',
      ].join('\n'),
      ts.ScriptTarget.Latest,
      true,
    );
    const calls = file.statements.filter(ts.isExpressionStatement).map((s) => s.expression as ts.CallExpression);
    assert.deepEqual(
      calls.map((c) => fetchExemption(c, file) ?? 'load'),
      ['write (PUT)', 'asset of the console build', 'outside the route table', ...Array(7).fill('load')],
    );
  });

  it('pages load GET routes through the table, not the client or fetch (beyond the known list)', () => {
    const found = untypedLoads(clientGetMethods());
    assert.deepEqual(
      found.filter((f) => !KNOWN_UNTYPED_LOADS.includes(f)),
      [],
      'load these with useRoute/loadRoute (app/use-route.ts), typed by ROUTE_RESPONSES',
    );
    assert.deepEqual(
      KNOWN_UNTYPED_LOADS.filter((k) => !found.includes(k)),
      [],
      'strike these from KNOWN_UNTYPED_LOADS',
    );
  });

  it('every route a page loads is a GET route of the table whose answer the table types', () => {
    const calls = routeHookCalls();
    assert.ok(calls.length >= 15, `pages load through useRoute (found ${calls.length})`);
    const tables = protocol as unknown as Record<string, Record<string, RouteDefinition> | undefined>;
    const problems = calls.flatMap((c) => {
      const route = tables[c.table]?.[c.key];
      if (!route || !ROUTES.includes(route)) return [`${c.where}: ${c.table}.${c.key} is no route of the table`];
      if (route.method !== 'GET') return [`${c.where}: ${route.id} is ${route.method}, not a GET`];
      if (!(route.id in ROUTE_RESPONSES)) return [`${c.where}: ${route.id} has no response type in ROUTE_RESPONSES`];
      return [];
    });
    assert.deepEqual(problems, []);
  });

  it('every response the table types belongs to a GET route of the table', () => {
    const gets = new Set(ROUTES.filter((r) => r.method === 'GET').map((r) => r.id));
    assert.deepEqual(
      Object.keys(ROUTE_RESPONSES).filter((id) => !gets.has(id)),
      [],
    );
  });

  it('the type checker gives a loaded route its table type and refuses another', () => {
    const probe = join(SRC, 'app', '__route-probe.ts');
    const text = [
      "import { USERS_ROUTES, UPDATES_ROUTES, type ApiToken, type RolloutRecord } from '@outpost/protocol';",
      "import { useRoute, type RouteResponse } from './use-route.js';",
      'type IsAny<T> = 0 extends 1 & T ? true : false;',
      'type IsNever<T> = [T] extends [never] ? true : false;',
      'export const notAny: IsAny<RouteResponse<typeof USERS_ROUTES.listTokens>> = false;',
      'export const tokens: { items: ApiToken[] } = {} as RouteResponse<typeof USERS_ROUTES.listTokens>;',
      'export const rollouts: RolloutRecord[] = ({} as RouteResponse<typeof UPDATES_ROUTES.rollouts>).items;',
      '// @ts-expect-error the tokens route does not answer rollouts',
      'export const wrong: RolloutRecord[] = ({} as RouteResponse<typeof USERS_ROUTES.listTokens>).items;',
      'export const untyped: IsNever<RouteResponse<typeof USERS_ROUTES.createUser>> = true;',
      'export const loaded: { items: ApiToken[] } | undefined = useRoute(USERS_ROUTES.listTokens).data;',
      '// @ts-expect-error the hook answers what the table says, not what a page would like',
      'export const guessed: { items: RolloutRecord[] } | undefined = useRoute(USERS_ROUTES.listTokens).data;',
      '// @ts-expect-error a POST route is not loaded by the hook',
      'useRoute(USERS_ROUTES.createUser);',
    ].join('\n');
    const errors = typeCheckProbe(join(here, '..', 'tsconfig.json'), probe, text).map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
    assert.deepEqual(errors, []);
  });
});
