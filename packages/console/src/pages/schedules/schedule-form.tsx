import { useState } from 'react';
import { CONFIGS_ROUTES, GROUPS_ROUTES, type ScheduleInput } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useAsync } from '../../app/use-async.js';
import { loadRoute } from '../../app/use-route.js';
import { Field } from '../../ui/bits.js';
import { DevicePicker } from '../../ui/device-picker.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { BROWSER_ZONE, type FieldProblem } from '../automations/automation-draft.js';
import { problemFromApi } from '../automations/api-problem.js';

type ActionType = ScheduleInput['action']['type'];

interface Draft {
  name: string;
  action: ActionType;
  command: string;
  args: string;
  values: string;
  templateId: string;
  when: 'once' | 'cron';
  /** A `datetime-local` value: the person's own wall time. */
  at: string;
  cron: string;
  timezone: string;
  targetKind: 'device' | 'group' | 'filter';
  deviceId: string;
  group: string;
  filter: string;
  window: boolean;
  windowCron: string;
  windowDurationMin: string;
  windowTimezone: string;
  pickUpOffline: boolean;
}

const START: Draft = {
  name: '',
  action: 'command',
  command: 'ping',
  args: '',
  values: '',
  templateId: '',
  when: 'once',
  at: '',
  cron: '0 2 * * *',
  timezone: BROWSER_ZONE,
  targetKind: 'group',
  deviceId: '',
  group: '',
  filter: '',
  window: false,
  windowCron: '0 1 * * *',
  windowDurationMin: '240',
  windowTimezone: BROWSER_ZONE,
  pickUpOffline: false,
};

function objectOf(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${what}: not valid JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what}: a JSON object ({…}) is needed`);
  return v as Record<string, unknown>;
}

/** The hub's schedule body from the form; a field that does not parse throws with its name. */
export function scheduleBodyOf(d: Draft): ScheduleInput {
  const action: ScheduleInput['action'] =
    d.action === 'command'
      ? { type: 'command', name: d.command.trim(), ...(d.args.trim() ? { args: objectOf(d.args, 'Arguments') } : {}) }
      : d.action === 'reboot'
        ? { type: 'reboot' }
        : d.action === 'config_override'
          ? { type: 'config_override', values: objectOf(d.values, 'Keys and values') }
          : { type: 'enforce_template', templateId: d.templateId };
  let when: Pick<ScheduleInput, 'at' | 'cron' | 'timezone'>;
  if (d.when === 'once') {
    const t = new Date(d.at);
    if (!d.at || Number.isNaN(t.getTime())) throw new Error('When: choose a date and time');
    when = { at: t.toISOString() };
  } else when = { cron: d.cron.trim(), timezone: d.timezone.trim() };
  const target =
    d.targetKind === 'device'
      ? { deviceId: d.deviceId.trim() }
      : d.targetKind === 'group'
        ? { group: d.group }
        : { filter: d.filter.trim() };
  return {
    name: d.name.trim(),
    action,
    ...when,
    ...target,
    ...(d.window
      ? {
          maintenanceWindow: {
            cron: d.windowCron.trim(),
            durationMin: Number(d.windowDurationMin),
            timezone: d.windowTimezone.trim(),
          },
        }
      : {}),
    pickUpOffline: d.pickUpOffline,
  };
}

/** A new scheduled operation: what, when (once or on a cron), on which devices, and how offline devices are treated. */
export function ScheduleForm({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const [d, setD] = useState<Draft>(START);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const lists = useAsync(
    () =>
      Promise.all([loadRoute(GROUPS_ROUTES.list), loadRoute(CONFIGS_ROUTES.templates).catch(() => ({ items: [] }))]),
    [],
  );
  const groups = lists.data?.[0].items.map((g) => g.path) ?? [];
  const templates = lists.data?.[1].items ?? [];
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });
  const at = (path: string) => (problem && problem.path === path ? problem.message : undefined);

  async function submit() {
    setProblem(null);
    const body = scheduleBodyOf(d);
    try {
      return await api.schedules.create(body);
    } catch (err) {
      setProblem(problemFromApi(err));
      throw err;
    }
  }

  return (
    <FormDialog
      title="New schedule"
      open
      onClose={onClose}
      onSubmit={submit}
      onDone={onDone}
      submitLabel="Create schedule"
      wide
    >
      <div className="form-grid">
        <Field label="Name" error={at('/name')}>
          {(id) => <input id={id} value={d.name} onChange={(e) => set({ name: e.target.value })} required autoFocus />}
        </Field>
        <Field label="Action">
          {(id) => (
            <select id={id} value={d.action} onChange={(e) => set({ action: e.target.value as ActionType })}>
              <option value="command">Command</option>
              <option value="reboot">Reboot</option>
              <option value="config_override">Configuration push</option>
              <option value="enforce_template">Template enforcement</option>
            </select>
          )}
        </Field>
        {d.action === 'command' ? (
          <>
            <Field label="Command" error={at('/action/name')}>
              {(id) => (
                <input
                  id={id}
                  className="mono"
                  value={d.command}
                  onChange={(e) => set({ command: e.target.value })}
                  required
                />
              )}
            </Field>
            <Field label="Arguments (JSON object, optional)" error={at('/action/args')}>
              {(id) => (
                <input id={id} className="mono" value={d.args} onChange={(e) => set({ args: e.target.value })} />
              )}
            </Field>
          </>
        ) : null}
        {d.action === 'config_override' ? (
          <Field label="Keys and values (JSON object)" error={at('/action/values')}>
            {(id) => (
              <input
                id={id}
                className="mono"
                value={d.values}
                onChange={(e) => set({ values: e.target.value })}
                required
              />
            )}
          </Field>
        ) : null}
        {d.action === 'enforce_template' ? (
          <Field label="Template" error={at('/action/templateId')}>
            {(id) => (
              <select id={id} value={d.templateId} onChange={(e) => set({ templateId: e.target.value })} required>
                <option value="">Choose…</option>
                {templates.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} v{t.version}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <fieldset className="radios span-2">
          <legend>When</legend>
          <label>
            <input type="radio" name="sch-when" checked={d.when === 'once'} onChange={() => set({ when: 'once' })} />{' '}
            Once
          </label>
          <label>
            <input type="radio" name="sch-when" checked={d.when === 'cron'} onChange={() => set({ when: 'cron' })} />{' '}
            Repeatedly (cron)
          </label>
        </fieldset>
        {d.when === 'once' ? (
          <Field label="At (your local time)" hint={`time zone ${BROWSER_ZONE}`} error={at('/at')}>
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={d.at}
                onChange={(e) => set({ at: e.target.value })}
                required
              />
            )}
          </Field>
        ) : (
          <>
            <Field label="Cron expression" hint="minute hour day month weekday" error={at('/cron')}>
              {(id) => (
                <input
                  id={id}
                  className="mono"
                  value={d.cron}
                  onChange={(e) => set({ cron: e.target.value })}
                  required
                />
              )}
            </Field>
            <Field label="Time zone" error={at('/timezone')}>
              {(id) => (
                <input id={id} value={d.timezone} onChange={(e) => set({ timezone: e.target.value })} required />
              )}
            </Field>
          </>
        )}
        <fieldset className="radios span-2">
          <legend>On</legend>
          {(
            [
              ['device', 'One device'],
              ['group', 'A group'],
              ['filter', 'Every device a filter matches'],
            ] as const
          ).map(([k, label]) => (
            <label key={k}>
              <input
                type="radio"
                name="sch-target"
                checked={d.targetKind === k}
                onChange={() => set({ targetKind: k })}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
        {d.targetKind === 'device' ? (
          <Field label="Device" error={at('/deviceId')}>
            {(id) => <DevicePicker id={id} value={d.deviceId} onChange={(v) => set({ deviceId: v })} />}
          </Field>
        ) : null}
        {d.targetKind === 'group' ? (
          <Field label="Group" error={at('/group')}>
            {(id) => (
              <select id={id} value={d.group} onChange={(e) => set({ group: e.target.value })} required>
                <option value="">Choose…</option>
                {groups.map((g) => (
                  <option key={g}>{g}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {d.targetKind === 'filter' ? (
          <Field label="Filter" error={at('/filter')}>
            {(id) => (
              <input
                id={id}
                className="mono"
                value={d.filter}
                onChange={(e) => set({ filter: e.target.value })}
                required
              />
            )}
          </Field>
        ) : null}
        <label className="check span-2">
          <input type="checkbox" checked={d.window} onChange={(e) => set({ window: e.target.checked })} /> Honour a
          maintenance window (devices start only while it is open)
        </label>
        {d.window ? (
          <>
            <Field label="Window opens (cron)" error={at('/maintenanceWindow/cron')}>
              {(id) => (
                <input
                  id={id}
                  className="mono"
                  value={d.windowCron}
                  onChange={(e) => set({ windowCron: e.target.value })}
                />
              )}
            </Field>
            <Field label="Window length (min)" error={at('/maintenanceWindow/durationMin')}>
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  value={d.windowDurationMin}
                  onChange={(e) => set({ windowDurationMin: e.target.value })}
                />
              )}
            </Field>
            <Field label="Window time zone" error={at('/maintenanceWindow/timezone')}>
              {(id) => (
                <input id={id} value={d.windowTimezone} onChange={(e) => set({ windowTimezone: e.target.value })} />
              )}
            </Field>
          </>
        ) : null}
        <label className="check span-2">
          <input type="checkbox" checked={d.pickUpOffline} onChange={(e) => set({ pickUpOffline: e.target.checked })} />{' '}
          Pick up devices that are offline at the time when they return (otherwise they are skipped, with the reason)
        </label>
      </div>
    </FormDialog>
  );
}
