import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { npmScriptOf, PrintedIds, readmeCommands, type ReadmeCommand } from './readme-commands.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const README = join(ROOT, 'README.md');
const ADMIN_PASSWORD = 'readme-test-admin-password';
const COMMAND_MS = 90_000;
const READY_MS = 120_000;

/** README commands this test does not run, each with the reason. A command the README drops fails the test here. */
const EXCLUDED_COMMANDS: Record<string, string> = {
  'npm install': 'the checkout is installed already; installing again needs the registry and rewrites node_modules',
  'npm test': 'the whole suite, this test among it',
  'outpost agent enroll --hub https://hub.example:8443 --token oet_… --ca-fingerprint 3f…':
    'runs on a real gateway and keeps its identity in /var/lib/outpost-agent (the agent tests enroll devices)',
  'outpost agent run --model gw-200 --firmware 2.1.0': 'runs on the enrolled gateway of the line before',
  'outpost alerts ack alr_… --note "crew on the way"': 'no alert fires on a fresh fleet within the test',
  'outpost alerts resolve alr_… --note "replaced modem"': 'no alert fires on a fresh fleet within the test',
  'outpost notifications retry msg_…': 'no notification fails on a fresh hub (the monitoring tests retry dead letters)',
  ...Object.fromEntries(
    [
      'outpost rollouts create --name "gw-fw 2.1.0" --artifact art_… --group north --waves 5,10%,50%,100% --threshold 95 --abort-pct 10 --max-in-flight 50 --window "0 1 * * *|240|Europe/Berlin" --watch',
      'outpost rollouts show rol_… --watch',
      'outpost rollouts pause rol_…',
      'outpost rollouts jobs rol_… --state failed',
      'outpost rollouts job job_…',
    ].map((c) => [
      c,
      'group north holds only the real gateways of "A real device", which this test does not enroll: a rollout there has no device (the rollout CLI tests run them on simulated fleets)',
    ]),
  ),
  'outpost agent run --update-installer script --update-install-cmd rauc install --update-commit-cmd rauc status mark-good --update-rollback-cmd rauc status mark-bad':
    'runs on a gateway with RAUC (the updates tests install through the simulated A/B installer)',
  'npm run package:hub': 'builds a release tarball of the production dependencies (scripts/package-hub tests)',
};

/**
 * README sections whose commands need what the README does not create (a PLC at 10.0.0.5, serial
 * ports, capture files, an authenticator's TOTP codes, access session ids): they show the verbs, and
 * the guard, access and MFA tests run them.
 */
const EXCLUDED_SECTIONS: Record<string, string> = {
  'OT guard (Modbus, DNP3)': 'a guarded PLC at 10.0.0.5, serial ports and capture files of the reader',
  'Remote access and MFA': 'TOTP codes of an authenticator, device gw-0042 and session ids',
};

/** Files and variables the README's commands take from the reader: written into the working directory first. */
const READER_FILES: Record<string, string> = {
  'motd.txt': 'Authorised access only.\n',
  'fw-2.1.0.img': 'a firmware image of the reader\n'.repeat(64),
  'gw-200.schema.json': JSON.stringify({
    type: 'object',
    properties: { ssh: { type: 'object', properties: { enabled: { type: 'boolean' } } } },
  }),
};
const READER_ENV = { SITE_PSK: 'readme-site-psk-secret' };

/** The README's example device names, and the simulated device (started by `outpost sim`) each stands for. */
const EXAMPLE_DEVICES: Record<string, string> = { 'gw-0042': 'sim-00042' };

/**
 * Long-running commands (by how they start): started in the background, ready when their output says so,
 * stopped at the end. Ids they print serve later commands like any other's.
 */
const BACKGROUND: Record<string, RegExp> = {
  'npm start': /Outpost hub is running/,
  'outpost sim --devices 50': /online 50\/50/,
};
const backgroundReady = (text: string) => Object.entries(BACKGROUND).find(([start]) => text.startsWith(start))?.[1];

const freePort = () =>
  new Promise<number>((done) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => done(port));
    });
  });

interface Started {
  command: ReadmeCommand;
  child: ChildProcess;
  output: () => string;
}

const where = (c: ReadmeCommand) => `README.md:${c.line} (${c.section}): \`${c.text}\``;

function startShell(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn('bash', ['-c', c.text], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (b: Buffer) => {
    text = (text + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { command: c, child, output: () => text };
}

function exited(s: Started, ms: number): Promise<number | string> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve(s.child.exitCode ?? 'killed');
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${where(s.command)} still running after ${ms} ms:\n${s.output()}`)),
      ms,
    );
    s.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done(code ?? `signal ${signal}`);
    });
  });
}

async function runForeground(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const s = startShell(c, cwd, env);
  let code: number | string;
  try {
    code = await exited(s, COMMAND_MS);
  } catch (e) {
    await stop(s);
    throw e;
  }
  assert.equal(code, 0, `${where(c)} exited ${code}:\n${s.output()}`);
  return s.output();
}

async function waitReady(s: Started, ready: RegExp): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (!ready.test(s.output())) {
    if (s.child.exitCode !== null)
      assert.fail(`${where(s.command)} exited ${s.child.exitCode} before ${ready}:\n${s.output()}`);
    if (Date.now() > deadline)
      assert.fail(`${where(s.command)} did not print ${ready} within ${READY_MS} ms:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a background command and everything it started (its process group): SIGTERM, then SIGKILL. */
async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const group = -s.child.pid!;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  await exited(s, 20_000).catch(() => process.kill(group, 'SIGKILL'));
}

/** Runs an `export …` line the way a shell keeps it: its variables join the environment of later commands. */
async function exportInto(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dump = await runForeground({ ...c, text: `${c.text} && env -0` }, cwd, env);
  for (const entry of dump.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
}

test('every command of the README runs, in order, against a fresh hub from a directory outside the repository', async (t) => {
  const commands = readmeCommands(readFileSync(README, 'utf8'));
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const texts = new Set(commands.map((c) => c.text));
  for (const excluded of Object.keys(EXCLUDED_COMMANDS))
    assert.ok(texts.has(excluded), `README.md no longer has \`${excluded}\`: update this test's lists`);
  for (const start of Object.keys(BACKGROUND))
    assert.ok(
      commands.some((c) => c.text.startsWith(start)),
      `README.md no longer has \`${start}…\`: update this test's lists`,
    );
  const sections = new Set(commands.map((c) => c.section));
  for (const s of Object.keys(EXCLUDED_SECTIONS)) assert.ok(sections.has(s), `README.md has no section "${s}"`);
  for (const c of commands) {
    const script = npmScriptOf(c.text);
    if (script) assert.ok(scripts[script], `${where(c)}: package.json has no script "${script}"`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'outpost-readme-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OUTPOST_') || k.startsWith('NODE_TEST')) delete env[k];
  Object.assign(env, {
    PATH: `${join(ROOT, 'bin')}:${process.env.PATH}`,
    OUTPOST_HOME: join(dir, 'home'),
    OUTPOST_DATA_DIR: join(dir, 'data'),
    OUTPOST_HTTP_PORT: String(await freePort()),
    OUTPOST_MQTT_PORT: String(await freePort()),
    OUTPOST_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...READER_ENV,
  });
  for (const [name, content] of Object.entries(READER_FILES)) writeFileSync(join(dir, name), content);
  const background: Started[] = [];
  const ran: string[] = [];
  const ids = new PrintedIds();
  try {
    for (const readme of commands) {
      if (EXCLUDED_COMMANDS[readme.text] || EXCLUDED_SECTIONS[readme.section]) continue;
      // Ids the README writes as `chn_…` are the ones earlier commands printed, as a reader copies them.
      const filled = ids.fill(readme.text);
      assert.equal(filled.missing, null, `${where(readme)}: no ${filled.missing}_ id printed before`);
      let text = filled.text;
      for (const [example, device] of Object.entries(EXAMPLE_DEVICES)) text = text.replaceAll(example, device);
      const c = { ...readme, text };
      // npm finds the project by its package.json: npm commands run in the checkout, every other one outside it.
      const cwd = c.text.startsWith('npm ') ? ROOT : dir;
      const began = performance.now();
      const ready = backgroundReady(readme.text);
      if (ready) {
        const s = startShell(c, cwd, env);
        background.push(s);
        await waitReady(s, ready);
        ids.remember(s.output());
      } else if (c.text.startsWith('export ')) await exportInto(c, cwd, env);
      else ids.remember(await runForeground(c, cwd, env));
      ran.push(readme.text);
      t.diagnostic(`${Math.round(performance.now() - began)} ms  README.md:${c.line} ${c.text}`);
    }
  } finally {
    for (const s of background.reverse()) await stop(s);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(ran.includes('outpost audit verify') && ran.length >= 12, `ran only: ${ran.join(' | ')}`);
});
