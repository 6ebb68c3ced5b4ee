import type { Command } from 'commander';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

const INTERVALS = ['raw', '1m', '1h', '1d'];
const AGGREGATES = ['mean', 'min', 'max', 'first', 'last', 'count'];

/** An ISO 8601 time, or a duration before now (`24h`, `7d`). */
export function timeArg(text: string, now: number): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isFinite(t)) throw new Error(`"${text}" is not an ISO 8601 time`);
    return new Date(t).toISOString();
  }
  const m = /^-?(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is neither an ISO 8601 time nor a duration such as 90s, 30m, 24h or 7d`);
  const unitS = { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return new Date(now - Number(m[1]) * unitS * 1000).toISOString();
}

const whole = (flag: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`${flag} takes a whole number, not "${text}"`);
  return Number(text);
};

/** `outpost data subscriptions list|create|delete`: pushes of new values to webhook channels. */
function registerSubscriptionCommands(data: Command) {
  const subs = data
    .command('subscriptions')
    .description('data subscriptions: new values of chosen devices and points pushed to a webhook channel');

  common(subs.command('list').description('the data subscriptions inside your scope')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).data.subscriptions.list();
    output(
      o.json,
      r,
      r.items.map((s) => ({
        id: s.id,
        name: s.name,
        channel: s.channelId,
        devices: [s.group ? `group ${s.group}` : '', s.filter ?? ''].filter(Boolean).join(' and ') || 'all',
        points: s.points.join(','),
        batch: `${s.maxBatch} / ${s.maxDelayMs} ms`,
        backlog: s.maxBacklog,
        enabled: s.enabled,
      })),
      ['id', 'name', 'channel', 'devices', 'points', 'batch', 'backlog', 'enabled'],
    );
  });

  common(
    subs
      .command('create <name>')
      .description('push new values of the selected devices and points to a webhook channel (admin)'),
  )
    .requiredOption('--channel <id>', 'a notification channel of kind webhook')
    .requiredOption('--points <globs>', 'point names or globs, comma-separated (tank_level,pump*.run)')
    .option('--group <path>', 'devices of this group and the groups below it')
    .option('--filter <filter>', 'devices this filter selects (with --group: both)')
    .option('--max-batch <n>', 'values per delivery at most (default 500)')
    .option('--max-delay-ms <ms>', 'how long a value may wait for more (default 2000)')
    .option('--max-backlog <n>', 'values waiting at most; past it the oldest are dropped (default 100000)')
    .option('--disabled', 'create it switched off')
    .action(
      async (
        name: string,
        o: Common & {
          channel: string;
          points: string;
          group?: string;
          filter?: string;
          maxBatch?: string;
          maxDelayMs?: string;
          maxBacklog?: string;
          disabled?: boolean;
        },
      ) => {
        const maxBatch = whole('--max-batch', o.maxBatch);
        const maxDelayMs = whole('--max-delay-ms', o.maxDelayMs);
        const maxBacklog = whole('--max-backlog', o.maxBacklog);
        const s = await (
          await clientFrom(o)
        ).data.subscriptions.create({
          name,
          channelId: o.channel,
          points: o.points
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
          ...(o.group ? { group: o.group } : {}),
          ...(o.filter ? { filter: o.filter } : {}),
          ...(maxBatch !== undefined ? { maxBatch } : {}),
          ...(maxDelayMs !== undefined ? { maxDelayMs } : {}),
          ...(maxBacklog !== undefined ? { maxBacklog } : {}),
          ...(o.disabled ? { enabled: false } : {}),
        });
        if (o.json) return printJson(s);
        console.log(`data subscription ${s.id} (${s.name}) pushes to channel ${s.channelId}`);
      },
    );

  common(subs.command('delete <id>').description('delete a data subscription (admin)')).action(
    async (id: string, o: Common) => {
      await (await clientFrom(o)).data.subscriptions.delete(id);
      if (o.json) return printJson({ deleted: id });
      console.log(`data subscription ${id} deleted`);
    },
  );
}

/** `outpost data points|history|write-enable|subscriptions`: process values devices report. */
export function registerDataCommands(program: Command) {
  const data = program.command('data').description('process data of devices: points, history, write switches');
  registerSubscriptionCommands(data);

  common(
    data.command('points <device>').description("a device's data points with latest value, quality and age"),
  ).action(async (device: string, o: Common) => {
    const r = await (await clientFrom(o)).data.points(device);
    output(
      o.json,
      r,
      r.items.map((p) => ({
        point: p.point,
        value: p.value,
        unit: p.unit ?? '',
        quality: p.quality ?? '',
        reason: p.reason ?? '',
        age: p.ageS === null ? '' : `${p.ageS}s`,
        writes: p.writable ? (p.writesEnabled ? 'enabled' : 'disabled') : '',
      })),
      ['point', 'value', 'unit', 'quality', 'reason', 'age', 'writes'],
    );
  });

  common(data.command('history <device> <point>').description("a point's history: raw values or roll-ups"))
    .option('--from <time>', 'ISO 8601 time, or a duration before now (24h, 7d)', '24h')
    .option('--to <time>', 'ISO 8601 time, or a duration before now', '0s')
    .option('--interval <interval>', `${INTERVALS.join(', ')} (picked by range when absent)`)
    .option('--aggregate <aggregate>', `${AGGREGATES.join(', ')} (default mean)`)
    .option('--csv', 'print CSV (RFC 4180) for spreadsheets')
    .action(
      async (
        device: string,
        point: string,
        o: Common & { from: string; to: string; interval?: string; aggregate?: string; csv?: boolean },
      ) => {
        if (o.interval && !INTERVALS.includes(o.interval))
          throw new Error(`--interval is one of ${INTERVALS.join(', ')}, not "${o.interval}"`);
        if (o.aggregate && !AGGREGATES.includes(o.aggregate))
          throw new Error(`--aggregate is one of ${AGGREGATES.join(', ')}, not "${o.aggregate}"`);
        const now = Date.now();
        const query = {
          from: timeArg(o.from, now),
          to: timeArg(o.to, now),
          ...(o.interval ? { interval: o.interval as 'raw' } : {}),
          ...(o.aggregate ? { aggregate: o.aggregate as 'mean' } : {}),
        };
        const client = await clientFrom(o);
        if (o.csv) return void process.stdout.write(await client.data.historyCsv(device, point, query));
        const h = await client.data.history(device, point, query);
        if (o.json) return printJson(h);
        output(
          false,
          h,
          h.rows.map((r) => ({
            ts: r.ts,
            value: r.value,
            quality: r.quality ?? '',
            min: r.min,
            max: r.max,
            count: r.count,
          })),
          h.interval === 'raw' ? ['ts', 'value', 'quality'] : ['ts', 'value', 'min', 'max', 'count'],
        );
        if (h.truncated) console.log('(more values in the range: narrow it or pick an interval)');
      },
    );

  common(
    data
      .command('write-enable <device> <point> <state>')
      .description('allow (on) or refuse (off) writes to a point the agent declares writable (admin)'),
  )
    .option('--otp <code>', 'a current authenticator code, when a fresh second factor is required')
    .action(async (device: string, point: string, state: string, o: Common & { otp?: string }) => {
      if (state !== 'on' && state !== 'off') throw new Error(`state is on or off, not "${state}"`);
      const p = await (await clientFrom(o)).data.setWrites(device, point, state === 'on', o.otp);
      if (o.json) return printJson(p);
      console.log(`writes to ${device}/${p.point} ${p.writesEnabled ? 'enabled' : 'disabled'}`);
    });
}
