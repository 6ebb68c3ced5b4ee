import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { npmScriptOf, PrintedIds, PrintedValues, readmeCommands, type ReadmeCommand } from './readme-commands.js';
import {
  exportInto,
  freePort,
  runForeground,
  startShell,
  stop,
  waitReady,
  where,
  type Started,
} from './readme-shell.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const README = join(ROOT, 'README.md');
const ADMIN_PASSWORD = 'readme-test-admin-password';
const ONLINE_MS = 60_000;
/** The group the README's enrollment token puts the gateway in. */
const ENROLLED_GROUP = 'north';

/** README commands this test does not run, each with the reason. A command the README drops fails the test here. */
const EXCLUDED_COMMANDS: Record<string, string> = {
  'npm install': 'the checkout is installed already; installing again needs the registry and rewrites node_modules',
  'npm test': 'the whole suite, this test among it',
  'outpost alerts ack alr_… --note "crew on the way"': 'no alert fires on a fresh fleet within the test',
  'outpost alerts resolve alr_… --note "replaced modem"': 'no alert fires on a fresh fleet within the test',
  'outpost notifications retry msg_…': 'no notification fails on a fresh hub (the monitoring tests retry dead letters)',
  ...Object.fromEntries(
    [
      'outpost rollouts create --name "gw-fw 2.1.0" --artifact art_… --group north --waves 5,10%,50%,100% --threshold 95 --abort-pct 10 --max-in-flight 50 --window "0 1 * * *|240|Europe/Berlin" --watch',
      'outpost rollouts show rol_… --watch',
    ].map((c) => [
      c,
      'the rollout waits for its window (01:00 Berlin time, possibly hours away) and --watch follows it until it ends (the rollout CLI tests run windows on a simulated fleet)',
    ]),
  ),
  ...Object.fromEntries(
    ['outpost rollouts pause rol_…', 'outpost rollouts jobs rol_… --state failed', 'outpost rollouts job job_…'].map(
      (c) => [c, 'needs the rollout of the `rollouts create … --watch` line, which waits for its window'],
    ),
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

/**
 * The README's example values for what an earlier command printed, and where it printed them: the
 * device's lines take the hub, token and CA fingerprint `enrollment create` printed.
 */
const PRINTED_VALUES: Record<string, RegExp> = {
  'https://hub.example:8443': /outpost agent enroll --hub (\S+)/,
  'oet_…': /--token (oet_\S+)/,
  '3f…': /--ca-fingerprint (\S+)/,
};

/** The README's example device names, and the simulated device (started by `outpost sim`) each stands for. */
const EXAMPLE_DEVICES: Record<string, string> = { 'gw-0042': 'sim-00042' };

/**
 * Long-running commands (by how they start): started in the background, ready when their output says so,
 * stopped at the end. Ids they print serve later commands like any other's.
 */
const BACKGROUND: Record<string, RegExp> = {
  'npm start': /Outpost hub is running/,
  'outpost sim --devices 50': /online 50\/50/,
  'outpost agent run': /"msg":"connected to hub"/,
};

/** Commands that run "on the device": they keep the agent's identity and state in the directory given here. */
const onDevice = (text: string, agentDir: string) =>
  text.startsWith('outpost agent ') ? `${text} --dir ${agentDir}` : text;
const backgroundReady = (text: string) => Object.entries(BACKGROUND).find(([start]) => text.startsWith(start))?.[1];

/** Polls the hub the way a reader checks it until the enrolled gateway is online in the group its token named. */
async function onlineIn(group: string, device: string, after: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv) {
  const list = { ...after, text: `outpost devices list --filter 'group = ${group} and online' --json` };
  const deadline = Date.now() + ONLINE_MS;
  for (;;) {
    const out = await runForeground(list, cwd, env);
    if (out.includes(`"${device}"`)) return;
    if (Date.now() > deadline)
      assert.fail(`${where(after)}: ${device} not online in ${group} within ${ONLINE_MS} ms:\n${out}`);
    await new Promise((r) => setTimeout(r, 500));
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
  const values = new PrintedValues(PRINTED_VALUES);
  let enrolled = '';
  const remember = (output: string) => {
    ids.remember(output);
    values.remember(output);
    enrolled = /^enrolled as (\S+);/m.exec(output)?.[1] ?? enrolled;
  };
  try {
    for (const readme of commands) {
      if (EXCLUDED_COMMANDS[readme.text] || EXCLUDED_SECTIONS[readme.section]) continue;
      // Ids the README writes as `chn_…` (and the hub, token, fingerprint of `agent enroll`) are the ones
      // earlier commands printed, as a reader copies them.
      const printed = values.fill(readme.text);
      assert.equal(printed.missing, null, `${where(readme)}: nothing printed ${printed.missing} before`);
      const filled = ids.fill(printed.text);
      assert.equal(filled.missing, null, `${where(readme)}: no ${filled.missing}_ id printed before`);
      let text = onDevice(filled.text, join(dir, 'agent'));
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
        remember(s.output());
        if (c.text.startsWith('outpost agent run ')) {
          assert.ok(enrolled, `${where(c)}: no \`agent enroll\` printed the device id before`);
          await onlineIn(ENROLLED_GROUP, enrolled, c, cwd, env);
        }
      } else if (c.text.startsWith('export ')) await exportInto(c, cwd, env);
      else remember(await runForeground(c, cwd, env));
      ran.push(readme.text);
      t.diagnostic(`${Math.round(performance.now() - began)} ms  README.md:${c.line} ${c.text}`);
    }
  } finally {
    for (const s of background.reverse()) await stop(s);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(ran.includes('outpost audit verify') && ran.length >= 12, `ran only: ${ran.join(' | ')}`);
});
