import type { AutomationTrigger } from '@outpost/protocol';
import { Field } from '../../ui/bits.js';
import { BROWSER_ZONE, messageAt, messageWithin, type FieldProblem } from './automation-draft.js';
import { TRIGGER_LABELS } from './automation-text.js';

type Kind = AutomationTrigger['kind'];

/** A trigger of a kind with its parameters filled with sensible starting values. */
export function triggerOfKind(kind: Kind): AutomationTrigger {
  switch (kind) {
    case 'manual':
      return { kind };
    case 'cron':
      return { kind, cron: '0 2 * * *', timezone: BROWSER_ZONE };
    case 'alert':
      return { kind, on: 'fired', ruleType: '' };
    case 'device_event':
      return { kind, eventType: '' };
    case 'offline':
      return { kind, forMin: 10 };
    case 'health':
      return { kind, status: 'critical' };
    case 'group_join':
      return { kind, group: '' };
  }
}

const FIELDS = ['/trigger/cron', '/trigger/timezone', '/trigger/forMin', '/trigger/eventType', '/trigger/group'];

/** The trigger picker and the parameters of the chosen kind. */
export function TriggerFields({
  trigger: t,
  onChange,
  problem,
  groups,
}: {
  trigger: AutomationTrigger;
  onChange(t: AutomationTrigger): void;
  problem: FieldProblem | null;
  groups: string[];
}) {
  const set = (patch: Record<string, unknown>) => onChange({ ...t, ...patch } as AutomationTrigger);
  const watch =
    t.kind === 'alert' || t.kind === 'device_event' || t.kind === 'offline' || t.kind === 'health' ? (
      <Field label="Only devices matching (filter, optional)" hint="Empty: every device you can reach.">
        {(id) => (
          <input
            id={id}
            className="mono"
            value={t.watch ?? ''}
            onChange={(e) => set({ watch: e.target.value || undefined })}
          />
        )}
      </Field>
    ) : null;
  const section = messageWithin(problem, '/trigger', FIELDS);
  return (
    <section className="card" aria-labelledby="trigger-h">
      <h2 id="trigger-h">Trigger</h2>
      <div className="form-grid">
        <Field label="Runs when">
          {(id) => (
            <select id={id} value={t.kind} onChange={(e) => onChange(triggerOfKind(e.target.value as Kind))}>
              {(Object.keys(TRIGGER_LABELS) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {TRIGGER_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {t.kind === 'cron' ? (
          <>
            <Field
              label="Cron expression"
              hint="minute hour day month weekday, e.g. 0 2 * * 1-5 (02:00 on weekdays)"
              error={messageAt(problem, '/trigger/cron')}
            >
              {(id) => (
                <input id={id} className="mono" value={t.cron} onChange={(e) => set({ cron: e.target.value })} />
              )}
            </Field>
            <Field label="Time zone" error={messageAt(problem, '/trigger/timezone')}>
              {(id) => <input id={id} value={t.timezone} onChange={(e) => set({ timezone: e.target.value })} />}
            </Field>
          </>
        ) : null}
        {t.kind === 'offline' ? (
          <Field label="Offline for more than (min)" error={messageAt(problem, '/trigger/forMin')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                value={t.forMin}
                onChange={(e) => set({ forMin: Number(e.target.value) })}
              />
            )}
          </Field>
        ) : null}
        {t.kind === 'health' ? (
          <Field label="Health verdict">
            {(id) => (
              <select id={id} value={t.status} onChange={(e) => set({ status: e.target.value })}>
                <option value="warning">warning</option>
                <option value="critical">critical</option>
              </select>
            )}
          </Field>
        ) : null}
        {t.kind === 'device_event' ? (
          <Field label="Event type" hint="e.g. x.power.lost" error={messageAt(problem, '/trigger/eventType')}>
            {(id) => <input id={id} value={t.eventType} onChange={(e) => set({ eventType: e.target.value })} />}
          </Field>
        ) : null}
        {t.kind === 'alert' ? (
          <>
            <Field label="When the alert">
              {(id) => (
                <select id={id} value={t.on} onChange={(e) => set({ on: e.target.value })}>
                  <option value="fired">fires</option>
                  <option value="resolved">resolves</option>
                </select>
              )}
            </Field>
            <Field label="Rule type (or a rule id below)">
              {(id) => (
                <input
                  id={id}
                  value={t.ruleType ?? ''}
                  onChange={(e) => set({ ruleType: e.target.value || undefined })}
                />
              )}
            </Field>
            <Field label="Rule id">
              {(id) => (
                <input id={id} value={t.ruleId ?? ''} onChange={(e) => set({ ruleId: e.target.value || undefined })} />
              )}
            </Field>
          </>
        ) : null}
        {t.kind === 'group_join' ? (
          <Field label="Group" error={messageAt(problem, '/trigger/group')}>
            {(id) => (
              <select id={id} value={t.group} onChange={(e) => set({ group: e.target.value })}>
                <option value="">Choose…</option>
                {groups.map((g) => (
                  <option key={g}>{g}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {watch}
      </div>
      {t.kind === 'cron' ? (
        <p className="hint">
          The hub runs it at each time in that zone; the schedules page lists the next times of schedules.
        </p>
      ) : null}
      {section ? (
        <div className="field-error" role="alert">
          {section}
        </div>
      ) : null}
    </section>
  );
}
