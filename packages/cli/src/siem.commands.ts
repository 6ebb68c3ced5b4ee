import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import { common, num, type Common } from './monitoring-cli.util.js';

type AddFlags = Common & {
  kind: string;
  host?: string;
  port?: number;
  ca?: string;
  serverName?: string;
  clientCert?: string;
  clientKey?: string;
  url?: string;
  bearerTokenFile?: string;
  sources?: string;
  batchSize?: number;
  alertAfter?: number;
  startAt?: string;
};

const read = (file: string) => readFileSync(file, 'utf8');

function sinkConfig(o: AddFlags): Record<string, unknown> {
  const shared = {
    ...(o.sources ? { sources: o.sources.split(',').map((s) => s.trim()) } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.alertAfter !== undefined ? { alertAfterS: o.alertAfter } : {}),
  };
  if (o.kind === 'syslog-tls') {
    if (!o.host || !o.ca) throw new Error('a syslog-tls sink needs --host and --ca');
    return {
      ...shared,
      host: o.host,
      caPem: read(o.ca),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.serverName ? { serverName: o.serverName } : {}),
      ...(o.clientCert ? { clientCertPem: read(o.clientCert) } : {}),
    };
  }
  if (o.kind === 'https-jsonl') {
    if (!o.url) throw new Error('an https-jsonl sink needs --url');
    return { ...shared, url: o.url, ...(o.ca ? { caPem: read(o.ca) } : {}) };
  }
  throw new Error(`--kind must be syslog-tls or https-jsonl, not "${o.kind}"`);
}

// Secrets come from files or the environment, never from the command line (shell history, ps).
function sinkSecret(o: AddFlags): string | undefined {
  if (o.kind === 'syslog-tls') return o.clientKey ? read(o.clientKey) : undefined;
  if (o.bearerTokenFile) return read(o.bearerTokenFile).trim();
  return process.env.OUTPOST_SIEM_BEARER_TOKEN || undefined;
}

/** `outpost siem sinks list|add|remove|test`: where the audit trail and security events are streamed. */
export function registerSiemCommands(program: Command) {
  const siem = program.command('siem').description('SIEM export: audit records, security and guard events, alerts');
  const sinks = siem.command('sinks').description('receivers: syslog over TLS (RFC 5425) or JSON lines over HTTPS');
  common(sinks.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).siem.sinks.list();
    const rows = r.items.map((s) => ({
      ...s,
      to: s.kind === 'syslog-tls' ? `${String(s.config.host)}:${String(s.config.port)}` : s.config.url,
      backlog: `${s.backlogTotal}${s.backlogCapped ? '+' : ''}`,
      state: !s.enabled ? 'disabled' : s.failing ? `failing since ${s.failingSince}` : 'ok',
      lastError: s.lastError ?? '',
    }));
    output(o.json, r, rows, ['id', 'name', 'kind', 'to', 'backlog', 'deliveredTotal', 'state', 'lastError']);
  });
  common(sinks.command('add <name>'))
    .requiredOption('--kind <kind>', 'syslog-tls or https-jsonl')
    .option('--host <host>', 'syslog receiver host')
    .option('--port <n>', 'syslog receiver port (default 6514)', num)
    .option('--ca <file>', 'CA certificate that issued the receiver’s certificate (PEM)')
    .option('--server-name <name>', 'name the receiver’s certificate must carry (default: --host)')
    .option('--client-cert <file>', 'client certificate for the syslog receiver (PEM)')
    .option('--client-key <file>', 'its private key (PEM); stored sealed, never shown again')
    .option('--url <url>', 'HTTPS receiver URL')
    .option('--bearer-token-file <file>', 'HTTPS bearer token (or OUTPOST_SIEM_BEARER_TOKEN); stored sealed')
    .option('--sources <list>', 'comma-separated: audit,checkpoints,device-events,alerts (default all)')
    .option('--batch-size <n>', 'events per batch (default 200)', num)
    .option('--alert-after <s>', 'seconds of failure before a siem.sink.failing record (default 300)', num)
    .option('--start-at <when>', 'beginning (everything kept) or now', 'beginning')
    .action(async (name: string, o: AddFlags) => {
      const sink = await (
        await clientFrom(o)
      ).siem.sinks.create({
        name,
        kind: o.kind as 'syslog-tls' | 'https-jsonl',
        config: sinkConfig(o),
        secret: sinkSecret(o),
        startAt: o.startAt as 'beginning' | 'now',
      });
      if (o.json) return printJson(sink);
      console.log(`sink ${sink.id} created; backlog ${sink.backlogTotal}`);
    });
  common(sinks.command('remove <id>')).action(async (id: string, o: Common) => {
    await (await clientFrom(o)).siem.sinks.remove(id);
    if (!o.json) console.log(`sink ${id} removed`);
  });
  common(sinks.command('test <id>')).action(async (id: string, o: Common) => {
    const r = await (await clientFrom(o)).siem.sinks.test(id);
    if (o.json) return printJson(r);
    console.log(r.ok ? 'the receiver took the test event' : `the receiver did not take the test event: ${r.error}`);
    if (!r.ok) process.exitCode = 1;
  });
}
