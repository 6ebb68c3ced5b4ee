import { ALERTS_TOPIC_ROOT, type ChannelKind } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import type { EmailConfig, MqttConfig, WebhookConfig } from './senders.js';

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;
const FROM = /^([^<>]{0,128}<[^\s@<>]{1,64}@[^\s@<>]{1,255}>|[^\s@<>]{1,64}@[^\s@<>]{1,255})$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:]+\]$/;
const TOPIC_SEGMENT = /^[a-z0-9_-]{1,64}$/;

function fail(path: string, message: string): never {
  throw new ValidationError(message, { path });
}

function str(cfg: Record<string, unknown>, key: string, def?: string): string {
  const v = cfg[key] ?? def;
  if (typeof v !== 'string' || v.length === 0 || v.length > 2048)
    fail(`/config/${key}`, `config.${key} must be a non-empty string`);
  return v;
}

function int(cfg: Record<string, unknown>, key: string, def: number, min: number, max: number): number {
  const v = cfg[key] ?? def;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    fail(`/config/${key}`, `config.${key} must be a whole number from ${min} to ${max}`);
  return v as number;
}

function only(cfg: Record<string, unknown>, keys: string[]) {
  for (const k of Object.keys(cfg))
    if (!keys.includes(k))
      fail(`/config/${k}`, `config.${k} is not a setting of this channel kind (known: ${keys.join(', ')})`);
}

function webhook(cfg: Record<string, unknown>): WebhookConfig {
  only(cfg, ['url', 'timeoutMs', 'caPem']);
  const url = str(cfg, 'url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail('/config/url', 'config.url is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    fail('/config/url', 'config.url must be http or https');
  if (parsed.username || parsed.password)
    fail('/config/url', 'config.url must not carry credentials; the signature authenticates the hub');
  const out: WebhookConfig = { url, timeoutMs: int(cfg, 'timeoutMs', 10_000, 100, 120_000) };
  if (cfg.caPem !== undefined) out.caPem = str(cfg, 'caPem');
  return out;
}

function email(cfg: Record<string, unknown>): EmailConfig {
  only(cfg, ['host', 'port', 'tls', 'rejectUnauthorized', 'username', 'from', 'to']);
  const host = str(cfg, 'host');
  if (!HOST.test(host)) fail('/config/host', 'config.host is not a host name or address');
  const tls = str(cfg, 'tls', 'starttls');
  if (!['starttls', 'implicit', 'none'].includes(tls))
    fail('/config/tls', 'config.tls must be starttls, implicit or none');
  const from = str(cfg, 'from');
  if (!FROM.test(from)) fail('/config/from', 'config.from must be an address, e.g. "Outpost <outpost@example.com>"');
  const to = cfg.to;
  if (!Array.isArray(to) || to.length === 0 || to.length > 50)
    fail('/config/to', 'config.to must list 1 to 50 recipients');
  to.forEach((a, i) =>
    typeof a === 'string' && EMAIL.test(a)
      ? undefined
      : fail(`/config/to/${i}`, `config.to[${i}] is not an e-mail address`),
  );
  const rejectUnauthorized = cfg.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean')
    fail('/config/rejectUnauthorized', 'config.rejectUnauthorized must be true or false');
  const out: EmailConfig = {
    host,
    port: int(cfg, 'port', tls === 'implicit' ? 465 : 587, 1, 65_535),
    tls: tls as EmailConfig['tls'],
    rejectUnauthorized,
    from,
    to: to as string[],
  };
  if (cfg.username !== undefined) out.username = str(cfg, 'username');
  return out;
}

function mqtt(cfg: Record<string, unknown>): MqttConfig {
  only(cfg, ['topic', 'qos']);
  const topic = str(cfg, 'topic', ALERTS_TOPIC_ROOT);
  const rest =
    topic === ALERTS_TOPIC_ROOT
      ? []
      : topic.startsWith(`${ALERTS_TOPIC_ROOT}/`)
        ? topic.slice(ALERTS_TOPIC_ROOT.length + 1).split('/')
        : null;
  if (!rest || rest.length > 3 || !rest.every((s) => TOPIC_SEGMENT.test(s)))
    fail('/config/topic', `config.topic must be ${ALERTS_TOPIC_ROOT} or below it (lowercase segments, no wildcards)`);
  const qos = cfg.qos ?? 1;
  if (qos !== 0 && qos !== 1) fail('/config/qos', 'config.qos must be 0 or 1');
  return { topic, qos };
}

/** Checks a channel's settings for its kind; every refusal names the path of the bad value. */
export function parseChannelConfig(kind: ChannelKind, cfg: Record<string, unknown>): Record<string, unknown> {
  switch (kind) {
    case 'webhook':
      return { ...webhook(cfg) };
    case 'email':
      return { ...email(cfg) };
    case 'mqtt':
      return { ...mqtt(cfg) };
  }
}
