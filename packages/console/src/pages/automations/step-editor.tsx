import type { ReactNode } from 'react';
import { Field } from '../../ui/bits.js';
import {
  messageAt,
  messageWithin,
  type FieldProblem,
  type StepActionChoice,
  type StepDraft,
  type StepType,
} from './automation-draft.js';
import { STEP_LABELS } from './automation-text.js';

export interface Choice {
  id: string;
  label: string;
}

/** What the step pickers offer: notification channels, templates and artifacts the hub knows. */
export interface StepChoices {
  channels: Choice[];
  templates: Choice[];
  artifacts: Choice[];
}

const FIELDS_BY_TYPE: Record<StepType, string[]> = {
  command: ['name', 'args'],
  reboot: [],
  diagnostic: ['name', 'param'],
  wait: ['forS', 'until'],
  notify: ['channelId', 'message'],
  config_override: ['values'],
  enforce_template: ['templateId'],
  rollout: ['artifactId'],
};

const OUTCOMES = [
  ['ok', 'When it succeeds'],
  ['failed', 'When it fails'],
  ['timeout', 'When it times out'],
] as const;

function Picker({
  id,
  value,
  choices,
  onChange,
}: {
  id: string;
  value: string;
  choices: Choice[];
  onChange(v: string): void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose…</option>
      {choices.map((c) => (
        <option key={c.id} value={c.id}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** One step in the ordered list: its type, the parameters of that type, its time limit and what its result leads to. */
export function StepEditor({
  step: s,
  index: i,
  count,
  choices,
  problem,
  onChange,
  onMove,
  onRemove,
}: {
  step: StepDraft;
  index: number;
  count: number;
  choices: StepChoices;
  problem: FieldProblem | null;
  onChange(s: StepDraft): void;
  onMove(by: number): void;
  onRemove(): void;
}) {
  const p = `/steps/${i}`;
  const set = (patch: Partial<StepDraft>) => onChange({ ...s, ...patch });
  const err = (f: string) => messageAt(problem, `${p}/${f}`);
  const fields = [...FIELDS_BY_TYPE[s.type], 'timeoutS'].map((f) => `${p}/${f}`);
  const section = messageWithin(problem, p, fields);
  const n = i + 1;
  let params: ReactNode = null;
  switch (s.type) {
    case 'command':
      params = (
        <>
          <Field label="Command" error={err('name')}>
            {(id) => <input id={id} className="mono" value={s.name} onChange={(e) => set({ name: e.target.value })} />}
          </Field>
          <Field label="Arguments (JSON object, optional)" error={err('args')}>
            {(id) => (
              <input
                id={id}
                className="mono"
                value={s.args}
                placeholder='{"host": "10.0.0.1"}'
                onChange={(e) => set({ args: e.target.value })}
              />
            )}
          </Field>
        </>
      );
      break;
    case 'diagnostic':
      params = (
        <>
          <Field label="Diagnostic" hint="a name the devices declare, e.g. modem" error={err('name')}>
            {(id) => <input id={id} className="mono" value={s.name} onChange={(e) => set({ name: e.target.value })} />}
          </Field>
          <Field label="Parameter (if it takes one)" error={err('param')}>
            {(id) => <input id={id} value={s.param} onChange={(e) => set({ param: e.target.value })} />}
          </Field>
        </>
      );
      break;
    case 'wait':
      params = (
        <>
          <Field label="Wait for (s)" hint="a duration; with a condition, at most the time limit" error={err('forS')}>
            {(id) => (
              <input id={id} type="number" min={1} value={s.forS} onChange={(e) => set({ forS: e.target.value })} />
            )}
          </Field>
          <Field label="Or until" error={err('until')}>
            {(id) => (
              <select id={id} value={s.until} onChange={(e) => set({ until: e.target.value as StepDraft['until'] })}>
                <option value="">no condition</option>
                <option value="online">the device is online</option>
                <option value="offline">the device is offline</option>
                <option value="health_normal">its health is normal</option>
              </select>
            )}
          </Field>
        </>
      );
      break;
    case 'notify':
      params = (
        <>
          <Field label="Channel" error={err('channelId')}>
            {(id) => (
              <Picker id={id} value={s.channelId} choices={choices.channels} onChange={(v) => set({ channelId: v })} />
            )}
          </Field>
          <Field label="Message" hint="{device} and {automation} are replaced" error={err('message')}>
            {(id) => <input id={id} value={s.message} onChange={(e) => set({ message: e.target.value })} />}
          </Field>
        </>
      );
      break;
    case 'config_override':
      params = (
        <Field label="Keys and values (JSON object)" error={err('values')}>
          {(id) => (
            <input
              id={id}
              className="mono"
              value={s.values}
              placeholder='{"log.level": "debug"}'
              onChange={(e) => set({ values: e.target.value })}
            />
          )}
        </Field>
      );
      break;
    case 'enforce_template':
      params = (
        <Field label="Template" error={err('templateId')}>
          {(id) => (
            <Picker id={id} value={s.templateId} choices={choices.templates} onChange={(v) => set({ templateId: v })} />
          )}
        </Field>
      );
      break;
    case 'rollout':
      params = (
        <Field label="Artifact" error={err('artifactId')}>
          {(id) => (
            <Picker id={id} value={s.artifactId} choices={choices.artifacts} onChange={(v) => set({ artifactId: v })} />
          )}
        </Field>
      );
      break;
  }
  return (
    <li className="card step-card" aria-label={`Step ${n}`} data-testid="step">
      <div className="card-head">
        <h3>Step {n}</h3>
        <div className="row">
          <button
            type="button"
            className="link"
            onClick={() => onMove(-1)}
            disabled={i === 0}
            aria-label={`Move step ${n} up`}
          >
            Up
          </button>
          <button
            type="button"
            className="link"
            onClick={() => onMove(1)}
            disabled={i === count - 1}
            aria-label={`Move step ${n} down`}
          >
            Down
          </button>
          <button
            type="button"
            className="link danger-text"
            onClick={onRemove}
            disabled={count === 1}
            aria-label={`Remove step ${n}`}
          >
            Remove
          </button>
        </div>
      </div>
      <div className="form-grid">
        <Field label="Type">
          {(id) => (
            <select id={id} value={s.type} onChange={(e) => set({ type: e.target.value as StepType })}>
              {(Object.keys(STEP_LABELS) as StepType[]).map((t) => (
                <option key={t} value={t}>
                  {STEP_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Label (optional)">
          {(id) => <input id={id} value={s.label} onChange={(e) => set({ label: e.target.value })} />}
        </Field>
        {params}
        <Field label="Time limit (s)" hint="empty: the step type's default" error={err('timeoutS')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              value={s.timeoutS}
              onChange={(e) => set({ timeoutS: e.target.value })}
            />
          )}
        </Field>
      </div>
      <fieldset className="outcomes">
        <legend>Then</legend>
        {OUTCOMES.map(([o, label]) => (
          <Field key={o} label={label}>
            {(id) => (
              <select
                id={id}
                value={s.on[o]}
                onChange={(e) => set({ on: { ...s.on, [o]: e.target.value as StepActionChoice } })}
              >
                <option value="">{o === 'ok' ? 'continue (default)' : 'fail the device (default)'}</option>
                <option value="continue">continue with the next step</option>
                <option value="skip_rest">stop here, the device is done</option>
                <option value="fail">fail the device</option>
              </select>
            )}
          </Field>
        ))}
      </fieldset>
      {section ? (
        <div className="field-error" role="alert">
          {section}
        </div>
      ) : null}
    </li>
  );
}
