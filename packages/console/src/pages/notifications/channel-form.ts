import { ALERTS_TOPIC_ROOT, type ChannelKind } from '@outpost/protocol';
import type { NotificationChannel } from '../../app/route-types.js';

// The channel form's fields as text, and the kind-specific `config` the hub checks (channel-config.ts).

export interface ChannelForm {
  url: string;
  timeoutMs: string;
  caPem: string;
  host: string;
  port: string;
  tls: 'starttls' | 'implicit' | 'none';
  rejectUnauthorized: boolean;
  username: string;
  from: string;
  to: string;
  topic: string;
  qos: '0' | '1';
}

export const KIND_TEXT: Record<ChannelKind, string> = {
  webhook: 'Webhook (signed HTTPS POST)',
  email: 'E-mail (SMTP)',
  mqtt: 'MQTT topic on the hub',
};

const s = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export function formOf(c: NotificationChannel | null): ChannelForm {
  const cfg = c?.config ?? {};
  return {
    url: s(cfg.url),
    timeoutMs: s(cfg.timeoutMs),
    caPem: s(cfg.caPem),
    host: s(cfg.host),
    port: s(cfg.port),
    tls: (cfg.tls as ChannelForm['tls'] | undefined) ?? 'starttls',
    rejectUnauthorized: cfg.rejectUnauthorized !== false,
    username: s(cfg.username),
    from: s(cfg.from),
    to: Array.isArray(cfg.to) ? cfg.to.join(', ') : '',
    topic: s(cfg.topic) || `${ALERTS_TOPIC_ROOT}/ops`,
    qos: cfg.qos === 0 ? '0' : '1',
  };
}

/** Where a channel sends to, in one line. */
export function destination(c: NotificationChannel): string {
  const cfg = c.config;
  if (c.kind === 'webhook') return s(cfg.url);
  if (c.kind === 'email') return `${Array.isArray(cfg.to) ? cfg.to.join(', ') : ''} via ${s(cfg.host)}`;
  return `${s(cfg.topic)} (QoS ${s(cfg.qos) || '1'})`;
}

const int = (v: string) => (/^\d{1,9}$/.test(v.trim()) ? Number(v) : null);

/** The config for the kind, or a sentence saying which field is wrong. */
export function configOf(
  kind: ChannelKind,
  f: ChannelForm,
): { ok: true; config: Record<string, unknown> } | { ok: false; message: string } {
  if (kind === 'webhook') {
    if (!/^https?:\/\/\S+$/.test(f.url.trim()))
      return { ok: false, message: 'The URL starts with https:// (or http://).' };
    const config: Record<string, unknown> = { url: f.url.trim() };
    if (f.timeoutMs.trim()) {
      const t = int(f.timeoutMs);
      if (t === null) return { ok: false, message: 'The timeout is a whole number of milliseconds.' };
      config.timeoutMs = t;
    }
    if (f.caPem.trim()) config.caPem = f.caPem.trim();
    return { ok: true, config };
  }
  if (kind === 'email') {
    const to = f.to.split(/[\s,;]+/).filter(Boolean);
    if (!f.host.trim()) return { ok: false, message: 'Name the SMTP server.' };
    if (!f.from.trim()) return { ok: false, message: 'Give the sender address.' };
    if (to.length === 0) return { ok: false, message: 'Give at least one recipient.' };
    const config: Record<string, unknown> = {
      host: f.host.trim(),
      tls: f.tls,
      rejectUnauthorized: f.rejectUnauthorized,
      from: f.from.trim(),
      to,
    };
    if (f.port.trim()) {
      const p = int(f.port);
      if (p === null) return { ok: false, message: 'The port is a whole number.' };
      config.port = p;
    }
    if (f.username.trim()) config.username = f.username.trim();
    return { ok: true, config };
  }
  return { ok: true, config: { topic: f.topic.trim(), qos: Number(f.qos) } };
}
