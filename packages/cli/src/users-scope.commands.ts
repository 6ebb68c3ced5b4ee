import type { Command } from 'commander';
import type { OutpostClient } from '@outpost/client';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';

/** The user a command names, by username or id. */
export async function userByName(c: OutpostClient, who: string) {
  const user = (await c.users.list()).items.find((u) => u.username === who || u.id === who);
  if (!user) throw new Error(`no user "${who}" (see: outpost users list)`);
  return user;
}

function printScope(username: string, groups: readonly string[]) {
  if (groups.length === 0) console.log(`${username} sees every device`);
  else console.log(`${username} is confined to ${groups.join(', ')} (and their subgroups)`);
}

/** Sets USER's groups ([] lifts the confinement) and prints the result. */
async function setScope(c: OutpostClient, who: string, groups: string[], json: boolean | undefined) {
  const updated = await c.users.update((await userByName(c, who)).id, { groups });
  if (json) return printJson({ username: updated.username, groups: updated.groups ?? [] });
  printScope(updated.username, updated.groups ?? []);
}

/** `outpost users scope list|show|set|clear`: the groups a user is confined to (admins). */
export function registerUserScopeCommands(users: Command) {
  const scope = users.command('scope').description('the groups a user is confined to');
  common(scope.command('list'))
    .description('every user and the groups each is confined to ("all devices" when none)')
    .action(async (o: Common) => {
      const r = await (await clientFrom(o)).users.list();
      const items = r.items.map((u) => ({ username: u.username, role: u.role, groups: u.groups ?? [] }));
      const rows = items.map((u) => ({ ...u, groups: u.groups.length ? u.groups.join(' ') : 'all devices' }));
      output(o.json, { items }, rows, ['username', 'role', 'groups']);
    });
  common(scope.command('show <user>'))
    .description('the groups USER (username or id) is confined to; none means every device')
    .action(async (who: string, o: Common) => {
      const user = await userByName(await clientFrom(o), who);
      if (o.json) return printJson({ username: user.username, groups: user.groups ?? [] });
      printScope(user.username, user.groups ?? []);
    });
  common(scope.command('set <user> [paths...]'))
    .description(
      'confine USER to the groups PATH... (each with its subgroups), in place of its scope; no PATH is clear',
    )
    .action(async (who: string, paths: string[], o: Common) => setScope(await clientFrom(o), who, paths, o.json));
  common(scope.command('clear <user>'))
    .description('lift the confinement: USER sees every device again')
    .action(async (who: string, o: Common) => setScope(await clientFrom(o), who, [], o.json));
}
