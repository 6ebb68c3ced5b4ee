import type { SettingValue } from '@outpost/protocol';
import type { Settings, SettingsState, SettingsStore } from './settings.store.js';
import type { MemorySettingsStore } from './memory.settings-store.js';

const TECHNICIANS = ['tech-amara', 'tech-jonas', 'tech-li', 'tech-sofia', 'tech-omar'];

/** What a technician in a hurry does to a value: opens a port, flips a switch, edits a name. */
export function tamperedValue(v: SettingValue, random: () => number): SettingValue {
  if (Array.isArray(v)) return [...v, typeof v[0] === 'string' ? 'tech-added' : 8000 + Math.floor(random() * 1000)];
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1 + Math.floor(random() * 10);
  if (typeof v === 'string') return `${v}-tech`;
  return 'tech';
}

interface DriftDeps {
  state(): SettingsState;
  store: SettingsStore;
  random: () => number;
  requestLocalChange(key: string, value: SettingValue, user: string): Promise<{ ok: boolean; reason?: string }>;
}

/**
 * `sim-drift` command: a simulated technician changes `count` managed settings (or `keys`),
 * directly on the device (`via: direct`, what the agent cannot stop) or through the agent.
 */
export async function driftCommand(args: Record<string, unknown>, d: DriftDeps) {
  const user =
    typeof args.user === 'string' ? args.user.slice(0, 64) : TECHNICIANS[Math.floor(d.random() * TECHNICIANS.length)];
  const via = args.via === 'agent' ? 'agent' : 'direct';
  const cur = await d.store.read();
  const managed = Object.keys(d.state().desired?.settings ?? {}).filter(
    (k) => !(d.state().desired?.secrets ?? []).includes(k),
  );
  let keys = Array.isArray(args.keys)
    ? args.keys.filter((k): k is string => typeof k === 'string').slice(0, 100)
    : managed;
  if (!Array.isArray(args.keys)) {
    const count = typeof args.count === 'number' ? Math.max(1, Math.min(100, Math.floor(args.count))) : 3;
    keys = [...keys]
      .sort(() => d.random() - 0.5)
      .slice(0, count)
      .sort();
  }
  const values = typeof args.values === 'object' && args.values !== null ? (args.values as Settings) : {};
  const changes: Settings = {};
  for (const k of keys) changes[k] = k in values ? values[k] : tamperedValue(cur[k] ?? null, d.random);
  if (via === 'direct') {
    const store = d.store as Partial<MemorySettingsStore>;
    if (!store.tamper) throw new Error('this device cannot simulate direct edits');
    store.tamper(changes, user);
    return { user, via, changed: Object.keys(changes), at: Date.now() };
  }
  const refused: string[] = [];
  for (const [k, v] of Object.entries(changes)) if (!(await d.requestLocalChange(k, v, user)).ok) refused.push(k);
  return { user, via, changed: Object.keys(changes).filter((k) => !refused.includes(k)), refused, at: Date.now() };
}
