import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AlertRuleInput, AlertSeverity } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import { registerChannelCommands, registerReportCommands } from './monitoring-reports.commands.js';
import { collect, common, num, parseParams, type Common } from './monitoring-cli.util.js';

type RuleFlags = Common & {
  file?: string;
  name?: string;
  type?: string;
  severity?: string;
  param?: string[];
  group?: string;
  filter?: string;
  for?: number;
  clearFor?: number;
  channel?: string[];
};

function ruleFrom(o: RuleFlags): Partial<AlertRuleInput> {
  const base = o.file ? (JSON.parse(readFileSync(o.file, 'utf8')) as Partial<AlertRuleInput>) : {};
  const scope =
    o.group || o.filter
      ? { ...(o.group ? { group: o.group } : {}), ...(o.filter ? { filter: o.filter } : {}) }
      : undefined;
  return {
    ...base,
    ...(o.name ? { name: o.name } : {}),
    ...(o.type ? { type: o.type } : {}),
    ...(o.severity ? { severity: o.severity as AlertSeverity } : {}),
    ...(o.param?.length ? { params: parseParams(o.param) } : {}),
    ...(scope ? { scope } : {}),
    ...(o.for !== undefined ? { forS: o.for } : {}),
    ...(o.clearFor !== undefined ? { clearForS: o.clearFor } : {}),
    ...(o.channel?.length ? { channels: o.channel } : {}),
  };
}

function ruleOptions(cmd: Command): Command {
  return common(cmd)
    .option('--file <rule.json>', 'the rule as JSON (flags override its fields)')
    .option('--name <name>')
    .option(
      '--type <type>',
      'offline, disconnects, metric, missing_data, cert_expiry, security_events, traffic_volume, traffic_new_port, health_state, cellular_change, cell_signal, cellular_usage_spike, field_firmware',
    )
    .option('--severity <s>', 'info, warning or critical')
    .option('--param <name=value>', 'a parameter of the rule type (repeat)', collect)
    .option('--group <path>', 'only devices in this group')
    .option('--filter <expr>', 'only devices matching this filter')
    .option('--for <s>', 'seconds the condition must hold before firing', num)
    .option('--clear-for <s>', 'seconds the reset condition must hold before resolving', num)
    .option('--channel <id>', 'notification channel (repeat)', collect);
}

function registerRules(program: Command) {
  const rules = program.command('rules').description('alert rules: what to watch, on which devices, who to tell');
  common(rules.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).rules.list();
    const rows = r.items.map((x) => ({
      ...x,
      scope: x.scope.group ?? x.scope.filter ?? 'fleet',
      params: JSON.stringify(x.params),
      channels: x.channels.length,
    }));
    output(o.json, r, rows, ['id', 'name', 'type', 'severity', 'scope', 'params', 'forS', 'channels', 'enabled']);
  });
  common(rules.command('types')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).rules.types();
    if (o.json) return printJson(r);
    for (const t of r.items)
      console.log(
        `${t.type} — ${t.title}\n${Object.entries(t.params)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}`,
      );
  });
  common(rules.command('show <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).rules.get(id)),
  );
  ruleOptions(rules.command('create')).action(async (o: RuleFlags) => {
    const input = ruleFrom(o);
    if (!input.name || !input.type) throw new Error('a rule needs --name and --type (or a --file with them)');
    printJson(await (await clientFrom(o)).rules.create(input as AlertRuleInput));
  });
  ruleOptions(rules.command('update <id>')).action(async (id: string, o: RuleFlags) =>
    printJson(await (await clientFrom(o)).rules.update(id, ruleFrom(o))),
  );
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    common(rules.command(`${verb} <id>`)).action(async (id: string, o: Common) => {
      await (await clientFrom(o)).rules.update(id, { enabled });
      console.log(`rule ${id} ${verb}d`);
    });
  }
  common(rules.command('delete <id>')).action(async (id: string, o: Common) => {
    await (await clientFrom(o)).rules.remove(id);
    console.log(`rule ${id} deleted; its open alerts resolve at the next evaluation`);
  });
}

function registerAlerts(program: Command) {
  const alerts = program.command('alerts').description('alerts: what fired, on which device, since when');
  common(alerts.command('list'))
    .option('--state <s>', 'open, firing, acknowledged or resolved', 'open')
    .option('--device <id>')
    .option('--rule <id>')
    .option('--severity <s>')
    .option('--limit <n>', 'how many', num, 100)
    .action(
      async (
        o: Common & { state: 'open'; device?: string; rule?: string; severity?: AlertSeverity; limit: number },
      ) => {
        const r = await (
          await clientFrom(o)
        ).alerts.list({
          state: o.state,
          device: o.device,
          rule: o.rule,
          severity: o.severity,
          limit: o.limit,
        });
        output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
          'id',
          'severity',
          'state',
          'deviceName',
          'ruleName',
          'firedAt',
          'text',
        ]);
      },
    );
  common(alerts.command('show <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).alerts.get(id)),
  );
  for (const verb of ['ack', 'resolve'] as const) {
    common(alerts.command(`${verb} <id>`))
      .option('--note <text>', 'why, for the history')
      .action(async (id: string, o: Common & { note?: string }) => {
        const a = await (await clientFrom(o)).alerts[verb](id, o.note);
        if (o.json) return printJson(a);
        console.log(`alert ${a.id} is ${a.state}`);
      });
  }
  common(alerts.command('summary')).action(async (o: Common) => {
    const s = await (await clientFrom(o)).alerts.summary();
    if (o.json) return printJson(s);
    console.log(
      `open ${s.open} (firing ${s.firing}, acknowledged ${s.acknowledged}); critical ${s.bySeverity.critical}, warning ${s.bySeverity.warning}, info ${s.bySeverity.info}`,
    );
    if (s.lastEvaluation)
      console.log(
        `last evaluation ${s.lastEvaluation.at}: ${s.lastEvaluation.rules} rules over ${s.lastEvaluation.devices} devices in ${s.lastEvaluation.ms} ms`,
      );
  });
  common(alerts.command('evaluate').description('evaluate every rule of the hub now (admin)')).action(
    async (o: Common) => printJson(await (await clientFrom(o)).alerts.evaluate()),
  );
}

/** `outpost alerts …`, `outpost rules …`, `outpost channels …`, `outpost notifications …`, `outpost reports …`. */
export function registerMonitoringCommands(program: Command) {
  registerAlerts(program);
  registerRules(program);
  registerChannelCommands(program);
  registerReportCommands(program);
}
