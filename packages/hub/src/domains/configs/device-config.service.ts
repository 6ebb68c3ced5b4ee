import type { ConfigEntryView, DeviceConfigView, SecretInput, SettingValue } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationError } from '../../platform/errors.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { ComplianceService } from './compliance/compliance.service.js';
import type { StoredReport } from './compliance/compliance.evaluate.js';
import { isEncrypted, type SecretBox } from './config-secrets.js';
import type { ConfigsStore } from './configs.store.js';
import type { DesiredStore } from './desired.store.js';
import type { DesiredService } from './desired.service.js';
import type { ModelSchemas } from './model-schemas.js';
import { invalidByKey } from './reported-check.js';
import { PRECEDENCE, mergeSources, type OverrideValue, type StoredDesired } from './effective-state.js';
import { checkSetting, checkTreeShape, isSecretLookingKey } from './settings-values.js';

const MAX_MAINTENANCE_MIN = 24 * 60;

export interface DeviceConfigDeps {
  configs: ConfigsStore;
  desiredStore: DesiredStore;
  desired: DesiredService;
  compliance: ComplianceService;
  devices: DeviceDirectory;
  box: SecretBox;
  audit: AuditLog;
  clock: Clock;
  schemas: ModelSchemas;
}

export interface DeviceConfigService {
  view: (deviceId: string) => Promise<DeviceConfigView>;
  setOverrides: (
    actor: Actor,
    deviceId: string,
    settings: Record<string, SettingValue | SecretInput>,
  ) => Promise<DeviceConfigView>;
  removeOverride: (actor: Actor, deviceId: string, key: string) => Promise<void>;
  startMaintenance: (
    actor: Actor,
    deviceId: string,
    minutes: number,
    reason: string,
  ) => Promise<{
    deviceId: string;
    maintenanceUntil: string;
  }>;
  endMaintenance: (
    actor: Actor,
    deviceId: string,
  ) => Promise<{
    deviceId: string;
    maintenanceUntil: null;
  }>;
  push: (actor: Actor, deviceId: string) => Promise<DeviceConfigView>;
}

/** One device's configuration: what it should have and why, what it has, overrides and maintenance. */
export function createDeviceConfigService(d: DeviceConfigDeps): DeviceConfigService {
  async function mustExist(id: string) {
    const dev = await d.devices.get(id);
    if (!dev) throw new NotFound('device', id);
    return dev;
  }

  async function view(deviceId: string): Promise<DeviceConfigView> {
    await mustExist(deviceId);
    const row = await d.desiredStore.get(deviceId);
    const templates = await d.configs.templates();
    const index = await d.desired.targetIndex(templates, deviceId);
    const overrides: OverrideValue[] = (await d.configs.overrides([deviceId])).map((r) => ({
      key: r.key,
      value: JSON.parse(r.value_json),
    }));
    const merged = mergeSources(index.get(deviceId) ?? [], overrides);
    const byId = new Map(templates.map((t) => [t.id, t]));
    const stored = row ? (JSON.parse(row.desired_json) as StoredDesired) : { e: {}, files: {} };
    const reported = row?.reported_json ? (JSON.parse(row.reported_json) as StoredReport) : null;
    const rows = await d.compliance.list({ filter: `id = ${JSON.stringify(deviceId)}`, limit: 1000 });
    const stateOf = new Map(rows.items.map((r) => [r.template, r]));
    const invalid = invalidByKey(reported?.invalid);
    const entries: ConfigEntryView[] = [];
    for (const [key, e] of [...merged.entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const t = byId.get(e.source);
      const secret = isEncrypted(e.value);
      const actual = reported?.settings[key];
      const sourceName = t?.name ?? 'device override';
      const r = stateOf.get(sourceName);
      const drifted = r?.diff.some((x) => x.key === key);
      entries.push({
        key,
        desired: secret ? { $secret: true } : (e.value as SettingValue),
        actual:
          actual === undefined
            ? null
            : secret || (actual && typeof actual === 'object' && !Array.isArray(actual))
              ? { $secret: true }
              : (actual as SettingValue),
        secret,
        source: t
          ? { kind: 'template', template: t.name, version: t.version, priority: t.priority, policy: t.spec.policy }
          : { kind: 'override' },
        overridden: e.overridden.map((id) => ({
          kind: 'template' as const,
          template: byId.get(id)?.name ?? id,
          priority: byId.get(id)?.priority ?? 0,
        })),
        status: r ? (drifted ? 'drifted' : r.state === 'drifted' ? 'compliant' : r.state) : 'pending',
        ...(invalid.has(key) ? { invalid: invalid.get(key) } : {}),
      });
    }
    const unmanaged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(reported?.settings ?? {})) {
      if (merged.entries.has(k)) continue;
      unmanaged[k] = isSecretLookingKey(k) || (v && typeof v === 'object' && !Array.isArray(v)) ? { $secret: true } : v;
    }
    const now = d.clock.now().toISOString();
    return {
      deviceId,
      desiredVersion: row?.desired_version ?? 0,
      reportedVersion: row?.reported_version ?? null,
      reportedAt: row?.reported_at ?? null,
      maintenanceUntil: row?.maintenance_until && row.maintenance_until > now ? row.maintenance_until : null,
      state: (row?.state as DeviceConfigView['state']) ?? null,
      entries,
      files: Object.entries(stored.files).map(([path, f]) => ({
        path,
        sha256: f.sha256,
        mode: f.mode,
        template: byId.get(f.s)?.name ?? f.s,
        actualSha256: reported?.files.find((x) => x.path === path)?.sha256 ?? null,
      })),
      templates: rows.items,
      unmanaged,
      invalid: reported?.invalid?.items ?? [],
      invalidCount: reported?.invalid?.total ?? 0,
      precedence: PRECEDENCE,
    };
  }

  /** Sets per-device values that beat every template; `{ $secret }` values are sealed at once. */
  async function setOverrides(actor: Actor, deviceId: string, settings: Record<string, SettingValue | SecretInput>) {
    const dev = await mustExist(deviceId);
    const existing = new Map((await d.configs.overrides([deviceId])).map((r) => [r.key, r]));
    const rows: Array<{ key: string; value_json: string; secret: number }> = [];
    const plain: Record<string, SettingValue> = {};
    for (const [key, raw] of Object.entries(settings)) {
      if (raw && typeof raw === 'object' && !Array.isArray(raw) && '$secret' in raw) {
        checkSetting(key, null, '/settings');
        if (raw.$secret === true) {
          const prev = existing.get(key);
          if (!prev?.secret)
            throw new ValidationError(`setting "${key}" keeps a secret that was never set; send its value`, {
              path: `/settings/${key}`,
            });
          continue;
        }
        checkSetting(key, raw.$secret, '/settings');
        plain[key] = raw.$secret;
        rows.push({ key, value_json: JSON.stringify(d.box.seal(`device:${deviceId}`, key, raw.$secret)), secret: 1 });
      } else {
        checkSetting(key, raw, '/settings');
        plain[key] = raw;
        rows.push({ key, value_json: JSON.stringify(raw), secret: 0 });
      }
    }
    checkTreeShape([...new Set([...existing.keys(), ...Object.keys(settings)])], '/settings');
    (await d.schemas.get(dev.model))?.check(plain);
    await d.configs.putOverrides(deviceId, rows, actor.id, d.clock.now().toISOString());
    await d.audit.record({
      actor,
      action: 'config.override.set',
      target: `device:${deviceId}`,
      details: { keys: rows.map((r) => (r.secret ? `${r.key} (secret)` : r.key)) },
    });
    await d.compliance.refresh([deviceId]);
    return view(deviceId);
  }

  async function removeOverride(actor: Actor, deviceId: string, key: string) {
    await mustExist(deviceId);
    if (!(await d.configs.removeOverride(deviceId, key))) throw new NotFound('override', `${deviceId}/${key}`);
    await d.audit.record({ actor, action: 'config.override.remove', target: `device:${deviceId}`, details: { key } });
    await d.compliance.refresh([deviceId]);
  }

  /** Opens a time-limited window in which local changes are allowed; the device reconverges after it. */
  async function startMaintenance(actor: Actor, deviceId: string, minutes: number, reason: string) {
    await mustExist(deviceId);
    if (!(minutes > 0 && minutes <= MAX_MAINTENANCE_MIN))
      throw new ValidationError(`minutes must be more than 0 and at most ${MAX_MAINTENANCE_MIN}`, { path: '/minutes' });
    const until = new Date(d.clock.now().getTime() + Math.round(minutes * 60_000)).toISOString();
    await d.desiredStore.setMaintenance(deviceId, until, actor.id);
    await d.audit.record({
      actor,
      action: 'config.maintenance.start',
      target: `device:${deviceId}`,
      details: { until, minutes, reason },
    });
    await d.compliance.refresh([deviceId]);
    return { deviceId, maintenanceUntil: until };
  }

  async function endMaintenance(actor: Actor, deviceId: string) {
    await mustExist(deviceId);
    await d.desiredStore.setMaintenance(deviceId, null, null);
    await d.audit.record({ actor, action: 'config.maintenance.end', target: `device:${deviceId}` });
    await d.compliance.refresh([deviceId]);
    return { deviceId, maintenanceUntil: null };
  }

  /** Re-sends the desired state with a new version and `reconverge`: the device puts every differing key back, report-policy ones too. */
  async function push(actor: Actor, deviceId: string) {
    await mustExist(deviceId);
    await d.audit.record({ actor, action: 'config.push', target: `device:${deviceId}` });
    await d.compliance.refresh([deviceId], new Set([deviceId]), true);
    return view(deviceId);
  }

  return { view, setOverrides, removeOverride, startMaintenance, endMaintenance, push };
}
