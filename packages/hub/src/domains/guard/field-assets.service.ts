import { compileValidator, FieldAssetsMessage, type FieldDeviceRecord } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { FieldAssetsStore, FieldDeviceQuery } from './field-assets.store.js';

const validate = compileValidator(FieldAssetsMessage);

export interface FieldAssetsService {
  /** Handles one `guard/assets` report: the gateway's whole field inventory replaces the last one. */
  onReport(deviceId: string, payload: Buffer): Promise<void>;
  list(q: FieldDeviceQuery): Promise<FieldDeviceRecord[]>;
}

export function createFieldAssetsService(d: {
  store: FieldAssetsStore;
  clock: Clock;
  logger: Logger;
}): FieldAssetsService {
  // One report per gateway at a time, in arrival order: a later report always wins.
  const running = new Map<string, Promise<void>>();
  async function handle(deviceId: string, payload: Buffer) {
    const parsed = validate.parse(payload);
    if (!parsed.ok) {
      d.logger.warn({ deviceId, code: parsed.code, message: parsed.message }, 'field inventory report rejected');
      return;
    }
    await d.store.replace(deviceId, parsed.value.assets, d.clock.now().toISOString());
  }
  const service: FieldAssetsService = {
    onReport(deviceId, payload) {
      const next = (running.get(deviceId) ?? Promise.resolve()).then(() => handle(deviceId, payload));
      const settled = next.catch(() => undefined);
      running.set(deviceId, settled);
      void settled.then(() => running.get(deviceId) === settled && running.delete(deviceId));
      return next;
    },
    list: (q) => d.store.list(q),
  };
  return service;
}
