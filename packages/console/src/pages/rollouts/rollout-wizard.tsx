import { useState } from 'react';
import { DEVICES_ROUTES, UPDATES_ROUTES, type WaveSpec } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { navigate, quote } from '../../app/router.js';
import { useAction } from '../../app/use-async.js';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

/** "1, 10%, 50%, 100%": absolute canaries, then cumulative shares of the target. */
export function parseWaves(text: string): WaveSpec[] | string {
  const out: WaveSpec[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(part);
    if (!m) return `"${part}" is neither a count nor a percentage`;
    out.push(m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) });
  }
  return out.length ? out : 'give at least one wave';
}

/** Wave sizes exactly as the hub plans them (hub: domains/rollouts/rollout-plan.ts planWaves). */
export function planWaves(total: number, specs: WaveSpec[]): number[] {
  const sizes: number[] = [];
  let assigned = 0;
  specs.forEach((s, i) => {
    const upTo =
      i === specs.length - 1
        ? total
        : s.count !== undefined
          ? assigned + s.count
          : Math.ceil((total * (s.percent ?? 100)) / 100);
    const size = Math.max(0, Math.min(total, upTo) - assigned);
    if (size > 0) sizes.push(size);
    assigned += size;
  });
  return sizes;
}

interface Preview {
  total: number;
  otherModels: number;
  sizes: number[];
  waves: WaveSpec[];
  filter: string;
}

/**
 * Two steps: describe the rollout, then see how many devices each wave touches (counted on the
 * hub with the same filter, planned with the hub's own rule) before anything starts.
 */
export function RolloutWizard({ onClose }: { onClose(): void }) {
  const artifacts = useRoute(UPDATES_ROUTES.artifacts);
  const [name, setName] = useState('');
  const [artifactId, setArtifactId] = useState('');
  const [targetKind, setTargetKind] = useState<'group' | 'filter'>('filter');
  const [target, setTarget] = useState('');
  const [waves, setWaves] = useState('1, 10%, 50%, 100%');
  const [threshold, setThreshold] = useState(95);
  const [advance, setAdvance] = useState<'auto' | 'approval'>('approval');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  const ready = (artifacts.data?.items ?? []).filter((a) => a.sha256);
  const artifact = ready.find((a) => a.id === artifactId);

  async function plan() {
    const w = parseWaves(waves);
    if (typeof w === 'string') return setInputError(w);
    setInputError(null);
    const filter = targetKind === 'group' ? `group = ${quote(target.trim())}` : target.trim();
    const count = (f: string) =>
      loadRoute(DEVICES_ROUTES.list, { query: { filter: f, limit: 1, count: true } }).then((p) => p.total ?? 0);
    const r = await act.perform(async () => {
      const total = await count(filter);
      const models = artifact?.models ?? [];
      const otherModels = models.length
        ? await count(`(${filter}) and not model in (${models.map(quote).join(', ')})`)
        : 0;
      return { total, otherModels, sizes: planWaves(total, w), waves: w, filter };
    });
    if (r) setPreview(r);
  }

  async function start() {
    const r = await act.perform(() =>
      api.rollouts.create({
        name: name.trim(),
        artifactId,
        target: targetKind === 'group' ? { group: target.trim() } : { filter: target.trim() },
        waves: preview!.waves,
        successThresholdPct: threshold,
        advance,
        start: true,
      }),
    );
    if (r) navigate(`/rollouts/${encodeURIComponent(r.id)}`);
  }

  if (preview) {
    return (
      <Dialog
        title="Start this rollout?"
        open
        onClose={() => setPreview(null)}
        onSubmit={() => void start()}
        submitLabel={`Start: ${num(preview.total)} devices`}
        busy={act.busy}
        wide
      >
        <p className="scope">
          <strong>{artifact ? `${artifact.name} ${artifact.version}` : artifactId}</strong> goes to{' '}
          <strong>{num(preview.total)}</strong> device{preview.total === 1 ? '' : 's'} (<code>{preview.filter}</code>),
          in {preview.sizes.length} wave{preview.sizes.length === 1 ? '' : 's'}:
        </p>
        <ol className="waves-preview">
          {preview.sizes.map((n, i) => (
            <li key={i}>
              Wave {i + 1}: <strong>{num(n)}</strong> device{n === 1 ? '' : 's'}
            </li>
          ))}
        </ol>
        {preview.otherModels ? (
          <p className="notice notice-warn">
            {num(preview.otherModels)} of them run a model this artifact is not for: they are skipped.
          </p>
        ) : null}
        <p className="muted">
          Each wave must reach {threshold} % success before the next{' '}
          {advance === 'approval' ? 'waits for your approval' : 'starts by itself'}. Devices offline now get their
          update when they reconnect. Cancel goes back to the form.
        </p>
        <ErrorBox error={act.error} />
      </Dialog>
    );
  }

  return (
    <Dialog
      title="New rollout"
      open
      onClose={onClose}
      onSubmit={() => void plan()}
      submitLabel="Preview waves"
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="ro-name">Name</label>
          <input id="ro-name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="ro-artifact">Artifact</label>
          <select id="ro-artifact" value={artifactId} onChange={(e) => setArtifactId(e.target.value)} required>
            <option value="">Choose…</option>
            {ready.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} {a.version} ({a.kind}
                {a.models.length ? `, ${a.models.join(' ')}` : ''})
              </option>
            ))}
          </select>
          {artifacts.data && ready.length === 0 ? (
            <div className="hint">No artifact with uploaded content yet: upload one with the CLI first.</div>
          ) : null}
        </div>
        <fieldset className="radios">
          <legend>Devices</legend>
          <label>
            <input
              type="radio"
              name="ro-target"
              checked={targetKind === 'filter'}
              onChange={() => setTargetKind('filter')}
            />{' '}
            Every device a filter matches
          </label>
          <label>
            <input
              type="radio"
              name="ro-target"
              checked={targetKind === 'group'}
              onChange={() => setTargetKind('group')}
            />{' '}
            A group
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="ro-target">{targetKind === 'group' ? 'Group path' : 'Filter'}</label>
          <input
            id="ro-target"
            className={targetKind === 'filter' ? 'mono' : undefined}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            required
            placeholder={targetKind === 'filter' ? 'model = "gw-200" and online' : 'north'}
          />
        </div>
        <div className="field">
          <label htmlFor="ro-waves">Waves</label>
          <input id="ro-waves" value={waves} onChange={(e) => setWaves(e.target.value)} required />
          <div className="hint">Counts are canaries; percentages are cumulative shares of the devices.</div>
        </div>
        <div className="field">
          <label htmlFor="ro-threshold">Success needed per wave (%)</label>
          <input
            id="ro-threshold"
            type="number"
            min={0}
            max={100}
            value={threshold}
            onChange={(e) => setThreshold(Number(e.target.value))}
          />
        </div>
        <fieldset className="radios span-2">
          <legend>Between waves</legend>
          <label>
            <input
              type="radio"
              name="ro-advance"
              checked={advance === 'approval'}
              onChange={() => setAdvance('approval')}
            />{' '}
            Wait for an approval
          </label>
          <label>
            <input type="radio" name="ro-advance" checked={advance === 'auto'} onChange={() => setAdvance('auto')} />{' '}
            Continue by itself
          </label>
        </fieldset>
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error ?? artifacts.error} />
    </Dialog>
  );
}
