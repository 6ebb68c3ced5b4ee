import type { SharedPoint } from './shared-points.js';

// The honest state of one shared value, as OPC UA status codes name it (Part 8 / Part 4 §7.34).
// The order matters: a disconnected device says so before anything its last value said.

export type PointStatus =
  | 'Good'
  | 'Uncertain'
  | 'UncertainLastUsableValue'
  | 'BadNoCommunication'
  | 'BadWaitingForInitialData'
  | 'BadTimeout'
  | 'BadOutOfRange'
  | 'BadConfigurationError'
  | 'BadDeviceFailure';

/** The agent's reason for a bad value → the closest OPC UA code (docs/SCADA.md lists them). */
export function badStatusOf(reason: string | undefined): PointStatus {
  if (!reason) return 'BadDeviceFailure';
  if (reason === 'timeout') return 'BadTimeout';
  if (reason === 'comm-lost' || reason === 'disconnected') return 'BadNoCommunication';
  if (reason === 'out-of-range') return 'BadOutOfRange';
  if (reason === 'config' || reason === 'not-configured') return 'BadConfigurationError';
  return 'BadDeviceFailure';
}

export interface StatusRules {
  /** A value older than staleFactor × its point's interval is Uncertain_LastUsableValue. */
  staleFactor: number;
  /** The interval assumed before a point's own is known. */
  defaultIntervalMs: number;
}

export function pointStatus(p: SharedPoint, online: boolean, nowMs: number, rules: StatusRules): PointStatus {
  if (!online) return 'BadNoCommunication';
  const v = p.value;
  if (!v) return 'BadWaitingForInitialData';
  if (v.quality === 'bad') return badStatusOf(v.reason);
  // Age by the hub's own clock (when the value arrived), so a device clock that is off does not age it.
  const interval = p.intervalMs ?? rules.defaultIntervalMs;
  if (nowMs - v.receivedAt > interval * rules.staleFactor) return 'UncertainLastUsableValue';
  return v.quality === 'uncertain' ? 'Uncertain' : 'Good';
}
