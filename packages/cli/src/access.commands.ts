import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AccessSession } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import type { ConnectFlags } from './access-connect.js';
import { parseDuration } from './duration.js';

// The relay client is loaded only by the commands that connect.
const relayClient = () => import('./access-connect.js');

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };
type Connect = Common & { reason?: string; duration: string; otp?: string; otpCommand?: string; session?: string };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

function connect(cmd: Command): Command {
  return common(cmd)
    .option('--reason <text>', 'why, for the record (policies usually require it)')
    .option('--duration <time>', 'how long the session may last: 90s, 30m, 2h', '30m')
    .option('--otp <code>', 'a code from your authenticator, when the policy asks for a fresh second factor')
    .option(
      '--otp-command <command>',
      'prints a fresh code whenever one is needed (after an approval the first code is used up); without it a terminal asks',
    )
    .option('--session <id>', 'connect a session requested and approved earlier');
}

const flags = (o: Connect): ConnectFlags => ({
  reason: o.reason,
  duration: parseDuration(o.duration),
  otp: o.otp,
  otpCommand: o.otpCommand,
  session: o.session,
});
const rows = (items: AccessSession[]) =>
  items.map((s) => ({
    ...s,
    requested: s.requestedAt.slice(0, 19),
    bytes: `${s.bytesToDevice}/${s.bytesFromDevice}`,
  })) as unknown as Array<Record<string, unknown>>;
const COLUMNS = ['id', 'deviceId', 'target', 'state', 'requestedBy', 'requested', 'closeReason', 'bytes'];

export function registerAccessCommands(program: Command) {
  const access = program
    .command('access')
    .description('brokered, time-boxed, recorded remote access to one service on one device');
  connect(
    access
      .command('tcp <device> <port>')
      .description('reach a TCP service on the device (port) or behind it (host:port) through a local listener'),
  )
    .option('--local <[host:]port>', 'where to listen on this machine', '127.0.0.1:0')
    .action(async (device: string, port: string, o: Connect & { local: string }) => {
      process.exit(await (await relayClient()).runTcp(await clientFrom(o), device, `tcp:${port}`, o.local, flags(o)));
    });
  connect(
    access
      .command('console <device>')
      .description("an interactive terminal on the device's console (raw mode, follows resizes)"),
  ).action(async (device: string, o: Connect) => {
    process.exit(await (await relayClient()).runTerminal(await clientFrom(o), device, 'console', flags(o)));
  });
  connect(
    access.command('serial <device> <port>').description("an interactive terminal on one of the device's serial ports"),
  ).action(async (device: string, port: string, o: Connect) => {
    process.exit(await (await relayClient()).runTerminal(await clientFrom(o), device, `serial:${port}`, flags(o)));
  });
  common(
    access
      .command('request <device> <target>')
      .description('request a session for later (e.g. one that needs approval); prints its id'),
  )
    .option('--reason <text>')
    .option('--duration <time>', '90s, 30m, 2h', '30m')
    .option('--otp <code>')
    .action(async (device: string, target: string, o: Connect) => {
      const r = await (
        await clientFrom(o)
      ).access.request({
        deviceId: device,
        target,
        reason: o.reason,
        durationS: parseDuration(o.duration),
        otp: o.otp,
      });
      if (o.json) return printJson(r);
      console.log(
        r.session.state === 'requested' ? `${r.session.id} waits for approval` : `${r.session.id} ${r.session.state}`,
      );
    });
  common(access.command('sessions').description('live and past sessions'))
    .option('--live', 'only sessions not yet ended')
    .option('--device <id>')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .action(async (o: Common & { live?: boolean; device?: string; limit: number }) => {
      const r = await (await clientFrom(o)).access.sessions({ live: o.live, deviceId: o.device, limit: o.limit });
      output(o.json, r, rows(r.items), COLUMNS);
    });
  common(access.command('show <session>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).access.session(id)),
  );
  common(access.command('approve <session>').description('approve a request as the second person'))
    .option('--note <text>')
    .option('--otp <code>')
    .action(async (id: string, o: Common & { note?: string; otp?: string }) =>
      printJson(await (await clientFrom(o)).access.approve(id, { note: o.note, otp: o.otp })),
    );
  common(access.command('deny <session>'))
    .option('--note <text>')
    .action(async (id: string, o: Common & { note?: string }) =>
      printJson(await (await clientFrom(o)).access.deny(id, o.note)),
    );
  common(access.command('kill <session>').description('the kill switch: end a session now (admin)'))
    .requiredOption('--reason <text>', 'why, for the record')
    .action(async (id: string, o: Common & { reason: string }) => {
      const s = await (await clientFrom(o)).access.terminate(id, o.reason);
      if (o.json) return printJson(s);
      console.log(`${s.id} ${s.state}`);
    });
  registerReplay(access);
  registerRecording(access);
  registerPolicies(access);
}

function registerRecording(access: Command) {
  common(
    access
      .command('recording <session>')
      .description(
        "save a session's recording (a TCP capture as pcap, a transcript as asciicast), checked against its sealed SHA-256",
      ),
  )
    .requiredOption('--out <file>', 'where to write it')
    .action(async (id: string, o: Common & { out: string }) => {
      const { downloadRecording } = await import('@outpost/client');
      const r = await downloadRecording((await clientFrom(o)).options, id, o.out);
      if (o.json) return printJson({ file: o.out, ...r });
      console.log(
        `saved ${o.out}: ${r.kind}, ${r.bytes} bytes, sha256 ${r.sha256}${r.kind === 'pcap' ? ` (read it with: outpost guard inspect ${o.out}, or tshark -r ${o.out})` : ''}`,
      );
    });
}

function registerReplay(access: Command) {
  common(access.command('replay <session>').description('play back the transcript of a console or serial session'))
    .option('--speed <x>', 'playback speed', (v) => Number(v), 1)
    .option('--idle-limit <s>', 'longest pause, in seconds', (v) => Number(v), 2)
    .option('--raw', 'print the output at once, without timing')
    .option('--out <file>', 'save the asciicast v2 file instead of playing it')
    .action(async (id: string, o: Common & { speed: number; idleLimit: number; raw?: boolean; out?: string }) => {
      const c = await clientFrom(o);
      const [s, rec] = await Promise.all([c.access.session(id), c.access.recording(id)]);
      const sha = createHash('sha256').update(rec.text, 'utf8').digest('hex');
      if (sha !== rec.sha256 || sha !== s.recording?.sha256)
        throw new Error(`transcript of ${id} does not match its sealed SHA-256 (${s.recording?.sha256})`);
      if (o.out) {
        writeFileSync(o.out, rec.text);
        return console.error(`saved ${o.out} (sha256 ${sha})`);
      }
      await play(rec.text, o.raw ? 0 : o.speed, o.idleLimit);
    });
}

async function play(cast: string, speed: number, idleLimit: number) {
  let last = 0;
  for (const line of cast.split('\n').slice(1)) {
    if (!line) continue;
    const [t, kind, data] = JSON.parse(line) as [number, string, string];
    if (kind !== 'o') continue;
    if (speed > 0) await new Promise((r) => setTimeout(r, (Math.min(t - last, idleLimit) * 1000) / speed));
    last = t;
    await new Promise<void>((r) => process.stdout.write(data, () => r()));
  }
}

function registerPolicies(access: Command) {
  const policies = access.command('policies').description('who may reach which targets on which devices');
  common(policies.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).access.policies();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'name',
      'deviceId',
      'group',
      'targets',
      'roles',
      'maxDurationS',
      'requireApproval',
      'mfaMaxAgeS',
    ]);
  });
  common(policies.command('create <name>'))
    .option('--device <id>', 'applies to this device')
    .option('--group <path>', 'applies to this group and its subgroups')
    .requiredOption('--target <targets...>', 'console, serial:<port>, tcp:<port>, tcp:<host>:<port>')
    .option('--roles <roles>', 'operator,admin', 'operator,admin')
    .option('--max-duration <time>', 'longest session', '1h')
    .option('--approval', 'a second person must approve each session')
    .option('--no-reason', 'do not require a reason')
    .option('--mfa-max-age <s>', 'fresh second factor within this many seconds; 0 for none', (v) => Number(v), 300)
    .option('--max-concurrent <n>', 'sessions at a time per device', (v) => Number(v), 1)
    .option('--capture', 'keep a pcap of TCP sessions')
    .action(
      async (
        name: string,
        o: Common & {
          device?: string;
          group?: string;
          target: string[];
          roles: string;
          maxDuration: string;
          approval?: boolean;
          reason: boolean;
          mfaMaxAge: number;
          maxConcurrent: number;
          capture?: boolean;
        },
      ) => {
        const p = await (
          await clientFrom(o)
        ).access.createPolicy({
          name,
          deviceId: o.device,
          group: o.group,
          targets: o.target,
          roles: o.roles.split(',').map((r) => r.trim()) as Array<'operator' | 'admin'>,
          maxDurationS: parseDuration(o.maxDuration),
          requireApproval: !!o.approval,
          requireReason: o.reason,
          mfaMaxAgeS: o.mfaMaxAge > 0 ? o.mfaMaxAge : null,
          maxConcurrent: o.maxConcurrent,
          captureTcp: !!o.capture,
        });
        printJson(p);
      },
    );
  common(policies.command('delete <id>')).action(async (id: string, o: Common) =>
    (await clientFrom(o)).access.deletePolicy(id),
  );
}
