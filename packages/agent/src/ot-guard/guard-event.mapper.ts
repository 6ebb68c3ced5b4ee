import type { DeviceEvent } from '@outpost/protocol';
import type { GuardEvent } from '@outpost/guard';
import type { SuppressedSummary } from './guard-event.limiter.js';

export interface QueuedEvent {
  type: string;
  severity: DeviceEvent['severity'];
  data: Record<string, unknown>;
}

// Events travel in batches of up to 100 within the 256 KiB `events` payload bound, so each
// one is kept well under 1 KiB: long lists are cut and say so.
const MAX_LIST = 8;
const MAX_TEXT = 160;

const SEVERITY: Record<GuardEvent['type'], DeviceEvent['severity']> = {
  'guard.write': 'info',
  'guard.alert': 'warning',
  'guard.blocked': 'warning',
  'guard.malformed': 'warning',
  'guard.new_master': 'warning',
  'guard.new_unit': 'info',
  'guard.new_function': 'info',
  'guard.login_prompt': 'info',
  'guard.credential_seen': 'critical',
  'guard.session': 'info',
  'guard.overload': 'warning',
  'guard.response': 'warning',
  'guard.procedure': 'info',
  'guard.identify': 'info',
};

function trim(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (Array.isArray(value)) return value.slice(0, MAX_LIST).map(trim);
  return value;
}

/** A guard event as a device event: its type, a severity, and bounded data (the `ts` is the queue's). */
export function toDeviceEvent(e: GuardEvent, guard: string): QueuedEvent {
  const data: Record<string, unknown> = { guard };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type' || k === 'ts' || k === 'deviceId' || v === undefined) continue;
    data[k] = trim(v);
    if (Array.isArray(v) && v.length > MAX_LIST) data[`${k}Total`] = v.length;
  }
  // A refused procedure step is a warning; the steps done are the procedure's record.
  const severity = e.type === 'guard.procedure' && e.outcome === 'refused' ? 'warning' : SEVERITY[e.type];
  return { type: e.type, severity: severity ?? 'info', data };
}

export function summaryEvent(s: SuppressedSummary, guard: string): QueuedEvent {
  return {
    type: 'guard.suppressed',
    severity: SEVERITY[s.eventType] === 'info' ? 'info' : 'warning',
    data: {
      guard,
      eventType: s.eventType,
      ...s.key,
      suppressed: s.suppressed,
      windowStart: s.windowStart,
      windowEnd: s.windowEnd,
    },
  };
}
