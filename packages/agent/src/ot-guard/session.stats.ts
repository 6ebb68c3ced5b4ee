import { emptyClassCounts, type GuardClass, type GuardWireProtocol, type GuardSessionEvent } from '@outpost/guard';

/** Counters of one proxied connection or serial session. */
export class SessionStats {
  readonly startedAt: number;
  readonly requests: Record<GuardClass, number> = emptyClassCounts();
  blocked = 0;
  alerted = 0;
  responses = 0;
  exceptions = 0;
  bytesFromMaster = 0;
  bytesFromDevice = 0;

  constructor(
    private readonly protocol: GuardWireProtocol,
    readonly master: string,
    private readonly deviceId: string,
    private readonly clock: () => number,
  ) {
    this.startedAt = clock();
  }

  toEvent(closeReason?: string): GuardSessionEvent {
    const now = this.clock();
    return {
      type: 'guard.session',
      ts: now,
      deviceId: this.deviceId,
      protocol: this.protocol,
      master: this.master,
      startedAt: this.startedAt,
      durationMs: Math.max(0, now - this.startedAt),
      requests: { ...this.requests },
      blocked: this.blocked,
      alerted: this.alerted,
      responses: this.responses,
      exceptions: this.exceptions,
      bytesFromMaster: this.bytesFromMaster,
      bytesFromDevice: this.bytesFromDevice,
      ...(closeReason ? { closeReason } : {}),
    };
  }
}

/** "::ffff:10.0.0.5" -> "10.0.0.5"; other addresses unchanged. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
