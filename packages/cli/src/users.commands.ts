import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { Role } from '@outpost/protocol';
import { clientFrom, credentialsPath, loadCredentials } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';
import { registerUserScopeCommands, userByName } from './users-scope.commands.js';

const newPassword = (given?: string) => given ?? process.env.OUTPOST_NEW_PASSWORD;

/** `outpost users …` (admins) and the signed-in person's own verbs: whoami, password, logout. */
export function registerUsersCommands(program: Command) {
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
      const created = await c.users.create({ username, role: o.role, password: newPassword(o.password) ?? '' });
      printJson(o.scope?.length ? await c.users.update(created.id, { groups: o.scope }) : created);
    });
  registerUserScopeCommands(users);
  common(users.command('set-role <username> <role>')).action(async (username: string, role: Role, o: Common) => {
    const c = await clientFrom(o);
    const u = await c.users.update((await userByName(c, username)).id, { role });
    console.log(`${u.username} is now ${u.role}`);
  });
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    common(users.command(`${verb} <username>`)).action(async (username: string, o: Common) => {
      const c = await clientFrom(o);
      await c.users.update((await userByName(c, username)).id, { disabled });
      console.log(`${username} ${disabled ? 'disabled; their sessions ended' : 'enabled'}`);
    });
  }
  common(users.command('password <username>'))
    .description("set another user's password (admins); without --password one is generated and shown once")
    .option('--password <p>', 'the new password (or OUTPOST_NEW_PASSWORD)')
    .action(async (username: string, o: Common & { password?: string }) => {
      const { randomBytes } = await import('node:crypto');
      const given = newPassword(o.password);
      const password = given ?? randomBytes(15).toString('base64url');
      const c = await clientFrom(o);
      await c.users.update((await userByName(c, username)).id, { password });
      console.log(
        given
          ? `password of ${username} set; their sessions ended`
          : `password of ${username} set to "${password}" (shown once; their sessions ended)`,
      );
    });

  common(program.command('whoami').description('who the saved sign-in or token acts as')).action(async (o: Common) => {
    const me = await (await clientFrom(o)).me();
    if (o.json) return printJson(me);
    console.log(`${me.username} (${me.role}) via ${me.via}`);
  });
  common(program.command('password').description('change your own password (other sessions end)'))
    .option('--current <p>', 'your current password (or OUTPOST_PASSWORD)')
    .option('--new <p>', 'the new password, at least 10 characters (or OUTPOST_NEW_PASSWORD)')
    .action(async (o: Common & { current?: string; new?: string }) => {
      const next = newPassword(o.new);
      if (!next) throw new Error('give the new password with --new or OUTPOST_NEW_PASSWORD');
      await (await clientFrom(o)).changePassword(o.current ?? process.env.OUTPOST_PASSWORD ?? '', next);
      console.log('password changed; your other sessions ended');
    });
  program
    .command('logout')
    .description('end the saved session and forget it')
    .action(async () => {
      const saved = loadCredentials();
      if (saved?.session) {
        const c = await clientFrom({});
        await c.logout().catch(() => undefined);
      }
      rmSync(credentialsPath(), { force: true });
      console.log(saved?.session ? 'signed out' : 'no saved session');
    });
}
