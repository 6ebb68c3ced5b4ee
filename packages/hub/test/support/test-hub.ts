import { mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createClient, type OutpostClient } from '@outpost/client';
import type { Role } from '@outpost/protocol';
import type { Clock } from '../../src/platform/clock.js';
import { createManualClock, type ManualClock } from '../../src/platform/manual-clock.js';
export { eventually } from './eventually.js';
import { createLogger, loadConfig, startHub, type Hub, type HubConfig } from '../../src/index.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A free port for a hub that a test stops and starts again on the same address. It lies below the
 * kernel's ephemeral range (32768 and up on Linux), so while the hub is down no outgoing
 * connection of a test running beside it can be given the port as its local end.
 */
export async function restartablePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

export interface TestHub {
  hub: Hub;
  dir: string;
  admin: OutpostClient;
  logFile: string;
  /** A client signed in as a new user with that role. */
  userClient(role: Role): Promise<OutpostClient>;
  anonymous(): OutpostClient;
  logText(): string;
  stop(): Promise<void>;
}

/**
 * A hub's clock for a test that jumps over hub time (alert durations, expiries, schedules): wall
 * time plus the jumps, so the hub's short timers keep running while the test awaits `advance`.
 */
export function hubTestClock(): ManualClock {
  return createManualClock(Date.now(), { flowing: true });
}

/** A real hub on ephemeral loopback ports with its own temporary data directory and log file. */
export async function startTestHub(
  overrides: Partial<HubConfig> = {},
  reuseDir?: string,
  opts: { clock?: Clock } = {},
): Promise<TestHub> {
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'outpost-hub-'));
  const config = loadConfig({
    flags: {
      dataDir: dir,
      httpPort: 0,
      mqttPort: 0,
      bind: '127.0.0.1',
      adminPassword: ADMIN_PASSWORD,
      presenceSweepMs: 200,
      ingestFlushMs: 10,
      logLevel: 'info',
      // Tests poll the API every 50 ms for as long as they wait; the limit has its own test.
      apiRequestsPerMinute: 1_000_000,
      ...overrides,
    },
  });
  const logFile = join(dir, `hub-${Date.now()}.log`);
  const stream = createWriteStream(logFile, { flags: 'a' });
  // A timer's work that was already running when the hub stopped may still log a last line
  // after the file is closed; that line is dropped rather than failing whichever test runs next.
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ERR_STREAM_WRITE_AFTER_END') throw err;
  });
  const hub = await startHub(config, { logger: createLogger('info', stream), clock: opts.clock });
  const base = { baseUrl: hub.httpUrl, caPem: hub.caPem };
  const adminSession = (await createClient(base).login('admin', ADMIN_PASSWORD)).session;
  const admin = createClient({ ...base, session: adminSession });
  let n = 0;
  return {
    hub,
    dir,
    admin,
    logFile,
    async userClient(role) {
      const username = `${role}-${++n}-${Date.now()}`;
      await admin.users.create({ username, password: 'a-long-password-1', role });
      const { session } = await createClient(base).login(username, 'a-long-password-1');
      return createClient({ ...base, session });
    },
    anonymous: () => createClient(base),
    logText: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await hub.stop();
      await new Promise<void>((r) => stream.end(r));
      if (!reuseDir) {
        rmSync(dir, { recursive: true, force: true });
        rmSync(`${dir}.kek`, { force: true });
      }
    },
  };
}
