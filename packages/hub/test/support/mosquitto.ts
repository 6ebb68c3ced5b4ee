import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's mosquitto on a free loopback port, for a third party's broker in tests: plain MQTT, or
 * MQTT over TLS with the given server certificate (and client certificates from `clientCaPem` required).
 */
export interface TestMosquitto {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? null;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestMosquittoTls {
  certPem: string;
  keyPem: string;
  /** When given, clients must present a certificate issued by this CA. */
  clientCaPem?: string;
}

export async function startTestMosquitto(opts: { tls?: TestMosquittoTls } = {}): Promise<TestMosquitto> {
  if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  const port = await freePort();
  const file = (name: string, pem: string) => {
    writeFileSync(join(dir, name), pem, { mode: 0o600 });
    return join(dir, name);
  };
  const tls = opts.tls
    ? [
        `certfile ${file('server.crt', opts.tls.certPem)}`,
        `keyfile ${file('server.key', opts.tls.keyPem)}`,
        ...(opts.tls.clientCaPem
          ? [`cafile ${file('client-ca.crt', opts.tls.clientCaPem)}`, 'require_certificate true']
          : []),
      ]
    : [];
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `listener ${port} 127.0.0.1`,
      ...tls,
      'allow_anonymous true',
      'persistence false',
      '',
    ].join('\n'),
  );
  const proc = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const until = Date.now() + 15_000;
  for (;;) {
    const open = await new Promise<boolean>((res) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (open) break;
    if (Date.now() > until || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new Error(`mosquitto did not listen on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        });
        proc.kill('SIGTERM');
      }),
  };
}
