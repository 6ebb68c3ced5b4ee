import { ALERTS_TOPIC_ROOT, type ChannelKind } from '@outpost/protocol';
import { configInt, configString, onlyFields, refuseField } from '../../platform/config-fields.js';
import type { EmailConfig, MqttConfig, WebhookConfig } from './senders.js';

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;
const FROM = /^([^<>]{0,128}<[^\s@<>]{1,64}@[^\s@<>]{1,255}>|[^\s@<>]{1,64}@[^\s@<>]{1,255})$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:]+\]$/;
const TOPIC_SEGMENT = /^[a-z0-9_-]{1,64}$/;

function webhook(cfg: Record<string, unknown>): WebhookConfig {
  onlyFields(cfg, ['url', 'timeoutMs', 'caPem'], 'channel kind');
  const url = configString(cfg, 'url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuseField('/config/url', 'config.url is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    refuseField('/config/url', 'config.url must be http or https');
  if (parsed.username || parsed.password)
    refuseField('/config/url', 'config.url must not carry credentials; the signature authenticates the hub');
  const out: WebhookConfig = { url, timeoutMs: configInt(cfg, 'timeoutMs', 10_000, 100, 120_000) };
  if (cfg.caPem !== undefined) out.caPem = configString(cfg, 'caPem');
  return out;
}

function email(cfg: Record<string, unknown>): EmailConfig {
  onlyFields(cfg, ['host', 'port', 'tls', 'rejectUnauthorized', 'username', 'from', 'to'], 'channel kind');
  const host = configString(cfg, 'host');
  if (!HOST.test(host)) refuseField('/config/host', 'config.host is not a host name or address');
  const tls = configString(cfg, 'tls', { def: 'starttls' });
  if (!['starttls', 'implicit', 'none'].includes(tls))
    refuseField('/config/tls', 'config.tls must be starttls, implicit or none');
  const from = configString(cfg, 'from');
  if (!FROM.test(from))
    refuseField('/config/from', 'config.from must be an address, e.g. "Outpost <outpost@example.com>"');
  const to = cfg.to;
  if (!Array.isArray(to) || to.length === 0 || to.length > 50)
    refuseField('/config/to', 'config.to must list 1 to 50 recipients');
  to.forEach((a, i) =>
    typeof a === 'string' && EMAIL.test(a)
      ? undefined
      : refuseField(`/config/to/${i}`, `config.to[${i}] is not an e-mail address`),
  );
  const rejectUnauthorized = cfg.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean')
    refuseField('/config/rejectUnauthorized', 'config.rejectUnauthorized must be true or false');
  const out: EmailConfig = {
    host,
    port: configInt(cfg, 'port', tls === 'implicit' ? 465 : 587, 1, 65_535),
    tls: tls as EmailConfig['tls'],
    rejectUnauthorized,
    from,
    to: to as string[],
  };
  if (cfg.username !== undefined) out.username = configString(cfg, 'username');
  return out;
}

function mqtt(cfg: Record<string, unknown>): MqttConfig {
  onlyFields(cfg, ['topic', 'qos'], 'channel kind');
  const topic = configString(cfg, 'topic', { def: ALERTS_TOPIC_ROOT });
  const rest =
    topic === ALERTS_TOPIC_ROOT
      ? []
      : topic.startsWith(`${ALERTS_TOPIC_ROOT}/`)
        ? topic.slice(ALERTS_TOPIC_ROOT.length + 1).split('/')
        : null;
  if (!rest || rest.length > 3 || !rest.every((s) => TOPIC_SEGMENT.test(s)))
    refuseField(
      '/config/topic',
      `config.topic must be ${ALERTS_TOPIC_ROOT} or below it (lowercase segments, no wildcards)`,
    );
  const qos = cfg.qos ?? 1;
  if (qos !== 0 && qos !== 1) refuseField('/config/qos', 'config.qos must be 0 or 1');
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
