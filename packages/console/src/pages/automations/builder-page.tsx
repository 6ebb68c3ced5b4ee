import { useEffect, useState } from 'react';
import {
  AUTOMATIONS_ROUTES,
  CONFIGS_ROUTES,
  GROUPS_ROUTES,
  NOTIFICATIONS_ROUTES,
  UPDATES_ROUTES,
} from '@outpost/protocol';
import { api } from '../../app/api.js';
import { Link, navigate } from '../../app/router.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { loadRoute } from '../../app/use-route.js';
import { ErrorBox, Field, Loading, PageHeader } from '../../ui/bits.js';
import {
  draftOf,
  emptyDraft,
  isProblem,
  messageAt,
  moved,
  newStep,
  specOf,
  type AutomationDraft,
  type FieldProblem,
} from './automation-draft.js';
import { problemFromApi } from './api-problem.js';
import { GuardsFields } from './guards-fields.js';
import { StepEditor, type StepChoices } from './step-editor.js';
import { TargetFields } from './target-fields.js';
import { TriggerFields } from './trigger-fields.js';

const DEVICE_TRIGGERS = new Set(['alert', 'device_event', 'offline', 'health', 'group_join', 'manual']);

function useChoices(): { groups: string[]; choices: StepChoices } {
  const lists = useAsync(async () => {
    const [groups, channels, templates, artifacts] = await Promise.all([
      loadRoute(GROUPS_ROUTES.list),
      loadRoute(NOTIFICATIONS_ROUTES.channels).catch(() => ({ items: [] })),
      loadRoute(CONFIGS_ROUTES.templates).catch(() => ({ items: [] })),
      loadRoute(UPDATES_ROUTES.artifacts).catch(() => ({ items: [] })),
    ]);
    return {
      groups: groups.items.map((g) => g.path),
      choices: {
        channels: channels.items.map((c) => ({ id: c.id, label: `${c.name} (${c.kind})` })),
        templates: templates.items.map((t) => ({ id: t.id, label: `${t.name} v${t.version}` })),
        artifacts: artifacts.items.map((a) => ({ id: a.id, label: `${a.name} ${a.version}` })),
      },
    };
  }, []);
  return lists.data ?? { groups: [], choices: { channels: [], templates: [], artifacts: [] } };
}

/**
 * Creates an automation, or changes one (`name` given), which stores its next version. Problems
 * found here or by the hub are shown at their field; a reboot or configuration step may ask for
 * an authenticator code (the console's step-up prompt) before the hub saves it.
 */
export function BuilderPage({ name }: { name?: string }) {
  const existing = useAsync(
    () => (name ? loadRoute(AUTOMATIONS_ROUTES.get, { params: { name } }) : Promise.resolve(null)),
    [name],
  );
  const [draft, setDraft] = useState<AutomationDraft | null>(name ? null : emptyDraft());
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const { groups, choices } = useChoices();
  const save = useAction();
  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
  }, [existing.data]);

  if (!draft) return existing.error ? <ErrorBox error={existing.error} /> : <Loading />;
  const d = draft;
  const set = (patch: Partial<AutomationDraft>) => setDraft({ ...d, ...patch });

  async function submit() {
    setProblem(null);
    if (!name && !d.name.trim()) return setProblem({ path: '/name', message: 'give the automation a name' });
    const spec = specOf(d);
    if (isProblem(spec)) return setProblem(spec);
    const saved = await save.perform(async () => {
      try {
        return name
          ? await api.automations.change(name, spec)
          : await api.automations.create({ name: d.name.trim(), ...spec });
      } catch (err) {
        setProblem(problemFromApi(err));
        throw err;
      }
    });
    if (saved) navigate(`/automations/${encodeURIComponent(saved.name)}`);
  }

  const deviceTrigger = DEVICE_TRIGGERS.has(d.trigger.kind);
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/automations">Automations</Link> <span aria-hidden="true">/</span>{' '}
        <span>{name ? `${name} (new version)` : 'new'}</span>
      </nav>
      <PageHeader
        title={name ? `Change ${name}` : 'New automation'}
        subtitle={
          name && existing.data
            ? `Saving stores version ${existing.data.version + 1}; runs keep the version they ran.`
            : 'A trigger, the devices it acts on, the steps in order, and the guards around them.'
        }
      />
      <div className="stack builder">
        <section className="card" aria-labelledby="about-h">
          <h2 id="about-h">About</h2>
          <div className="form-grid">
            <Field label="Name" error={messageAt(problem, '/name')}>
              {(id) => (
                <input
                  id={id}
                  value={d.name}
                  disabled={!!name}
                  onChange={(e) => set({ name: e.target.value })}
                  autoFocus={!name}
                />
              )}
            </Field>
            <Field label="Description" error={messageAt(problem, '/description')}>
              {(id) => <input id={id} value={d.description} onChange={(e) => set({ description: e.target.value })} />}
            </Field>
            <label className="check span-2">
              <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
            </label>
          </div>
        </section>
        <TriggerFields
          trigger={d.trigger}
          groups={groups}
          problem={problem}
          onChange={(trigger) =>
            set({
              trigger,
              targetKind:
                !DEVICE_TRIGGERS.has(trigger.kind) && d.targetKind === 'trigger_device' ? 'group' : d.targetKind,
            })
          }
        />
        <TargetFields
          value={d}
          onChange={(t) => set(t)}
          problem={problem}
          groups={groups}
          deviceTrigger={deviceTrigger}
        />
        <section className="card" aria-labelledby="steps-h">
          <h2 id="steps-h">Steps</h2>
          <p className="hint">In order, on each device. A step's result decides whether the next one runs.</p>
          <ol className="steps-list">
            {d.steps.map((s, i) => (
              <StepEditor
                key={s.key}
                step={s}
                index={i}
                count={d.steps.length}
                choices={choices}
                problem={problem}
                onChange={(n) => set({ steps: d.steps.map((x, j) => (j === i ? n : x)) })}
                onMove={(by) => set({ steps: moved(d.steps, i, by) })}
                onRemove={() => set({ steps: d.steps.filter((_, j) => j !== i) })}
              />
            ))}
          </ol>
          <button
            type="button"
            className="secondary"
            disabled={d.steps.length >= 20}
            onClick={() => set({ steps: [...d.steps, newStep('command')] })}
          >
            Add step
          </button>
          {messageAt(problem, '/steps') ? (
            <div className="field-error" role="alert">
              {messageAt(problem, '/steps')}
            </div>
          ) : null}
        </section>
        <GuardsFields guards={d.guards} onChange={(guards) => set({ guards })} problem={problem} />
        {problem ? (
          <div className="notice notice-error" role="alert" data-testid="builder-problem">
            Not saved: {problem.message}
          </div>
        ) : (
          <ErrorBox error={save.error} />
        )}
        <div className="row">
          <button type="button" className="primary" data-mutates="" disabled={save.busy} onClick={() => void submit()}>
            {save.busy ? 'Saving…' : name ? 'Save new version' : 'Create automation'}
          </button>
          <Link to={name ? `/automations/${encodeURIComponent(name)}` : '/automations'}>Cancel</Link>
        </div>
      </div>
    </>
  );
}
