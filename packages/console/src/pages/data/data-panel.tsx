import { useEffect, useState, type HTMLAttributes } from 'react';
import { STREAMS_ROUTES } from '@outpost/protocol';
import type { DataPointView } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { absolute } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { AsyncBlock } from '../../ui/async-block.js';
import { Empty } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { STALE_AFTER_S, ageText, isPlottable, qualityTone, valueText } from './data-format.js';
import { Sparkline, useSparklines, type SparkPoints } from './sparkline.js';
import { trendHref } from './trend-state.js';

// The points are read again every REFRESH_MS; sparklines load for the rows of the page shown.
const REFRESH_MS = 10_000;
const PAGE = 25;

function QualityBadge({ p }: { p: DataPointView }) {
  if (!p.quality) return <span className="muted">–</span>;
  const title = p.reason ? `${p.quality}: ${p.reason}` : p.quality;
  return (
    <span className={`badge ${qualityTone(p.quality)}`} title={title} data-testid="data-quality">
      {p.quality}
      {p.reason ? ` · ${p.reason}` : ''}
    </span>
  );
}

function Age({ p }: { p: DataPointView }) {
  const stale = p.ageS !== null && p.ageS > STALE_AFTER_S;
  return (
    <span
      className={stale ? 'data-stale' : undefined}
      title={p.ts ? `${absolute(p.ts)}${stale ? ' — no new value for longer than expected' : ''}` : undefined}
      data-stale={stale ? '' : undefined}
    >
      {ageText(p.ageS)}
    </span>
  );
}

function columns(deviceId: string, lines: Map<string, SparkPoints>): Column<DataPointView>[] {
  return [
    {
      key: 'point',
      header: 'Point',
      className: 'mono',
      fit: 'nowrap',
      cell: (p) => (
        <>
          {p.point}
          {p.writable ? (
            <span
              className={`badge ${p.writesEnabled ? 'tone-warn' : ''}`}
              title={p.writesEnabled ? 'Writes from the hub are enabled' : 'Writable on the device; off on the hub'}
            >
              {p.writesEnabled ? 'writes on' : 'writable'}
            </span>
          ) : null}
        </>
      ),
    },
    { key: 'description', header: 'Description', cell: (p) => p.description ?? <span className="muted">–</span> },
    {
      key: 'value',
      header: 'Value',
      align: 'right',
      fit: 'nowrap',
      cell: (p) => <span data-testid="data-value">{valueText(p.value, p.unit)}</span>,
    },
    { key: 'quality', header: 'Quality', fit: 'nowrap', cell: (p) => <QualityBadge p={p} /> },
    { key: 'age', header: 'Updated', fit: 'nowrap', cell: (p) => <Age p={p} /> },
    {
      key: 'spark',
      header: 'Last hour',
      cell: (p) =>
        isPlottable(p) ? (
          <Link to={trendHref({ series: [{ deviceId, point: p.point }] })} title="Open in the trend view">
            <Sparkline points={lines.get(p.point)} label={`${p.point} over the last hour`} />
          </Link>
        ) : (
          <span className="muted small">text</span>
        ),
    },
  ];
}

/** A device's data points: latest value, quality, age and the last hour; a way into the trend view. */
export function DataPanel({ deviceId }: { deviceId: string }) {
  const [tick, setTick] = useState(0);
  const [page, setPage] = useState(0);
  const points = useRoute(STREAMS_ROUTES.points, { params: { id: deviceId } }, [tick]);
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => window.clearInterval(t);
  }, []);
  const items = points.data?.items ?? [];
  const shown = items.slice(page * PAGE, (page + 1) * PAGE);
  // Sparklines follow the page, and reload once a minute rather than on every refresh of the values.
  const lines = useSparklines(
    deviceId,
    shown.filter(isPlottable).map((p) => p.point),
    Math.floor((tick * REFRESH_MS) / 60_000),
  );
  const plottable = items.filter(isPlottable).slice(0, 8);
  return (
    <AsyncBlock state={points}>
      {(d) =>
        d.items.length === 0 ? (
          <Empty>
            This device reports no process data. Declare data sources in the agent's data-sources file (or the{' '}
            <code>data.sources</code> setting of a configuration template) — see <em>Process data</em> (docs/DATA.md,
            “Configuration”).
          </Empty>
        ) : (
          <div className="stack">
            <div className="card-head">
              <span className="muted">
                {d.items.length} points · values refresh every {REFRESH_MS / 1000} s · stale after {STALE_AFTER_S / 60}{' '}
                min without a value
              </span>
              {plottable.length ? (
                <Link to={trendHref({ series: plottable.map((p) => ({ deviceId, point: p.point })) })}>
                  Trend of {plottable.length === 1 ? 'this point' : `${plottable.length} points`}
                </Link>
              ) : null}
            </div>
            <DataTable
              columns={columns(deviceId, lines)}
              rows={shown}
              rowKey={(p) => p.point}
              rowProps={(p) => ({ 'data-point': p.point }) as HTMLAttributes<HTMLTableRowElement>}
              testId="data-points"
              label="Data points"
            />
            {d.items.length > PAGE ? (
              <nav className="pager" aria-label="Pages">
                <button type="button" disabled={page === 0} onClick={() => setPage((n) => n - 1)}>
                  Previous
                </button>
                <span className="muted">
                  {page * PAGE + 1}–{Math.min(d.items.length, (page + 1) * PAGE)} of {d.items.length}
                </span>
                <button
                  type="button"
                  disabled={(page + 1) * PAGE >= d.items.length}
                  onClick={() => setPage((n) => n + 1)}
                >
                  Next
                </button>
              </nav>
            ) : null}
          </div>
        )
      }
    </AsyncBlock>
  );
}
