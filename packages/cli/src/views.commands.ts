import type { Command } from 'commander';
import type { OutpostClient } from '@outpost/client';
import type { DeviceSortField, SavedView } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';

/** A view by id, or by name: the caller's own first, then a shared one (which must then be unambiguous). */
export async function findView(c: OutpostClient, nameOrId: string): Promise<SavedView> {
  const all = (await c.views.list()).items;
  const byId = all.find((v) => v.id === nameOrId);
  if (byId) return byId;
  const mine = all.find((v) => v.mine && v.name === nameOrId);
  if (mine) return mine;
  const shared = all.filter((v) => v.name === nameOrId);
  if (shared.length === 1) return shared[0];
  if (shared.length > 1)
    throw new Error(
      `several shared views are named "${nameOrId}" (by ${shared.map((v) => v.owner).join(', ')}); use its id`,
    );
  throw new Error(`no saved view named "${nameOrId}"; see: outpost views list`);
}

export function registerViewsCommands(program: Command) {
  const views = program.command('views').description('saved device views (filter, sort, columns) kept on the hub');
  common(views.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).views.list();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
      'id',
      'name',
      'owner',
      'shared',
      'filter',
      'sort',
      'order',
    ]);
  });
  common(views.command('save <name>'))
    .description('save a view, or replace your view of that name')
    .option('--filter <expr>', 'device filter, e.g. tag.site = "north" and not online', '')
    .option('--sort <field>', 'name, id, model, firmware, presence, last_seen, enrolled_at', 'name')
    .option('--desc', 'sort descending')
    .option('--columns <list>', 'console columns, comma separated')
    .option('--shared', 'show it to every user')
    .action(
      async (
        name: string,
        o: Common & { filter: string; sort: string; desc?: boolean; columns?: string; shared?: boolean },
      ) => {
        const c = await clientFrom(o);
        const input = {
          filter: o.filter,
          sort: o.sort as DeviceSortField,
          order: o.desc ? ('desc' as const) : ('asc' as const),
          columns: o.columns
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          shared: Boolean(o.shared),
        };
        const same = (await c.views.list()).items.find((v) => v.mine && v.name === name);
        printJson(same ? await c.views.update(same.id, input) : await c.views.create({ name, ...input }));
      },
    );
  common(views.command('delete <nameOrId>')).action(async (nameOrId: string, o: Common) => {
    const c = await clientFrom(o);
    const v = await findView(c, nameOrId);
    await c.views.remove(v.id);
    console.log(`deleted view "${v.name}" (${v.owner})`);
  });
}
