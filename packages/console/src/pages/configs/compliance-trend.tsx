import { useMemo } from 'react';
import type uPlot from 'uplot';
import { CONFIGS_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { Chart } from '../../ui/chart.js';
import { Empty, ErrorBox, Loading } from '../../ui/bits.js';

const HOURS = 7 * 24;

/** Compliant, drifted, pending and error counts over the last week, from the compliance history of the caller's scope. */
export function ComplianceTrend({ template }: { template?: string }) {
  const history = useRoute(CONFIGS_ROUTES.complianceHistory, { query: { hours: HOURS, template } });
  const items = history.data?.items ?? [];
  const data = useMemo<uPlot.AlignedData>(
    () => [
      items.map((p) => Date.parse(p.at) / 1000),
      items.map((p) => p.compliant),
      items.map((p) => p.drifted),
      items.map((p) => p.pending),
      items.map((p) => p.error),
    ],
    [history.data],
  );
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      series: [
        {},
        { label: 'Compliant', stroke: '#15803d', width: 2 },
        { label: 'Drifted', stroke: '#b45309', width: 2 },
        { label: 'Pending', stroke: '#2563eb', width: 1.5, dash: [4, 3] },
        { label: 'Error', stroke: '#b91c1c', width: 1.5 },
      ],
      axes: [{}, { label: 'devices' }],
      legend: { live: false },
    }),
    [],
  );
  return (
    <section
      className="card"
      aria-labelledby="cmp-trend-title"
      data-testid="compliance-trend"
      data-points={items.length}
    >
      <h2 id="cmp-trend-title">Compliance over the last 7 days{template ? ` (${template})` : ''}</h2>
      <ErrorBox error={history.error} />
      {history.loading && !history.data ? <Loading /> : null}
      {history.data && items.length === 0 ? <Empty>No compliance history yet: it is kept from each scan.</Empty> : null}
      {items.length > 0 ? (
        <Chart
          options={options}
          data={data}
          height={200}
          label="Devices compliant, drifted, pending and in error over the last 7 days"
        />
      ) : null}
    </section>
  );
}
