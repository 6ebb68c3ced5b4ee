import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AutomationInput, ScheduleInput } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson, printTable } from './output.js';
import { common, num, type Common } from './monitoring-cli.util.js';

type WithOtp = Common & { otp?: string };

function readDocument(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

const steps = (s: Array<{ type: string }>) => s.map((x) => x.type).join(' → ');
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** `outpost automations list|show|create|change|run|runs|run-show|approve|cancel|enable|disable`. */
export function registerAutomationsCommands(program: Command) {
  const a = program.command('automations').description('automations: a trigger, a target, steps and guards');
  common(a.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).automations.list();
    const rows = r.items.map((x) => ({
      ...x,
      trigger: x.trigger.kind,
      steps: steps(x.steps),
      enabled: x.enabled ? 'yes' : 'no',
    }));
    output(o.json, r, rows, ['name', 'version', 'enabled', 'trigger', 'steps']);
  });
  common(a.command('show <name>'))
    .option('--at-version <n>', 'an older version', num)
    .action(async (name: string, o: Common & { atVersion?: number }) => {
      printJson(await (await clientFrom(o)).automations.get(name, o.atVersion));
    });
  common(a.command('create'))
    .requiredOption('--file <file>', 'the automation as JSON (name, trigger, target, steps, guards)')
    .option('--otp <code>', 'a code from your authenticator, when steps reboot or change configuration')
    .action(async (o: WithOtp & { file: string }) => {
      const doc = readDocument(o.file) as AutomationInput;
      const r = await (await clientFrom(o)).automations.create({ ...doc, ...(o.otp ? { otp: String(o.otp) } : {}) });
      output(o.json, r, [{ ...r, steps: steps(r.steps) }], ['name', 'version', 'steps']);
    });
  common(a.command('change <name>'))
    .requiredOption('--file <file>', 'the new document (trigger, target, steps, guards): stored as the next version')
    .option('--otp <code>', 'a code from your authenticator, when steps reboot or change configuration')
    .action(async (name: string, o: WithOtp & { file: string }) => {
      const { name: _n, ...doc } = readDocument(o.file) as AutomationInput;
      const r = await (
        await clientFrom(o)
      ).automations.change(name, { ...doc, ...(o.otp ? { otp: String(o.otp) } : {}) });
      output(o.json, r, [{ ...r, steps: steps(r.steps) }], ['name', 'version', 'steps']);
    });
  for (const verb of ['enable', 'disable'] as const)
    common(a.command(`${verb} <name>`)).action(async (name: string, o: Common) => {
      const r = await (await clientFrom(o)).automations[verb](name);
      output(o.json, r, [{ ...r, enabled: r.enabled ? 'yes' : 'no' }], ['name', 'version', 'enabled']);
    });
  common(a.command('run <name>'))
    .option('--dry-run', 'list the devices a run would touch; send nothing')
    .option('--device <id>', 'the device, for an automation that acts on the triggering device')
    .action(async (name: string, o: Common & { dryRun?: boolean; device?: string }) => {
      const r = await (
        await clientFrom(o)
      ).automations.run(name, {
        ...(o.dryRun ? { dryRun: true } : {}),
        ...(o.device ? { deviceId: o.device } : {}),
      });
      if (o.json) return printJson(r);
      if (r.dryRun) {
        console.log(`would act on ${r.devices?.length ?? 0} device(s); ${r.skipped?.length ?? 0} held back`);
        printTable(
          [
            ...(r.devices ?? []).map((deviceId) => ({ deviceId, would: 'run' })),
            ...(r.skipped ?? []).map((s) => ({ deviceId: s.deviceId, would: `skip: ${s.reason}` })),
          ],
          ['deviceId', 'would'],
        );
        return;
      }
      console.log(`run ${r.id} (version ${r.version}): ${r.state}; ${counts(r.counts)}`);
    });
  common(a.command('runs <name>'))
    .option('--limit <n>', 'how many, newest first', num)
    .action(async (name: string, o: Common & { limit?: number }) => {
      const r = await (await clientFrom(o)).automations.runs(name, o.limit);
      const rows = r.items.map((x) => ({
        ...x,
        trigger: `${x.trigger.kind}${x.trigger.deviceId ? ` ${x.trigger.deviceId}` : ''}`,
        counts: counts(x.counts),
      }));
      output(o.json, r, rows, ['id', 'version', 'state', 'trigger', 'createdAt', 'counts']);
    });
  common(a.command('run-show <run>'))
    .option('--state <state>', 'only devices in this state (succeeded, failed, skipped, running…)')
    .action(async (id: string, o: Common & { state?: string }) => {
      const c = await clientFrom(o);
      const run = await c.automations.runShow(id);
      const devices = await c.automations.runDevices(id, { ...(o.state ? { state: o.state } : {}), limit: 1000 });
      if (o.json) return printJson({ ...run, devices: devices.items });
      console.log(`run ${run.id}: ${run.automationName} version ${run.version}, ${run.state}; ${counts(run.counts)}`);
      const rows = devices.items.map((d) => ({
        ...d,
        steps: d.steps.map((s) => `${s.index + 1}.${s.type}:${s.outcome}`).join(' '),
        reason: d.reason ?? '',
      }));
      printTable(rows, ['deviceId', 'state', 'steps', 'reason']);
    });
  for (const verb of ['approve', 'cancel'] as const)
    common(a.command(`${verb} <run>`)).action(async (id: string, o: Common) => {
      const c = await clientFrom(o);
      const r = verb === 'approve' ? await c.automations.approveRun(id) : await c.automations.cancelRun(id);
      output(o.json, r, [{ ...r }], ['id', 'state']);
    });

  const s = program
    .command('schedules')
    .description('scheduled operations: a command, reboot or configuration push at a time or on a cron');
  common(s.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).schedules.list();
    const rows = r.items.map((x) => ({
      ...x,
      action: x.action.type === 'command' ? `command ${x.action.name}` : x.action.type,
      when: x.at ?? `${x.cron} (${x.timezone})`,
      target: x.deviceId ?? ([x.group, x.filter].filter(Boolean).join(' / ') || 'every device'),
    }));
    output(o.json, r, rows, ['id', 'name', 'action', 'when', 'target', 'pickUpOffline']);
  });
  common(s.command('create <name>'))
    .option('--file <file>', 'the schedule as JSON (action, at or cron+timezone, deviceId/group/filter)')
    .option('--reboot', 'the action: reboot')
    .option('--command <name>', 'the action: this command')
    .option('--at <time>', 'once, at this ISO-8601 time')
    .option('--cron <pattern>', 'repeatedly, on this cron pattern')
    .option('--timezone <tz>', 'the cron pattern’s time zone (default UTC)')
    .option('--device <id>', 'on this device')
    .option('--group <path>', 'on this group')
    .option('--filter <expr>', 'on the devices this filter selects')
    .option('--pick-up-offline', 'take up devices that are offline at the time when they return')
    .option('--otp <code>', 'a code from your authenticator, for a reboot or a configuration push')
    .action(
      async (
        name: string,
        o: WithOtp & {
          file?: string;
          reboot?: boolean;
          command?: string;
          at?: string;
          cron?: string;
          timezone?: string;
          device?: string;
          group?: string;
          filter?: string;
          pickUpOffline?: boolean;
        },
      ) => {
        const fromFile = o.file ? (readDocument(o.file) as Partial<ScheduleInput>) : {};
        const action = o.reboot
          ? { type: 'reboot' as const }
          : o.command
            ? { type: 'command' as const, name: o.command }
            : fromFile.action;
        if (!action) throw new Error('say what to do: --reboot, --command <name>, or an action in --file');
        const input: ScheduleInput = {
          ...fromFile,
          name,
          action,
          ...(o.at ? { at: o.at } : {}),
          ...(o.cron ? { cron: o.cron, timezone: o.timezone ?? 'UTC' } : {}),
          ...(o.device ? { deviceId: o.device } : {}),
          ...(o.group ? { group: o.group } : {}),
          ...(o.filter ? { filter: o.filter } : {}),
          ...(o.pickUpOffline ? { pickUpOffline: true } : {}),
          ...(o.otp ? { otp: String(o.otp) } : {}),
        };
        const r = await (await clientFrom(o)).schedules.create(input);
        output(o.json, r, [{ ...r, when: r.at ?? `${r.cron} (${r.timezone})` }], ['id', 'name', 'when']);
      },
    );
  common(s.command('delete <id>')).action(async (id: string, o: Common) => {
    await (await clientFrom(o)).schedules.remove(id);
    if (!o.json) console.log(`schedule ${id} deleted; its runs stay in the history`);
  });
  common(s.command('upcoming'))
    .option('--limit <n>', 'how many occurrences (default 20)', num)
    .action(async (o: Common & { limit?: number }) => {
      const r = await (await clientFrom(o)).schedules.upcoming(o.limit ?? 20);
      output(
        o.json,
        r,
        r.items.map((x) => ({ ...x })),
        ['at', 'name', 'action', 'target'],
      );
    });
}
