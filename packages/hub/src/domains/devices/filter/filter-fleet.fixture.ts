// Test support: a small, hand-made fleet whose filter results are easy to reason about.
import { deviceRow, type SeedDevice, type TestDb } from './filter-db.fixture.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');

const EARLY = '2025-01-15T00:00:00.000Z';

type Presence = SeedDevice['presence'];

// One seeded device: id, name, model, firmware, presence, hours since last seen, days to cert expiry, tags.
function dev(
  id: string,
  name: string,
  model: string,
  firmware: string | null,
  presence: Presence,
  seen: number | null,
  cert: number | null,
  tags: Record<string, string>,
  extra: Partial<SeedDevice> = {},
): SeedDevice {
  return { id, name, model, firmware, presence, lastSeenHoursAgo: seen, certDays: cert, tags, ...extra };
}

const early = { enrolledAt: EARLY };

const DEVICES: SeedDevice[] = [
  dev(
    'd01',
    'gw-north-01',
    'gw-200',
    '2.1.0',
    'online',
    0.1,
    365,
    { site: 'north', role: 'edge' },
    { ...early, agent: '1.2.0' },
  ),
  dev('d02', 'gw-north-02', 'gw-200', '2.0.5', 'offline', 30, 365, { site: 'north' }, { ...early, agent: '1.10.0' }),
  dev('d03', 'gw-north-03', 'gw-200', '2.9.0', 'online', 1.5, 10, { site: 'north', floor: '3' }, early),
  dev('d04', 'gw-north-04', 'gw-200', '2.10.0', 'online', 2, 365, { site: 'north', floor: '12' }, early),
  dev('d05', 'gw-north-05', 'gw-300', '2.1.0-rc1', 'offline', 48, 365, { site: 'north' }, early),
  dev('d06', 'plc-north-06', 'plc-10', '1.4.2', 'never_seen', null, null, { site: 'north' }, early),
  dev('d07', 'gw-south-07', 'gw-200', '2.1.0', 'online', 0.5, 365, { site: 'south' }, early),
  dev('d08', 'gw-south-08', 'gw-200', '1.9.9', 'offline', 200, 365, { site: 'south', env: 'prod' }, early),
  dev('d09', 'gw-south-09', 'gw-300', '3.0.0', 'online', 0.2, 20, { site: 'south', env: 'prod' }, early),
  dev('d10', 'plc-south-10', 'plc-10', null, 'never_seen', null, null, { site: 'south' }, early),
  dev('d11', 'gw-east-11', 'gw-200', '2.2.0', 'online', 0.1, 365, { site: 'east', env: 'staging', 'rack id': 'r1' }),
  dev('d12', 'gw-east-12', 'gw-200', '2.2.0', 'offline', 72, -5, { site: 'east' }, { decommissioned: true }),
  dev('d13', 'pump 100% duty', 'pump-x', '1.0.0', 'online', 3, 365, { 'vendor:line': 'A' }),
  dev('d14', 'pump 100 duty', 'pump-x', '1.0.1', 'online', 3, 365, {}),
  dev('d15', 'sensor_a1', 'sens-1', '0.9.0', 'offline', 26, null, { floor: 'ground' }),
  dev('d16', 'sensorXa2', 'sens-1', '0.10.0', 'offline', 26, null, {}),
  ...['d17', 'd18', 'd19', 'd21', 'd22', 'd23', 'd24', 'd25', 'd26', 'd27', 'd28', 'd29'].map((id) => ({ id })),
  { id: 'd20', model: null },
  { id: 'd30', decommissioned: true },
];

// [path, kind, filter, member ids]
const GROUPS: Array<[string, 'static' | 'dynamic', string | null, string[]]> = [
  ['north', 'static', null, ['d01', 'd05']],
  ['north/substation-7', 'static', null, ['d02', 'd03']],
  ['north/substation-7/bay-2', 'static', null, ['d04']],
  ['north/plcs', 'dynamic', 'model = "plc-10" and tag.site = north', []],
  ['south', 'static', null, ['d07', 'd08', 'd09']],
  ['a_b', 'static', null, ['d21']],
  ['a_b/c', 'static', null, ['d22']],
  ['axb/c', 'static', null, ['d23']],
  ['fleet/prod', 'dynamic', 'tag.env = prod', []],
  ['fleet/prod-online', 'dynamic', 'group = "fleet/prod" and online', []],
  ['loop/a', 'dynamic', 'group = "loop/b"', []],
  ['loop/b', 'dynamic', 'online or group = "loop/a"', []],
  ['broken', 'dynamic', 'model = ', []],
  ['dangling', 'dynamic', 'group = "nowhere"', []],
];

/** Every seeded device id, d01..d30. */
export const ALL_IDS = Array.from({ length: 30 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);

export function ids(from: number, to: number): string[] {
  return ALL_IDS.slice(from - 1, to);
}

export async function seedFleet(db: TestDb): Promise<void> {
  await db
    .insertInto('devices')
    .values(DEVICES.map((d) => deviceRow(d, NOW)))
    .execute();
  const tags = DEVICES.flatMap((d) =>
    Object.entries(d.tags ?? {}).map(([key, value]) => ({ device_id: d.id, key, value })),
  );
  await db.insertInto('device_tags').values(tags).execute();
  for (const [path, kind, filter, members] of GROUPS) {
    const id = `g-${path}`;
    await db.insertInto('groups').values({ id, kind, path, filter }).execute();
    for (const device_id of members) await db.insertInto('group_members').values({ group_id: id, device_id }).execute();
  }
}
