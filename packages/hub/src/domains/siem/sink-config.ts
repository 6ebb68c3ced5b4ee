import { X509Certificate, createPrivateKey } from 'node:crypto';
import { configInt, configString, onlyFields, refuseField } from '../../platform/config-fields.js';
import { SIEM_SOURCES, type SiemSource } from './siem-event.js';
import type { SinkKind } from './siem.store.js';

// A sink's settings, checked once when an admin saves them; every refusal names the bad value's path.

interface CommonConfig {
  /** Sources this sink follows, each with its own cursor. */
  sources: SiemSource[];
  batchSize: number;
  timeoutMs: number;
  /** A sink failing this long fires its alert: a `siem.sink.failing` audit record (once per failure). */
  alertAfterS: number;
  /** A sink whose backlog reaches this many events (failing or too slow) fires the same alert. */
  alertBacklog: number;
}

export interface SyslogTlsConfig extends CommonConfig {
  host: string;
  port: number;
  caPem: string;
  serverName?: string;
  /** The hub's client certificate when the receiver asks for one; its key is the sink's sealed secret. */
  clientCertPem?: string;
  maxMessageBytes: number;
}

export interface HttpsJsonlConfig extends CommonConfig {
  url: string;
  /** Trusted CA for the receiver; the system's roots when absent. */
  caPem?: string;
}

export type SinkConfig = SyslogTlsConfig | HttpsJsonlConfig;

const HOST = /^[A-Za-z0-9.-]{1,253}$|^\[?[0-9a-fA-F:]+\]?$/;

function certificate(cfg: Record<string, unknown>, key: string): string {
  const pem = configString(cfg, key, { max: 16_384 });
  try {
    new X509Certificate(pem);
  } catch {
    refuseField(`/config/${key}`, `config.${key} is not a PEM certificate`);
  }
  return pem;
}

function common(cfg: Record<string, unknown>): CommonConfig {
  const sources = cfg.sources ?? [...SIEM_SOURCES];
  if (
    !Array.isArray(sources) ||
    sources.length === 0 ||
    !sources.every((s) => SIEM_SOURCES.includes(s as SiemSource)) ||
    new Set(sources).size !== sources.length
  )
    refuseField('/config/sources', `config.sources must list some of ${SIEM_SOURCES.join(', ')}, each once`);
  return {
    sources: sources as SiemSource[],
    batchSize: configInt(cfg, 'batchSize', 200, 1, 1000),
    timeoutMs: configInt(cfg, 'timeoutMs', 15_000, 1000, 120_000),
    alertAfterS: configInt(cfg, 'alertAfterS', 300, 10, 7 * 86_400),
    alertBacklog: configInt(cfg, 'alertBacklog', 50_000, 1, 100_000),
  };
}

const COMMON_KEYS = ['sources', 'batchSize', 'timeoutMs', 'alertAfterS', 'alertBacklog'];

function syslogTls(cfg: Record<string, unknown>): SyslogTlsConfig {
  onlyFields(
    cfg,
    [...COMMON_KEYS, 'host', 'port', 'caPem', 'serverName', 'clientCertPem', 'maxMessageBytes'],
    'sink kind',
  );
  const host = configString(cfg, 'host', { max: 253 });
  if (!HOST.test(host)) refuseField('/config/host', 'config.host is not a host name or address');
  const out: SyslogTlsConfig = {
    ...common(cfg),
    host,
    port: configInt(cfg, 'port', 6514, 1, 65_535),
    caPem: certificate(cfg, 'caPem'),
    maxMessageBytes: configInt(cfg, 'maxMessageBytes', 8000, 2048, 65_536),
  };
  if (cfg.serverName !== undefined) out.serverName = configString(cfg, 'serverName', { max: 253 });
  if (cfg.clientCertPem !== undefined) out.clientCertPem = certificate(cfg, 'clientCertPem');
  return out;
}

function httpsJsonl(cfg: Record<string, unknown>): HttpsJsonlConfig {
  onlyFields(cfg, [...COMMON_KEYS, 'url', 'caPem'], 'sink kind');
  const url = configString(cfg, 'url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuseField('/config/url', 'config.url is not a URL');
  }
  if (parsed.protocol !== 'https:')
    refuseField('/config/url', 'config.url must be https: events leave the hub encrypted');
  if (parsed.username || parsed.password)
    refuseField('/config/url', 'config.url must not carry credentials; give the bearer token as the secret');
  const out: HttpsJsonlConfig = { ...common(cfg), url };
  if (cfg.caPem !== undefined) out.caPem = certificate(cfg, 'caPem');
  return out;
}

/** Checks a sink's settings for its kind. */
export function parseSinkConfig(kind: SinkKind, cfg: Record<string, unknown>): SinkConfig {
  return kind === 'syslog-tls' ? syslogTls(cfg) : httpsJsonl(cfg);
}

/** Checks a secret against the sink: a client key must match the client certificate; a token is text. */
export function checkSinkSecret(kind: SinkKind, config: SinkConfig, secret: string | null): void {
  if (kind === 'https-jsonl') {
    if (secret !== null && !/^[\x21-\x7e]{16,4096}$/.test(secret))
      refuseField('/secret', 'the bearer token must be 16 to 4096 printable characters without spaces');
    return;
  }
  const cert = (config as SyslogTlsConfig).clientCertPem;
  if (!cert && secret !== null)
    refuseField('/secret', 'a syslog sink takes a secret only as the key of config.clientCertPem');
  if (cert && secret === null) refuseField('/secret', 'config.clientCertPem needs its private key as the secret');
  if (cert && secret !== null) {
    let matches = false;
    try {
      matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(secret));
    } catch {
      refuseField('/secret', 'the secret is not a PEM private key');
    }
    if (!matches) refuseField('/secret', 'the secret is not the private key of config.clientCertPem');
  }
}
