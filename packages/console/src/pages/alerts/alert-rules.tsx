import { useState } from 'react';
import type { AlertRule, AlertSeverity } from '@outpost/protocol';
import { api, describeError } from '../../app/api.js';
import { duration } from '../../app/format.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { SeverityBadge } from './severity.js';

/** Create or change a rule: its type's parameters as JSON, a scope, how long before it fires. */
function RuleDialog({ rule, onClose, onSaved }: { rule: AlertRule | null; onClose(): void; onSaved(): void }) {
  const types = useAsync(() => api.rules.types(), []);
  const [name, setName] = useState(rule?.name ?? '');
  const [type, setType] = useState(rule?.type ?? '');
  const [severity, setSeverity] = useState<AlertSeverity>(rule?.severity ?? 'warning');
  const [filter, setFilter] = useState(rule?.scope.filter ?? '');
  const [group, setGroup] = useState(rule?.scope.group ?? '');
  const [params, setParams] = useState(rule ? JSON.stringify(rule.params, null, 2) : '{}');
  const [forS, setForS] = useState(rule?.forS ?? 60);
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  const spec = types.data?.items.find((t) => t.type === type);

  async function save() {
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(params || '{}') as Record<string, unknown>;
    } catch (err) {
      return setInputError(`Parameters must be JSON: ${describeError(err)}`);
    }
    setInputError(null);
    const scope = { ...(group.trim() ? { group: group.trim() } : {}), ...(filter.trim() ? { filter: filter.trim() } : {}) };
    const body = { name: name.trim(), type, severity, scope, params: p, forS };
    const r = await act.perform(() => (rule ? api.rules.update(rule.id, body) : api.rules.create(body)));
    if (r) onSaved();
  }

  return (
    <Dialog title={rule ? `Edit rule ${rule.name}` : 'New alert rule'} open onClose={onClose} onSubmit={() => void save()} submitLabel={rule ? 'Save rule' : 'Create rule'} busy={act.busy} wide>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="rule-name">Name</label>
          <input id="rule-name" value={name} onChange={(e) => setName(e.target.value)} required disabled={!!rule} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="rule-type">Type</label>
          <select id="rule-type" value={type} onChange={(e) => setType(e.target.value)} required disabled={!!rule}>
            <option value="">Choose…</option>
            {types.data?.items.map((t) => (
              <option key={t.type} value={t.type}>
                {t.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rule-severity">Severity</label>
          <select id="rule-severity" value={severity} onChange={(e) => setSeverity(e.target.value as AlertSeverity)}>
            <option>critical</option>
            <option>warning</option>
            <option>info</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="rule-for">Condition holds for (seconds)</label>
          <input id="rule-for" type="number" min={0} value={forS} onChange={(e) => setForS(Number(e.target.value))} />
        </div>
        <div className="field">
          <label htmlFor="rule-group">Only devices in group</label>
          <input id="rule-group" value={group} onChange={(e) => setGroup(e.target.value)} placeholder="any group" />
        </div>
        <div className="field">
          <label htmlFor="rule-filter">Only devices matching</label>
          <input id="rule-filter" className="mono" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="every device" />
        </div>
        <div className="field span-2">
          <label htmlFor="rule-params">Parameters (JSON)</label>
          <textarea id="rule-params" className="mono" rows={5} value={params} onChange={(e) => setParams(e.target.value)} />
          {spec ? (
            <div className="hint">
              {Object.entries(spec.params).map(([k, v]) => (
                <div key={k}>
                  <code>{k}</code>: {v}
                </div>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error ?? types.error} />
    </Dialog>
  );
}

export function AlertRules() {
  const can = useCan();
  const rules = useAsync(() => api.rules.list(), []);
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const act = useAction();
  const toggle = (r: AlertRule) => void act.perform(() => api.rules.update(r.id, { enabled: !r.enabled })).then((x) => x && rules.reload());
  return (
    <div className="stack">
      {can('operator') ? (
        <div>
          <button type="button" className="primary" data-mutates="" onClick={() => setEditing('new')}>
            New rule…
          </button>
        </div>
      ) : null}
      <ErrorBox error={rules.error ?? act.error} />
      {rules.loading && !rules.data ? <Loading /> : null}
      {rules.data?.items.length === 0 ? <Empty>No alert rules yet.</Empty> : null}
      {rules.data && rules.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Type</th>
                <th scope="col">Severity</th>
                <th scope="col">Scope</th>
                <th scope="col">Fires after</th>
                <th scope="col">Enabled</th>
                {can('operator') ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rules.data.items.map((r) => (
                <tr key={r.id} className={r.enabled ? undefined : 'row-muted'}>
                  <td className="strong">{r.name}</td>
                  <td>
                    <code>{r.type}</code>
                  </td>
                  <td>
                    <SeverityBadge severity={r.severity} />
                  </td>
                  <td className="mono small">{[r.scope.group ? `group = "${r.scope.group}"` : '', r.scope.filter ?? ''].filter(Boolean).join(' and ') || 'every device'}</td>
                  <td>{duration(r.forS)}</td>
                  <td>{r.enabled ? 'yes' : 'no'}</td>
                  {can('operator') ? (
                    <td className="actions">
                      <button type="button" className="link" data-mutates="" onClick={() => setEditing(r)}>
                        Edit
                      </button>
                      <button type="button" className="link" data-mutates="" onClick={() => toggle(r)}>
                        {r.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" className="link danger-text" data-mutates="" onClick={() => void act.perform(async () => (await api.rules.remove(r.id), true)).then((ok) => ok && rules.reload())}>
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? (
        <RuleDialog
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            rules.reload();
          }}
        />
      ) : null}
    </div>
  );
}
