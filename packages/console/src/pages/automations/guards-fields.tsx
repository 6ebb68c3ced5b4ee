import { Field } from '../../ui/bits.js';
import { messageAt, messageWithin, type FieldProblem, type GuardsDraft } from './automation-draft.js';

const NUMBERS: Array<[keyof GuardsDraft, string, string]> = [
  ['maxDevices', 'At most devices per run', 'default 1000; a larger target refuses the run'],
  ['maxConcurrent', 'At most at once', 'default 100'],
  ['perMinute', 'Devices started per minute', 'empty: no rate limit'],
  ['cooldownMin', 'Cool-down per device (min)', 'default 60: a device is not acted on again sooner'],
  ['approvalAbove', 'Ask for approval above (devices)', 'empty: never'],
];

const FIELDS = [
  ...NUMBERS.map(([k]) => `/guards/${k}`),
  '/guards/pickUpWithinMin',
  '/guards/maintenanceWindow/cron',
  '/guards/maintenanceWindow/durationMin',
  '/guards/maintenanceWindow/timezone',
];

/** The limits around a run: size, pace, window, cool-down, approval, offline devices. */
export function GuardsFields({
  guards: g,
  onChange,
  problem,
}: {
  guards: GuardsDraft;
  onChange(g: GuardsDraft): void;
  problem: FieldProblem | null;
}) {
  const set = (patch: Partial<GuardsDraft>) => onChange({ ...g, ...patch });
  const section = messageWithin(problem, '/guards', FIELDS);
  return (
    <section className="card" aria-labelledby="guards-h">
      <h2 id="guards-h">Guards</h2>
      <div className="form-grid">
        {NUMBERS.map(([k, label, hint]) => (
          <Field key={k} label={label} hint={hint} error={messageAt(problem, `/guards/${k}`)}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                value={g[k] as string}
                onChange={(e) => set({ [k]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <Field label="Devices offline when their turn comes">
          {(id) => (
            <select
              id={id}
              value={g.offline}
              onChange={(e) => set({ offline: e.target.value as GuardsDraft['offline'] })}
            >
              <option value="">default (act on the triggering device; skip in a group)</option>
              <option value="skip">skip them, with the reason</option>
              <option value="pick_up">take them up when they return</option>
              <option value="proceed">send anyway (commands wait for them)</option>
            </select>
          )}
        </Field>
        {g.offline === 'pick_up' ? (
          <Field label="Take up within (min)" hint="default 24 h" error={messageAt(problem, '/guards/pickUpWithinMin')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                value={g.pickUpWithinMin}
                onChange={(e) => set({ pickUpWithinMin: e.target.value })}
              />
            )}
          </Field>
        ) : null}
        <label className="check span-2">
          <input type="checkbox" checked={g.window} onChange={(e) => set({ window: e.target.checked })} /> Start devices
          only inside a maintenance window
        </label>
        {g.window ? (
          <>
            <Field label="Window opens (cron)" error={messageAt(problem, '/guards/maintenanceWindow/cron')}>
              {(id) => (
                <input
                  id={id}
                  className="mono"
                  value={g.windowCron}
                  onChange={(e) => set({ windowCron: e.target.value })}
                />
              )}
            </Field>
            <Field label="Window length (min)" error={messageAt(problem, '/guards/maintenanceWindow/durationMin')}>
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  value={g.windowDurationMin}
                  onChange={(e) => set({ windowDurationMin: e.target.value })}
                />
              )}
            </Field>
            <Field label="Window time zone" error={messageAt(problem, '/guards/maintenanceWindow/timezone')}>
              {(id) => (
                <input id={id} value={g.windowTimezone} onChange={(e) => set({ windowTimezone: e.target.value })} />
              )}
            </Field>
          </>
        ) : null}
      </div>
      {section ? (
        <div className="field-error" role="alert">
          {section}
        </div>
      ) : null}
    </section>
  );
}
