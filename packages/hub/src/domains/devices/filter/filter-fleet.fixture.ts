// Test support: a small, hand-made fleet whose filter results are easy to reason about.
import { deviceRow, type SeedDevice, type TestDb } from './filter-db.fixture.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');

const EARLY = '2025-01-15T00:00:00.000Z';

const DEVICES: SeedDevice[] = [
  { id: 'd01', name: 'gw-north-01', model: 'gw-200', firmware: '2.1.0', agent: '1.2.0', presence: 'online', lastSeenHoursAgo: 0.1, certDays: 365, enrolledAt: EARLY, tags: { site: 'north', role: 'edge' } },
  { id: 'd02', name: 'gw-north-02', model: 'gw-200', firmware: '2.0.5', agent: '1.10.0', presence: 'offline', lastSeenHoursAgo: 30, certDays: 365, enrolledAt: EARLY, tags: { site: 'north' } },
  { id: 'd03', name: 'gw-north-03', model: 'gw-200', firmware: '2.9.0', presence: 'online', lastSeenHoursAgo: 1.5, certDays: 10, enrolledAt: EARLY, tags: { site: 'north', floor: '3' } },
  { id: 'd04', name: 'gw-north-04', model: 'gw-200', firmware: '2.10.0', presence: 'online', lastSeenHoursAgo: 2, certDays: 365, enrolledAt: EARLY, tags: { site: 'north', floor: '12' } },
  { id: 'd05', name: 'gw-north-05', model: 'gw-300', firmware: '2.1.0-rc1', presence: 'offline', lastSeenHoursAgo: 48, certDays: 365, enrolledAt: EARLY, tags: { site: 'north' } },
  { id: 'd06', name: 'plc-north-06', model: 'plc-10', firmware: '1.4.2', enrolledAt: EARLY, tags: { site: 'north' } },
  { id: 'd07', name: 'gw-south-07', model: 'gw-200', firmware: '2.1.0', presence: 'online', lastSeenHoursAgo: 0.5, certDays: 365, enrolledAt: EARLY, tags: { site: 'south' } },
  { id: 'd08', name: 'gw-south-08', model: 'gw-200', firmware: '1.9.9', presence: 'offline', lastSeenHoursAgo: 200, certDays: 365, enrolledAt: EARLY, tags: { site: 'south', env: 'prod' } },
  { id: 'd09', name: 'gw-south-09', model: 'gw-300', firmware: '3.0.0', presence: 'online', lastSeenHoursAgo: 0.2, certDays: 20, enrolledAt: EARLY, tags: { site: 'south', env: 'prod' } },
  { id: 'd10', name: 'plc-south-10', model: 'plc-10', firmware: null, enrolledAt: EARLY, tags: { site: 'south' } },
  { id: 'd11', name: 'gw-east-11', model: 'gw-200', firmware: '2.2.0', presence: 'online', lastSeenHoursAgo: 0.1, certDays: 365, tags: { site: 'east', env: 'staging', 'rack id': 'r1' } },
  { id: 'd12', name: 'gw-east-12', model: 'gw-200', firmware: '2.2.0', presence: 'offline', lastSeenHoursAgo: 72, certDays: -5, decommissioned: true, tags: { site: 'east' } },
  { id: 'd13', name: 'pump 100% duty', model: 'pump-x', presence: 'online', lastSeenHoursAgo: 3, certDays: 365, tags: { 'vendor:line': 'A' } },
  { id: 'd14', name: 'pump 100 duty', model: 'pump-x', firmware: '1.0.1', presence: 'online', lastSeenHoursAgo: 3, certDays: 365 },
  { id: 'd15', name: 'sensor_a1', model: 'sens-1', firmware: '0.9.0', presence: 'offline', lastSeenHoursAgo: 26, tags: { floor: 'ground' } },
  { id: 'd16', name: 'sensorXa2', model: 'sens-1', firmware: '0.10.0', presence: 'offline', lastSeenHoursAgo: 26 },
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
  await db.insertInto('devices').values(DEVICES.map((d) => deviceRow(d, NOW))).execute();
  const tags = DEVICES.flatMap((d) => Object.entries(d.tags ?? {}).map(([key, value]) => ({ device_id: d.id, key, value })));
  await db.insertInto('device_tags').values(tags).execute();
  for (const [path, kind, filter, members] of GROUPS) {
    const id = `g-${path}`;
    await db.insertInto('groups').values({ id, kind, path, filter }).execute();
    for (const device_id of members) await db.insertInto('group_members').values({ group_id: id, device_id }).execute();
  }
}
