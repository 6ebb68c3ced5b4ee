import { useMemo, useState } from 'react';
import { STREAMS_ROUTES } from '@outpost/protocol';
import { loadRoute } from '../../app/use-route.js';
import { absolute } from '../../app/format.js';
import { Link, navigate, useLocation } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader } from '../../ui/bits.js';
import { SeriesPicker } from './series-picker.js';
import { align, trendCsv, type LoadedSeries } from './trend-data.js';
import { TrendChart } from './trend-chart.js';
import { RangeBar } from './range-bar.js';
import {
  MAX_SERIES,
  intervalFor,
  rangeOf,
  readTrendState,
  seriesKey,
  trendHref,
  type TrendState,
} from './trend-state.js';

const RAW_LIMIT = 10_000;
const INTERVAL_TEXT = { raw: 'raw values', '1m': '1-minute roll-ups', '1h': 'hourly roll-ups', '1d': 'daily roll-ups' };

/** Every series over one range and tier; a failed series keeps its error, the others still draw. */
async function loadSeries(state: TrendState, now: number) {
  const { from, to } = rangeOf(state.range, now);
  const interval = intervalFor(to - from);
  const query = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    interval,
    ...(interval === 'raw' ? { limit: RAW_LIMIT } : {}),
  };
  const series = await Promise.all(
    state.series.map(async (ref): Promise<LoadedSeries> => {
      try {
        return { ref, history: await loadRoute(STREAMS_ROUTES.history, {
            params: { id: ref.deviceId, point: ref.point },
            query: { ...query, format: 'json' },
          }),
        };
      } catch (error) {
        return { ref, history: null, error };
      }
    }),
  );
  return { series, from, to, interval };
}

function download(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Points of one or several devices on one chart, over a range kept in the address. */
export function TrendPage() {
  const loc = useLocation();
  const state = readTrendState(loc.query);
  const [refresh, setRefresh] = useState(0);
  const key = trendHref(state);
  const loaded = useAsync(() => loadSeries(state, Date.now()), [key, refresh]);
  const go = (next: Partial<TrendState>) => navigate(trendHref({ ...state, ...next }));

  const drawn = useMemo(() => (loaded.data?.series ?? []).filter((s) => s.history), [loaded.data]);
  const aligned = useMemo(() => align(drawn), [drawn]);
  const units = new Map(drawn.map((s) => [seriesKey(s.ref), s.history?.unit]));
  const chartSeries = drawn.map((s) => ({
    key: seriesKey(s.ref),
    label: seriesKey(s.ref),
    unit: s.history?.unit,
  }));
  const truncated = drawn.filter((s) => s.history?.truncated);

  return (
    <>
      <PageHeader
        title="Process data"
        subtitle="Trends of data points of one or more devices. The address holds the view: copy it to share."
        actions={
          drawn.length ? (
            <button
              type="button"
              onClick={() =>
                download(
                  trendCsv(drawn, units),
                  `outpost-trend-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`,
                )
              }
            >
              Download CSV
            </button>
          ) : undefined
        }
      />
      <div className="stack">
        <section className="card stack" aria-label="Series">
          <div className="row" data-testid="trend-series">
            {state.series.map((s) => (
              <span key={seriesKey(s)} className="badge" data-series={seriesKey(s)}>
                <Link to={`/devices/${encodeURIComponent(s.deviceId)}`}>{s.deviceId}</Link> {s.point}{' '}
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${seriesKey(s)}`}
                  onClick={() => go({ series: state.series.filter((x) => seriesKey(x) !== seriesKey(s)) })}
                >
                  ×
                </button>
              </span>
            ))}
            {state.series.length === 0 ? (
              <span className="muted">No series yet: add a device's point below.</span>
            ) : null}
          </div>
          <SeriesPicker
            disabled={state.series.length >= MAX_SERIES}
            onAdd={(s) =>
              state.series.some((x) => seriesKey(x) === seriesKey(s)) || go({ series: [...state.series, s] })
            }
          />
          {state.series.length >= MAX_SERIES ? (
            <span className="muted small">At most {MAX_SERIES} series on one chart.</span>
          ) : null}
        </section>
        <RangeBar range={state.range} onChange={(range) => go({ range })} onRefresh={() => setRefresh((n) => n + 1)} />
        {loaded.data ? (
          <p className="muted" data-testid="trend-range" data-interval={loaded.data.interval}>
            {absolute(new Date(loaded.data.from).toISOString())} – {absolute(new Date(loaded.data.to).toISOString())} ·{' '}
            {INTERVAL_TEXT[loaded.data.interval]}
            {loaded.data.interval !== 'raw' ? ' (mean, with the min–max band)' : ''} · drag across the chart to zoom in
          </p>
        ) : null}
        <ErrorBox error={loaded.error} />
        {(loaded.data?.series ?? [])
          .filter((s) => s.error)
          .map((s) => (
            <ErrorBox key={seriesKey(s.ref)} error={s.error} title={seriesKey(s.ref)} />
          ))}
        {truncated.length ? (
          <div className="notice" role="status">
            More than {RAW_LIMIT.toLocaleString('en')} values of {truncated.map((s) => seriesKey(s.ref)).join(', ')} in
            this range: the newest are left out. Choose a shorter range, or a longer one for roll-ups.
          </div>
        ) : null}
        {loaded.loading && !loaded.data ? <Loading /> : null}
        {state.series.length > 0 && loaded.data && aligned.xs.length === 0 && drawn.length > 0 ? (
          <Empty>No values in this range.</Empty>
        ) : null}
        {aligned.xs.length > 0 ? (
          <section className="card">
            <TrendChart
              series={chartSeries}
              aligned={aligned}
              span={{ from: loaded.data!.from, to: loaded.data!.to }}
              onZoom={(from, to) => (to - from >= 1000 ? go({ range: { from, to } }) : undefined)}
            />
          </section>
        ) : null}
      </div>
    </>
  );
}
