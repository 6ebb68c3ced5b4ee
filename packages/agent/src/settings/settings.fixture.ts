import assert from 'node:assert/strict';
import type { DesiredMessage, ReportedMessage } from '@outpost/protocol';
import type { FeatureContext } from '../core/feature.js';

export const DIGEST_KEY = Buffer.alloc(32, 7).toString('base64');

/** A desired document as the hub sends it. */
export const desiredDoc = (
  version: number,
  settings: DesiredMessage['settings'],
  extra: Partial<DesiredMessage> = {},
): Buffer =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      version,
      settings,
      secrets: [],
      observe: [],
      files: [],
      digestKey: DIGEST_KEY,
      maintenanceUntil: null,
      ...extra,
    }),
  );

/** A feature context with a hand-driven clock; reports, events and warnings are collected. */
export function settingsHarness() {
  let now = 1_000_000;
  const timers: Array<{ at: number; fn: () => void; done: boolean }> = [];
  const reports: ReportedMessage[] = [];
  const events: Array<{ type: string; data?: Record<string, unknown> }> = [];
  const warnings: string[] = [];
  const ctx: FeatureContext = {
    deviceId: 'd-1',
    clock: {
      now: () => now,
      setTimeout(fn, ms) {
        const t = { at: now + ms, fn, done: false };
        timers.push(t);
        return { cancel: () => void (t.done = true) };
      },
    },
    logger: { info: () => {}, warn: (msg) => void warnings.push(msg) },
    publish: async (suffix, payload) => void (suffix === 'reported' && reports.push(payload as ReportedMessage)),
    emit: async (type, _s, data) => void events.push({ type, data }),
    online: () => true,
  };
  const runDue = () => {
    for (const t of timers.filter((x) => !x.done && x.at <= now)) {
      t.done = true;
      t.fn();
    }
  };
  return {
    ctx,
    reports,
    events,
    warnings,
    now: () => now,
    /** Moves the clock and runs what came due, then lets queued work finish. */
    async advance(ms: number) {
      await new Promise((r) => setTimeout(r, 20));
      now += ms;
      runDue();
      await new Promise((r) => setTimeout(r, 20));
    },
    /** Lets time pass, 100 ms of the clock per 25 ms of real time (commands take real time), until `done` holds. */
    async runUntil(done: () => boolean) {
      for (let i = 0; i < 400 && !done(); i++) {
        await new Promise((r) => setTimeout(r, 25));
        now += 100;
        runDue();
      }
      assert.ok(done(), 'the feature got there');
    },
  };
}
