import { sendHttpsJsonl } from './https-jsonl.transport.js';
import { eventJson, type SiemEvent } from './siem-event.js';
import type { SendBatch } from './siem-outbox.js';
import type { StoredSink } from './siem.store.js';
import type { HttpsJsonlConfig, SyslogTlsConfig } from './sink-config.js';
import { formatSyslog, type SyslogHeader } from './syslog-format.js';
import { sendSyslogTls } from './syslog-tls.transport.js';

/** How a sink sends a batch: the sink's kind, settings and (just opened) secret. */
export function batchSender(sink: StoredSink, secret: string | null, header: SyslogHeader): SendBatch {
  if (sink.kind === 'syslog-tls') {
    const c = sink.config as unknown as SyslogTlsConfig;
    const target = {
      host: c.host,
      port: c.port,
      caPem: c.caPem,
      serverName: c.serverName,
      clientCertPem: c.clientCertPem,
      clientKeyPem: secret ?? undefined,
      timeoutMs: c.timeoutMs,
    };
    return (events: SiemEvent[]) =>
      sendSyslogTls(
        target,
        events.map((e) => formatSyslog(e, header, c.maxMessageBytes)),
      );
  }
  const c = sink.config as unknown as HttpsJsonlConfig;
  const target = { url: c.url, caPem: c.caPem, token: secret, timeoutMs: c.timeoutMs };
  return (events: SiemEvent[]) => {
    const first = events[0];
    const last = events[events.length - 1];
    const batchId = `${sink.id}:${first.source}:${first.position}:${last.position}`;
    return sendHttpsJsonl(target, events.map(eventJson), batchId);
  };
}
