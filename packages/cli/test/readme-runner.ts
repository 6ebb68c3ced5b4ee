import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { totpCode, TOTP_PERIOD_S } from '../../hub/src/domains/users/totp.js';
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
  'outpost guard inspect capture.pcapng --policy policy.json': 'reads a capture file of the reader',
  'outpost guard inspect big.pcap --json | jq -c \'select(.type=="pdu" and .class=="write")\'':
    'reads a capture file of the reader',
  ...Object.fromEntries(
    [
      'outpost access tcp gw-0042 502 --local 127.0.0.1:1502 --reason "read fault registers" --duration 30m --otp 123456',
      'outpost access console gw-0042 --reason "check logs"',
    ].map((c) => [
      c,
      'the policy asks a second person to approve the session (--approval) and the README signs in no second person (the access tests approve as one)',
    ]),
  ),
  ...Object.fromEntries(
    [
      'outpost access kill acs_… --reason "contractor left the site"',
      'outpost access replay acs_…',
      'outpost access recording acs_… --out s.pcap',
      'outpost guard inspect s.pcap',
    ].map((c) => [c, 'needs a session of the lines before, which waits for a second person to approve it']),
  ),
  'npm run package:hub': 'builds a release tarball of the production dependencies (scripts/package-hub tests)',
};

/** Files and variables the README's commands take from the reader: written into the working directory first. */
const READER_FILES: Record<string, string> = {
  'motd.txt': 'Authorised access only.\n',
  'fw-2.1.0.img': 'a firmware image of the reader\n'.repeat(64),
  // The guard policy of docs/schemas/guard-policy.example.json, for masters on this machine.
  'local-policy.json': JSON.stringify({
    ...(JSON.parse(readFileSync(join(ROOT, 'docs/schemas/guard-policy.example.json'), 'utf8')) as object),
    allowedMasters: ['127.0.0.1'],
  }),
  'gw-200.schema.json': JSON.stringify({
    type: 'object',
    properties: { ssh: { type: 'object', properties: { enabled: { type: 'boolean' } } } },
  }),
};
const READER_ENV = { SITE_PSK: 'readme-site-psk-secret', OUTPOST_PASSWORD: ADMIN_PASSWORD };

/**
 * The README's example values for what an earlier command printed, and where it printed them: the
 * device's lines take the hub, token and CA fingerprint `enrollment create` printed.
 */
const PRINTED_VALUES: Record<string, RegExp> = {
  'https://hub.example:8443': /outpost agent enroll --hub (\S+)/,
  'oet_…': /--token (oet_\S+)/,
  '3f…': /--ca-fingerprint (\S+)/,
};

/**
 * The README's example device names, and what each stands for: a simulated device of `outpost sim`, or
 * (null) the gateway the README enrolls, where a section speaks of the device running `outpost agent`.
 */
const exampleDevices = (section: string): Record<string, string | null> =>
  section === 'Remote access and MFA' ? { 'gw-0042': null } : { 'gw-0042': 'sim-00042', 'plc-gw-1': null };

/** The README's example authenticator code: each use takes a fresh code of the secret `mfa enroll` printed. */
const EXAMPLE_CODE = '123456';

/** Codes of one TOTP secret, each of a later time step than the one before (the hub takes a code once). */
class FreshCodes {
  private lastStep = 0;
  secret = '';

  async next(): Promise<string> {
    const step = Math.max(Math.floor(Date.now() / 1000 / TOTP_PERIOD_S), this.lastStep + 1);
    // The hub accepts one step ahead; past that, wait for the clock.
    while (step > Math.floor(Date.now() / 1000 / TOTP_PERIOD_S) + 1) await new Promise((r) => setTimeout(r, 1000));
    this.lastStep = step;
    return totpCode(this.secret, step * TOTP_PERIOD_S * 1000);
  }
}

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

/** Sections readme-operations.e2e.test.ts runs (after the hub and device of the first two) on a hub of its own. */
export const README_SECTIONS_OPERATIONS = ['OT guard (Modbus, DNP3)', 'Remote access and MFA'];

/** The `## ` sections of README.md that hold commands, in order. */
export const readmeSections = () => [...new Set(readmeCommands(readFileSync(README, 'utf8')).map((c) => c.section))];

/** What stands for the reader's own equipment: addresses and paths in commands, and a check after a command ran. */
export interface ReaderPlaces {
  /** README text (an address, a device path) and what replaces it here. */
  places?: Record<string, string>;
  /** Called after each command ran (a background one once ready), with the command as run. */
  check?: (c: ReadmeCommand) => Promise<void>;
}

/**
 * Runs the README's commands of the chosen sections in order, against a fresh hub, from a directory outside
 * the repository, as a reader types them; fails at the first one that fails. Returns those it ran.
 */
export async function runReadme(t: TestContext, sections: string[], reader: ReaderPlaces = {}): Promise<string[]> {
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
  const present = new Set(commands.map((c) => c.section));
  for (const s of sections) assert.ok(present.has(s), `README.md has no section "${s}"`);
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
  const codes = new FreshCodes();
  let enrolled = '';
  const remember = (output: string) => {
    ids.remember(output);
    values.remember(output);
    enrolled = /^enrolled as (\S+);/m.exec(output)?.[1] ?? enrolled;
    codes.secret = /^ {2}secret: (\S+)$/m.exec(output)?.[1] ?? codes.secret;
  };
  try {
    for (const readme of commands) {
      if (EXCLUDED_COMMANDS[readme.text] || !sections.includes(readme.section)) continue;
      // Ids the README writes as `chn_…` (and the hub, token, fingerprint of `agent enroll`) are the ones
      // earlier commands printed, as a reader copies them.
      const printed = values.fill(readme.text);
      assert.equal(printed.missing, null, `${where(readme)}: nothing printed ${printed.missing} before`);
      const filled = ids.fill(printed.text);
      assert.equal(filled.missing, null, `${where(readme)}: no ${filled.missing}_ id printed before`);
      let text = onDevice(filled.text, join(dir, 'agent'));
      for (const [example, device] of Object.entries(exampleDevices(readme.section))) {
        if (!text.includes(example)) continue;
        assert.ok(device ?? enrolled, `${where(readme)}: no \`agent enroll\` printed the device id before`);
        text = text.replaceAll(example, device ?? enrolled);
      }
      while (text.includes(EXAMPLE_CODE)) {
        assert.ok(codes.secret, `${where(readme)}: no \`mfa enroll\` printed a secret before`);
        text = text.replace(EXAMPLE_CODE, await codes.next());
      }
      for (const [place, here] of Object.entries(reader.places ?? {})) text = text.replaceAll(place, here);
      const c = { ...readme, text };
      // npm finds the project by its package.json: npm commands run in the checkout, every other one outside it.
      const cwd = c.text.startsWith('npm ') ? ROOT : dir;
      const began = performance.now();
      const ready = backgroundReady(readme.text);
      if (ready) {
        // The device runs one agent: starting it with other options stops the one running.
        const restarted = background.findIndex((b) => backgroundReady(b.command.text) === ready);
        if (restarted >= 0) await stop(background.splice(restarted, 1)[0]);
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
      await reader.check?.(c);
      ran.push(readme.text);
      // The log shows commands as run, but not the enrollment token.
      const shown = c.text.replace(/\boet_\S+/g, 'oet_…');
      t.diagnostic(`${Math.round(performance.now() - began)} ms  README.md:${c.line} ${shown}`);
    }
  } finally {
    for (const s of background.reverse()) await stop(s);
    rmSync(dir, { recursive: true, force: true });
  }
  return ran;
}
