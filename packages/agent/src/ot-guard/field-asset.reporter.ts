import {
  MAX_FIELD_ASSETS_PER_REPORT,
  MAX_PAYLOAD_BYTES,
  SCHEMA_VERSION,
  type FieldAssetsMessage,
} from '@outpost/protocol';
import type { FieldAssetRecord, FieldAssetTracker } from './field-asset.tracker.js';

// Sends the gateway's field inventory on `guard/assets` when it changed, at most once per
// `minIntervalMs` (the first change goes at once). A report that failed is retried at a later
// check. The report is cut to fit the topic's size limit: the devices seen last are dropped.

export const DEFAULT_FIELD_ASSET_REPORT_MS = 5 * 60_000;

export interface FieldAssetReporterOptions {
  tracker: FieldAssetTracker;
  minIntervalMs?: number;
  now(): number;
  online(): boolean;
  publish(msg: FieldAssetsMessage): Promise<void>;
}

export function fieldAssetsMessage(assets: FieldAssetRecord[], ts: number): FieldAssetsMessage {
  const limit = MAX_PAYLOAD_BYTES['guard/assets'];
  const list = assets.slice(0, MAX_FIELD_ASSETS_PER_REPORT);
  let msg: FieldAssetsMessage = { v: SCHEMA_VERSION, ts, assets: list };
  while (msg.assets.length && Buffer.byteLength(JSON.stringify(msg)) > limit)
    msg = { ...msg, assets: msg.assets.slice(0, Math.floor(msg.assets.length * 0.9)) };
  return msg;
}

export function createFieldAssetReporter(o: FieldAssetReporterOptions) {
  const every = o.minIntervalMs ?? DEFAULT_FIELD_ASSET_REPORT_MS;
  let sent = 0;
  let lastAt = -Infinity;
  let sending = false;

  async function check(): Promise<boolean> {
    const changes = o.tracker.changes;
    const t = o.now();
    if (sending || changes === sent || t - lastAt < every || !o.online()) return false;
    sending = true;
    try {
      await o.publish(fieldAssetsMessage(o.tracker.list(), t));
      sent = changes;
      lastAt = t;
      return true;
    } finally {
      sending = false;
    }
  }
  return { check };
}
