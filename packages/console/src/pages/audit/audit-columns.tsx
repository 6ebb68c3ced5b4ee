import type { AuditRecord } from '../../app/route-types.js';
import { absolute } from '../../app/format.js';
import type { Names } from '../../app/names.js';
import { StateBadge } from '../../ui/bits.js';
import type { Column } from '../../ui/data-table.js';
import { FieldList } from '../../ui/field-list.js';
import { TargetLink } from './target-link.js';

type Narrow = (f: { actor?: string; action?: string }) => void;

/** The audit log's columns; actor and action narrow the filters to that value. */
export function auditColumns(narrow: Narrow, names: Names): Column<AuditRecord>[] {
  return [
    { key: 'seq', header: '#', cell: (r) => r.seq, align: 'right', fit: 'nowrap' },
    { key: 'ts', header: 'When', cell: (r) => absolute(r.ts), fit: 'nowrap' },
    {
      key: 'actor',
      header: 'Actor',
      cell: (r) => (
        <>
          <button type="button" className="link" onClick={() => narrow({ actor: r.actor })} title="Only this actor">
            {r.actor}
          </button>
          {r.sourceIp ? <div className="muted small">{r.sourceIp}</div> : null}
        </>
      ),
    },
    {
      key: 'action',
      header: 'Action',
      cell: (r) => (
        <button type="button" className="link" onClick={() => narrow({ action: r.action })} title="Only this action">
          {r.action}
        </button>
      ),
    },
    {
      key: 'target',
      header: 'Target',
      cell: (r) => (r.target ? <TargetLink target={r.target} names={names} /> : <span className="muted">–</span>),
    },
    { key: 'outcome', header: 'Outcome', cell: (r) => <StateBadge state={r.outcome} /> },
    {
      key: 'details',
      header: 'Details',
      cell: (r) => <FieldList data={r.details} names={names} />,
      width: '34%',
    },
  ];
}
