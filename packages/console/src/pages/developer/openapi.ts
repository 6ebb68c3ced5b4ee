import { ROUTES, openApiPath, type RouteRole } from '@outpost/protocol';

/** The parts of an OpenAPI 3 document this page reads. */
export interface OpenApiDocument {
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: {
    content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }>;
  };
}

/** One method on one path, as a row of the explorer. */
export interface ApiOperation {
  method: string;
  path: string;
  tag: string;
  summary: string;
  pathParams: string[];
  query: string[];
  body: string[];
  /** The least role, from the route table the hub serves (absent for the hub's own routes). */
  role: RouteRole | null;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ROLES = new Map(ROUTES.map((r) => [`${r.method} ${openApiPath(r.path)}`, r.role]));

/** Every operation of the document, sorted by tag, then path, then method. */
export function operationsOf(doc: OpenApiDocument): ApiOperation[] {
  const out: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      const schema = Object.values(op.requestBody?.content ?? {})[0]?.schema;
      const required = new Set(schema?.required ?? []);
      out.push({
        method: method.toUpperCase(),
        path,
        tag: op.tags?.[0] ?? 'other',
        summary: op.summary ?? op.description ?? '',
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => (p.required ? `${p.name}*` : p.name)),
        body: Object.keys(schema?.properties ?? {}).map((k) => (required.has(k) ? `${k}*` : k)),
        role: ROLES.get(`${method.toUpperCase()} ${path}`) ?? null,
      });
    }
  return out.sort(
    (a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  );
}
