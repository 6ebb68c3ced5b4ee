import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeviceConfigView, TemplateInput, TemplatePolicy } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson, printTable } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };
type TemplateOpts = Common & {
  spec?: string;
  priority?: number;
  policy?: TemplatePolicy;
  group?: string;
  filter?: string;
  model?: string;
  set?: string[];
  string?: string[];
  secretEnv?: string[];
  file?: string[];
  comment?: string;
  description?: string;
};

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

function splitPair(pair: string, flag: string): [string, string] {
  const i = pair.indexOf('=');
  if (i <= 0) throw new Error(`${flag}: expected key=value, got "${pair}"`);
  return [pair.slice(0, i), pair.slice(i + 1)];
}

/**
 * `key=value` with the value as JSON: true/false, a number, "quoted text", a list or an object. A
 * value that is not JSON is refused rather than pushed as text (`ssh.enabled=flase` is a typo, not
 * the string "flase"); text goes through `--string key=value`.
 */
export function parseSetting(pair: string): [string, unknown] {
  const [key, raw] = splitPair(pair, '--set');
  try {
    return [key, JSON.parse(raw)];
  } catch {
    throw new Error(
      `${key}=${raw.slice(0, 80)}: the value is not JSON (true/false, a number, "text", [..], {..}); ` +
        `for text use --string ${key}=${raw.slice(0, 80)}`,
    );
  }
}

/** `--string key=value`: the value taken as text, whatever it looks like. */
export function parseStringSetting(pair: string): [string, unknown] {
  return splitPair(pair, '--string');
}

function templateFlags(cmd: Command): Command {
  return common(cmd)
    .option('--spec <file>', 'the whole template as JSON (flags below change it)')
    .option('--priority <n>', 'higher wins', (v) => Number(v))
    .option('--policy <p>', 'report or enforce')
    .option('--group <path>', 'target a group')
    .option('--filter <expr>', 'target a device filter')
    .option('--model <model>', 'only devices of this model (and check its schema)')
    .option('--set <pairs...>', 'settings key=value, the value as JSON (true, 3, "text", ["a"])')
    .option('--string <pairs...>', 'settings key=value, the value as text')
    .option('--secret-env <pairs...>', 'secret settings key=ENV_VAR: the value is read from that environment variable')
    .option('--file <specs...>', 'files to place: /device/path=local-file[:mode-octal]')
    .option('--description <text>')
    .option('--comment <text>', 'why this version');
}

function applyFlags(base: Partial<TemplateInput>, o: TemplateOpts): Partial<TemplateInput> {
  const t: Partial<TemplateInput> = {
    ...(o.spec ? (JSON.parse(readFileSync(o.spec, 'utf8')) as Partial<TemplateInput>) : {}),
    ...base,
  };
  if (o.priority !== undefined) t.priority = o.priority;
  if (o.policy) t.policy = o.policy;
  if (o.group) t.target = { group: o.group };
  if (o.filter) t.target = { filter: o.filter };
  if (o.model) t.model = o.model;
  if (o.description !== undefined) t.description = o.description;
  if (o.comment) t.comment = o.comment;
  const settings = { ...(t.settings ?? {}) } as Record<string, unknown>;
  for (const [k, v] of [...(o.set ?? []).map(parseSetting), ...(o.string ?? []).map(parseStringSetting)])
    settings[k] = v;
  for (const p of o.secretEnv ?? []) {
    const [k, name] = p.split('=');
    const value = process.env[name ?? ''];
    if (!k || value === undefined) throw new Error(`--secret-env ${p}: environment variable ${name ?? '?'} is not set`);
    settings[k] = { $secret: value };
  }
  t.settings = settings as TemplateInput['settings'];
  if (o.file?.length) {
    t.files = [
      ...(t.files ?? []),
      ...o.file.map((f) => {
        const [path, rest] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
        const [local, mode] = rest.split(':');
        return { path, content: readFileSync(local).toString('base64'), mode: mode ? parseInt(mode, 8) : 0o644 };
      }),
    ];
  }
  return t;
}

export function registerConfigsCommands(program: Command) {
  registerTemplates(program);
  registerCompliance(program);
  registerDeviceConfig(program);
}

function registerTemplates(program: Command) {
  const templates = program
    .command('templates')
    .description('configuration templates: desired settings for groups of devices');
  common(templates.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).templates.list();
    output(
      o.json,
      r,
      r.items.map((t) => ({
        ...t,
        target: 'group' in t.target ? `group ${t.target.group}` : t.target.filter,
        keys: Object.keys(t.settings).length,
      })),
      ['name', 'version', 'priority', 'policy', 'target', 'keys', 'devices', 'updatedBy', 'updatedAt'],
    );
  });
  common(templates.command('show <name>'))
    .option('--version <n>', 'an older version', (v) => Number(v))
    .action(async (name: string, o: Common & { version?: number }) =>
      printJson(
        o.version
          ? await (await clientFrom(o)).templates.version(name, o.version)
          : await (await clientFrom(o)).templates.get(name),
      ),
    );
  templateFlags(templates.command('create <name>')).action(async (name: string, o: TemplateOpts) => {
    const t = applyFlags({ name }, o);
    const r = await (
      await clientFrom(o)
    ).templates.create({ priority: 100, policy: 'report', ...t, name } as TemplateInput);
    if (o.json) printJson(r);
    else console.log(`template ${r.name} version ${r.version} created`);
  });
  templateFlags(templates.command('update <name>')).action(async (name: string, o: TemplateOpts) => {
    const patch = applyFlags({}, o);
    const c = await clientFrom(o);
    const cur = await c.templates.get(name);
    const r = await c.templates.modify(name, {
      ...patch,
      settings: { ...(cur.settings as TemplateInput['settings']), ...(patch.settings ?? {}) },
    });
    if (o.json) printJson(r);
    else
      console.log(
        r.changed
          ? `template ${name} is now version ${r.template.version}`
          : `template ${name} unchanged (version ${r.template.version})`,
      );
  });
  common(templates.command('unset <name> <keys...>'))
    .option('--comment <text>')
    .action(async (name: string, keys: string[], o: Common & { comment?: string }) => {
      const c = await clientFrom(o);
      const cur = await c.templates.get(name);
      const settings = Object.fromEntries(
        Object.entries(cur.settings).filter(([k]) => !keys.includes(k)),
      ) as TemplateInput['settings'];
      const r = await c.templates.modify(name, { settings, comment: o.comment });
      console.log(`template ${name} is now version ${r.template.version}`);
    });
  common(templates.command('versions <name>')).action(async (name: string, o: Common) => {
    const r = await (await clientFrom(o)).templates.versions(name);
    output(
      o.json,
      r,
      r.items.map((v) => ({ ...v, changes: v.diff.map((c) => `${c.field} ${c.change}`).join(', ') })),
      ['version', 'author', 'createdAt', 'comment', 'changes'],
    );
  });
  common(templates.command('restore <name> <version>'))
    .option('--comment <text>')
    .action(async (name: string, version: string, o: Common & { comment?: string }) => {
      const r = await (await clientFrom(o)).templates.restore(name, Number(version), o.comment);
      if (o.json) printJson(r);
      else console.log(`template ${name}: version ${version} restored as version ${r.template.version}`);
    });
  common(templates.command('delete <name>')).action(async (name: string, o: Common) => {
    await (await clientFrom(o)).templates.remove(name);
    console.log(`template ${name} deleted`);
  });
  common(templates.command('schema <model> [file]'))
    .description("show a device model's settings schema, or set it from a JSON Schema file")
    .action(async (model: string, file: string | undefined, o: Common) => {
      const c = await clientFrom(o);
      printJson(
        file
          ? await c.configModels.setSchema(model, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
          : await c.configModels.getSchema(model),
      );
    });
}

function registerCompliance(program: Command) {
  const compliance = program.command('compliance').description('are devices configured as their templates say?');
  common(compliance.command('summary')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).compliance.summary();
    if (o.json) return printJson(r);
    const { overall } = r;
    console.log(
      `overall: ${overall.compliantPct}% compliant (${overall.compliant}/${overall.total} devices; drifted ${overall.drifted}, pending ${overall.pending}, error ${overall.error})`,
    );
    output(false, r, r.templates as unknown as Array<Record<string, unknown>>, [
      'template',
      'policy',
      'compliantPct',
      'total',
      'compliant',
      'drifted',
      'pending',
      'error',
    ]);
    if (r.lastScan)
      console.log(`last scan ${r.lastScan.at}: ${r.lastScan.devices} devices in ${r.lastScan.durationMs} ms`);
  });
  common(compliance.command('devices'))
    .option('--state <s>', 'pending, compliant, drifted or error')
    .option('--template <name>')
    .option('--filter <expr>')
    .option('--limit <n>', 'rows', (v) => Number(v), 100)
    .action(async (o: Common & { state?: string; template?: string; filter?: string; limit: number }) => {
      const r = await (
        await clientFrom(o)
      ).compliance.devices({
        state: o.state,
        template: o.template,
        filter: o.filter,
        limit: o.limit,
      });
      const rows = r.items.map((x) => ({
        ...x,
        drift: x.diff
          .map((d) =>
            d.secret
              ? `${d.key} (secret changed)`
              : `${d.key}: ${JSON.stringify(d.desired)} -> ${JSON.stringify(d.actual)}`,
          )
          .join('; '),
        users: [...new Set(x.diff.flatMap((d) => d.users ?? []))].join(' '),
      }));
      output(o.json, r, rows, ['deviceId', 'template', 'state', 'since', 'drift', 'users', 'reason']);
    });
  common(compliance.command('report'))
    .option('--format <f>', 'csv or json', 'csv')
    .option('--view <v>', 'states, incidents or remediations (csv)', 'states')
    .option('--template <name>')
    .option('--filter <expr>')
    .option('--hours <n>', 'period for incidents', (v) => Number(v))
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      async (
        o: Common & {
          format: string;
          view: 'states' | 'incidents' | 'remediations';
          template?: string;
          filter?: string;
          hours?: number;
          out?: string;
        },
      ) => {
        const c = await clientFrom(o);
        const q = { template: o.template, filter: o.filter, hours: o.hours, view: o.view };
        const text =
          o.format === 'json'
            ? `${JSON.stringify(await c.compliance.report(q), null, 2)}\n`
            : await c.compliance.reportCsv(q);
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      },
    );
  common(compliance.command('history'))
    .option('--template <name>')
    .option('--hours <n>', 'period', (v) => Number(v), 24)
    .action(async (o: Common & { template?: string; hours: number }) => {
      const r = await (await clientFrom(o)).compliance.history({ template: o.template, hours: o.hours });
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
        'at',
        'total',
        'compliant',
        'drifted',
        'pending',
        'error',
      ]);
    });
  common(compliance.command('events'))
    .option('--device <id>')
    .option('--type <t>')
    .option('--limit <n>', 'events', (v) => Number(v), 50)
    .action(async (o: Common & { device?: string; type?: string; limit: number }) => {
      const r = await (await clientFrom(o)).compliance.events({ device: o.device, type: o.type, limit: o.limit });
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
        'ts',
        'deviceId',
        'type',
        'severity',
        'template',
        'data',
      ]);
    });
  common(compliance.command('scan')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).compliance.scan();
    if (o.json) printJson(r);
    else
      console.log(`scanned ${r.devices} devices in ${r.durationMs} ms; ${r.republished} desired documents republished`);
  });
}

/** `outpost config show` for people: the effective settings, then every reported value the model's schema refuses. */
export function printDeviceConfig(id: string, r: DeviceConfigView): void {
  // A hub from before reported values were checked sends neither invalid field.
  const invalid = ((r.invalidCount as number | undefined) ?? 0) > 0;
  console.log(
    `${id}: ${r.state ?? 'unmanaged'}; desired v${r.desiredVersion}, reported v${r.reportedVersion ?? '-'}${r.maintenanceUntil ? `; maintenance until ${r.maintenanceUntil}` : ''}${invalid ? `; ${r.invalidCount} reported value(s) INVALID` : ''}`,
  );
  console.log(`precedence: ${r.precedence}`);
  const rows = r.entries.map((e) => ({
    ...e,
    source:
      e.source.kind === 'override'
        ? 'device override'
        : `${e.source.template}@${e.source.version} (p${e.source.priority}, ${e.source.policy})`,
    overridden: e.overridden.map((x) => x.template).join(' '),
    invalid: e.invalid ?? '',
  }));
  output(false, r, rows, [
    'key',
    'desired',
    'actual',
    'status',
    ...(invalid ? ['invalid'] : []),
    'source',
    'overridden',
  ]);
  if (!invalid) return;
  const shown = r.invalid;
  const more = r.invalidCount - shown.length;
  console.log(`\ninvalid reported values (${r.invalidCount}, by the model's settings schema):`);
  printTable(
    shown.map((v) => ({ key: v.key || '(all settings)', path: v.path, problem: v.message })),
    ['key', 'path', 'problem'],
  );
  if (more > 0) console.log(`… and ${more} more`);
}

function registerDeviceConfig(program: Command) {
  const cfg = program
    .command('config')
    .description("one device's configuration: effective settings, overrides, maintenance");
  common(cfg.command('show <device>')).action(async (id: string, o: Common) => {
    const r = await (await clientFrom(o)).deviceConfig.get(id);
    if (o.json) return printJson(r);
    printDeviceConfig(id, r);
  });
  common(cfg.command('override <device> [pairs...]'))
    .description('per-device values that beat every template: key=JSON value, or --string key=text')
    .option('--string <pairs...>', 'key=value, the value as text')
    .action(async (id: string, pairs: string[], o: Common & { string?: string[] }) => {
      const all = [...pairs.map(parseSetting), ...(o.string ?? []).map(parseStringSetting)];
      if (all.length === 0) throw new Error('give at least one key=value');
      const settings = Object.fromEntries(all) as Parameters<
        Awaited<ReturnType<typeof clientFrom>>['deviceConfig']['setOverrides']
      >[1];
      const r = await (await clientFrom(o)).deviceConfig.setOverrides(id, settings);
      console.log(`${id}: desired version ${r.desiredVersion}`);
    });
  common(cfg.command('unset-override <device> <key>')).action(async (id: string, key: string, o: Common) =>
    (await clientFrom(o)).deviceConfig.removeOverride(id, key),
  );
  common(cfg.command('maintenance <device>'))
    .description('let a technician change managed settings for a while; the device reconverges after')
    .option('--minutes <n>', 'how long', (v) => Number(v), 30)
    .option('--reason <text>', 'why (audited)')
    .option('--end', 'close the window now')
    .action(async (id: string, o: Common & { minutes: number; reason?: string; end?: boolean }) => {
      const c = await clientFrom(o);
      if (o.end) return printJson(await c.deviceConfig.endMaintenance(id));
      if (!o.reason) throw new Error('--reason is required');
      printJson(await c.deviceConfig.startMaintenance(id, o.minutes, o.reason));
    });
  common(cfg.command('push <device>'))
    .description('send the desired state again and put every differing setting back')
    .action(async (id: string, o: Common) => {
      const r = await (await clientFrom(o)).deviceConfig.push(id);
      console.log(`${id}: desired version ${r.desiredVersion} sent`);
    });
}
