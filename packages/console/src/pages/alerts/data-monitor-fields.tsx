import { DATA_QUALITIES } from '@outpost/protocol';
import type { DataMonitorFields, DataMonitorType } from './data-monitor-params.js';

type Props = {
  type: DataMonitorType;
  fields: DataMonitorFields;
  onChange(f: DataMonitorFields): void;
  /** The field the last check refused, with its reason. */
  invalid: { field: keyof DataMonitorFields; error: string } | null;
};

function Text({
  id,
  label,
  k,
  p,
  hint,
  type = 'text',
}: {
  id: string;
  label: string;
  k: 'point' | 'threshold' | 'hysteresis' | 'perMinute' | 'windowS' | 'afterS';
  p: Props;
  hint?: string;
  type?: 'text' | 'number';
}) {
  const bad = p.invalid?.field === k;
  return (
    <div className={`field${bad ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        step="any"
        className={k === 'point' ? 'mono' : undefined}
        value={p.fields[k]}
        aria-invalid={bad || undefined}
        onChange={(e) => p.onChange({ ...p.fields, [k]: e.target.value })}
      />
      {hint ? <div className="hint">{hint}</div> : null}
    </div>
  );
}

function Direction({ p, options }: { p: Props; options: string[] }) {
  return (
    <div className="field">
      <label htmlFor="dm-direction">Direction</label>
      <select
        id="dm-direction"
        value={p.fields.direction}
        onChange={(e) => p.onChange({ ...p.fields, direction: e.target.value })}
      >
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </div>
  );
}

/** The parameters of a data monitor as fields of their own, in place of the JSON text. */
export function DataMonitorFieldset(p: Props) {
  return (
    <fieldset className="form-grid span-2 data-monitor" aria-label="Data monitor">
      <Text
        id="dm-point"
        label="Data point"
        k="point"
        p={p}
        hint="The point's name as the devices report it, e.g. tank.level"
      />
      {p.type === 'data_threshold' ? (
        <>
          <Direction p={p} options={['above', 'below']} />
          <Text id="dm-threshold" label="Threshold" k="threshold" p={p} type="number" />
          <Text
            id="dm-hysteresis"
            label="Hysteresis"
            k="hysteresis"
            p={p}
            type="number"
            hint="Resolves only once the value is back past the threshold by this much"
          />
        </>
      ) : null}
      {p.type === 'data_rate' ? (
        <>
          <Direction p={p} options={['either', 'up', 'down']} />
          <Text id="dm-rate" label="Change per minute" k="perMinute" p={p} type="number" />
          <Text id="dm-window" label="Window (seconds)" k="windowS" p={p} type="number" hint="10 s to 7 days" />
        </>
      ) : null}
      {p.type === 'data_stale' ? (
        <Text
          id="dm-after"
          label="Stale after (seconds)"
          k="afterS"
          p={p}
          type="number"
          hint="Fires when the newest value is older than this"
        />
      ) : null}
      {p.type === 'data_state' ? (
        <div className={`field span-2${p.invalid?.field === 'states' ? ' field-invalid' : ''}`}>
          <label htmlFor="dm-states">States that fire (one per line)</label>
          <textarea
            id="dm-states"
            className="mono"
            rows={3}
            value={p.fields.states}
            onChange={(e) => p.onChange({ ...p.fields, states: e.target.value })}
          />
          <div className="hint">As text: tripped, false, 3</div>
        </div>
      ) : null}
      {p.type === 'data_quality' ? (
        <fieldset className="radios">
          <legend>Qualities that fire</legend>
          {DATA_QUALITIES.map((q) => (
            <label key={q} className="check">
              <input
                type="checkbox"
                checked={p.fields.qualities.includes(q)}
                onChange={(e) =>
                  p.onChange({
                    ...p.fields,
                    qualities: e.target.checked
                      ? [...p.fields.qualities, q]
                      : p.fields.qualities.filter((x) => x !== q),
                  })
                }
              />{' '}
              {q}
            </label>
          ))}
        </fieldset>
      ) : null}
    </fieldset>
  );
}
