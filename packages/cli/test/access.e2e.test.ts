import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type OutpostClient } from '@outpost/client';
import { enrollDevice } from '@outpost/agent';
import { createLogger, loadConfig, startHub, type Hub } from '@outpost/hub';
import { OUTPOST_MAIN } from './outpost-command.js';

// The whole path with real processes: the agent in its own process with a pty console, and
// `outpost access …` driven by a real client (curl). The agent's process tree is checked against
// the kernel's socket tables for listening sockets while sessions run. Setup goes through the
// API in-process, to keep the number of (slow to start) child processes down.
const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;
const PASSWORD = 'access-e2e-admin-password';
const missing = ['curl', 'script', 'ss'].find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

function startProcess(args: string[], env: Record<string, string>, stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, [main, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
}

function waitForOutput(p: ChildProcess, pattern: RegExp, ms = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolveOut, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got: ${text.slice(-500)}`)), ms);
    const on = (c: Buffer) => {
      text += c.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        resolveOut(m);
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
  });
}

const exited = (p: ChildProcess) =>
  new Promise<number>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code ?? -1))));

/** The process and all its descendants, from /proc. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** TCP sockets in LISTEN and bound UDP sockets held by these processes, from /proc/net (the kernel's tables). */
function socketsOf(pids: number[]): { listening: string[]; established: number } {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      }
    } catch {
      // exited meanwhile
    }
  }
  const listening: string[] = [];
  let established = 0;
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    for (const row of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      if (table.startsWith('udp') || f[3] === '0A') listening.push(`${table} ${f[1]}`);
      else if (f[3] === '01') established++;
    }
  }
  return { listening, established };
}

describe(
  'remote access end to end with the outpost command',
  { skip: missing && `${missing} is not installed` },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-access-cli-'));
    const env = { OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
    let hub: Hub;
    let admin: OutpostClient;
    let agent: ChildProcess;
    let web: http.Server;
    let webPort = 0;
    const cli = async (...args: string[]) =>
      (
        await exec(process.execPath, [main, ...args], {
          cwd: root,
          env: { ...process.env, ...env },
          timeout: 60_000,
        })
      ).stdout;
    const agentSockets = () => socketsOf(processTree(agent.pid!));

    before(async () => {
      web = http.createServer((req, res) => res.end(`hello ${req.url}\n`));
      await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
      webPort = (web.address() as net.AddressInfo).port;
      const config = loadConfig({
        flags: {
          dataDir: join(dir, 'data'),
          httpPort: 0,
          mqttPort: 0,
          bind: '127.0.0.1',
          adminPassword: PASSWORD,
          logLevel: 'warn',
        },
      });
      hub = await startHub(config, { logger: createLogger('silent') });
      const session = (await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login('admin', PASSWORD)).session;
      admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
      // What `outpost login` leaves behind, so the commands below act as the admin.
      mkdirSync(env.OUTPOST_HOME, { recursive: true, mode: 0o700 });
      writeFileSync(
        join(env.OUTPOST_HOME, 'credentials.json'),
        JSON.stringify({ hubUrl: hub.httpUrl, caPem: hub.caPem, session }),
        { mode: 0o600 },
      );
      const tok = await admin.enrollment.createToken({ label: 'access lab' });
      await enrollDevice({
        hubUrl: hub.httpUrl,
        token: tok.token,
        caFingerprint: tok.caFingerprint,
        dir: join(dir, 'agent'),
        deviceId: 'lab-rtu-1',
      });
      agent = startProcess(
        [
          'agent',
          'run',
          '--dir',
          join(dir, 'agent'),
          '--health-interval',
          '5',
          '--access-ports',
          String(webPort),
          '--access-console',
          '/bin/sh',
        ],
        env,
      );
      await waitForOutput(agent, /connected to hub/);
      await admin.access.createPolicy({
        name: 'lab',
        deviceId: 'lab-rtu-1',
        targets: [`tcp:${webPort}`, 'console'],
        mfaMaxAgeS: null,
        captureTcp: true,
      });
    });
    after(async () => {
      agent?.kill('SIGTERM');
      if (agent) await exited(agent);
      await hub?.stop();
      await new Promise((r) => web.close(r));
      rmSync(dir, { recursive: true, force: true });
    });

    it('sees listening sockets where there are some (the check itself works)', async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
      assert.ok(socketsOf([process.pid]).listening.length >= 1);
      await new Promise((r) => probe.close(r));
      assert.deepEqual(agentSockets().listening, []);
    });

    it('serves curl through `outpost access tcp` while the device listens nowhere', async () => {
      const tcp = startProcess(
        [
          'access',
          'tcp',
          'lab-rtu-1',
          String(webPort),
          '--local',
          '127.0.0.1:0',
          '--reason',
          'e2e',
          '--duration',
          '2m',
        ],
        env,
      );
      const [, session, port] = await waitForOutput(
        tcp,
        /session (acs_[0-9a-f]+): tcp[\s\S]*listening on 127\.0\.0\.1:(\d+)/,
      );
      const body = (await exec('curl', ['-s', `http://127.0.0.1:${port}/through-the-relay`])).stdout;
      assert.equal(body, 'hello /through-the-relay\n');
      const during = agentSockets();
      assert.deepEqual(during.listening, []);
      assert.ok(during.established >= 2, 'the agent should hold its MQTT and relay connections');
      // Cross-check with ss: no listener owned by the agent.
      const ss = spawnSync('ss', ['-Hltnup'], { encoding: 'utf8' }).stdout;
      assert.ok(!ss.includes(`pid=${agent.pid},`), ss);
      tcp.kill('SIGINT');
      assert.equal(await exited(tcp), 0);

      // The policy keeps a capture of TCP sessions: saved as pcap, checked against its sealed hash.
      const file = join(dir, 'session.pcap');
      const until = Date.now() + 10_000;
      while (!(await admin.access.session(session)).recording?.sha256 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(
        await cli('access', 'recording', session, '--out', file),
        /saved .*session\.pcap: pcap, \d+ bytes, sha256 [0-9a-f]{64}/,
      );
      const pcap = readFileSync(file);
      assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4);
      assert.ok(pcap.includes('GET /through-the-relay'), 'the request is in the capture');
      assert.ok(pcap.includes('hello /through-the-relay'), 'and the answer');
    });

    it('gives a console whose replayed transcript is exactly what the operator saw', async () => {
      const con = startProcess(
        ['access', 'console', 'lab-rtu-1', '--reason', 'e2e console', '--duration', '2m'],
        env,
        'pipe',
      );
      let shown = '';
      con.stdout!.on('data', (d: Buffer) => (shown += d.toString('utf8')));
      const [, session] = await waitForOutput(con, /session (acs_[0-9a-f]+): console/);
      con.stdin!.write("printf 'console \\342\\234\\223 ok\\n'\n");
      await waitForOutput(con, /console ✓ ok/);
      assert.deepEqual(agentSockets().listening, []);
      con.stdin!.write('exit\n');
      assert.equal(await exited(con), 0);
      const replay = await cli('access', 'replay', session, '--raw');
      assert.equal(replay, shown);
      const s = await admin.access.session(session);
      assert.equal(s.state, 'closed');
      assert.match(s.recording!.sha256!, /^[0-9a-f]{64}$/);
    });
  },
);
