// The floor under the relay's figures: three bare Node processes forwarding bytes over two TLS legs,
// in the relay's shape (operator's CLI → hub → device agent → target), with the hub's own certificate
// and key. What the relay costs above this is its WebSocket framing, multiplexing, credit and checks;
// what this costs above `ssh -L` is three Node processes terminating TLS where OpenSSH has two C ones.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKekPath, readServerKeyPem } from '@outpost/hub';

export interface NodeTlsFloor {
  /** The loopback port whose connections the three forwarders carry to the target. */
  port: number;
  pids: number[];
  stop(): Promise<void>;
}

function forwarder(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [join(import.meta.dirname, 'tls-forwarder.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`tls-forwarder exited with ${code}`)));
    proc.stdout!.once('data', (d: Buffer) => resolve({ proc, port: Number(/port (\d+)/.exec(String(d))![1]) }));
  });
}

/** Starts target ← device-side forwarder ← middle forwarder ← operator-side forwarder, each its own process. */
export async function startNodeTlsFloor(hubDataDir: string, targetPort: number): Promise<NodeTlsFloor> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-tls-floor-'));
  const files = [join(dir, 'ca.crt'), join(hubDataDir, 'pki/server.crt'), join(dir, 'server.key')];
  writeFileSync(files[0], readFileSync(join(hubDataDir, 'pki/ca.crt')));
  writeFileSync(files[2], await readServerKeyPem(hubDataDir, readFileSync(defaultKekPath(hubDataDir))), {
    mode: 0o600,
  });
  const procs: ChildProcess[] = [];
  try {
    const device = await forwarder(['tls', 'tcp', String(targetPort), ...files]);
    procs.push(device.proc);
    const middle = await forwarder(['tls', 'tls', String(device.port), ...files]);
    procs.push(middle.proc);
    const operator = await forwarder(['tcp', 'tls', String(middle.port), ...files]);
    procs.push(operator.proc);
    return {
      port: operator.port,
      pids: procs.map((p) => p.pid!),
      stop: async () => {
        await Promise.all(
          procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : (p.once('exit', r), p.kill())))),
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const p of procs) p.kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
