import type { Command } from 'commander';
import type { Role } from '@outpost/protocol';
import { clientFrom, loadCredentials, readCa, saveCredentials } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, parsePairs, printJson } from './output.js';
import { findView } from './views.commands.js';
import { registerAuditCommands } from './audit.commands.js';
import { registerBrokerCommands } from './brokers.commands.js';
import { EXIT_ACTION_FAILED, confirmFleetAction, parseArgsJson, type SafetyOptions } from './fleet-action.js';

export function registerOperatorCommands(program: Command) {
  common(program.command('login').description('sign in and keep the session for later commands'))
    .option('--username <u>')
    .option('--password <p>', 'password (or OUTPOST_PASSWORD)')
    .option(
      '--otp <code>',
      'code from your authenticator app, or a recovery code, when your account has a second factor',
    )
    .option('--sso <provider>', 'sign in through an identity provider in a browser (prints the address to open)')
    .option('--device', 'with --sso: sign in on another device by a code (for machines without a browser)')
    .action(
      async (o: Common & { username?: string; password?: string; otp?: string; sso?: string; device?: boolean }) => {
        // Signing in again goes to the hub of the saved sign-in, with the CA it was given.
        const saved = loadCredentials();
        const hubUrl = o.hub ?? process.env.OUTPOST_HUB ?? saved?.hubUrl ?? 'https://localhost:8443';
        const caPem = readCa(o.caFile) ?? (hubUrl === saved?.hubUrl ? saved.caPem : undefined);
        const { createClient } = await import('@outpost/client');
        if (o.device && !o.sso) throw new Error('--device goes with --sso <provider>');
        if (o.sso && o.device) {
          const { ssoDeviceLogin } = await import('./sso-device-login.js');
          const r = await ssoDeviceLogin(createClient({ baseUrl: hubUrl, caPem }), o.sso, (lines) =>
            console.log(lines.join('\n')),
          );
          if (!r.ok) {
            console.error(`error: ${r.message}`);
            process.exitCode = r.exitCode;
            return;
          }
          saveCredentials({ hubUrl, caPem, session: r.sessionToken });
          console.log(`signed in to ${hubUrl} as ${r.user.username} (${r.user.role}) until ${r.expiresAt}`);
          return;
        }
        if (o.sso) {
          const { ssoLogin } = await import('./sso-login.js');
          const show = (url: string) =>
            console.log(`Open this address in a browser to sign in with ${o.sso}:\n  ${url}`);
          const s = await ssoLogin(createClient({ baseUrl: hubUrl, caPem }), hubUrl, o.sso, show);
          saveCredentials({ hubUrl, caPem, session: s.sessionToken });
          console.log(`signed in to ${hubUrl} as ${s.user.username} (${s.user.role}) until ${s.expiresAt}`);
          return;
        }
        if (!o.username) throw new Error('give --username (and --password), or --sso <provider>');
        const r = await createClient({ baseUrl: hubUrl, caPem }).login(
          o.username,
          o.password ?? process.env.OUTPOST_PASSWORD ?? '',
          o.otp,
        );
        saveCredentials({ hubUrl, caPem, session: r.session });
        console.log(`signed in to ${hubUrl} as ${r.user.username} (${r.user.role}) until ${r.expiresAt}`);
      },
    );

  const devices = program.command('devices').description('the device inventory');
  common(devices.command('list'))
    .option('--filter <expr>', 'filter, e.g. tag.site = "north" and online')
    .option('--sort <field>', 'name, id, model, firmware, presence, last_seen, enrolled_at (default name)')
    .option('--view <name>', "a saved view's filter and sort (--filter and --sort override them)")
    .option('--limit <n>', 'page size', (v) => Number(v), 50)
    .option('--cursor <c>', 'next page cursor')
    .action(async (o: Common & { filter?: string; sort?: string; view?: string; limit: number; cursor?: string }) => {
      const c = await clientFrom(o);
      const view = o.view ? await findView(c, o.view) : undefined;
      const page = await c.devices.list({
        filter: o.filter ?? (view?.filter || undefined),
        sort: o.sort ?? view?.sort,
        order: o.sort ? undefined : view?.order,
        limit: o.limit,
        cursor: o.cursor,
        count: true,
      });
      output(o.json, page, page.items as unknown as Array<Record<string, unknown>>, [
        'id',
        'name',
        'model',
        'firmware',
        'presence',
        'lastSeenAt',
        'groups',
      ]);
      if (!o.json)
        console.log(
          `${page.items.length} of ${page.total ?? '?'}${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}`,
        );
    });
  common(devices.command('show <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).devices.get(id)),
  );
  common(devices.command('certificate <id>'))
    .description('the certificate a device uses, its renewal state and the last refusal of its certificate')
    .action(async (id: string, o: Common) => printJson(await (await clientFrom(o)).enrollment.certificateStatus(id)));
  common(devices.command('tag <id> [pairs...]'))
    .option('--remove <keys...>', 'tag keys to remove')
    .option('--where', 'treat <id> as a filter and tag every matching device')
    .option('--yes', 'act on every match without asking (with --where)')
    .option('--dry-run', 'list the devices that match and change nothing (with --where)')
    .action(async (id: string, pairs: string[], o: Common & SafetyOptions & { remove?: string[]; where?: boolean }) => {
      const c = await clientFrom(o);
      if (o.where && !(await confirmFleetAction(c, id, 'tag', o))) return;
      const r = o.where
        ? await c.devices.tagWhere(id, parsePairs(pairs), o.remove ?? [])
        : await c.devices.tag(id, parsePairs(pairs), o.remove ?? []);
      console.log(`tagged ${r.matched} device(s)`);
    });
  common(devices.command('command <id> <name>'))
    .option('--timeout <s>', 'seconds the device has to answer', (v) => Number(v), 30)
    .option('--args <json>', 'arguments as a JSON object, e.g. \'{"count": 3}\'')
    .option('--where', 'treat <id> as a filter and send to every matching device')
    .option('--yes', 'send to every match without asking (with --where)')
    .option('--dry-run', 'list the devices that match and send nothing (with --where)')
    .action(
      async (
        id: string,
        name: string,
        o: Common & SafetyOptions & { timeout: number; args?: string; where?: boolean },
      ) => {
        const args = parseArgsJson(o.args);
        const c = await clientFrom(o);
        if (o.where) {
          if (!(await confirmFleetAction(c, id, `send "${name}" to`, o))) return;
          const b = await c.commands.sendWhere(id, name, { timeoutS: o.timeout, args });
          const r = await waitBatch(c, b.batchId, o.timeout * 1000);
          output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
            'deviceId',
            'state',
            'error',
            'result',
          ]);
          const failed = r.items.filter((i) => i.state !== 'succeeded').length;
          if (failed > 0) {
            process.stderr.write(`${failed} of ${r.items.length} device(s) did not succeed\n`);
            process.exitCode = EXIT_ACTION_FAILED;
          }
          return;
        }
        const r = await c.devices.command(id, name, { timeoutS: o.timeout, wait: true, args });
        output(o.json, r, [r as unknown as Record<string, unknown>], ['deviceId', 'name', 'state', 'error', 'result']);
        if (r.state !== 'succeeded') process.exitCode = EXIT_ACTION_FAILED;
      },
    );
  common(devices.command('revoke <id>'))
    .requiredOption('--reason <text>')
    .action(async (id: string, o: Common & { reason: string }) =>
      printJson(await (await clientFrom(o)).devices.revoke(id, o.reason)),
    );
  registerBrokerCommands(devices);

  registerGroups(program);
  registerAdmin(program);
}

async function waitBatch(c: Awaited<ReturnType<typeof clientFrom>>, batchId: string, ms: number) {
  const until = Date.now() + ms + 2000;
  for (;;) {
    const b = await c.commands.batch(batchId);
    const open = (b.counts.pending ?? 0) + (b.counts.sent ?? 0);
    if (open === 0 || Date.now() > until) return b;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function registerGroups(program: Command) {
  const groups = program.command('groups').description('static and dynamic device groups');
  common(groups.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).groups.list();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'path',
      'kind',
      'filter',
      'directMembers',
      'description',
    ]);
  });
  common(groups.command('create <path>'))
    .option('--filter <expr>', 'makes a dynamic group')
    .option('--description <text>')
    .action(async (path: string, o: Common & { filter?: string; description?: string }) =>
      printJson(
        await (
          await clientFrom(o)
        ).groups.create({
          path,
          kind: o.filter ? 'dynamic' : 'static',
          filter: o.filter,
          description: o.description,
        }),
      ),
    );
  common(groups.command('delete <path>'))
    .description('delete a group (its devices stay enrolled)')
    .action(async (path: string, o: Common) => {
      await (await clientFrom(o)).groups.remove(path);
      console.log(`deleted group ${path}`);
    });
  common(groups.command('rename <old> <new>'))
    .description(
      'rename a group and its subgroups, with every user scope, token, policy, rule, view and target naming them',
    )
    .option('--otp <code>', 'a code from your authenticator, when a fresh second factor is needed')
    .action(async (from: string, to: string, o: Common & { otp?: string }) => {
      const r = await (await clientFrom(o)).groups.rename(from, to, o.otp);
      if (o.json) return printJson(r);
      console.log(`renamed group ${r.from} to ${r.to} (${r.groups.length} group(s) moved)`);
      for (const [what, n] of Object.entries(r.references)) if (n > 0) console.log(`  ${what}: ${n} rewritten`);
    });
  common(groups.command('add <path> [deviceIds...]'))
    .option('--filter <expr>', 'add every device matching the filter')
    .action(async (path: string, ids: string[], o: Common & { filter?: string }) =>
      printJson(
        await (await clientFrom(o)).groups.addMembers(path, o.filter ? { filter: o.filter } : { deviceIds: ids }),
      ),
    );
}

function registerAdmin(program: Command) {
  const tokens = program.command('tokens').description('API tokens for scripts');
  common(tokens.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).tokens.list();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'name',
      'role',
      'expiresAt',
      'lastUsedAt',
    ]);
  });
  common(tokens.command('create <name>'))
    .option('--role <role>', 'admin, operator or viewer', 'viewer')
    .option('--days <n>', 'expires after n days', (v) => Number(v))
    .action(async (name: string, o: Common & { role: Role; days?: number }) => {
      const r = await (await clientFrom(o)).tokens.create({ name, role: o.role, expiresInDays: o.days });
      if (o.json) printJson(r);
      else console.log(`token (shown once): ${r.token}`);
    });
  common(tokens.command('revoke <id>')).action(async (id: string, o: Common) =>
    (await clientFrom(o)).tokens.revoke(id),
  );

  const enrollment = program.command('enrollment').description('enrollment tokens for new devices');
  common(enrollment.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).enrollment.list();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'label',
      'uses',
      'maxUses',
      'group',
      'expiresAt',
      'revoked',
    ]);
  });
  common(enrollment.command('revoke <id>'))
    .description('no device may enroll with the token any more')
    .action(async (id: string, o: Common) => {
      await (await clientFrom(o)).enrollment.revoke(id);
      console.log(`revoked ${id}`);
    });
  common(enrollment.command('create <label>'))
    .option('--uses <n>', 'how many devices may use it', (v) => Number(v), 1)
    .option('--hours <n>', 'valid for n hours', (v) => Number(v), 24)
    .option('--group <path>', 'static group new devices join')
    .option('--tag <pairs...>', 'tags new devices get, key=value')
    .action(async (label: string, o: Common & { uses: number; hours: number; group?: string; tag?: string[] }) => {
      const c = await clientFrom(o);
      const r = await c.enrollment.createToken({
        label,
        maxUses: o.uses,
        expiresInHours: o.hours,
        group: o.group,
        tags: parsePairs(o.tag ?? []),
      });
      if (o.json) return printJson(r);
      console.log(
        `token (shown once): ${r.token}\non the device:\n  outpost agent enroll --hub ${c.options.baseUrl} --token ${r.token} --ca-fingerprint ${r.caFingerprint}`,
      );
    });

  registerAuditCommands(program);
}
