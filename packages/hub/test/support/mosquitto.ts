import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const broker = await runMosquitto(
    dir,
    [`listener ${port} 127.0.0.1`, ...tls, 'allow_anonymous true', 'persistence false'],
    [port],
  );
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    stop: broker.stop,
  };
}

export interface MosquittoProcess {
  proc: ChildProcess;
  /** What mosquitto wrote on stderr and into `<dir>/mosquitto.log`, if it keeps one. */
  log(): string;
  /** Stops mosquitto (SIGTERM) and removes `dir`. */
  stop(): Promise<void>;
}

/**
 * Runs Debian's mosquitto on `<dir>/mosquitto.conf` and waits until every port in `ports` accepts
 * connections. `conf` (when given) is written there first; as root, mosquitto is told to stay
 * root, since its own user cannot read a test's 0700 directories. The one way tests and benches
 * start a Mosquitto.
 */
export async function runMosquitto(dir: string, conf: string[] | null, ports: number[]): Promise<MosquittoProcess> {
  if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const file = join(dir, 'mosquitto.conf');
  if (conf) writeFileSync(file, [...(process.getuid?.() === 0 ? ['user root'] : []), ...conf, ''].join('\n'));
  const proc = spawn(MOSQUITTO, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
  let exited = false;
  proc.once('exit', () => (exited = true));
  const logFile = join(dir, 'mosquitto.log');
  const log = () => stderr + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  try {
    for (const port of ports) await waitForPort(port, 15_000, () => exited);
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}; mosquitto said: ${log()}`);
  }
  return {
    proc,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (exited) return done();
        proc.once('exit', done);
        proc.kill('SIGTERM');
      }),
  };
}

async function waitForPort(port: number, ms: number, gone: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (gone()) throw new Error('mosquitto exited');
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
