import type { Command } from 'commander';
import type { DeviceEventRecord, GuardPolicyInput, GuardTable } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };
type PolicyFlags = {
  file?: string;
  mode?: string;
  readOnly?: boolean;
  classes?: string;
  units?: string;
  masters?: string;
  ranges?: string;
  onViolation?: string;
};

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON lines for scripts: one {"type":"pdu",…} per row, then one {"type":"summary",…}');
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`"${v}" is not a whole number`);
  return n;
};

// "holding:0-99,coil:0-15" → address ranges.
function parseRanges(text: string): Array<{ table: GuardTable; start: number; end: number }> {
  return text.split(',').map((part) => {
    const m = /^(coil|discrete|holding|input):(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`range "${part}" must look like holding:0-99`);
    return { table: m[1] as GuardTable, start: Number(m[2]), end: Number(m[3] ?? m[2]) };
  });
}

async function policyFromFlags(o: PolicyFlags): Promise<GuardPolicyInput> {
  // Loaded on use: the validator and capture decoders are not needed to start the command line.
  const { readPolicyFile, policyValidator } = await import('./guard-inspect.js');
  if (o.file) return readPolicyFile(o.file);
  const validatePolicy = await policyValidator();
  const candidate = {
    mode: o.mode ?? 'monitor',
    allowedClasses: list(o.classes) ?? ['read', 'write', 'control'],
    readOnly: !!o.readOnly,
    onViolation: o.onViolation ?? 'exception',
    ...(o.units ? { allowedUnits: list(o.units)!.map(int) } : {}),
    ...(o.masters ? { allowedMasters: list(o.masters) } : {}),
    ...(o.ranges ? { addressRanges: parseRanges(o.ranges) } : {}),
  };
  const r = validatePolicy.check(candidate);
  if (!r.ok) throw new Error(`policy ${r.message}`);
  return r.value;
}

function policyOptions(cmd: Command): Command {
  return cmd
    .option('--group <path>', 'set the policy of a group (static or dynamic) instead of one device')
    .option('--file <policy.json>', 'read the policy from a JSON file')
    .option('--mode <mode>', 'monitor | alert | enforce')
    .option('--read-only', 'writes, operates and restarts need a write grant; reads and session upkeep pass')
    .option('--classes <list>', 'allowed request classes, e.g. read,write')
    .option('--units <list>', 'allowed unit ids (DNP3: outstation addresses), e.g. 1,2')
    .option('--masters <list>', 'allowed master addresses, e.g. 10.0.0.5,10.0.0.6')
    .option('--ranges <list>', 'allowed address ranges, e.g. holding:0-99,coil:0-15')
    .option('--on-violation <how>', 'exception | drop');
}

function eventSummary(e: DeviceEventRecord): string {
  const d = e.data;
  const bits = [
    d.master,
    d.unit !== undefined ? `unit ${String(d.unit)}` : undefined,
    d.fc !== undefined ? `fc ${String(d.fc)}` : undefined,
    d.reason ?? d.grantId ?? d.prompt ?? d.pattern,
  ];
  if (e.type === 'guard.session') bits.push(`${String(d.durationMs)} ms, ${JSON.stringify(d.requests)}`);
  if (e.type === 'guard.suppressed') bits.push(`${String(d.suppressed)}× ${String(d.eventType)}`);
  return bits
    .filter((b) => b !== undefined && b !== '')
    .map(String)
    .join(' ');
}

/** Reads "15m", "2h", "1d" or an ISO time, returning ISO. */
function since(v: string): string {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (!m) return v;
  return new Date(
    Date.now() - Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'],
  ).toISOString();
}

export function registerGuardCommands(program: Command) {
  const guard = program
    .command('guard')
    .description('OT protocol guard: policies, write grants, events, capture inspection');

  common(guard.command('events').description('guard events reported by devices, newest first'))
    .option('--device <id>')
    .option('--type <type>', 'e.g. guard.blocked')
    .option('--since <when>', 'ISO time or 15m / 2h / 1d')
    .option('--until <iso>')
    .option('--limit <n>', 'at most this many', int, 100)
    .action(async (o: Common & { device?: string; type?: string; since?: string; until?: string; limit: number }) => {
      const r = await (
        await clientFrom(o)
      ).guard.events({
        deviceId: o.device,
        type: o.type,
        since: o.since ? since(o.since) : undefined,
        until: o.until,
        limit: o.limit,
      });
      output(
        o.json,
        r,
        r.items.map((e) => ({
          ts: e.ts,
          device: e.deviceId,
          type: e.type,
          severity: e.severity,
          details: eventSummary(e),
        })),
        ['ts', 'device', 'type', 'severity', 'details'],
      );
    });

  type FieldDeviceOptions = {
    device?: string;
    vendor?: string;
    product?: string;
    firmwareBelow?: string;
    source?: 'passive' | 'active';
    interface?: string;
  };
  common(
    guard.command('assets').description('field devices (PLCs, RTUs) behind gateways, as they identified themselves'),
  )
    .option('--device <id>', 'only those behind this gateway')
    .option('--vendor <text>', 'vendor contains this text')
    .option('--product <text>', 'product contains this text')
    .option('--firmware-below <version>', 'only firmware older than this version')
    .option('--source <how>', 'only identities learnt this way: passive (a master asked) or active (the guard asked)')
    .option('--interface <text>', 'where the device sits contains this text, e.g. rtu: or /dev/ttyS1')
    .action(async (o: Common & FieldDeviceOptions) => {
      if (o.source !== undefined && o.source !== 'passive' && o.source !== 'active')
        throw new Error(`--source must be passive or active, not "${o.source}"`);
      const c = await clientFrom(o);
      const r = o.device
        ? await c.guard.deviceFieldDevices(o.device)
        : await c.guard.fieldDevices({
            vendor: o.vendor,
            product: o.product,
            firmwareBelow: o.firmwareBelow,
            source: o.source,
            interface: o.interface,
          });
      output(
        o.json,
        r,
        r.items.map((a) => ({
          device: a.deviceId,
          target: a.target,
          protocol: a.protocol,
          address: a.address,
          vendor: a.vendor ?? '-',
          product: a.product ?? '-',
          firmware: a.revision ?? '-',
          source: a.source ?? '-',
          interface: a.interface ?? '-',
          lastSeen: a.lastSeen,
        })),
        ['device', 'target', 'protocol', 'address', 'vendor', 'product', 'firmware', 'source', 'interface', 'lastSeen'],
      );
    });

  registerPolicyCommands(guard);
  registerGrantCommands(guard);
  registerInspectCommand(guard);
}

function registerPolicyCommands(guard: Command) {
  const policy = guard.command('policy').description('the guard policy of a device or a group');
  common(policy.command('get [device]'))
    .option('--group <path>')
    .action(async (device: string | undefined, o: Common & { group?: string }) => {
      const c = await clientFrom(o);
      if (o.group) return printJson((await c.guard.groupPolicy(o.group, 1)).items[0] ?? null);
      if (!device) throw new Error('name a device, or --group PATH');
      const s = await c.guard.status(device);
      if (o.json) return printJson(s);
      console.log(
        `device ${s.deviceId}: policy from ${s.source}${s.group ? ` ${s.group}` : ''}; document ${s.documentVersion ?? '-'} sent, ${s.appliedVersion ?? '-'} applied${s.appliedAt ? ` at ${s.appliedAt}` : ''}`,
      );
      printJson(s.policy);
      console.log(`${s.grants.length} active grant(s)`);
    });
  common(policyOptions(policy.command('set [device]'))).action(
    async (device: string | undefined, o: Common & PolicyFlags & { group?: string }) => {
      if (!device && !o.group) throw new Error('name a device, or --group PATH');
      const c = await clientFrom(o);
      const p = await policyFromFlags(o);
      const r = o.group ? await c.guard.setGroupPolicy(o.group, p) : await c.guard.setDevicePolicy(device!, p);
      if (o.json) return printJson(r);
      console.log(`policy version ${r.version} set on ${r.scope} ${r.target}; ${r.devices} device(s) updated`);
    },
  );
  common(policy.command('clear [device]'))
    .option('--group <path>')
    .action(async (device: string | undefined, o: Common & { group?: string }) => {
      if (!device && !o.group) throw new Error('name a device, or --group PATH');
      const c = await clientFrom(o);
      const r = o.group ? await c.guard.clearGroupPolicy(o.group) : await c.guard.clearDevicePolicy(device!);
      console.log(`policy of ${r.scope} ${r.target} removed (version ${r.version}); ${r.devices} device(s) updated`);
    });
  common(policy.command('history [device]'))
    .option('--group <path>')
    .action(async (device: string | undefined, o: Common & { group?: string }) => {
      const c = await clientFrom(o);
      const r = o.group ? await c.guard.groupPolicy(o.group, 50) : await c.guard.devicePolicyHistory(device ?? '', 50);
      output(
        o.json,
        r,
        r.items.map((p) => ({ ...p, mode: p.policy?.mode ?? '(removed)', readOnly: p.policy?.readOnly })),
        ['version', 'createdAt', 'createdBy', 'mode', 'readOnly'],
      );
    });
}

function registerGrantCommands(guard: Command) {
  common(
    guard.command('grant <device>').description('allow writes to one address range of one unit for a bounded time'),
  )
    .requiredOption('--unit <n>', 'Modbus unit id (DNP3: outstation address)', int)
    .requiredOption('--table <table>', 'coil | holding (discrete | input for completeness)')
    .requiredOption('--start <n>', 'first address', int)
    .option('--end <n>', 'last address (default: start)', int)
    .option('--minutes <n>', 'how long the grant holds', int, 15)
    .requiredOption('--reason <text>', 'why the write is needed (kept in the audit log)')
    .option('--sets-state <name>', 'also set this named state while the grant holds, e.g. hotline_feeder7')
    .option('--ticket <id>', 'the ticket the state is set under (with --sets-state)')
    .option('--otp <code>', 'a code from your authenticator, if the hub asks for a fresh second factor')
    .action(
      async (
        device: string,
        o: Common & {
          unit: number;
          table: GuardTable;
          start: number;
          end?: number;
          minutes: number;
          reason: string;
          setsState?: string;
          ticket?: string;
          otp?: string;
        },
      ) => {
        const g = await (
          await clientFrom(o)
        ).guard.grant(device, {
          unit: o.unit,
          table: o.table,
          start: o.start,
          end: o.end ?? o.start,
          durationS: o.minutes * 60,
          reason: o.reason,
          ...(o.setsState !== undefined ? { setsState: o.setsState } : {}),
          ...(o.ticket !== undefined ? { ticket: o.ticket } : {}),
          ...(o.otp ? { otp: o.otp } : {}),
        });
        if (o.json) return printJson(g);
        const sets = g.setsState ? `, sets ${g.setsState} (ticket ${g.ticket})` : '';
        console.log(
          `grant ${g.id}: ${g.table} ${g.start}-${g.end} on unit ${g.unit} of ${g.deviceId} until ${new Date(g.expiresAt).toISOString()}${sets}`,
        );
      },
    );
  common(guard.command('grants').description('write grants (active ones unless --all)'))
    .option('--device <id>')
    .option('--all', 'include expired and revoked grants')
    .action(async (o: Common & { device?: string; all?: boolean }) => {
      const r = await (await clientFrom(o)).guard.grants({ deviceId: o.device, active: !o.all });
      const rows = r.items.map((g) => ({
        ...g,
        range: `${g.table} ${g.start}-${g.end}`,
        expires: new Date(g.expiresAt).toISOString(),
      }));
      output(o.json, r, rows, ['id', 'deviceId', 'unit', 'range', 'state', 'expires', 'grantedBy', 'reason']);
    });
  common(guard.command('revoke <grantId>'))
    .requiredOption('--reason <text>')
    .action(async (id: string, o: Common & { reason: string }) => {
      const g = await (await clientFrom(o)).guard.revokeGrant(id, o.reason);
      console.log(`grant ${g.id} revoked`);
    });
  const key = common(guard.command('key').description("the hub's grant-signing public key and its rotations")).action(
    async (o: Common) => {
      const k = await (await clientFrom(o)).guard.key();
      if (o.json) return printJson(k);
      console.log(`fingerprint (SHA-256 of the SPKI): ${k.fingerprint}\n${k.publicKeyPem}`);
      for (const r of k.rotations)
        console.log(
          `rotated ${r.at} by ${r.by}: ${r.previous.slice(0, 16)}… → ${r.fingerprint.slice(0, 16)}… (${r.reason})`,
        );
    },
  );
  common(
    key
      .command('rotate')
      .description(
        'replace the key; devices follow through a chain signed by the old key, live grants are signed again',
      ),
  )
    .requiredOption('--reason <text>', 'why, for the audit log')
    .option('--otp <code>', 'a current authenticator code, when a fresh second factor is required')
    .action(async (o: Common & { reason: string; otp?: string }) => {
      const k = await (await clientFrom(o)).guard.rotateKey(o.reason, o.otp);
      if (o.json) return printJson(k);
      console.log(
        `new key ${k.fingerprint}; ${k.regranted} live grant(s) signed again; ${k.devices} device document(s) published`,
      );
    });
}

function registerInspectCommand(guard: Command) {
  guard
    .command('inspect <capture>')
    .description('list the Modbus/DNP3/MMS PDUs and GOOSE messages in a pcap or pcapng file (offline)')
    .option('--json', 'print JSON for scripts')
    .option('--policy <file>', 'show what this policy would have done with each request')
    .option('--modbus-port <port...>', 'TCP ports carrying Modbus (default 502)')
    .option('--dnp3-port <port...>', 'ports carrying DNP3 (default 20000)')
    .option('--mms-port <port...>', 'TCP ports carrying IEC 61850 MMS (default 102)')
    .action(
      async (
        file: string,
        o: { json?: boolean; policy?: string; modbusPort?: string[]; dnp3Port?: string[]; mmsPort?: string[] },
      ) => {
        const { inspectJsonLines, inspectOutput } = await import('./guard-inspect.js');
        const flags = {
          policy: o.policy,
          modbusPort: o.modbusPort?.map(int),
          dnp3Port: o.dnp3Port?.map(int),
          mmsPort: o.mmsPort?.map(int),
        };
        if (o.json) await inspectJsonLines(file, flags, (text) => process.stdout.write(text));
        else console.log(await inspectOutput(file, flags));
      },
    );
}
