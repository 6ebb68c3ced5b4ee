import { useState } from 'react';
import { num } from '../../app/format.js';
import { useAsync } from '../../app/use-async.js';
import { PageHeader } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { operationsOf, type ApiOperation, type OpenApiDocument } from './openapi.js';

// The hub serves its own OpenAPI document, generated from the route table (no session needed).
const DOCUMENT = '/api/v1/openapi.json';

async function loadDocument(): Promise<OpenApiDocument> {
  const res = await fetch(DOCUMENT, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The hub answered ${res.status} for its API document.`);
  return (await res.json()) as OpenApiDocument;
}

const list = (names: string[]) => (names.length ? names.join(', ') : <span className="muted">–</span>);

const COLUMNS: Column<ApiOperation>[] = [
  {
    key: 'method',
    header: 'Method',
    cell: (o) => <span className={`badge method method-${o.method.toLowerCase()}`}>{o.method}</span>,
    fit: 'nowrap',
  },
  {
    key: 'path',
    header: 'Path',
    cell: (o) => (
      <>
        <code>{o.path}</code>
        {o.summary ? <div className="muted small">{o.summary}</div> : null}
      </>
    ),
    width: '38%',
  },
  { key: 'tag', header: 'Area', cell: (o) => o.tag },
  { key: 'role', header: 'Least role', cell: (o) => o.role ?? <span className="muted">–</span> },
  { key: 'query', header: 'Query', cell: (o) => list(o.query), className: 'small' },
  { key: 'body', header: 'Body fields', cell: (o) => list(o.body), className: 'small' },
];

/** Every route the hub serves, read from its OpenAPI document: method, path, least role, parameters. */
export function ApiExplorerPage() {
  const doc = useAsync(loadDocument, []);
  const [q, setQ] = useState('');
  const ops = doc.data ? operationsOf(doc.data) : undefined;
  const needle = q.trim().toLowerCase();
  const shown = ops?.filter(
    (o) => !needle || `${o.method} ${o.path} ${o.tag} ${o.summary}`.toLowerCase().includes(needle),
  );
  const paths = doc.data ? Object.keys(doc.data.paths).length : 0;
  return (
    <>
      <PageHeader
        title="API explorer"
        subtitle={
          <>
            {num(paths)} paths, {num(ops?.length ?? 0)} operations of the hub's REST API, from{' '}
            <a href={DOCUMENT}>{DOCUMENT}</a>. Fields marked * are required; calls take a session or an API token.
          </>
        }
      />
      <div className="row filters-inline">
        <label className="page-size">
          Find
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="alerts, POST, /devices" />
        </label>
        {shown && ops && shown.length !== ops.length ? <span className="muted">{num(shown.length)} shown</span> : null}
      </div>
      <DataTable
        columns={COLUMNS}
        rows={shown}
        rowKey={(o) => `${o.method} ${o.path}`}
        loading={doc.loading}
        error={doc.error}
        empty="No route matches."
        testId="api-operations"
        label="API operations"
      />
    </>
  );
}
