import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { OutpostClient } from '@outpost/client';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import { collect, common, num, parseParams, type Common } from './monitoring-cli.util.js';

type ReportRequest = Parameters<OutpostClient['reports']['run']>[0];

type ChannelFlags = Common & {
  url?: string;
  secret?: string;
  host?: string;
  port?: number;
  tls?: string;
  from?: string;
  to?: string[];
  username?: string;
  password?: string;
  topic?: string;
  wait?: number;
  interval?: number;
};

function digest(o: ChannelFlags) {
  return o.wait !== undefined || o.interval !== undefined ? { waitS: o.wait, intervalS: o.interval } : undefined;
}

function channelOptions(cmd: Command) {
  return common(cmd)
    .option('--wait <s>', 'seconds to collect alert changes into one message (default 10)', num)
    .option('--interval <s>', 'at most one message per this many seconds (default 60)', num);
}

export function registerChannelCommands(program: Command) {
  const channels = program
    .command('channels')
    .description('where notifications go: webhooks, e-mail, the MQTT alert topic');
  common(channels.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).channels.list();
    output(
      o.json,
      r,
      r.items.map((c) => ({ ...c, to: c.config.url ?? c.config.to ?? c.config.topic })),
      ['id', 'name', 'kind', 'to', 'enabled'],
    );
  });
  channelOptions(channels.command('add-webhook <name>'))
    .requiredOption('--url <url>')
    .option('--secret <s>', 'HMAC key (the hub makes one when absent and shows it once)')
    .action(async (name: string, o: ChannelFlags) => {
      const r = await (
        await clientFrom(o)
      ).channels.create({
        name,
        kind: 'webhook',
        config: { url: o.url },
        secret: o.secret,
        digest: digest(o),
      });
      if (o.json) return printJson(r);
      console.log(`channel ${r.channel.id} created${r.secret ? `\nsigning secret (shown once): ${r.secret}` : ''}`);
    });
  channelOptions(channels.command('add-email <name>'))
    .requiredOption('--host <host>', 'SMTP server')
    .option('--port <n>', 'SMTP port', num)
    .option('--tls <mode>', 'starttls, implicit or none', 'starttls')
    .requiredOption('--from <address>')
    .requiredOption('--to <address>', 'recipient (repeat)', collect)
    .option('--username <u>')
    .option('--password <p>', 'SMTP password (or OUTPOST_SMTP_PASSWORD)')
    .action(async (name: string, o: ChannelFlags) => {
      const config = {
        host: o.host,
        tls: o.tls,
        from: o.from,
        to: o.to,
        ...(o.port ? { port: o.port } : {}),
        ...(o.username ? { username: o.username } : {}),
      };
      const r = await (
        await clientFrom(o)
      ).channels.create({
        name,
        kind: 'email',
        config,
        secret: o.password ?? process.env.OUTPOST_SMTP_PASSWORD,
        digest: digest(o),
      });
      if (o.json) return printJson(r);
      console.log(`channel ${r.channel.id} created`);
    });
  channelOptions(channels.command('add-mqtt <name>'))
    .option('--topic <t>', 'outpost/v1/alerts or below it')
    .action(async (name: string, o: ChannelFlags) =>
      printJson(
        await (
          await clientFrom(o)
        ).channels.create({
          name,
          kind: 'mqtt',
          config: o.topic ? { topic: o.topic } : {},
          digest: digest(o),
        }),
      ),
    );
  common(channels.command('test <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).channels.test(id)),
  );
  common(channels.command('delete <id>')).action(async (id: string, o: Common) =>
    (await clientFrom(o)).channels.remove(id),
  );

  const notifications = program.command('notifications').description('messages sent, pending and given up');
  common(notifications.command('list'))
    .option('--channel <id>')
    .option('--state <s>', 'pending, delivered or dead')
    .action(async (o: Common & { channel?: string; state?: 'pending' | 'delivered' | 'dead' }) => {
      const r = await (await clientFrom(o)).notifications.list({ channel: o.channel, state: o.state });
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
        'id',
        'channelId',
        'kind',
        'state',
        'attempts',
        'createdAt',
        'summary',
      ]);
    });
  common(notifications.command('dead-letters')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).notifications.deadLetters();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'channelId',
      'attempts',
      'lastError',
      'summary',
    ]);
  });
  common(notifications.command('retry <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).notifications.retry(id)),
  );
}

type ReportFlags = Common & {
  kind: 'fleet' | 'device';
  device?: string;
  group?: string;
  filter?: string;
  hours: number;
  format?: string[];
  channel?: string[];
  out?: string;
};

function request(o: ReportFlags): ReportRequest {
  const scope =
    o.group || o.filter
      ? { ...(o.group ? { group: o.group } : {}), ...(o.filter ? { filter: o.filter } : {}) }
      : undefined;
  return {
    kind: o.device ? 'device' : o.kind,
    deviceId: o.device,
    scope,
    periodHours: o.hours,
    formats: o.format as ReportRequest['formats'],
    channels: o.channel,
  };
}

function reportOptions(cmd: Command) {
  return common(cmd)
    .option('--kind <k>', 'fleet or device', 'fleet')
    .option('--device <id>', 'a device report for this device')
    .option('--group <path>')
    .option('--filter <expr>')
    .option('--hours <n>', 'period, in hours back from now', num, 24)
    .option('--format <f>', 'html, csv or json (repeat; default all)', collect)
    .option('--channel <id>', 'deliver to this e-mail or webhook channel (repeat)', collect);
}

export function registerReportCommands(program: Command) {
  const reports = program.command('reports').description('fleet and device reports: on demand and scheduled');
  reportOptions(reports.command('run'))
    .option('--out <file>', 'write the report to this file (its format from the extension: .html, .csv, .json)')
    .action(async (o: ReportFlags) => {
      const c = await clientFrom(o);
      const run = await c.reports.run(request(o));
      if (run.state !== 'succeeded') throw new Error(`report failed: ${run.error}`);
      if (o.out) {
        const format = (o.out.split('.').pop() ?? 'html') as 'html' | 'csv' | 'json';
        writeFileSync(o.out, await c.reports.content(run.id, format));
        console.log(`${run.title}: ${o.out}`);
      } else
        output(
          o.json,
          run,
          [run as unknown as Record<string, unknown>],
          ['id', 'title', 'state', 'periodFrom', 'periodTo', 'formats'],
        );
    });
  reportOptions(reports.command('schedule <name>'))
    .requiredOption('--cron <expr>', 'e.g. "0 7 * * 1" (Mondays 07:00); 6 fields for seconds')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin', 'UTC')
    .action(async (name: string, o: ReportFlags & { cron: string; tz: string }) => {
      const s = await (await clientFrom(o)).reports.schedule({ name, cron: o.cron, timezone: o.tz, ...request(o) });
      if (o.json) return printJson(s);
      console.log(`schedule ${s.id}: next run ${s.nextRunAt}`);
    });
  common(reports.command('schedules')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).reports.schedules();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'name',
      'kind',
      'cron',
      'timezone',
      'nextRunAt',
      'lastRunAt',
      'enabled',
    ]);
  });
  common(reports.command('unschedule <id>')).action(async (id: string, o: Common) =>
    (await clientFrom(o)).reports.removeSchedule(id),
  );
  common(reports.command('runs'))
    .option('--schedule <id>')
    .action(async (o: Common & { schedule?: string }) => {
      const r = await (await clientFrom(o)).reports.runs({ schedule: o.schedule });
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
        'id',
        'title',
        'state',
        'startedAt',
        'requestedBy',
        'error',
      ]);
    });
  common(reports.command('get <runId>'))
    .option('--format <f>', 'html, csv or json', 'html')
    .option('--out <file>')
    .action(async (id: string, o: Common & { format: 'html' | 'csv' | 'json'; out?: string }) => {
      const body = await (await clientFrom(o)).reports.content(id, o.format);
      if (o.out) writeFileSync(o.out, body);
      else process.stdout.write(body);
    });
  common(
    program.command('health').description('device and fleet health under the health models').argument('[deviceId]'),
  )
    .option('--filter <expr>')
    .option('--set-model <model>', 'replace the rules of a device model ("*" for the default)')
    .option('--rule <metric:op:warning:error>', 'with --set-model, e.g. cpu:>:80:95 (repeat)', collect)
    .action(
      async (deviceId: string | undefined, o: Common & { filter?: string; setModel?: string; rule?: string[] }) => {
        const c = await clientFrom(o);
        if (o.setModel) {
          const rules = (o.rule ?? []).map((r) => {
            const [metric, op, warning, error] = r.split(':');
            return parseParams([
              `metric=${JSON.stringify(metric)}`,
              `op=${JSON.stringify(op)}`,
              ...(warning ? [`warning=${warning}`] : []),
              ...(error ? [`error=${error}`] : []),
            ]);
          });
          return printJson(await c.health.setModel(o.setModel, rules));
        }
        if (deviceId) return printJson(await c.health.device(deviceId));
        const f = await c.health.fleet(o.filter);
        if (o.json) return printJson(f);
        console.log(
          `${f.total} devices: normal ${f.counts.normal}, warning ${f.counts.warning}, error ${f.counts.error}, unknown ${f.counts.unknown}`,
        );
      },
    );
}
