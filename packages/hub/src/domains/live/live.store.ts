import type { FleetSummary } from '@outpost/protocol';
import type { AuditLine, AuditTail } from '../audit/index.js';
import type { DeviceFacts, DeviceHistory, DeviceWhere, PresenceCounts } from '../devices/index.js';

export type { AuditLine, PresenceCounts };

/** Where the live feed's numbers come from: the read models of the domains that own them. */
export interface LiveSources {
  facts: Pick<DeviceFacts, 'presenceCounts' | 'firmwareCounts' | 'sitePresence' | 'firmwareByModel'>;
  history: Pick<DeviceHistory, 'presenceChangesPerHour'>;
  audit: AuditTail;
}

/** The aggregates the live feed shows; small answers, cached by the service. */
export interface LiveStore {
  /** Devices per presence, the same sets the filters `online`, `offline` and `never_seen` choose. */
  presenceCounts(where?: DeviceWhere | null): Promise<PresenceCounts>;
  /** Devices per reported firmware version, largest first; devices that never said hello count as null. */
  firmware(limit: number, where?: DeviceWhere | null): Promise<FleetSummary['firmware']>;
  /** Presence transitions since `sinceIso` (of the devices `where` selects), per hour (ISO text up to the hour: `2025-01-31T14`). */
  transitionsPerHour: DeviceHistory['presenceChangesPerHour'];
  lastAuditSeq(): Promise<number>;
  /** The first `limit` audit records after `seq`, without details (the stream carries summaries only). */
  auditAfter(seq: number, limit: number): Promise<AuditLine[]>;
}

export function createLiveStore(s: LiveSources): LiveStore {
  return {
    presenceCounts: (where = null) => s.facts.presenceCounts(where),
    firmware: (limit, where = null) => s.facts.firmwareCounts(limit, where),
    transitionsPerHour: (sinceIso, where = null) => s.history.presenceChangesPerHour(sinceIso, where),
    lastAuditSeq: () => s.audit.lastSeq(),
    auditAfter: (seq, limit) => s.audit.linesAfter(seq, limit),
  };
}
