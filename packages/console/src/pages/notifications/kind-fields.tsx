import { ALERTS_TOPIC_ROOT, type ChannelKind } from '@outpost/protocol';
import type { ChannelForm } from './channel-form.js';

/** The settings one kind of channel has; labels name every control. */
export function KindFields({
  kind,
  form,
  set,
}: {
  kind: ChannelKind;
  form: ChannelForm;
  set(patch: Partial<ChannelForm>): void;
}) {
  if (kind === 'webhook') {
    return (
      <>
        <div className="field span-2">
          <label htmlFor="ch-url">URL</label>
          <input
            id="ch-url"
            className="mono"
            type="url"
            value={form.url}
            onChange={(e) => set({ url: e.target.value })}
            required
            placeholder="https://alerts.example.com/outpost"
          />
        </div>
        <div className="field">
          <label htmlFor="ch-timeout">Timeout (ms)</label>
          <input
            id="ch-timeout"
            inputMode="numeric"
            value={form.timeoutMs}
            onChange={(e) => set({ timeoutMs: e.target.value })}
            placeholder="10000"
          />
        </div>
        <div className="field span-2">
          <label htmlFor="ch-ca">Trust this CA for the receiver (PEM, optional)</label>
          <textarea
            id="ch-ca"
            className="mono"
            rows={2}
            value={form.caPem}
            onChange={(e) => set({ caPem: e.target.value })}
            spellCheck={false}
          />
        </div>
      </>
    );
  }
  if (kind === 'email') {
    return (
      <>
        <div className="field">
          <label htmlFor="ch-host">SMTP server</label>
          <input
            id="ch-host"
            value={form.host}
            onChange={(e) => set({ host: e.target.value })}
            required
            placeholder="smtp.example.com"
          />
        </div>
        <div className="field">
          <label htmlFor="ch-port">Port</label>
          <input
            id="ch-port"
            inputMode="numeric"
            value={form.port}
            onChange={(e) => set({ port: e.target.value })}
            placeholder={form.tls === 'implicit' ? '465' : '587'}
          />
        </div>
        <div className="field">
          <label htmlFor="ch-tls">Encryption</label>
          <select id="ch-tls" value={form.tls} onChange={(e) => set({ tls: e.target.value as ChannelForm['tls'] })}>
            <option value="starttls">STARTTLS</option>
            <option value="implicit">TLS from the start</option>
            <option value="none">None (a trusted relay only)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="ch-username">SMTP user (optional)</label>
          <input
            id="ch-username"
            value={form.username}
            onChange={(e) => set({ username: e.target.value })}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="ch-from">From</label>
          <input
            id="ch-from"
            value={form.from}
            onChange={(e) => set({ from: e.target.value })}
            required
            placeholder="Outpost <outpost@example.com>"
          />
        </div>
        <div className="field">
          <label htmlFor="ch-to">To</label>
          <input
            id="ch-to"
            value={form.to}
            onChange={(e) => set({ to: e.target.value })}
            required
            placeholder="ops@example.com, oncall@example.com"
          />
        </div>
        <label className="check span-2">
          <input
            type="checkbox"
            checked={form.rejectUnauthorized}
            onChange={(e) => set({ rejectUnauthorized: e.target.checked })}
          />{' '}
          Check the server's certificate
        </label>
      </>
    );
  }
  return (
    <>
      <div className="field">
        <label htmlFor="ch-topic">Topic</label>
        <input
          id="ch-topic"
          className="mono"
          value={form.topic}
          onChange={(e) => set({ topic: e.target.value })}
          required
          aria-describedby="ch-topic-hint"
        />
        <div className="hint" id="ch-topic-hint">
          {ALERTS_TOPIC_ROOT} or below it; integrations with a certificate from the hub subscribe there.
        </div>
      </div>
      <div className="field">
        <label htmlFor="ch-qos">QoS</label>
        <select id="ch-qos" value={form.qos} onChange={(e) => set({ qos: e.target.value as ChannelForm['qos'] })}>
          <option value="1">1 (at least once)</option>
          <option value="0">0 (at most once)</option>
        </select>
      </div>
    </>
  );
}
