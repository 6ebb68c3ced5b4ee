import { useState } from 'react';
import type { ChannelKind } from '@outpost/protocol';
import type { NotificationChannel } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { KIND_TEXT, configOf, formOf, type ChannelForm } from './channel-form.js';
import { KindFields } from './kind-fields.js';

const KINDS: ChannelKind[] = ['webhook', 'email', 'mqtt'];
const int = (v: string) => (/^\d{1,9}$/.test(v.trim()) ? Number(v) : null);

/**
 * Creates or changes a channel (admins). A webhook's signing secret is made by the hub and
 * comes back once, on creation; `onSaved` hands it on to be shown.
 */
export function ChannelDialog({
  channel,
  onClose,
  onSaved,
}: {
  channel: NotificationChannel | null;
  onClose(): void;
  onSaved(channel: NotificationChannel, secret?: string): void;
}) {
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'webhook');
  const [form, setForm] = useState<ChannelForm>(formOf(channel));
  const [password, setPassword] = useState('');
  const [waitS, setWaitS] = useState(String(channel?.digest.waitS ?? 10));
  const [intervalS, setIntervalS] = useState(String(channel?.digest.intervalS ?? 60));
  const [attempts, setAttempts] = useState(String(channel?.retry.maxAttempts ?? 12));
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();

  async function save() {
    const cfg = configOf(kind, form);
    if (!cfg.ok) return setInputError(cfg.message);
    const [w, i, a] = [waitS, intervalS, attempts].map(int);
    if (w === null || i === null || a === null) return setInputError('Digest times and attempts are whole numbers.');
    setInputError(null);
    const common = {
      name: name.trim(),
      config: cfg.config,
      digest: { waitS: w, intervalS: i },
      retry: { maxAttempts: a },
      enabled,
      ...(kind === 'email' && password ? { secret: password } : {}),
    };
    const r = await act.perform(() =>
      channel ? api.channels.update(channel.id, common) : api.channels.create({ ...common, kind }),
    );
    if (r) onSaved(r.channel, r.secret);
  }

  return (
    <Dialog
      title={channel ? `Edit channel ${channel.name}` : 'New notification channel'}
      open
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel={channel ? 'Save channel' : 'Create channel'}
      busy={act.busy}
      wide
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="ch-name">Name</label>
          <input
            id="ch-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={128}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="ch-kind">Kind</label>
          <select
            id="ch-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as ChannelKind)}
            disabled={!!channel}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_TEXT[k]}
              </option>
            ))}
          </select>
        </div>
        <KindFields kind={kind} form={form} set={(patch) => setForm((f) => ({ ...f, ...patch }))} />
        {kind === 'email' ? (
          <div className="field">
            <label htmlFor="ch-password">
              {channel?.hasSecret ? 'New SMTP password (empty keeps it)' : 'SMTP password (optional)'}
            </label>
            <input
              id="ch-password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
            />
          </div>
        ) : null}
        {kind === 'webhook' && !channel ? (
          <p className="hint span-2">The hub makes a signing secret and shows it once, after the channel is created.</p>
        ) : null}
        <div className="field">
          <label htmlFor="ch-wait">Wait after the first change (s)</label>
          <input
            id="ch-wait"
            inputMode="numeric"
            value={waitS}
            onChange={(e) => setWaitS(e.target.value)}
            aria-describedby="ch-digest-hint"
          />
        </div>
        <div className="field">
          <label htmlFor="ch-interval">At most one message every (s)</label>
          <input
            id="ch-interval"
            inputMode="numeric"
            value={intervalS}
            onChange={(e) => setIntervalS(e.target.value)}
            aria-describedby="ch-digest-hint"
          />
        </div>
        <p className="hint span-2" id="ch-digest-hint">
          Alert changes are folded into one message within these limits, so a storm is one message.
        </p>
        <div className="field">
          <label htmlFor="ch-attempts">Delivery attempts before a dead letter</label>
          <input id="ch-attempts" inputMode="numeric" value={attempts} onChange={(e) => setAttempts(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
      </div>
      {inputError ? (
        <div className="notice notice-error" role="alert">
          {inputError}
        </div>
      ) : null}
      <ErrorBox error={act.error} />
    </Dialog>
  );
}
