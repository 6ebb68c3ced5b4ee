import type { SharedDevice, SharedPoint } from './shared-points.js';

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

/**
 * A point's status now. Agents report by exception, so an unchanged value is not sent again: its
 * age counts from the later of its own arrival and the device's last data batch (the agent is
 * still reading), by the hub's clock so that a device clock that is off does not age it.
 */
export function pointStatus(dev: SharedDevice, p: SharedPoint, nowMs: number, rules: StatusRules): PointStatus {
  if (!dev.online) return 'BadNoCommunication';
  const v = p.value;
  if (!v) return 'BadWaitingForInitialData';
  if (v.quality === 'bad') return badStatusOf(v.reason);
  const interval = p.intervalMs ?? rules.defaultIntervalMs;
  if (nowMs - Math.max(v.receivedAt, dev.lastDataAt) > interval * rules.staleFactor) return 'UncertainLastUsableValue';
  return v.quality === 'uncertain' ? 'Uncertain' : 'Good';
}
