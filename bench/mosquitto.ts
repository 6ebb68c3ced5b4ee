import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKekPath, readServerKeyPem } from '@outpost/hub';

export interface Mosquitto {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Debian's mosquitto binary, or null (the bench then prints a skipped baseline). */
export const mosquittoBin = (): string | null =>
  ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? null;

/**
 * Debian's mosquitto with the hub's own PKI, as a baseline in the same run: the same CA admits the
 * same device certificates (`require_certificate`, identity as user name), with the hub's server
 * certificate, so both brokers do the same TLS work per connection.
 */
export async function startMosquitto(dataDir: string, extra: string[] = []): Promise<Mosquitto> {
  const bin = mosquittoBin();
  if (!bin) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const pki = join(dataDir, 'pki');
  // The hub keeps its server key sealed under the KEK; mosquitto gets a clear copy in its own 0700 directory.
  const serverKey = join(dir, 'server.key');
  writeFileSync(serverKey, await readServerKeyPem(dataDir, readFileSync(defaultKekPath(dataDir))), { mode: 0o600 });
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      // Started as root, mosquitto drops to its own user, which cannot read the hub's 0700 data directory.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `listener ${port} 127.0.0.1`,
      `cafile ${pki}/ca.crt`,
      `certfile ${pki}/server.crt`,
      `keyfile ${serverKey}`,
      'require_certificate true',
      'use_identity_as_username true',
      'allow_anonymous true',
      'persistence false',
      ...extra,
      '',
    ].join('\n'),
  );
  const proc = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await waitForPort(port, 10_000);
  return {
    port,
    proc,
    stop: () =>
      new Promise((res) => {
        proc.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        });
        proc.kill('SIGTERM');
      }),
  };
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((res) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
