import type { DesiredMessage, SettingValue } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { narrowFilterText } from '../../platform/scope-reach.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { DeviceSelector } from '../devices/index.js';
import { isEncrypted, type EncryptedValue, type SecretBox } from './config-secrets.js';
import type { ConfigsStore, TemplateRow } from './configs.store.js';
import type { DesiredStore, DeviceStateHead } from './desired.store.js';
import {
  DEVICE_SOURCE,
  desiredHash,
  isEmptyDesired,
  mergeSources,
  storedDesired,
  type OverrideValue,
  type SourceTemplate,
  type StoredDesired,
} from './effective-state.js';
import { digestOf } from './settings-values.js';

export interface DesiredDeps {
  configs: ConfigsStore;
  store: DesiredStore;
  selector: DeviceSelector;
  bus: DeviceBus;
  box: SecretBox;
  digestKey(deviceId: string): string;
  clock: Clock;
  logger: Logger;
}

export interface DesiredService {
  compute: (opts?: { deviceIds?: string[]; force?: Set<string> }) => Promise<ComputedDesired[]>;
  publish: (
    computed: ComputedDesired[],
    opts?: {
      all?: boolean;
      reconverge?: Set<string>;
    },
  ) => Promise<Set<string>>;
  targetsOf: (t: TemplateRow, within?: string) => Promise<string[]>;
  targetIndex: (templates: TemplateRow[], only?: string) => Promise<Map<string, SourceTemplate[]>>;
  toSource: (t: TemplateRow) => SourceTemplate;
}
type Merged = ReturnType<typeof mergeSources>;

export interface ComputedDesired {
  deviceId: string;
  merged: ReturnType<typeof mergeSources>;
  stored: StoredDesired;
  hash: string;
  version: number;
  changed: boolean;
  row: DeviceStateHead | null;
}

export const ownerOf = (source: string, deviceId: string) =>
  source === DEVICE_SOURCE ? `device:${deviceId}` : `template:${source}`;

/**
 * The filter a template's target stands for, with its model restriction, narrowed to the groups of
 * the scoped user who saved it.
 */
export function targetFilter(spec: {
  target: { group: string } | { filter: string };
  model: string | null;
  within?: string[];
}): string {
  const given = 'group' in spec.target ? `group = ${JSON.stringify(spec.target.group)}` : spec.target.filter;
  const base = narrowFilterText(given, spec.within) ?? given;
  return spec.model ? `(${base}) and model = ${JSON.stringify(spec.model)}` : base;
}

const toSource = (t: TemplateRow): SourceTemplate => ({
  id: t.id,
  name: t.name,
  version: t.version,
  priority: t.priority,
  policy: t.spec.policy,
  settings: t.spec.settings,
  files: t.spec.files,
});

/** Computes each device's effective desired state, versions it, and publishes it retained. */
export function createDesiredService(d: DesiredDeps): DesiredService {
  /** Device ids a template targets now; a target that no longer resolves (group deleted) targets nothing. */
  async function targetsOf(t: TemplateRow, within?: string): Promise<string[]> {
    try {
      return await d.store.idsWhere(await d.selector.where(targetFilter(t.spec)), within);
    } catch (err) {
      d.logger.warn({ template: t.name, err: (err as Error).message }, 'template target does not resolve');
      return [];
    }
  }

  /** For every device (or just `only`), the templates that target it. */
  async function targetIndex(templates: TemplateRow[], only?: string): Promise<Map<string, SourceTemplate[]>> {
    const index = new Map<string, SourceTemplate[]>();
    for (const t of templates) {
      for (const id of await targetsOf(t, only)) (index.get(id) ?? index.set(id, []).get(id)!).push(toSource(t));
    }
    return index;
  }

  function overridesByDevice(rows: Awaited<ReturnType<ConfigsStore['overrides']>>): Map<string, OverrideValue[]> {
    const out = new Map<string, OverrideValue[]>();
    for (const r of rows)
      (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push({
        key: r.key,
        value: JSON.parse(r.value_json) as SettingValue | EncryptedValue,
      });
    return out;
  }

  function opener() {
    // Opened secrets live only for one computation.
    const cache = new Map<string, SettingValue>();
    return (owner: string, key: string, v: EncryptedValue) => {
      const id = `${owner}|${key}|${v.$enc}`;
      let plain = cache.get(id);
      if (plain === undefined) cache.set(id, (plain = d.box.open(owner, key, v)));
      return plain;
    };
  }

  /**
   * Merges sources into each device's effective state for one computation. Devices without
   * overrides whose templates (and versions) are the same share one result — a fleet under a few
   * templates is merged a few times, not once per device — unless a secret is among the values:
   * its digest is keyed per device, so such states are merged per device.
   */
  function effectiveStates() {
    const open = opener();
    const shared = new Map<string, { merged: Merged; stored: StoredDesired; hashes: Map<string, string> } | null>();
    const own = (deviceId: string, merged: Merged) =>
      storedDesired(merged, (k, v, source) => digestOf(d.digestKey(deviceId), open(ownerOf(source, deviceId), k, v)));
    return (
      deviceId: string,
      sources: SourceTemplate[],
      overrides: OverrideValue[] | undefined,
      maintenance: string | null,
    ) => {
      const signature = overrides?.length ? null : sources.map((t) => `${t.id}@${t.version}`).join(',');
      let common = signature === null ? null : shared.get(signature);
      if (signature !== null && common === undefined) {
        const merged = mergeSources(sources, []);
        const secret = [...merged.entries.values()].some((e) => isEncrypted(e.value));
        common = secret ? null : { merged, stored: storedDesired(merged, () => ''), hashes: new Map() };
        shared.set(signature, common);
      }
      if (!common) {
        const merged = mergeSources(sources, overrides ?? []);
        const stored = own(deviceId, merged);
        return { merged, stored, hash: desiredHash(stored, maintenance) };
      }
      const at = maintenance ?? '';
      let hash = common.hashes.get(at);
      if (hash === undefined) common.hashes.set(at, (hash = desiredHash(common.stored, maintenance)));
      return { merged: common.merged, stored: common.stored, hash };
    };
  }

  type Computed = ComputedDesired;

  /**
   * Recomputes the desired state of `deviceIds` (all devices with templates, overrides or a state
   * when omitted). A device whose state changed gets the next version. Nothing is published here.
   */
  async function compute(opts: { deviceIds?: string[]; force?: Set<string> } = {}): Promise<Computed[]> {
    const templates = await d.configs.templates();
    const only = opts.deviceIds?.length === 1 ? opts.deviceIds[0] : undefined;
    const index = await targetIndex(templates, only);
    const overrides = overridesByDevice(await d.configs.overrides(opts.deviceIds));
    let ids = opts.deviceIds;
    if (!ids) {
      const all = new Set([...index.keys(), ...overrides.keys()]);
      for (let after = ''; ;) {
        const page = await d.store.idsPage(after, 5000);
        if (page.length === 0) break;
        for (const id of page) all.add(id);
        after = page[page.length - 1];
      }
      ids = [...all].sort();
    }
    const rows = new Map((await d.store.heads(ids)).map((r) => [r.device_id, r]));
    const effective = effectiveStates();
    const now = d.clock.now().toISOString();
    const out: Computed[] = [];
    for (const deviceId of ids) {
      const row = rows.get(deviceId) ?? null;
      const maintenance = row?.maintenance_until && row.maintenance_until > now ? row.maintenance_until : null;
      const { merged, stored, hash } = effective(
        deviceId,
        index.get(deviceId) ?? [],
        overrides.get(deviceId),
        maintenance,
      );
      if (!row && isEmptyDesired(stored)) continue;
      const changed = !row || row.desired_hash !== hash || (opts.force?.has(deviceId) ?? false);
      out.push({
        deviceId,
        merged,
        stored,
        hash,
        version: changed ? (row?.desired_version ?? 0) + 1 : row!.desired_version,
        changed,
        row,
      });
    }
    const writes = out.filter((c) => c.changed);
    await d.store.upsert(
      writes.map((c) => ({
        device_id: c.deviceId,
        desired_version: c.version,
        desired_hash: c.hash,
        desired_json: JSON.stringify(c.stored),
        published_at: c.row?.published_at ?? null,
        maintenance_until: c.row?.maintenance_until ?? null,
      })),
    );
    return out;
  }

  /** Builds the wire document: secrets opened, file contents attached. Only ever sent over the device's mTLS link. */
  async function wireDoc(c: Computed, reconverge: boolean): Promise<DesiredMessage> {
    const open = opener();
    const settings: Record<string, SettingValue> = {};
    const secrets: string[] = [];
    const observe: string[] = [];
    for (const [key, e] of c.merged.entries) {
      if (isEncrypted(e.value)) {
        settings[key] = open(ownerOf(e.source, c.deviceId), key, e.value);
        secrets.push(key);
      } else settings[key] = e.value;
      if (!e.enforce) observe.push(key);
    }
    const blobs = await d.configs.blobs([...c.merged.files.values()].map((f) => f.sha256));
    const files: DesiredMessage['files'] = [];
    for (const f of c.merged.files.values()) {
      const b = blobs.get(f.sha256);
      if (!b) continue;
      files.push({ path: f.path, sha256: f.sha256, mode: f.mode, content: b.content_b64 });
      if (!f.enforce) observe.push(`file:${f.path}`);
    }
    const until =
      c.row?.maintenance_until && c.row.maintenance_until > d.clock.now().toISOString()
        ? Date.parse(c.row.maintenance_until)
        : null;
    return {
      v: 1,
      version: c.version,
      settings,
      secrets,
      observe,
      files,
      digestKey: d.digestKey(c.deviceId),
      maintenanceUntil: until,
      ...(reconverge ? { reconverge } : {}),
    };
  }

  /** Publishes the documents of connected devices; the others get theirs when they become ready. */
  async function publish(
    computed: Computed[],
    opts: { all?: boolean; reconverge?: Set<string> } = {},
  ): Promise<Set<string>> {
    const sent: string[] = [];
    const now = d.clock.now().toISOString();
    for (const c of computed) {
      if (!(opts.all || c.changed) || !d.bus.isConnected(c.deviceId)) continue;
      try {
        await d.bus.publish(
          c.deviceId,
          'desired',
          await wireDoc(c, (c.changed && opts.reconverge?.has(c.deviceId)) ?? false),
          { retain: true, qos: 1 },
        );
        sent.push(c.deviceId);
      } catch (err) {
        d.logger.warn({ deviceId: c.deviceId, err: (err as Error).message }, 'desired state not published');
        continue;
      }
    }
    await d.store.markPublished(sent, now);
    return new Set(sent);
  }

  return { compute, publish, targetsOf, targetIndex, toSource };
}
