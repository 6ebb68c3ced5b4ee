import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import type { ThrowawayPki } from './throwaway-pki.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const GTLS_DRIVER = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

/** rsyslog and its GnuTLS stream driver are installed (Debian rsyslog, rsyslog-gnutls). */
export function rsyslogAvailable(): boolean {
  return existsSync(RSYSLOGD) && existsSync(GTLS_DRIVER);
}

/**
 * A real rsyslog receiving RFC 5425 syslog over TLS on 127.0.0.1:`port` (imtcp with the gtls
 * driver, octet-counted framing) and writing each message's raw text as one line of a file. Its
 * queues are direct, so a message it read is in the file before it reads the next: what a
 * receiver must do to lose nothing when it is killed (an in-memory queue would lose what it held).
 */
export function rsyslogReceiver(dir: string, port: number, pki: ThrowawayPki) {
  const file = (name: string) => join(dir, name);
  writeFileSync(file('ca.pem'), pki.caPem);
  writeFileSync(file('server.pem'), pki.serverCertPem);
  writeFileSync(file('server.key'), pki.serverKeyPem, { mode: 0o600 });
  const conf = [
    `global(workDirectory="${dir}" maxMessageSize="64k"`,
    `  defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="${file('ca.pem')}"`,
    `  defaultNetstreamDriverCertFile="${file('server.pem')}" defaultNetstreamDriverKeyFile="${file('server.key')}")`,
    'main_queue(queue.type="Direct")',
    'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")',
    `input(type="imtcp" port="${port}" address="127.0.0.1")`,
    'template(name="raw" type="string" string="%rawmsg%\\n")',
    `action(type="omfile" file="${file('received.log')}" template="raw")`,
    '',
  ].join('\n');
  writeFileSync(file('rsyslog.conf'), conf);
  let child: ChildProcess | null = null;
  let stderr = '';

  async function start() {
    // A pid file left by a killed rsyslog would stop the new one from starting.
    rmSync(file('rsyslog.pid'), { force: true });
    stderr = '';
    child = spawn(RSYSLOGD, ['-n', '-f', file('rsyslog.conf'), '-i', file('rsyslog.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const started = child;
    await eventually(() => {
      if (started.exitCode !== null) throw new Error(`rsyslogd exited ${started.exitCode}: ${stderr}`);
      return existsSync(file('rsyslog.pid'));
    }, 20_000);
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL') {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  }

  return {
    start,
    kill,
    stop: () => kill('SIGTERM'),
    /** The lines written so far (each a received SYSLOG-MSG). */
    lines(): string[] {
      if (!existsSync(file('received.log'))) return [];
      return readFileSync(file('received.log'), 'utf8').split('\n').filter(Boolean);
    },
    stderr: () => stderr,
  };
}
