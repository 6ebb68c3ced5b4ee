import { useEffect, useState } from 'react';
import { COMMANDS_ROUTES, GROUPS_ROUTES } from '@outpost/protocol';
import { describeError } from '../../app/api.js';
import { num } from '../../app/format.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { loadRoute } from '../../app/use-route.js';
import { Dialog } from '../../ui/dialog.js';
import { ErrorBox } from '../../ui/bits.js';
import { changeGroup, sendCommand, tagDevices, targetCount, type BulkTarget } from './bulk-actions.js';

export type BulkKind = 'tag' | 'group' | 'command' | 'reboot';

const TITLES: Record<BulkKind, string> = {
  tag: 'Tag devices',
  group: 'Change group membership',
  command: 'Send a command',
  reboot: 'Reboot devices',
};

function Scope({ target }: { target: BulkTarget }) {
  const n = targetCount(target);
  if (target.kind === 'ids')
    return (
      <p className="scope">
        This touches the {num(n)} selected device{n === 1 ? '' : 's'}.
      </p>
    );
  return (
    <p className="scope">
      This touches <strong>{num(n)}</strong> device{n === 1 ? '' : 's'}:{' '}
      {target.filter ? (
        <>
          every device matching <code>{target.filter}</code>
        </>
      ) : (
        <strong>every device in the fleet</strong>
      )}
      .
    </p>
  );
}

/** Progress of the command batches just sent, read every two seconds until none is still waiting. */
function BatchProgress({ batches }: { batches: string[] }) {
  const [tick, setTick] = useState(0);
  const progress = useAsync(async () => {
    const all = await Promise.all(batches.map((id) => loadRoute(COMMANDS_ROUTES.batch, { params: { id } })));
    const counts: Record<string, number> = {};
    for (const b of all) for (const [k, v] of Object.entries(b.counts)) counts[k] = (counts[k] ?? 0) + v;
    return counts;
  }, [batches.join(','), tick]);
  const waiting = (progress.data?.pending ?? 0) + (progress.data?.sent ?? 0);
  useEffect(() => {
    if (progress.loading || (progress.data && waiting === 0) || tick > 60) return;
    const t = window.setTimeout(() => setTick((n) => n + 1), 2000);
    return () => window.clearTimeout(t);
  }, [progress.loading, progress.data, waiting, tick]);
  if (!progress.data) return <p className="muted">Waiting for the first answers…</p>;
  return (
    <ul className="counts" aria-live="polite">
      {['succeeded', 'failed', 'timed_out', 'sent', 'pending'].map((k) => (
        <li key={k} className={`count-${k}`}>
          <span>{k.replace('_', ' ')}</span> <strong>{num(progress.data?.[k] ?? 0)}</strong>
        </li>
      ))}
    </ul>
  );
}

/** One bulk action: its inputs, the consequence in numbers, then the outcome. */
export function BulkDialog({
  kind,
  target,
  onClose,
  onDone,
}: {
  kind: BulkKind;
  target: BulkTarget;
  onClose(): void;
  onDone(): void;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [removeTag, setRemoveTag] = useState(false);
  const [group, setGroup] = useState('');
  const [groupOp, setGroupOp] = useState<'add' | 'remove'>('add');
  const [command, setCommand] = useState('ping');
  const [argsText, setArgsText] = useState('');
  const [timeoutS, setTimeoutS] = useState(60);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [batches, setBatches] = useState<string[] | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const action = useAction();
  const groups = useAsync(
    () => (kind === 'group' ? loadRoute(GROUPS_ROUTES.list) : Promise.resolve({ items: [] })),
    [kind],
  );
  const statics = (groups.data?.items ?? []).filter((g) => g.kind === 'static');
  const n = targetCount(target);
  const noun = `${num(n)} device${n === 1 ? '' : 's'}`;

  async function run() {
    setInputError(null);
    if (kind === 'tag') {
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(key)) return setInputError('A tag key is 1-64 of A-Z a-z 0-9 _ . : -');
      const matched = await action.perform(() =>
        tagDevices(target, removeTag ? {} : { [key]: value }, removeTag ? [key] : []),
      );
      if (matched === undefined) return;
      setOutcome(`${removeTag ? 'Removed tag' : 'Tagged'} ${num(matched)} device${matched === 1 ? '' : 's'}.`);
    } else if (kind === 'group') {
      if (!group) return setInputError('Choose a static group.');
      const r = await action.perform(() => changeGroup(target, group, groupOp));
      if (!r) return;
      setOutcome(
        `${num(r.changed)} of ${num(r.matched)} devices ${groupOp === 'add' ? 'added to' : 'removed from'} ${group}.`,
      );
    } else {
      let args: Record<string, unknown> = {};
      if (kind === 'command' && argsText.trim()) {
        try {
          args = JSON.parse(argsText) as Record<string, unknown>;
          if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error('not an object');
        } catch (err) {
          return setInputError(`Arguments must be a JSON object: ${describeError(err)}`);
        }
      }
      const name = kind === 'reboot' ? 'reboot' : command.trim();
      const r = await action.perform(() => sendCommand(target, name, args, timeoutS));
      if (!r) return;
      setOutcome(
        `Sent "${name}" to ${num(r.devices)} device${r.devices === 1 ? '' : 's'}. Offline devices get it when they reconnect, until it times out.`,
      );
      setBatches(r.batches);
    }
    onDone();
  }

  const label =
    kind === 'tag'
      ? `${removeTag ? 'Remove tag from' : 'Tag'} ${noun}`
      : kind === 'group'
        ? `${groupOp === 'add' ? 'Add' : 'Remove'} ${noun}`
        : kind === 'reboot'
          ? `Reboot ${noun}`
          : `Send to ${noun}`;

  return (
    <Dialog
      title={TITLES[kind]}
      open
      onClose={onClose}
      onSubmit={outcome ? undefined : () => void run()}
      submitLabel={label}
      danger={kind === 'reboot'}
      busy={action.busy}
    >
      {outcome ? (
        <>
          <div className="notice notice-ok" role="status">
            {outcome}
          </div>
          {batches ? <BatchProgress batches={batches} /> : null}
        </>
      ) : (
        <>
          <Scope target={target} />
          {kind === 'tag' ? (
            <div className="form-grid">
              <div className="field">
                <label htmlFor="bulk-tag-key">Tag key</label>
                <input id="bulk-tag-key" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus />
              </div>
              {!removeTag ? (
                <div className="field">
                  <label htmlFor="bulk-tag-value">Value</label>
                  <input id="bulk-tag-value" value={value} onChange={(e) => setValue(e.target.value)} maxLength={256} />
                </div>
              ) : null}
              <label className="check">
                <input type="checkbox" checked={removeTag} onChange={(e) => setRemoveTag(e.target.checked)} /> Remove
                this tag instead
              </label>
            </div>
          ) : null}
          {kind === 'group' ? (
            <div className="form-grid">
              <div className="field">
                <label htmlFor="bulk-group">Static group</label>
                <select id="bulk-group" value={group} onChange={(e) => setGroup(e.target.value)} required>
                  <option value="">Choose…</option>
                  {statics.map((g) => (
                    <option key={g.id} value={g.path}>
                      {g.path}
                    </option>
                  ))}
                </select>
              </div>
              <fieldset className="radios">
                <legend>Change</legend>
                <label>
                  <input type="radio" name="group-op" checked={groupOp === 'add'} onChange={() => setGroupOp('add')} />{' '}
                  Add to the group
                </label>
                <label>
                  <input
                    type="radio"
                    name="group-op"
                    checked={groupOp === 'remove'}
                    onChange={() => setGroupOp('remove')}
                  />{' '}
                  Remove from the group
                </label>
              </fieldset>
            </div>
          ) : null}
          {kind === 'command' ? (
            <div className="form-grid">
              <div className="field">
                <label htmlFor="bulk-command">Command</label>
                <input
                  id="bulk-command"
                  list="command-names"
                  value={command}
                  onChange={(e) => setCommand(e.target.value)}
                  required
                />
                <datalist id="command-names">
                  <option value="ping" />
                  <option value="get-info" />
                  <option value="reboot" />
                </datalist>
              </div>
              <div className="field">
                <label htmlFor="bulk-timeout">Give up after (seconds)</label>
                <input
                  id="bulk-timeout"
                  type="number"
                  min={1}
                  max={86400}
                  value={timeoutS}
                  onChange={(e) => setTimeoutS(Number(e.target.value))}
                />
              </div>
              <div className="field span-2">
                <label htmlFor="bulk-args">Arguments (JSON object, optional)</label>
                <textarea
                  id="bulk-args"
                  className="mono"
                  rows={3}
                  value={argsText}
                  onChange={(e) => setArgsText(e.target.value)}
                  placeholder="{}"
                />
              </div>
            </div>
          ) : null}
          {kind === 'reboot' ? (
            <p>
              Each device restarts and is offline for a short while. Devices that are offline now reboot when they
              reconnect, unless the request times out first.
            </p>
          ) : null}
          {inputError ? (
            <div className="notice notice-error" role="alert">
              {inputError}
            </div>
          ) : null}
          <ErrorBox error={action.error} />
        </>
      )}
    </Dialog>
  );
}
