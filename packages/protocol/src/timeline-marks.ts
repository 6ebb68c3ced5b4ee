/**
 * One thing that happened to a device, drawn on its charts: a reboot it was told to do, an update
 * job that ended, a stretch it was offline (`at` to `until`, null while it still is) or an alert
 * that fired.
 */
export interface TimelineMark {
  kind: 'reboot' | 'update' | 'offline' | 'alert';
  at: string;
  /** The end of an offline stretch; null while the device is still offline. Absent on point marks. */
  until?: string | null;
  /** One line for a tooltip: `reboot by op (succeeded)`, `update failed: …`, `cpu watch (critical)`. */
  label: string;
}

export interface DeviceTimeline {
  from: string;
  to: string;
  items: TimelineMark[];
}
