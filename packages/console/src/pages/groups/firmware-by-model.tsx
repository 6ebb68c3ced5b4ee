import type { GroupRollup } from '../../app/route-types.js';
import { num } from '../../app/format.js';
import { Link, href, quote } from '../../app/router.js';
import { Empty } from '../../ui/bits.js';

type Row = GroupRollup['firmware'][number];

/** `firmware = "2.1.0"` (or `not firmware exists`) and the model, optionally inside `scope` (filter text). */
function filterOf(r: Row, scope: string | undefined): string {
  const parts = [
    r.model === null ? 'not model exists' : `model = ${quote(r.model)}`,
    r.firmware === null ? 'not firmware exists' : `firmware = ${quote(r.firmware)}`,
  ];
  if (scope) parts.unshift(scope);
  return parts.join(' and ');
}

/** Devices per firmware version, one bar chart per model; each bar opens the device list of its devices. */
export function FirmwareByModel({ rows, scope, title }: { rows: Row[]; scope?: string; title: string }) {
  const models = new Map<string, Row[]>();
  for (const r of rows) (models.get(r.model ?? '') ?? models.set(r.model ?? '', []).get(r.model ?? '')!).push(r);
  return (
    <section className="card" aria-labelledby="fw-model-title" data-testid="firmware-by-model">
      <h2 id="fw-model-title">{title}</h2>
      {rows.length === 0 ? (
        <Empty>No devices.</Empty>
      ) : (
        [...models].map(([model, list]) => {
          const max = Math.max(1, ...list.map((r) => r.devices));
          return (
            <div key={model} className="fw-model">
              <h3>{model || 'model not reported'}</h3>
              <ul className="bars" aria-label={`Firmware of ${model || 'unknown model'}`}>
                {list.map((r) => (
                  <li key={r.firmware ?? '(none)'}>
                    <Link to={href('/devices', { filter: filterOf(r, scope) })} className="bar-row">
                      <span className="bar-label">{r.firmware ?? 'not reported'}</span>
                      <span className="bar-track" aria-hidden="true">
                        <span className="bar-fill" style={{ width: `${(r.devices / max) * 100}%` }} />
                      </span>
                      <span className="bar-value">{num(r.devices)}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}
