import { useEffect, useRef, useState } from 'react';
import { HEALTH_ROUTES, HEALTH_STATES, type HealthCounts, type HealthModel, type HealthState } from '@outpost/protocol';
import { num, pct } from '../../app/format.js';
import { useLiveEvent } from '../../app/live.js';
import type { FleetHealth } from '../../app/route-types.js';
import { Link, href, quote } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { Empty, ErrorBox, Loading, PageHeader, Time } from '../../ui/bits.js';
import { ModelDialog, RemoveModelDialog } from './model-dialog.js';
import { ruleText } from './health-text.js';

// Devices without a reported model are counted under this name.
const NO_MODEL = '(unknown)';
// Verdicts move with every report; re-read the counts this often while the page is open,
// and on presence changes (a device going offline turns unknown) at most every PRESENCE_MS.
const REFRESH_MS = 15_000;
const PRESENCE_MS = 3_000;

const STATE_TEXT: Record<HealthState, { label: string; sub: string }> = {
  normal: { label: 'Normal', sub: 'within every rule' },
  warning: { label: 'Warning', sub: 'past a warning threshold' },
  error: { label: 'Error', sub: 'past an error threshold' },
  unknown: { label: 'Unknown', sub: 'offline or no recent report' },
};

/** The device list of one model; the filter language has no health field, so a count opens the model's devices. */
const devicesOf = (model: string) =>
  href('/devices', { filter: model === NO_MODEL ? 'not model exists' : `model = ${quote(model)}` });

function Tiles({ fleet }: { fleet: FleetHealth }) {
  return (
    <div className="tiles" aria-label="Devices by health">
      {HEALTH_STATES.map((s) => (
        <Link
          key={s}
          to="/devices"
          className={`tile tile-h-${s}`}
          data-testid={`health-${s}`}
          title="Open the device list"
        >
          <span className="tile-label">{STATE_TEXT[s].label}</span>
          <span className="tile-value">{num(fleet.counts[s])}</span>
          <span className="tile-sub">
            {pct(fleet.counts[s], fleet.total)} · {STATE_TEXT[s].sub}
          </span>
        </Link>
      ))}
    </div>
  );
}

function CountCell({ model, state, n }: { model: string; state: HealthState; n: number }) {
  return (
    <td className="num" data-state={state}>
      {n > 0 ? (
        <Link
          to={devicesOf(model)}
          className={`count-${state}`}
          aria-label={`${n} ${state}: open the devices of ${model}`}
        >
          {num(n)}
        </Link>
      ) : (
        <span className="muted">0</span>
      )}
    </td>
  );
}

function ByModel({ fleet, own }: { fleet: FleetHealth; own: Set<string> }) {
  const models = Object.keys(fleet.byModel).sort((a, b) =>
    a === NO_MODEL ? 1 : b === NO_MODEL ? -1 : a.localeCompare(b),
  );
  const total = (c: HealthCounts) => HEALTH_STATES.reduce((a, s) => a + c[s], 0);
  if (models.length === 0) return <Empty>No devices yet.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data num-heads health-counts" data-testid="health-by-model">
        <caption className="sr-only">Devices per model and health state</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            {HEALTH_STATES.map((s) => (
              <th key={s} scope="col" className="num">
                {STATE_TEXT[s].label}
              </th>
            ))}
            <th scope="col" className="num">
              Devices
            </th>
            <th scope="col">Judged by</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const c = fleet.byModel[m];
            return (
              <tr key={m} className={c.error ? 'row-bad' : c.warning ? 'row-warn' : undefined}>
                <th scope="row">
                  <Link to={devicesOf(m)}>{m === NO_MODEL ? 'not reported' : m}</Link>
                </th>
                {HEALTH_STATES.map((s) => (
                  <CountCell key={s} model={m} state={s} n={c[s]} />
                ))}
                <td className="num">{num(total(c))}</td>
                <td>{own.has(m) ? 'its own model' : <span className="muted">the default</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ModelCard({
  m,
  fleet,
  canEdit,
  onEdit,
  onRemove,
}: {
  m: HealthModel;
  fleet: FleetHealth | undefined;
  canEdit: boolean;
  onEdit(): void;
  onRemove(): void;
}) {
  const isDefault = m.model === '*';
  const builtIn = m.updatedBy === 'built-in';
  const devices = fleet && !isDefault ? fleet.byModel[m.model] : undefined;
  const count = devices ? HEALTH_STATES.reduce((a, s) => a + devices[s], 0) : 0;
  const label = isDefault ? 'the default model' : m.model;
  return (
    <li
      className="card model-card"
      aria-labelledby={`hm-${m.model === '*' ? 'default' : m.model}`}
      data-model={m.model}
    >
      <div>
        <h3 id={`hm-${m.model === '*' ? 'default' : m.model}`}>{isDefault ? 'Default (*)' : m.model}</h3>
        {isDefault ? <p className="muted small">default for every model without its own</p> : null}
      </div>
      {m.rules.length === 0 ? (
        <p className="muted">No rules: devices count as normal while they report.</p>
      ) : (
        <ul className="rules">
          {m.rules.map((r, i) => (
            <li key={i}>{ruleText(r)}</li>
          ))}
        </ul>
      )}
      <p className="muted small">
        {isDefault ? null : count > 0 ? (
          <Link to={devicesOf(m.model)}>{num(count)} devices</Link>
        ) : (
          'No device of this model yet'
        )}
        {isDefault ? null : ' · '}
        {builtIn ? (
          'built into the hub'
        ) : (
          <>
            set by {m.updatedBy}, <Time iso={m.updatedAt} />
          </>
        )}
      </p>
      {canEdit ? (
        <div className="row">
          <button
            type="button"
            className="secondary"
            data-mutates=""
            onClick={onEdit}
            aria-label={`Edit rules of ${label}…`}
          >
            Edit rules…
          </button>
          {builtIn ? null : (
            <button
              type="button"
              className="link danger-text"
              data-mutates=""
              onClick={onRemove}
              aria-label={`Remove the health model of ${label}…`}
            >
              Remove…
            </button>
          )}
        </div>
      ) : null}
    </li>
  );
}

/** Fleet health per state and per device model, and the rules (health models) the hub judges devices by. */
export function HealthPage() {
  const can = useCan();
  const fleet = useRoute(HEALTH_ROUTES.fleet);
  const models = useRoute(HEALTH_ROUTES.models);
  const [editing, setEditing] = useState<HealthModel | 'new' | null>(null);
  const [removing, setRemoving] = useState<HealthModel | null>(null);
  const reloadFleet = fleet.reload;
  useEffect(() => {
    const t = window.setInterval(reloadFleet, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [reloadFleet]);
  const lastPresence = useRef(0);
  useLiveEvent('presence', () => {
    if (Date.now() - lastPresence.current < PRESENCE_MS) return;
    lastPresence.current = Date.now();
    reloadFleet();
  });

  const done = () => {
    setEditing(null);
    setRemoving(null);
    models.reload();
    fleet.reload();
  };
  const items = models.data?.items ?? [];
  const own = new Set(items.map((m) => m.model).filter((m) => m !== '*'));
  const fleetModels = Object.keys(fleet.data?.byModel ?? {}).filter((m) => m !== NO_MODEL);
  const byDefault = fleetModels.filter((m) => !own.has(m)).sort();

  return (
    <>
      <PageHeader
        title="Health"
        subtitle="The hub judges each device's latest health report by the rules of its model: a device is in the worst state any rule gives it."
        actions={
          can('operator') ? (
            <button
              type="button"
              className="primary"
              data-mutates=""
              onClick={() => setEditing('new')}
              disabled={!models.data}
            >
              New health model…
            </button>
          ) : undefined
        }
      />
      <div className="stack">
        <section className="card" aria-labelledby="fleet-health-title">
          <div className="card-head">
            <h2 id="fleet-health-title">Fleet health</h2>
            {fleet.data ? <span className="muted">{num(fleet.data.total)} devices</span> : null}
          </div>
          <ErrorBox error={fleet.error} />
          {fleet.loading && !fleet.data ? <Loading /> : null}
          {fleet.data ? (
            <>
              <Tiles fleet={fleet.data} />
              <h3>By device model</h3>
              <ByModel fleet={fleet.data} own={own} />
            </>
          ) : null}
        </section>
        <section className="card" aria-labelledby="health-models-title">
          <div className="card-head">
            <h2 id="health-models-title">Health models</h2>
            {byDefault.length > 0 ? <span className="muted">Judged by the default: {byDefault.join(', ')}</span> : null}
          </div>
          <ErrorBox error={models.error} />
          {models.loading && !models.data ? <Loading /> : null}
          {models.data ? (
            <ul className="model-cards">
              {items.map((m) => (
                <ModelCard
                  key={m.model}
                  m={m}
                  fleet={fleet.data}
                  canEdit={can('operator')}
                  onEdit={() => setEditing(m)}
                  onRemove={() => setRemoving(m)}
                />
              ))}
            </ul>
          ) : null}
        </section>
      </div>
      {editing && models.data ? (
        <ModelDialog
          model={editing === 'new' ? null : editing}
          metrics={models.data.metrics}
          known={{ configured: [...own], inFleet: fleetModels }}
          onClose={() => setEditing(null)}
          onSaved={done}
        />
      ) : null}
      {removing ? <RemoveModelDialog model={removing} onClose={() => setRemoving(null)} onDone={done} /> : null}
    </>
  );
}
