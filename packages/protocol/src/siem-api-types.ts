import type { SIEM_SINK_KINDS, SIEM_SOURCE_NAMES } from './routes/siem.routes.js';

export type SiemSinkKind = (typeof SIEM_SINK_KINDS)[number];
export type SiemSourceName = (typeof SIEM_SOURCE_NAMES)[number];

/** A SIEM sink as the hub shows it: never its secret, always its backlog and delivery health. */
export interface SiemSink {
  id: string;
  name: string;
  kind: SiemSinkKind;
  config: Record<string, unknown>;
  hasSecret: boolean;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Events waiting per source. */
  backlog: Partial<Record<SiemSourceName, number>>;
  backlogTotal: number;
  /** Counting stopped at the hub's cap: the backlog is at least backlogTotal. */
  backlogCapped: boolean;
  failing: boolean;
  /**
   * When the sink's alert fired (failing longer than `alertAfterS`, or a backlog of `alertBacklog`
   * events); null while it is not firing. It resolves once delivery has caught up.
   */
  alertFiredAt: string | null;
  failures: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastDeliveredAt: string | null;
  deliveredTotal: number;
}

export interface SiemSinkInput {
  name: string;
  kind: SiemSinkKind;
  config: Record<string, unknown>;
  /** HTTPS bearer token, or the PEM key of the syslog client certificate. */
  secret?: string;
  enabled?: boolean;
  startAt?: 'beginning' | 'now';
}
