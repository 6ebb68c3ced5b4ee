import type { Command } from 'commander';
import type { Role } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';

type Client = Awaited<ReturnType<typeof clientFrom>>;

/** The user a command names, by username or id. */
async function findUser(c: Client, who: string) {
  const { items } = await c.users.list();
  const user = items.find((u) => u.username === who || u.id === who);
  if (!user) throw new Error(`no user "${who}"`);
  return user;
}

function printScope(username: string, groups: readonly string[]) {
  if (groups.length === 0) console.log(`${username} sees every device`);
  else console.log(`${username} is confined to ${groups.join(', ')} (and their subgroups)`);
}

/** `outpost users`: people who use the hub, their roles and the groups they are confined to. */
export function registerUserCommands(program: Command) {
  const users = program.command('users').description('people who use the hub');
  common(users.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).users.list();
    const rows = r.items.map((u) => ({ ...u, groups: (u.groups ?? []).join(' ') }));
    output(o.json, r, rows as unknown as Array<Record<string, unknown>>, [
      'id',
      'username',
      'role',
      'groups',
      'disabled',
      'lastLoginAt',
    ]);
  });
  common(users.command('create <username>'))
    .requiredOption('--role <role>', 'admin, operator, viewer, technician or auditor')
    .option('--password <p>', 'initial password (or OUTPOST_NEW_PASSWORD)')
    .option('--scope <paths...>', 'confine the user to these groups (and their subgroups)')
    .action(async (username: string, o: Common & { role: Role; password?: string; scope?: string[] }) => {
      const c = await clientFrom(o);
      const created = await c.users.create({
        username,
        role: o.role,
        password: o.password ?? process.env.OUTPOST_NEW_PASSWORD ?? '',
      });
      printJson(o.scope?.length ? await c.users.update(created.id, { groups: o.scope }) : created);
    });

  const scope = users.command('scope').description('the groups a user is confined to');
  common(scope.command('show <user>'))
    .description('the groups USER (username or id) is confined to; none means every device')
    .action(async (who: string, o: Common) => {
      const user = await findUser(await clientFrom(o), who);
      if (o.json) return printJson({ username: user.username, groups: user.groups ?? [] });
      printScope(user.username, user.groups ?? []);
    });
  common(scope.command('set <user> [paths...]'))
    .description('confine USER to the groups PATH... (each with its subgroups); no PATH lifts the confinement')
    .action(async (who: string, paths: string[], o: Common) => {
      const c = await clientFrom(o);
      const user = await findUser(c, who);
      const updated = await c.users.update(user.id, { groups: paths });
      if (o.json) return printJson({ username: updated.username, groups: updated.groups ?? [] });
      printScope(updated.username, updated.groups ?? []);
    });
}
