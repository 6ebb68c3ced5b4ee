import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OUTPOST_MAIN } from './outpost-command.js';
import { restartablePort } from '../../hub/test/support/test-hub.js';

const exec = promisify(execFile);
const PASSWORD = 'accounts-test-admin-password';

interface Run {
  code: number;
  out: string;
}

/** Traps of a first start and the ways back in: port in use, the data directory's lock, lost passwords. */
describe('accounts and the data directory, from the outpost command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-accounts-'));
  const dataDir = join(dir, 'data');
  const env = { ...process.env, OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn', OUTPOST_DATA_DIR: dataDir };
  let hub: ChildProcess | undefined;
  let busy: Server;
  let hubUrl = '';
  let httpPort = '';

  const run = async (args: string[], extra: Record<string, string> = {}): Promise<Run> => {
    try {
      const r = await exec(process.execPath, [OUTPOST_MAIN, ...args], { env: { ...env, ...extra }, timeout: 60_000 });
      return { code: 0, out: r.stdout + r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { code: x.code ?? -1, out: (x.stdout ?? '') + (x.stderr ?? '') };
    }
  };
  const cli = async (...args: string[]) => {
    const r = await run(args);
    assert.equal(r.code, 0, r.out);
    return r.out;
  };

  function startHub(extra: Record<string, string> = {}): Promise<{ proc: ChildProcess; text: string }> {
    const proc = spawn(process.execPath, [OUTPOST_MAIN, 'hub'], {
      // The same address across restarts, so the saved sign-in still points at it.
      env: { ...env, OUTPOST_HTTP_PORT: httpPort, OUTPOST_MQTT_PORT: '0', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`hub did not start: ${text}`)), 60_000);
      const on = (c: Buffer) => {
        text += c.toString();
        if (/CA fingerprint:\s+[0-9a-f]{64}/.test(text)) {
          clearTimeout(timer);
          resolve({ proc, text });
        }
      };
      proc.stdout.on('data', on);
      proc.stderr.on('data', on);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hub exited ${code}: ${text}`));
      });
    });
  }
  async function stopHub() {
    if (!hub || hub.exitCode !== null) return;
    const exited = new Promise((r) => hub!.once('exit', r));
    hub.kill('SIGTERM');
    await exited;
  }

  before(async () => {
    httpPort = String(await restartablePort());
    busy = await new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  after(async () => {
    await stopHub();
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a first start on a busy port says which setting to change, and the next start still shows the password', async () => {
    const port = String((busy.address() as { port: number }).port);
    const failed = await run(['hub'], { OUTPOST_HTTP_PORT: port, OUTPOST_MQTT_PORT: '0' });
    assert.equal(failed.code, 1);
    assert.match(failed.out, new RegExp(`the HTTPS port ${port} is in use; choose another with --http-port`));
    const started = await startHub();
    hub = started.proc;
    const generated = /user "admin", password "([^"]+)"/.exec(started.text);
    assert.ok(generated, started.text);
    hubUrl = /console and API: (https:\/\/\S+?)\/\s/.exec(started.text)![1];
    await cli(
      'login',
      '--hub',
      hubUrl,
      '--ca-file',
      join(dataDir, 'pki', 'ca.crt'),
      '--username',
      'admin',
      '--password',
      generated[1],
    );
    await cli('password', '--current', generated[1], '--new', PASSWORD);
    assert.match(await cli('whoami'), /^admin \(admin\) via user/);
  });

  it('a second hub on the same data directory is refused and names the process holding it', async () => {
    const second = await run(['hub']);
    assert.equal(second.code, 1);
    assert.match(second.out, new RegExp(`in use by process ${hub!.pid} \\(hub, since`));
  });

  it('an admin resets another user, who is signed out; wrong current passwords are refused', async () => {
    await cli('users', 'create', 'olga', '--role', 'operator', '--password', 'olga-first-password');
    const reset = await cli('users', 'password', 'olga');
    const olgaPassword = /set to "([^"]+)"/.exec(reset)![1];
    await cli('users', 'set-role', 'olga', 'viewer');
    const asOlga = await run(['login', '--username', 'olga', '--password', olgaPassword]);
    assert.equal(asOlga.code, 0, asOlga.out);
    assert.match(asOlga.out, /as olga \(viewer\)/);
    const wrong = await run(['password', '--current', 'not-her-password', '--new', 'olga-second-password']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /validation_failed: the current password is wrong/);
    assert.match(await cli('logout'), /signed out/);
    const gone = await run(['whoami']);
    assert.notEqual(gone.code, 0);
  });

  it('whoever holds the data directory resets a lost admin password, with the hub stopped, and it is audited', async () => {
    const whileRunning = await run(['hub', 'reset-password', 'admin']);
    assert.equal(whileRunning.code, 1);
    assert.match(whileRunning.out, /in use by process \d+ \(hub, since .*stop it first/);
    await stopHub();
    const unknown = await run(['hub', 'reset-password', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /user "nobody" not found/);
    const reset = await cli('hub', 'reset-password', 'admin');
    const password = /reset to "([^"]+)"/.exec(reset)![1];
    hub = (await startHub()).proc;
    const caFile = join(dataDir, 'pki', 'ca.crt');
    await cli('login', '--hub', hubUrl, '--ca-file', caFile, '--username', 'admin', '--password', password);
    const audit = await cli('audit', 'list', '--action', 'user.password_reset', '--json');
    assert.match(audit, /"actorType": "system",\s*"actor": "data-directory:[^"]+",\s*"action": "user.password_reset"/);
    assert.match(await cli('audit', 'verify'), /ok|intact|verified/i);
  });
});
