import { useState } from 'react';
import type { RolloutRecord, WaveSpec } from '@outpost/protocol';
import { api } from '../app/api.js';
import { num } from '../app/format.js';
import { navigate } from '../app/router.js';
import { useAction, useAsync } from '../app/use-async.js';
import { ErrorBox } from '../ui/bits.js';
import { Dialog } from '../ui/dialog.js';

/** "1, 10%, 50%, 100%": absolute canaries, then cumulative shares of the target. */
export function parseWaves(text: string): WaveSpec[] | string {
  const out: WaveSpec[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(part);
    if (!m) return `"${part}" is neither a count nor a percentage`;
    out.push(m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) });
  }
  return out.length ? out : 'give at least one wave';
}

/**
 * Two steps: describe the rollout, which the hub keeps as a draft and plans into waves; then look
 * at how many devices each wave touches and start it (or throw the draft away).
 */
export function RolloutWizard({ onClose }: { onClose(): void }) {
  const artifacts = useAsync(() => api.artifacts.list(), []);
  const [name, setName] = useState('');
  const [artifactId, setArtifactId] = useState('');
  const [targetKind, setTargetKind] = useState<'group' | 'filter'>('filter');
  const [target, setTarget] = useState('');
  const [waves, setWaves] = useState('1, 10%, 50%, 100%');
  const [threshold, setThreshold] = useState(95);
  const [advance, setAdvance] = useState<'auto' | 'approval'>('approval');
  const [draft, setDraft] = useState<RolloutRecord | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  const ready = (artifacts.data?.items ?? []).filter((a) => a.sha256);

  async function plan() {
    const w = parseWaves(waves);
    if (typeof w === 'string') return setInputError(w);
    setInputError(null);
    const r = await act.perform(() =>
      api.rollouts.create({ name: name.trim(), artifactId, target: targetKind === 'group' ? { group: target.trim() } : { filter: target.trim() }, waves: w, successThresholdPct: threshold, advance, start: false }),
    );
    if (r) setDraft(r);
  }

  async function start() {
    const r = await act.perform(() => api.rollouts.start(draft!.id));
    if (r) navigate(`/rollouts/${encodeURIComponent(r.id)}`);
  }

  async function discard() {
    if (draft) await act.perform(() => api.rollouts.cancel(draft.id));
    onClose();
  }

  if (draft) {
    return (
      <Dialog title="Start this rollout?" open onClose={() => void discard()} onSubmit={() => void start()} submitLabel={`Start: ${num(draft.total)} devices`} busy={act.busy} wide>
        <p className="scope">
          <strong>{draft.artifact ? `${draft.artifact.name} ${draft.artifact.version}` : draft.artifactId}</strong> goes to <strong>{num(draft.total)}</strong> device{draft.total === 1 ? '' : 's'}, in {draft.waves.length} wave{draft.waves.length === 1 ? '' : 's'}:
        </p>
        <ol className="waves-preview">
          {draft.waves.map((w) => (
            <li key={w.idx}>
              Wave {w.idx + 1}: <strong>{num(w.size)}</strong> device{w.size === 1 ? '' : 's'}
            </li>
          ))}
        </ol>
        <p className="muted">
          Each wave must reach {draft.options.successThresholdPct} % success before the next {draft.options.advance === 'approval' ? 'waits for your approval' : 'starts'}. Closing this dialog discards the draft.
        </p>
        <ErrorBox error={act.error} />
      </Dialog>
    );
  }

  return (
    <Dialog title="New rollout" open onClose={onClose} onSubmit={() => void plan()} submitLabel="Plan waves" busy={act.busy} wide>
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
                {a.name} {a.version} ({a.kind}{a.models.length ? `, ${a.models.join(' ')}` : ''})
              </option>
            ))}
          </select>
          {artifacts.data && ready.length === 0 ? <div className="hint">No artifact with uploaded content yet: upload one with the CLI first.</div> : null}
        </div>
        <fieldset className="radios">
          <legend>Devices</legend>
          <label>
            <input type="radio" name="ro-target" checked={targetKind === 'filter'} onChange={() => setTargetKind('filter')} /> Every device a filter matches
          </label>
          <label>
            <input type="radio" name="ro-target" checked={targetKind === 'group'} onChange={() => setTargetKind('group')} /> A group
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="ro-target">{targetKind === 'group' ? 'Group path' : 'Filter'}</label>
          <input id="ro-target" className={targetKind === 'filter' ? 'mono' : undefined} value={target} onChange={(e) => setTarget(e.target.value)} required placeholder={targetKind === 'filter' ? 'model = "gw-200" and online' : 'north'} />
        </div>
        <div className="field">
          <label htmlFor="ro-waves">Waves</label>
          <input id="ro-waves" value={waves} onChange={(e) => setWaves(e.target.value)} required />
          <div className="hint">Counts are canaries; percentages are cumulative shares of the devices.</div>
        </div>
        <div className="field">
          <label htmlFor="ro-threshold">Success needed per wave (%)</label>
          <input id="ro-threshold" type="number" min={0} max={100} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} />
        </div>
        <fieldset className="radios span-2">
          <legend>Between waves</legend>
          <label>
            <input type="radio" name="ro-advance" checked={advance === 'approval'} onChange={() => setAdvance('approval')} /> Wait for an approval
          </label>
          <label>
            <input type="radio" name="ro-advance" checked={advance === 'auto'} onChange={() => setAdvance('auto')} /> Continue by itself
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
