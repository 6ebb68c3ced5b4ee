import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MOSQUITTO, runMosquitto } from './mosquitto.js';
import { restartablePort, startTestHub, type TestHub } from './test-hub.js';
import type { HubConfig } from '../../src/index.js';
import type { Clock } from '../../src/platform/clock.js';

const run = promisify(execFile);
export const MOSQUITTO_BIN = MOSQUITTO;
export const DYNSEC_PLUGIN = [
  '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/mosquitto_dynamic_security.so',
].find((p) => existsSync(p));
const OUTPOST_CLI = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

export interface MosquittoBroker {
  dir: string;
  devicePort: number;
  backendPort: number;
  /** The OUTPOST_BROKERS entry of this broker. */
  entry: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A real Mosquitto on free loopback ports, configured by `outpost hub broker-config` from a hub's
 * data directory (the hub must be stopped while the configuration is written).
 */
export async function startMosquittoBroker(
  dataDir: string,
  opts: { backendFrom?: string; databaseUrl?: string; beforeStart?: (dir: string) => void } = {},
): Promise<MosquittoBroker> {
  if (!MOSQUITTO_BIN) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  const devicePort = await restartablePort();
  let backendPort = await restartablePort();
  while (backendPort === devicePort) backendPort = await restartablePort();
  await run(
    process.execPath,
    [
      OUTPOST_CLI,
      'hub',
      'broker-config',
      '--kind',
      'mosquitto',
      '--out',
      dir,
      '--host',
      '127.0.0.1',
      '--host',
      'localhost',
      '--device-port',
      String(devicePort),
      '--backend-port',
      String(backendPort),
      '--bind',
      '127.0.0.1',
      ...(DYNSEC_PLUGIN ? ['--dynsec-plugin', DYNSEC_PLUGIN] : []),
      ...(opts.backendFrom ? ['--backend-from', opts.backendFrom] : []),
      // Started as root, mosquitto would drop to its own user, which cannot read a 0700 temp directory.
      ...(process.getuid?.() === 0 ? ['--run-as', 'root'] : []),
    ],
    {
      env: {
        ...process.env,
        OUTPOST_DATA_DIR: dataDir,
        ...(opts.databaseUrl ? { OUTPOST_DATABASE_URL: opts.databaseUrl } : {}),
      },
    },
  );
  opts.beforeStart?.(dir);
  const broker = await runMosquitto(dir, null, [devicePort, backendPort]);
  return {
    dir,
    devicePort,
    backendPort,
    entry: `mqtts://127.0.0.1:${backendPort}?devices=${devicePort}`,
    log: broker.log,
    stop: broker.stop,
  };
}

/** A hub whose devices are on the Mosquitto brokers it gets (its data directory configured them). */
export async function startHubOnMosquitto(
  brokers = 1,
  base: Partial<HubConfig> = {},
  opts: { clock?: Clock } = {},
): Promise<{ t: TestHub; brokers: MosquittoBroker[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-ext-'));
  // A first start makes the data directory (CA, database); broker-config runs with the hub stopped.
  await (await startTestHub(base, dir)).stop();
  const started: MosquittoBroker[] = [];
  try {
    for (let i = 0; i < brokers; i++)
      // Every broker accepts the one client certificate the hub presents.
      started.push(await startMosquittoBroker(dir, { backendFrom: started[0]?.dir, databaseUrl: base.databaseUrl }));
    const t = await startTestHub(
      { ...base, brokers: started.map((b) => b.entry).join(','), brokerDir: started.map((b) => b.dir).join(',') },
      dir,
      opts,
    );
    const stop = t.stop;
    t.stop = async () => {
      await stop();
      for (const b of started) await b.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.kek`, { force: true });
    };
    return { t, brokers: started };
  } catch (e) {
    for (const b of started) await b.stop();
    throw e;
  }
}
