import { useMemo, useState, type FormEvent } from 'react';
import type uPlot from 'uplot';
import { CELLULAR_ROUTES, signalVerdict } from '@outpost/protocol';
import type { DeviceCellularView } from '../../../app/route-types.js';
import { loadRoute, useRoute } from '../../../app/use-route.js';
import { api, isApiError } from '../../../app/api.js';
import { useCan } from '../../../app/session.js';
import { useAction, useAsync } from '../../../app/use-async.js';
import { Chart } from '../../../ui/chart.js';
import { Empty, ErrorBox, Facts, Loading, Time } from '../../../ui/bits.js';
import { bytes } from './traffic-ports.js';

const RANGES: Array<[number, string]> = [
  [1, '24 h'],
  [7, '7 d'],
  [30, '30 d'],
];
const DAY_MS = 86_400_000;
const CHANGE_TEXT: Record<string, string> = {
  sim_swap: 'SIM swapped',
  imei_change: 'modem replaced (IMEI)',
  roaming_start: 'roaming started',
  overage_projected: 'plan overage projected',
};
const VERDICT_TONE: Record<string, string> = {
  excellent: 'tone-good',
  good: 'tone-good',
  fair: 'sev-warning',
  poor: 'sev-critical',
  unknown: '',
};

function Modem({ v }: { v: DeviceCellularView }) {
  const i = v.inventory;
  const m = i.modems.find((x) => x.sim?.iccid) ?? i.modems[0];
  if (!m) return <Empty>No modem: the device reports no cellular modem.</Empty>;
  const verdict = signalVerdict(i.rsrp);
  return (
    <section className="card" aria-labelledby="cell-modem-title">
      <h2 id="cell-modem-title">Modem and SIM</h2>
      <Facts
        rows={[
          ['Modem', [m.manufacturer, m.model].filter(Boolean).join(' ') || '–'],
          ['Firmware', m.firmware ?? '–'],
          ['IMEI', i.imei ?? '–'],
          ['SIM', i.iccid ? <span data-testid="cell-iccid">{i.iccid}</span> : <span className="muted">no SIM</span>],
          ['IMSI', i.imsi ?? '–'],
          ['Carrier', i.carrier ? `${i.carrier} (MCC ${i.mcc}, MNC ${i.mnc})` : '–'],
          ['APN', i.apn ?? '–'],
          ['Technology', i.rat ?? '–'],
          ['Registration', `${m.registration ?? m.state}${i.roaming ? ' · roaming' : ''}`],
          [
            'Signal',
            i.rsrp === null ? (
              <span className="muted">no reading</span>
            ) : (
              <span data-testid="cell-signal">
                <span className={`badge ${VERDICT_TONE[verdict]}`}>{verdict}</span> RSRP {i.rsrp} dBm
                {i.rsrq !== null ? ` · RSRQ ${i.rsrq} dB` : ''}
                {i.snr !== null ? ` · SNR ${i.snr} dB` : ''}
              </span>
            ),
          ],
          ['Reported', <Time key="t" iso={i.updatedAt} />],
        ]}
      />
    </section>
  );
}

function SignalChart({ deviceId }: { deviceId: string }) {
  const [days, setDays] = useState(1);
  const h = useAsync(
    () =>
      loadRoute(CELLULAR_ROUTES.signal, {
        params: { id: deviceId },
        query: { from: new Date(Date.now() - days * DAY_MS).toISOString() },
      }),
    [deviceId, days],
  );
  const data = useMemo<uPlot.AlignedData>(() => {
    const p = h.data?.points ?? [];
    return [p.map((x) => Date.parse(x.at) / 1000), p.map((x) => x.rsrp), p.map((x) => x.rsrq)];
  }, [h.data]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: true }, y: { auto: true }, q: { auto: true } },
      series: [
        {},
        { label: 'RSRP (dBm)', stroke: '#1d4ed8', width: 2, spanGaps: false },
        { label: 'RSRQ (dB)', stroke: '#b45309', width: 1, scale: 'q' },
      ],
      axes: [{}, { label: 'RSRP dBm', size: 60 }, { side: 1, scale: 'q', label: 'RSRQ dB', size: 50 }],
    }),
    [],
  );
  return (
    <section className="card" aria-labelledby="cell-signal-title">
      <div className="card-head">
        <h2 id="cell-signal-title">Signal history</h2>
        <div className="segmented" role="group" aria-label="Signal range">
          {RANGES.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={days === v} onClick={() => setDays(v)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={h.error} />
      {h.loading && !h.data ? (
        <Loading />
      ) : h.data && h.data.points.length > 0 ? (
        <Chart
          options={options}
          data={data}
          height={200}
          label={`Serving cell RSRP and RSRQ, ${h.data.bucketS / 60} min averages`}
          optionsKey={String(days)}
        />
      ) : (
        <Empty>No signal readings in this range.</Empty>
      )}
    </section>
  );
}

function Usage({ v, deviceId, onSaved }: { v: DeviceCellularView; deviceId: string; onSaved(): void }) {
  const can = useCan();
  const act = useAction();
  const [limitGb, setLimitGb] = useState(v.plan ? String(v.plan.limitBytes / 1e9) : '');
  const [day, setDay] = useState(String(v.plan?.cycleStartDay ?? 1));
  if (!v.inventory.iccid) return null;
  const c = v.cycle;
  const limit = v.plan?.limitBytes ?? null;
  const pct = c && limit ? (c.usedBytes / limit) * 100 : null;
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act
      .perform(() =>
        api.cellular.setPlan(deviceId, { limitBytes: Math.round(Number(limitGb) * 1e9), cycleStartDay: Number(day) }),
      )
      .then((r) => r && onSaved());
  };
  return (
    <section className="card" aria-labelledby="cell-usage-title">
      <h2 id="cell-usage-title">Data usage this cycle</h2>
      {c ? (
        <>
          <p data-testid="cell-usage">
            <strong>{bytes(c.usedBytes)}</strong>
            {limit ? ` of ${bytes(limit)} (${pct!.toFixed(1)}%)` : ' (no plan)'} · cycle {c.start.slice(0, 10)} to{' '}
            {c.end.slice(0, 10)}
            {c.projectedBytes !== null ? ` · projected ${bytes(c.projectedBytes)} at the cycle's end` : ''}
          </p>
          {pct !== null ? (
            <div
              role="progressbar"
              aria-label="Share of the plan used"
              aria-valuenow={Math.round(pct)}
              aria-valuemin={0}
              aria-valuemax={100}
              style={{ background: '#e5e7eb', height: 10, borderRadius: 4 }}
            >
              <div
                style={{
                  width: `${Math.min(100, pct)}%`,
                  height: 10,
                  borderRadius: 4,
                  background: pct > 100 ? '#dc2626' : '#1d4ed8',
                }}
              />
            </div>
          ) : null}
        </>
      ) : null}
      <p className="hint">
        {v.plan
          ? v.plan.source === 'group'
            ? `Plan of group ${v.plan.group}; a plan set here applies to this SIM only and overrides it.`
            : "This SIM's own plan."
          : 'No plan: cycles start on the 1st.'}
      </p>
      {can('operator') ? (
        <form className="inline-form" onSubmit={save} aria-label="Data plan">
          <label>
            Limit (GB){' '}
            <input
              type="number"
              min="0.001"
              step="any"
              required
              value={limitGb}
              onChange={(e) => setLimitGb(e.target.value)}
            />
          </label>
          <label>
            Cycle starts on day{' '}
            <input type="number" min={1} max={28} required value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <button type="submit" disabled={act.busy} data-mutates="">
            Set plan
          </button>
          <ErrorBox error={act.error} />
        </form>
      ) : null}
    </section>
  );
}

function Changes({ v }: { v: DeviceCellularView }) {
  return (
    <section className="card" aria-labelledby="cell-changes-title">
      <h2 id="cell-changes-title">Recent cellular changes</h2>
      {v.changes.length === 0 ? (
        <Empty>No SIM swaps, modem changes or roaming recorded.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Change</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {v.changes.slice(0, 20).map((c) => (
              <tr key={c.id}>
                <td>
                  <Time iso={c.at} />
                </td>
                <td>{CHANGE_TEXT[c.kind] ?? c.kind}</td>
                <td>{c.oldValue ?? '–'}</td>
                <td>{c.newValue ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The device's modem and SIM, signal now and over time, data use against its plan, and cellular changes. */
export function CellularPanel({ deviceId }: { deviceId: string }) {
  const v = useRoute(CELLULAR_ROUTES.device, { params: { id: deviceId } });
  if (v.loading && !v.data) return <Loading />;
  if (!v.data) {
    if (isApiError(v.error, 'not_found')) return <Empty>No modem: this device has sent no cellular report.</Empty>;
    return <ErrorBox error={v.error} />;
  }
  return (
    <div className="stack" data-testid="cellular-panel">
      <Modem v={v.data} />
      {v.data.inventory.modems.length > 0 ? <SignalChart deviceId={deviceId} /> : null}
      <Usage key={JSON.stringify(v.data.plan)} v={v.data} deviceId={deviceId} onSaved={v.reload} />
      <Changes v={v.data} />
    </div>
  );
}
