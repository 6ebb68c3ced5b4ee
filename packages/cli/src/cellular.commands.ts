import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseByteSize } from './byte-size.js';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';

const cycleDay = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 28)
    throw new Error(`--cycle-day must be 1 to 28 (every month has it), not "${v}"`);
  return n;
};

export function registerCellularCommands(program: Command) {
  const cellular = program.command('cellular').description('modems, SIMs, signal and data plans of cellular devices');
  common(cellular.command('show <device>'))
    .description("a device's modem, SIM, plan, current cycle and recent cellular changes")
    .action(async (device: string, o: Common) => {
      const v = await (await clientFrom(o)).cellular.device(device);
      if (o.json) return printJson(v);
      const i = v.inventory;
      const lines = [
        ['carrier', i.carrier ? `${i.carrier} (${i.mcc}/${i.mnc})` : i.modems.length ? 'not registered' : 'no modem'],
        ['ICCID', i.iccid ?? 'no SIM'],
        ['IMEI', i.imei ?? '-'],
        ['technology', i.rat ?? '-'],
        ['RSRP', i.rsrp === null ? '-' : `${i.rsrp} dBm`],
        ['roaming', i.roaming ? 'yes' : 'no'],
        [
          'plan',
          v.plan
            ? `${v.plan.limitBytes} bytes from day ${v.plan.cycleStartDay}${v.plan.source === 'group' ? ` (group ${v.plan.group})` : ''}`
            : 'none',
        ],
        [
          'cycle',
          v.cycle
            ? `${v.cycle.start.slice(0, 10)} to ${v.cycle.end.slice(0, 10)}: ${v.cycle.usedBytes} bytes used`
            : '-',
        ],
      ];
      for (const [k, val] of lines) console.log(`${k.padEnd(11)} ${val}`);
    });

  const plan = cellular.command('plan').description("data plans: a device's SIM or a group's default");
  common(plan.command('set'))
    .description("set the plan of a device's SIM (--device) or a group's default for devices without one (--group)")
    .option('--device <id>', 'the device whose current SIM gets the plan')
    .option('--group <path>', 'the group (and its subgroups) the plan applies to')
    .requiredOption('--limit <size>', 'bytes per cycle: 5GB, 500MB, 1.5GiB')
    .option('--cycle-day <day>', 'day of the month (UTC) a cycle starts, 1-28', '1')
    .action(async (o: Common & { device?: string; group?: string; limit: string; cycleDay: string }) => {
      if (!o.device === !o.group) throw new Error('name either --device or --group');
      const body = { limitBytes: parseByteSize(o.limit), cycleStartDay: cycleDay(o.cycleDay) };
      const c = await clientFrom(o);
      const r = o.device
        ? await c.cellular.setPlan(o.device, body)
        : await c.cellular.setGroupPlan({ group: o.group!, ...body });
      if (o.json) return printJson(r);
      console.log(
        `plan set: ${body.limitBytes} bytes per cycle from day ${body.cycleStartDay} for ${o.device ? `SIM ${(r as { iccid: string }).iccid} of ${o.device}` : `group ${o.group}`}`,
      );
    });
  common(plan.command('list'))
    .description('the group plans')
    .action(async (o: Common) => {
      const r = await (await clientFrom(o)).cellular.groupPlans();
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, ['group', 'limitBytes', 'cycleStartDay']);
    });
  common(plan.command('remove'))
    .description("remove a group's plan")
    .requiredOption('--group <path>', 'the group')
    .action(async (o: Common & { group: string }) => {
      await (await clientFrom(o)).cellular.removeGroupPlan(o.group);
      console.log(`group plan of ${o.group} removed`);
    });

  common(cellular.command('usage-report'))
    .description('data use per SIM in a billing cycle against its plan, with totals per carrier and group')
    .option('--format <format>', 'csv, html or json', 'csv')
    .option('--out <file>', 'write it to this file (default: print it)')
    .option('--group <path>', 'only devices in this group or below it')
    .option('--at <day>', "a day (YYYY-MM-DD): each SIM's cycle that holds it (default today)")
    .action(async (o: Common & { format: string; out?: string; group?: string; at?: string }) => {
      if (!['csv', 'html', 'json'].includes(o.format))
        throw new Error(`--format must be csv, html or json, not "${o.format}"`);
      const c = await clientFrom(o);
      const q = { group: o.group, at: o.at };
      const text =
        o.format === 'json'
          ? JSON.stringify(await c.cellular.usageReport(q), null, 2) + '\n'
          : await c.cellular.usageReportText(o.format as 'csv' | 'html', q);
      if (!o.out) return void process.stdout.write(text);
      writeFileSync(o.out, text);
      console.error(`wrote ${o.out} (${text.length} bytes)`);
    });
}
