// OpenSSH as the remote-access baseline a user would pick instead of the relay: Debian's sshd on
// 127.0.0.1 with throw-away keys, and `ssh -N -L` forwarding a loopback port to the target.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p)) ?? null;

/** Why the OpenSSH baseline cannot run here, or null when it can. */
export function opensshMissing(): string | null {
  if (!SSHD) return 'sshd is not installed (apt-get install openssh-server)';
  if (spawnSync('sh', ['-c', 'command -v ssh && command -v ssh-keygen']).status !== 0)
    return 'ssh is not installed (apt-get install openssh-client)';
  return null;
}

export interface SshForward {
  /** The loopback port whose connections `ssh -L` carries to the target. */
  port: number;
  sshd: ChildProcess;
  ssh: ChildProcess;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, what: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${log().slice(-400)}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}: ${log().slice(-400)}`);
}

const stopChild = (p: ChildProcess) =>
  new Promise<void>((r) => {
    if (p.exitCode !== null || p.signalCode !== null) return r();
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });

/** Starts sshd on 127.0.0.1 and `ssh -L` to `127.0.0.1:targetPort`, both with keys made for this run. */
export async function startSshForward(targetPort: number): Promise<SshForward> {
  const missing = opensshMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'outpost-sshd-'));
  const keygen = (file: string) => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  };
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'user_key'));
  writeFileSync(join(dir, 'authorized_keys'), spawnSync('cat', [join(dir, 'user_key.pub')]).stdout, { mode: 0o600 });
  // sshd insists on its privilege-separation directory when started as root.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshPort = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${sshPort}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding local',
      'PermitOpen any',
      '',
    ].join('\n'),
  );
  let sshdLog = '';
  const sshd = spawn(SSHD!, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr!.on('data', (d: Buffer) => (sshdLog = (sshdLog + d.toString()).slice(-4000)));
  await waitListening(sshPort, 'sshd', sshd, () => sshdLog);
  const port = await freePort();
  let sshLog = '';
  const ssh = spawn(
    'ssh',
    [
      '-N',
      '-p',
      String(sshPort),
      '-i',
      join(dir, 'user_key'),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
      '-o',
      'ExitOnForwardFailure=yes',
      '-o',
      'BatchMode=yes',
      '-L',
      `127.0.0.1:${port}:127.0.0.1:${targetPort}`,
      `${userInfo().username}@127.0.0.1`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  ssh.stderr!.on('data', (d: Buffer) => (sshLog = (sshLog + d.toString()).slice(-4000)));
  try {
    await waitListening(port, 'ssh -L', ssh, () => sshLog);
  } catch (err) {
    await Promise.all([stopChild(ssh), stopChild(sshd)]);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    sshd,
    ssh,
    async stop() {
      await Promise.all([stopChild(ssh), stopChild(sshd)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
