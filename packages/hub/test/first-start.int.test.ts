import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@outpost/client';
import { createLogger, loadConfig, startHub } from '../src/index.js';
import { DataDirLockedError, LOCK_FILE } from '../src/platform/data-dir-lock.js';

const quiet = createLogger('error');

function config(dataDir: string, httpPort = 0) {
  return loadConfig({ flags: { dataDir, httpPort, mqttPort: 0, bind: '127.0.0.1', presenceSweepMs: 200 } });
}

function occupyPort(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

describe('first start and the data directory', () => {
  it('a first start that fails on a port in use leaves no admin whose password was never shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-first-'));
    const busy = await occupyPort();
    try {
      const port = (busy.address() as { port: number }).port;
      await assert.rejects(startHub(config(dir, port), { logger: quiet }), /EADDRINUSE/);
      assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the failed start released the directory');

      const hub = await startHub(config(dir), { logger: quiet });
      try {
        assert.ok(hub.initialAdminPassword, 'the next start makes the admin and shows its password');
        const signedIn = await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login(
          'admin',
          hub.initialAdminPassword,
        );
        assert.equal(signedIn.user.role, 'admin');
      } finally {
        await hub.stop();
      }
      const again = await startHub(config(dir), { logger: quiet });
      assert.equal(again.initialAdminPassword, undefined, 'shown once the hub is up, not at every start');
      await again.stop();
    } finally {
      busy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second hub on the same data directory is refused, naming the process that holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-lock-'));
    const first = await startHub(config(dir), { logger: quiet });
    try {
      await assert.rejects(
        startHub(config(dir), { logger: quiet }),
        (e: unknown) =>
          e instanceof DataDirLockedError &&
          e.holder.pid === process.pid &&
          e.message.includes(`in use by process ${process.pid} (hub, since`),
      );
      const stillServing = await createClient({ baseUrl: first.httpUrl, caPem: first.caPem }).login(
        'admin',
        first.initialAdminPassword!,
      );
      assert.equal(stillServing.user.username, 'admin');
    } finally {
      await first.stop();
    }
    const next = await startHub(config(dir), { logger: quiet });
    await next.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
