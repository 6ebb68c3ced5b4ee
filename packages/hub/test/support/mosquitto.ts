import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's mosquitto on a free loopback port, plain MQTT, for a third party's broker in tests. */
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

export async function startTestMosquitto(): Promise<TestMosquitto> {
  if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `listener ${port} 127.0.0.1`,
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
    url: `mqtt://127.0.0.1:${port}`,
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
