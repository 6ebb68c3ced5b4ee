import { useState } from 'react';
import {
  GUARD_MODES,
  GUARD_POLICY_CLASSES,
  type GuardPolicyInput,
  type GuardPolicyScope,
  GROUPS_ROUTES,
} from '@outpost/protocol';
import type { GuardPolicyRecord } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox } from '../../ui/bits.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { Dialog } from '../../ui/dialog.js';
import { MODE_TEXT, parseMasters, parseRanges, parseUnits, type RangeRow } from './policy-text.js';
import { RangeRows } from './range-rows.js';

const CLASS_TEXT: Record<(typeof GUARD_POLICY_CLASSES)[number], string> = {
  read: 'Read (function codes that only read)',
  write: 'Write (function codes that change registers or coils)',
  control: 'Control (diagnostics, restarts, DNP3 operate)',
};

const DEFAULT: GuardPolicyInput = { mode: 'alert', allowedClasses: ['read'], readOnly: true, onViolation: 'exception' };

/**
 * Sets the policy of one device or one group. Every save is a new hub-wide version,
 * published to the devices it governs; editing keeps the scope and target.
 */
export function PolicyDialog({
  record,
  onClose,
  onSaved,
}: {
  record: GuardPolicyRecord | null;
  onClose(): void;
  onSaved(): void;
}) {
  const p = record?.policy ?? DEFAULT;
  const [scope, setScope] = useState<GuardPolicyScope>(record?.scope ?? 'group');
  const [target, setTarget] = useState(record?.target ?? '');
  const [mode, setMode] = useState(p.mode);
  const [classes, setClasses] = useState<string[]>(p.allowedClasses);
  const [readOnly, setReadOnly] = useState(p.readOnly);
  const [onViolation, setOnViolation] = useState(p.onViolation);
  const [masters, setMasters] = useState((p.allowedMasters ?? []).join(', '));
  const [units, setUnits] = useState((p.allowedUnits ?? []).join(', '));
  const [ranges, setRanges] = useState<RangeRow[]>(
    (p.addressRanges ?? []).map((r) => ({ table: r.table, start: String(r.start), end: String(r.end) })),
  );
  const [inputError, setInputError] = useState<string | null>(null);
  const groups = useRoute(GROUPS_ROUTES.list);
  const act = useAction();
  const editing = record !== null;

  async function save() {
    const m = parseMasters(masters);
    const u = parseUnits(units);
    const r = parseRanges(ranges);
    const problem = [m, u, r].find((x) => !x.ok);
    if (problem && !problem.ok) return setInputError(problem.message);
    if (!target.trim()) return setInputError(scope === 'device' ? 'Name the device.' : 'Choose a group.');
    setInputError(null);
    const body: GuardPolicyInput = {
      mode,
      allowedClasses: GUARD_POLICY_CLASSES.filter((c) => classes.includes(c)),
      readOnly,
      onViolation,
      ...(m.ok && m.value ? { allowedMasters: m.value } : {}),
      ...(u.ok && u.value ? { allowedUnits: u.value } : {}),
      ...(r.ok && r.value ? { addressRanges: r.value } : {}),
    };
    const t = target.trim();
    const saved = await act.perform(() =>
      scope === 'device' ? api.guard.setDevicePolicy(t, body) : api.guard.setGroupPolicy(t, body),
    );
    if (saved) onSaved();
  }

  const toggle = (c: string, on: boolean) => setClasses((cur) => (on ? [...cur, c] : cur.filter((x) => x !== c)));
  return (
    <Dialog
      title={record ? `Guard policy of ${record.scope} ${record.target}` : 'New guard policy'}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel="Save policy"
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <fieldset className="radios">
          <legend>Applies to</legend>
          <label>
            <input
              type="radio"
              name="gp-scope"
              checked={scope === 'group'}
              disabled={editing}
              onChange={() => setScope('group')}
            />{' '}
            A group (a device follows the closest group it is in)
          </label>
          <label>
            <input
              type="radio"
              name="gp-scope"
              checked={scope === 'device'}
              disabled={editing}
              onChange={() => setScope('device')}
            />{' '}
            One device (wins over any group's)
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="gp-target">{scope === 'device' ? 'Device' : 'Group'}</label>
          {scope === 'device' ? (
            <DevicePicker id="gp-target" value={target} onChange={setTarget} disabled={editing} />
          ) : (
            <select
              id="gp-target"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              disabled={editing}
              required
            >
              <option value="">Choose…</option>
              {editing && !groups.data?.items.some((g) => g.path === target) ? (
                <option value={target}>{target}</option>
              ) : null}
              {(groups.data?.items ?? []).map((g) => (
                <option key={g.id} value={g.path}>
                  {g.kind === 'dynamic' ? `${g.path} (dynamic)` : g.path}
                </option>
              ))}
            </select>
          )}
          {scope === 'group' && groups.data?.items.length === 0 ? (
            <div className="hint">No group yet: create one on the Groups page.</div>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="gp-mode">Mode</label>
          <select id="gp-mode" value={mode} onChange={(e) => setMode(e.target.value as GuardPolicyInput['mode'])}>
            {GUARD_MODES.map((x) => (
              <option key={x} value={x}>
                {MODE_TEXT[x]}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="radios">
          <legend>A blocked request (enforce mode)</legend>
          <label>
            <input
              type="radio"
              name="gp-violation"
              checked={onViolation === 'exception'}
              onChange={() => setOnViolation('exception')}
            />{' '}
            Answer with a Modbus exception
          </label>
          <label>
            <input
              type="radio"
              name="gp-violation"
              checked={onViolation === 'drop'}
              onChange={() => setOnViolation('drop')}
            />{' '}
            Drop it silently
          </label>
        </fieldset>
        <fieldset className="radios">
          <legend>Allowed function codes</legend>
          {GUARD_POLICY_CLASSES.map((c) => (
            <label key={c} className="check">
              <input type="checkbox" checked={classes.includes(c)} onChange={(e) => toggle(c, e.target.checked)} />{' '}
              {CLASS_TEXT[c]}
            </label>
          ))}
        </fieldset>
        <fieldset className="radios">
          <legend>Writes</legend>
          <label className="check">
            <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only: a
            write passes only under a write grant
          </label>
          <div className="hint">
            Grants are signed by the hub, limited to one unit and address range, and expire within 8 hours.
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="gp-masters">Allowed masters</label>
          <input
            id="gp-masters"
            className="mono"
            value={masters}
            onChange={(e) => setMasters(e.target.value)}
            placeholder="any master"
            aria-describedby="gp-masters-hint"
          />
          <div className="hint" id="gp-masters-hint">
            Addresses of the SCADA clients, e.g. 10.0.0.5, 10.0.0.6. Empty allows any.
          </div>
        </div>
        <div className="field">
          <label htmlFor="gp-units">Allowed unit ids</label>
          <input
            id="gp-units"
            className="mono"
            value={units}
            onChange={(e) => setUnits(e.target.value)}
            placeholder="any unit"
            aria-describedby="gp-units-hint"
          />
          <div className="hint" id="gp-units-hint">
            Modbus unit or DNP3 addresses, e.g. 1, 2, 17. Empty allows any.
          </div>
        </div>
        <div className="span-2">
          <RangeRows rows={ranges} onChange={setRanges} />
        </div>
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error ?? groups.error} />
    </Dialog>
  );
}
