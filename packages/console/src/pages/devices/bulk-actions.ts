import { api } from '../../app/api.js';
import { quote } from '../../app/router.js';

/** Devices chosen by hand (ids on the page) or by the filter (every match, however many). */
export type BulkTarget = { kind: 'ids'; ids: string[] } | { kind: 'filter'; filter: string; count: number };

export const targetCount = (t: BulkTarget) => (t.kind === 'ids' ? t.ids.length : t.count);

// The hub caps filters at 4096 characters (filter-parser.ts); a hand-picked selection is sent
// as `id in (…)` filters that each stay under that.
const MAX_FILTER = 4000;

export function idFilters(ids: string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const id of ids) {
    const q = quote(id);
    if (cur.length && len + q.length + 2 > MAX_FILTER - 10) {
      out.push(`id in (${cur.join(', ')})`);
      cur = [];
      len = 0;
    }
    cur.push(q);
    len += q.length + 2;
  }
  if (cur.length) out.push(`id in (${cur.join(', ')})`);
  return out;
}

const filtersOf = (t: BulkTarget) => (t.kind === 'ids' ? idFilters(t.ids) : [t.filter]);

export async function tagDevices(t: BulkTarget, set: Record<string, string>, remove: string[]): Promise<number> {
  let matched = 0;
  for (const f of filtersOf(t)) matched += (await api.devices.tagWhere(f, set, remove)).matched;
  return matched;
}

export async function changeGroup(
  t: BulkTarget,
  path: string,
  op: 'add' | 'remove',
): Promise<{ matched: number; changed: number }> {
  const sel = t.kind === 'ids' ? { deviceIds: t.ids } : { filter: t.filter };
  return op === 'add' ? api.groups.addMembers(path, sel) : api.groups.removeMembers(path, sel);
}

export async function sendCommand(
  t: BulkTarget,
  name: string,
  args: Record<string, unknown>,
  timeoutS: number,
): Promise<{ batches: string[]; devices: number }> {
  const batches: string[] = [];
  let devices = 0;
  for (const f of filtersOf(t)) {
    const r = await api.commands.sendWhere(f, name, { args, timeoutS });
    batches.push(r.batchId);
    devices += r.devices;
  }
  return { batches, devices };
}
