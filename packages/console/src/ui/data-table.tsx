import { Fragment, type HTMLAttributes, type ReactNode } from 'react';
import type { Role } from '@outpost/protocol';
import { useCan } from '../app/session.js';
import { Empty, ErrorBox, Loading } from './bits.js';
import { ConfirmAction, type ConfirmSpec } from './confirm-action.js';
import { Pager, type Paging } from './paging.js';

/** One column: its header, how a row's cell renders, and how the cell holds its text. */
export interface Column<T> {
  key: string;
  header: ReactNode;
  cell(row: T): ReactNode;
  /** A CSS width for the column, e.g. '6rem' or '20%'. */
  width?: string;
  align?: 'left' | 'right' | 'center';
  /** Long text wraps (default), stays on one line (`nowrap`, for short values) or is cut with … and a title. */
  fit?: 'wrap' | 'nowrap' | 'ellipsis';
  /** Hover text; ellipsised cells default to their text when the cell renders a string. */
  title?(row: T): string | undefined;
  /** Extra classes for the cells, e.g. 'mono small'. */
  className?: string;
  /** Least role that sees the column. */
  min?: Role;
}

/** A button at the end of each row; roles below `min` do not see it. */
export interface RowAction<T> {
  label: string | ((row: T) => string);
  /** The accessible name when the label alone is ambiguous (`Delete group plant`). */
  name?(row: T): string;
  min?: Role;
  danger?: boolean;
  /** Changes something on the hub (default true): marked for the read-only checks. */
  mutates?: boolean;
  /** Rows that do not offer the action. */
  hidden?(row: T): boolean;
  disabled?(row: T): boolean;
  onClick?(row: T): void;
  /** Ask first: the action runs after the person confirms in a dialog. */
  confirm?(row: T): ConfirmSpec;
  /** A control of its own (one that opens a form, say) in place of the plain button. */
  render?(row: T): ReactNode;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey(row: T): string | number;
  rowClass?(row: T): string | undefined;
  rowProps?(row: T): HTMLAttributes<HTMLTableRowElement>;
  actions?: RowAction<NoInfer<T>>[];
  loading?: boolean;
  error?: unknown;
  /** Shown when the list is loaded and holds nothing; the table is left out. */
  empty?: ReactNode;
  paging?: Paging;
  className?: string;
  testId?: string;
  label?: string;
  /** Inside a card: no frame of its own. */
  bare?: boolean;
}

export function DataTable<T>(p: DataTableProps<T>) {
  const can = useCan();
  const columns = p.columns.filter((c) => !c.min || can(c.min));
  const actions = (p.actions ?? []).filter((a) => !a.min || can(a.min));
  const rows = p.rows;
  return (
    <>
      <ErrorBox error={p.error} />
      {p.loading && !rows ? <Loading /> : null}
      {rows && rows.length === 0 && p.empty ? <Empty>{p.empty}</Empty> : null}
      {rows && rows.length > 0 ? (
        <div className={p.bare ? 'table-wrap table-bare' : 'table-wrap'}>
          <table className={`data${p.className ? ` ${p.className}` : ''}`} data-testid={p.testId} aria-label={p.label}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    className={alignClass(c)}
                    style={c.width ? { width: c.width } : undefined}
                  >
                    {c.header}
                  </th>
                ))}
                {actions.length ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={p.rowKey(r)} className={p.rowClass?.(r)} {...p.rowProps?.(r)}>
                  {columns.map((c) => (
                    <Cell key={c.key} column={c} row={r} />
                  ))}
                  {actions.length ? <ActionsCell actions={actions} row={r} /> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {p.paging && rows ? <Pager paging={p.paging} /> : null}
    </>
  );
}

function alignClass<T>(c: Column<T>): string | undefined {
  return c.align === 'right' ? 'num' : c.align === 'center' ? 'center' : undefined;
}

function Cell<T>({ column: c, row }: { column: Column<T>; row: T }) {
  const content = c.cell(row);
  const fit = c.fit ?? 'wrap';
  const classes = [alignClass(c), `fit-${fit}`, c.className].filter(Boolean).join(' ');
  const title = c.title?.(row) ?? (fit === 'ellipsis' && typeof content === 'string' ? content : undefined);
  if (fit !== 'ellipsis') {
    return (
      <td className={classes} title={title}>
        {content}
      </td>
    );
  }
  // The cut happens in an inner block, so the cell itself never grows past its column.
  return (
    <td className={classes} title={title}>
      <div className="cell-clip" style={c.width ? { maxWidth: c.width } : undefined}>
        {content}
      </div>
    </td>
  );
}

function ActionsCell<T>({ actions, row }: { actions: RowAction<T>[]; row: T }) {
  return (
    <td className="actions">
      {actions
        .filter((a) => !a.hidden?.(row))
        .map((a) => {
          const label = typeof a.label === 'string' ? a.label : a.label(row);
          const common = {
            className: `link${a.danger ? ' danger-text' : ''}`,
            disabled: a.disabled?.(row),
            'aria-label': a.name?.(row),
            'data-mutates': a.mutates === false ? undefined : '',
          };
          if (a.render) return <Fragment key={label}>{a.render(row)}</Fragment>;
          if (a.confirm) return <ConfirmAction key={label} {...common} label={label} spec={() => a.confirm!(row)} />;
          return (
            <button key={label} type="button" {...common} onClick={() => a.onClick?.(row)}>
              {label}
            </button>
          );
        })}
    </td>
  );
}
