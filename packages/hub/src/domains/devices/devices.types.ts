import type { Expression, SqlBool } from 'kysely';
import type { HealthMessage, HelloMessage, DeviceEvent } from '@outpost/protocol';
import { DEVICE_SORT_FIELDS } from '@outpost/protocol';

/** The protocol's list: the route table validates `sort` against it. */
export const SORT_FIELDS = DEVICE_SORT_FIELDS;
export type SortField = (typeof SORT_FIELDS)[number];

/** A compiled device filter, ready for a WHERE clause. */
export type DeviceWhere = Expression<SqlBool>;

export interface ListQuery {
  where: DeviceWhere | null;
  sort: SortField;
  order: 'asc' | 'desc';
  limit: number;
  cursor: string | null;
  withTotal: boolean;
}

export interface NewDevice {
  id: string;
  name: string;
  model: string | null;
  serial: string | null;
  enrolledAt: string;
  certSerial: string;
  certExpiresAt: string;
  tags: Record<string, string>;
  staticGroupId: string | null;
}

/** One batch of device traffic, written in one transaction. */
export interface IngestBatch {
  /** `online`: the device was connected and had announced itself when heard (it is online, whatever the store says). */
  seen: Map<string, { at: string; staleAt: string; ip?: string; online?: boolean }>;
  health: Array<{ deviceId: string; at: string; health: HealthMessage }>;
  hello: Array<{ deviceId: string; hello: HelloMessage; ip: string | null }>;
  events: Array<{ deviceId: string; receivedAt: string; event: DeviceEvent }>;
  presence: Array<{ deviceId: string; state: 'online' | 'offline'; at: string }>;
}

export function emptyBatch(): IngestBatch {
  return { seen: new Map(), health: [], hello: [], events: [], presence: [] };
}
