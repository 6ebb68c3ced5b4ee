import type { ReportedMessage } from '@outpost/protocol';
import { digestOf, isSecretLookingKey, type SettingsState, type SettingsStore } from './settings.store.js';

// The hub accepts 512 KiB on `reported`; stay well below it.
const MAX_REPORT_BYTES = 448 * 1024;

/** The device's settings as they are; secrets only as digests under the key the hub sent. */
export async function buildReport(store: SettingsStore, state: SettingsState, now: number): Promise<ReportedMessage> {
  const doc = state.desired;
  const cur = await store.read();
  const secrets = new Set(doc?.secrets ?? []);
  const settings: ReportedMessage['settings'] = {};
  const managed: ReportedMessage['settings'] = {};
  for (const [k, v] of Object.entries(cur)) {
    const secret = secrets.has(k) || isSecretLookingKey(k);
    // Without a digest key a secret is not reported at all.
    if (secret && !doc) continue;
    const value = secret ? { $digest: digestOf(doc!.digestKey, v) } : v;
    settings[k] = value;
    if (doc && k in doc.settings) managed[k] = value;
  }
  const files: ReportedMessage['files'] = [];
  for (const f of doc?.files ?? []) files.push({ path: f.path, ...(await store.readFile(f.path)) });
  const msg: ReportedMessage = {
    v: 1,
    ts: now,
    desiredVersion: state.appliedVersion,
    settings,
    files,
    results: state.results.slice(0, 2000),
    localChanges: state.localChanges.slice(-200),
    maintenanceUntil: doc?.maintenanceUntil ?? null,
  };
  if (Buffer.byteLength(JSON.stringify(msg)) > MAX_REPORT_BYTES) return { ...msg, settings: managed, truncated: true };
  if (Object.keys(settings).length > 2000) return { ...msg, settings: managed, truncated: true };
  return msg;
}
