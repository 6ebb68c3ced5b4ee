import { useEffect, useState, type FormEvent } from 'react';
import { COMMANDS_ROUTES, DEVICES_ROUTES } from '@outpost/protocol';
import { api, describeError } from '../../../app/api.js';
import { useRoute } from '../../../app/use-route.js';
import { useCan } from '../../../app/session.js';
import { useAction } from '../../../app/use-async.js';
import { ErrorBox, Json, StateBadge, Time } from '../../../ui/bits.js';
import { DataTable, type Column } from '../../../ui/data-table.js';
import { Dialog } from '../../../ui/dialog.js';

/** Commands sent to one device, newest first, with their results; operators can send one. */
type CommandRow = Awaited<ReturnType<typeof api.devices.commands>>['items'][number];

const COLUMNS: Column<CommandRow>[] = [
  {
    key: 'name',
    header: 'Command',
    cell: (c) => (
      <>
        <code>{c.name}</code>
        {Object.keys(c.args).length ? <div className="muted small">{JSON.stringify(c.args)}</div> : null}
      </>
    ),
  },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
  { key: 'sent', header: 'Sent', cell: (c) => <Time iso={c.createdAt} /> },
  { key: 'by', header: 'By', cell: (c) => c.createdBy },
  {
    key: 'result',
    header: 'Result',
    className: 'result-cell',
    cell: (c) =>
      c.error ? (
        <span className="bad">{c.error}</span>
      ) : c.result !== null && c.result !== undefined ? (
        <Json value={c.result} />
      ) : (
        <span className="muted">–</span>
      ),
  },
];

type Supported = Awaited<ReturnType<typeof api.devices.supportedCommands>>;

/** The commands the agent announced in its last hello; choosing one fills the form. */
function SupportedCommands({ s, onPick }: { s: Supported | undefined; onPick?(name: string): void }) {
  if (!s) return null;
  return (
    <section className="card" aria-labelledby="supported-title">
      <h2 id="supported-title">What the agent answers</h2>
      {!s.announced ? (
        <p className="muted">The device has not said hello yet, so it is not known which commands it answers.</p>
      ) : s.items.length === 0 ? (
        <p className="muted">The agent announced no commands.</p>
      ) : (
        <ul className="plain" data-testid="supported-commands">
          {s.items.map((c) => (
            <li key={c.name}>
              {onPick ? (
                <button type="button" className="link" onClick={() => onPick(c.name)} aria-label={`Use ${c.name}`}>
                  <code>{c.name}</code>
                </button>
              ) : (
                <code>{c.name}</code>
              )}
              {c.description ? <span className="muted"> — {c.description}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function CommandsPanel({
  deviceId,
  online,
  version = 0,
}: {
  deviceId: string;
  online: boolean;
  version?: number;
}) {
  const can = useCan();
  const list = useRoute(COMMANDS_ROUTES.ofDevice, { params: { id: deviceId } }, [version]);
  const supported = useRoute(DEVICES_ROUTES.supportedCommands, { params: { id: deviceId } }, [version]);
  const names = supported.data?.announced ? supported.data.items.map((c) => c.name) : ['ping', 'get-info', 'reboot'];
  const [name, setName] = useState('ping');
  const [argsText, setArgsText] = useState('');
  const [confirmReboot, setConfirmReboot] = useState(false);
  const [inputError, setInputError] = useState<string | null>(null);
  const send = useAction();
  const waiting = (list.data?.items ?? []).some((c) => c.state === 'pending' || c.state === 'sent');

  // While any command still waits for its device, look again every two seconds.
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => list.reload(), 2000);
    return () => window.clearInterval(t);
  }, [waiting, list.reload]);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    setInputError(null);
    let args: Record<string, unknown> = {};
    if (argsText.trim()) {
      try {
        args = JSON.parse(argsText) as Record<string, unknown>;
        if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error('not an object');
      } catch (err) {
        return setInputError(`Arguments must be a JSON object: ${describeError(err)}`);
      }
    }
    if (name.trim() === 'reboot' && !confirmReboot) return setConfirmReboot(true);
    setConfirmReboot(false);
    // Wait briefly for the answer so a quick command shows its result at once; slow ones keep polling.
    await send.perform(() => api.devices.command(deviceId, name.trim(), { args, timeoutS: 30, wait: online }));
    list.reload();
  }

  return (
    <div className="stack">
      <SupportedCommands s={supported.data} onPick={can('operator') ? setName : undefined} />
      <ErrorBox error={supported.error} />
      {can('operator') ? (
        <form className="card command-form" onSubmit={(e) => void submit(e)} aria-label="Send a command">
          <div className="field">
            <label htmlFor="cmd-name">Command</label>
            <input
              id="cmd-name"
              list="cmd-names"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={64}
            />
            <datalist id="cmd-names">
              {names.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </div>
          <div className="field grow">
            <label htmlFor="cmd-args">Arguments (JSON, optional)</label>
            <input
              id="cmd-args"
              className="mono"
              value={argsText}
              onChange={(e) => setArgsText(e.target.value)}
              placeholder="{}"
            />
          </div>
          <button type="submit" className="primary" disabled={send.busy} data-mutates="">
            {send.busy ? 'Waiting for the device…' : 'Send command'}
          </button>
          {!online ? (
            <p className="hint span-all">The device is offline: the command waits for it until it times out.</p>
          ) : null}
          {inputError ? (
            <div className="notice notice-error span-all" role="alert">
              {inputError}
            </div>
          ) : null}
          <div className="span-all">
            <ErrorBox error={send.error} />
          </div>
        </form>
      ) : null}
      <DataTable
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(c) => c.id}
        error={list.error}
        empty="No commands sent to this device yet."
        testId="commands-table"
      />
      <Dialog
        title="Reboot this device?"
        open={confirmReboot}
        onClose={() => setConfirmReboot(false)}
        onSubmit={() => void submit()}
        submitLabel="Reboot 1 device"
        danger
        busy={send.busy}
      >
        <p>The device restarts and is offline for a short while.</p>
      </Dialog>
    </div>
  );
}
