import { useState } from 'react';
import { ALERTS_ROUTES, type AlertSeverity } from '@outpost/protocol';
import type { AlertRule } from '../../app/route-types.js';
import { api, describeError } from '../../app/api.js';
import { duration } from '../../app/format.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { SeverityBadge } from './severity.js';
import { DataMonitorFieldset } from './data-monitor-fields.js';
import {
  EMPTY_FIELDS,
  dataMonitorParams,
  describeDataMonitor,
  fieldsOf,
  isDataMonitor,
  type DataMonitorFields,
  type ParamsResult,
} from './data-monitor-params.js';
import { valueText } from '../../ui/field-list.js';

/** Create or change a rule: its type's parameters as JSON, a scope, how long before it fires. */
function RuleDialog({ rule, onClose, onSaved }: { rule: AlertRule | null; onClose(): void; onSaved(): void }) {
  const types = useRoute(ALERTS_ROUTES.ruleTypes);
  const [name, setName] = useState(rule?.name ?? '');
  const [type, setType] = useState(rule?.type ?? '');
  const [severity, setSeverity] = useState<AlertSeverity>(rule?.severity ?? 'warning');
  const [filter, setFilter] = useState(rule?.scope.filter ?? '');
  const [group, setGroup] = useState(rule?.scope.group ?? '');
  const [params, setParams] = useState(rule ? JSON.stringify(rule.params, null, 2) : '{}');
  const [forS, setForS] = useState(rule?.forS ?? 60);
  const [inputError, setInputError] = useState<string | null>(null);
  const [fields, setFields] = useState<DataMonitorFields>(
    rule && isDataMonitor(rule.type) ? fieldsOf(rule.type, rule.params) : EMPTY_FIELDS,
  );
  const [invalid, setInvalid] = useState<Extract<ParamsResult, { field: string }> | null>(null);
  const monitor = isDataMonitor(type) ? type : null;
  const act = useAction();
  const spec = types.data?.items.find((t) => t.type === type);

  async function save() {
    let p: Record<string, unknown>;
    if (monitor) {
      const r = dataMonitorParams(monitor, fields);
      if ('error' in r) {
        setInvalid(r);
        return setInputError(r.error);
      }
      p = r.params;
    } else {
      try {
        p = JSON.parse(params || '{}') as Record<string, unknown>;
      } catch (err) {
        return setInputError(`Parameters must be JSON: ${describeError(err)}`);
      }
    }
    setInvalid(null);
    setInputError(null);
    const scope = {
      ...(group.trim() ? { group: group.trim() } : {}),
      ...(filter.trim() ? { filter: filter.trim() } : {}),
    };
    const body = { name: name.trim(), type, severity, scope, params: p, forS };
    const r = await act.perform(() => (rule ? api.rules.update(rule.id, body) : api.rules.create(body)));
    if (r) onSaved();
  }

  return (
    <Dialog
      title={rule ? `Edit rule ${rule.name}` : 'New alert rule'}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel={rule ? 'Save rule' : 'Create rule'}
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="rule-name">Name</label>
          <input
            id="rule-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            disabled={!!rule}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="rule-type">Type</label>
          <select
            id="rule-type"
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              if (isDataMonitor(e.target.value)) setFields(fieldsOf(e.target.value, {}));
            }}
            required
            disabled={!!rule}
          >
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
          <input
            id="rule-filter"
            className="mono"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="every device"
          />
        </div>
        {monitor ? (
          <DataMonitorFieldset type={monitor} fields={fields} onChange={setFields} invalid={invalid} />
        ) : (
          <div className="field span-2">
            <label htmlFor="rule-params">Parameters (JSON)</label>
            <textarea
              id="rule-params"
              className="mono"
              rows={5}
              value={params}
              onChange={(e) => setParams(e.target.value)}
            />
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
        )}
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

const scopeText = (r: AlertRule) =>
  [r.scope.group ? `group = "${r.scope.group}"` : '', r.scope.filter ?? ''].filter(Boolean).join(' and ') ||
  'every device';

/** Data monitors in words; other types list their parameters. */
const conditionText = (r: AlertRule) => describeDataMonitor(r.type, r.params) ?? (valueText(r.params) || '–');

const RULE_COLUMNS: Column<AlertRule>[] = [
  { key: 'name', header: 'Rule', className: 'strong', cell: (r) => r.name },
  { key: 'type', header: 'Type', cell: (r) => <code>{r.type}</code> },
  { key: 'severity', header: 'Severity', cell: (r) => <SeverityBadge severity={r.severity} /> },
  { key: 'condition', header: 'Condition', cell: conditionText },
  { key: 'scope', header: 'Scope', className: 'mono small', cell: scopeText },
  { key: 'for', header: 'Fires after', cell: (r) => duration(r.forS) },
  { key: 'enabled', header: 'Enabled', cell: (r) => (r.enabled ? 'yes' : 'no') },
];

export function AlertRules() {
  const can = useCan();
  const rules = useRoute(ALERTS_ROUTES.rules);
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const act = useAction();
  const toggle = (r: AlertRule) =>
    void act.perform(() => api.rules.update(r.id, { enabled: !r.enabled })).then((x) => x && rules.reload());
  const remove = (r: AlertRule) =>
    void act.perform(async () => (await api.rules.remove(r.id), true)).then((ok) => ok && rules.reload());
  return (
    <div className="stack">
      {can('operator') ? (
        <div>
          <button type="button" className="primary" data-mutates="" onClick={() => setEditing('new')}>
            New rule…
          </button>
        </div>
      ) : null}
      <DataTable
        columns={RULE_COLUMNS}
        rows={rules.data?.items}
        rowKey={(r) => r.id}
        rowClass={(r) => (r.enabled ? undefined : 'row-muted')}
        actions={[
          { label: 'Edit', min: 'operator', onClick: (r) => setEditing(r) },
          { label: (r) => (r.enabled ? 'Disable' : 'Enable'), min: 'operator', onClick: toggle },
          { label: 'Delete', min: 'operator', danger: true, onClick: remove },
        ]}
        loading={rules.loading}
        error={rules.error ?? act.error}
        empty="No alert rules yet."
      />
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
