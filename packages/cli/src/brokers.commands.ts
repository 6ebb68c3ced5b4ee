import type { Command } from 'commander';
import type { DeviceBrokerView } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output } from './output.js';
import { EXIT_ACTION_FAILED, confirmFleetAction, type SafetyOptions } from './fleet-action.js';

type MoveOptions = Common &
  SafetyOptions & {
    broker: string;
    filter?: string;
    deadline?: number;
    reason?: string;
    otp?: string;
    batch: number;
    wait: boolean;
  };

const COLUMNS = ['deviceId', 'broker', 'home', 'state', 'to', 'reason'];
const row = (v: DeviceBrokerView) => ({
  deviceId: v.deviceId,
  broker: v.broker ?? '-',
  home: v.home,
  state: v.move?.state ?? '-',
  to: v.move?.to ?? '-',
  reason: v.move?.reason ?? '',
});

/** `outpost devices broker` and `outpost devices move-broker` (one device, or every device a filter matches, in batches). */
export function registerBrokerCommands(devices: Command) {
  common(devices.command('broker <id>'))
    .description('the broker a device is on and its last broker move')
    .action(async (id: string, o: Common) => {
      const v = await (await clientFrom(o)).brokers.ofDevice(id);
      output(o.json, v, [row(v)], COLUMNS);
    });
  common(devices.command('move-broker [id]'))
    .description("moves a device (or every device --filter matches, in batches) to another of the hub's brokers")
    .requiredOption('--broker <name|url>', 'the broker: its name (broker-2) or device-facing URL')
    .option('--filter <expr>', 'every device this filter matches, instead of one id')
    .option('--deadline <s>', 'seconds each device has to reach the broker before it falls back', (v) => Number(v))
    .option('--reason <text>', 'why, for the audit log')
    .option('--otp <code>', 'a code from your authenticator (step-up)')
    .option('--batch <n>', 'devices moved at once with --filter', (v) => Number(v), 20)
    .option('--no-wait', 'return once the instructions are sent, without waiting for the outcome')
    .option('--yes', 'do not ask before moving several devices')
    .option('--dry-run', 'list the devices --filter matches and stop')
    .action(async (id: string | undefined, o: MoveOptions) => {
      if (!id === !o.filter) throw new Error('name one device, or --filter, not both');
      if (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 500) throw new Error('--batch: 1 to 500');
      const c = await clientFrom(o);
      let ids: string[];
      if (id) ids = [id];
      else {
        if (!(await confirmFleetAction(c, o.filter!, `move to ${o.broker}`, o))) return;
        ids = [];
        let cursor: string | undefined;
        do {
          const page = await c.devices.list({ filter: o.filter, limit: 1000, cursor });
          ids.push(...page.items.map((d) => d.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      const results: DeviceBrokerView[] = [];
      const failures: Array<{ deviceId: string; error: string }> = [];
      for (let i = 0; i < ids.length; i += o.batch) {
        const batch = ids.slice(i, i + o.batch);
        const sent = await Promise.all(
          batch.map((d) =>
            c.brokers
              .move(d, { broker: o.broker, deadlineS: o.deadline, reason: o.reason, otp: o.otp })
              .catch((err: Error) => void failures.push({ deviceId: d, error: err.message })),
          ),
        );
        const moving = sent.filter((v): v is DeviceBrokerView => !!v);
        results.push(...(o.wait ? await Promise.all(moving.map((v) => waitForOutcome(c, v))) : moving));
      }
      output(o.json, { items: results, refused: failures }, results.map(row), COLUMNS);
      for (const f of failures) console.error(`${f.deviceId}: ${f.error}`);
      if (failures.length || results.some((v) => v.move?.state === 'failed')) process.exitCode = EXIT_ACTION_FAILED;
    });
}

async function waitForOutcome(
  c: Awaited<ReturnType<typeof clientFrom>>,
  v: DeviceBrokerView,
): Promise<DeviceBrokerView> {
  // The hub ends a move by its deadline plus a grace for the device's news to arrive.
  const until = Date.parse(v.move?.deadline ?? new Date().toISOString()) + 30_000;
  let now = v;
  while (now.move?.state === 'moving' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    now = await c.brokers.ofDevice(v.deviceId);
  }
  return now;
}
