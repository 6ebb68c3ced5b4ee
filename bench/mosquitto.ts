import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKekPath, readServerKeyPem } from '@outpost/hub';
import { MOSQUITTO, runMosquitto } from '../packages/hub/test/support/mosquitto.js';

export interface Mosquitto {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Debian's mosquitto binary, or null (the bench then prints a skipped baseline). */
export const mosquittoBin = (): string | null => MOSQUITTO;

/**
 * Debian's mosquitto with the hub's own PKI, as a baseline in the same run: the same CA admits the
 * same device certificates (`require_certificate`, identity as user name), with the hub's server
 * certificate, so both brokers do the same TLS work per connection.
 */
export async function startMosquitto(dataDir: string, extra: string[] = []): Promise<Mosquitto> {
  // The port is drawn at random: on a busy machine another process may hold it, so a few draws are tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMosquittoOn(20000 + Math.floor(Math.random() * 20000), dataDir, extra);
    } catch (e) {
      if (attempt >= 5 || !/Address already in use/.test((e as Error).message)) throw e;
    }
  }
}

async function startMosquittoOn(port: number, dataDir: string, extra: string[]): Promise<Mosquitto> {
  const bin = mosquittoBin();
  if (!bin) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  const pki = join(dataDir, 'pki');
  // The hub keeps its server key sealed under the KEK; mosquitto gets a clear copy in its own 0700 directory.
  const serverKey = join(dir, 'server.key');
  writeFileSync(serverKey, await readServerKeyPem(dataDir, readFileSync(defaultKekPath(dataDir))), { mode: 0o600 });
  const broker = await runMosquitto(
    dir,
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${pki}/ca.crt`,
      `certfile ${pki}/server.crt`,
      `keyfile ${serverKey}`,
      'require_certificate true',
      'use_identity_as_username true',
      'allow_anonymous true',
      'persistence false',
      ...extra,
    ],
    [port],
  );
  return {
    port,
    proc: broker.proc,
    stop: broker.stop,
  };
}
