import { randomBytes } from 'node:crypto';
import {
  brokerMoveSigningBytes,
  ErrorCode,
  SCHEMA_VERSION,
  type BrokerMoveMessage,
  type BrokerMoveState,
  type DeviceBrokerView,
  type DeviceEventRecord,
  type GuardKeyEndorsement,
} from '@outpost/protocol';
import { Conflict, HubError, NotFound } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { Logger } from '../../platform/logger.js';
import type { BrokerEndpoint } from '../../mqtt/broker-endpoints.js';
import { SYSTEM_ACTOR, type Actor, type AuditLog } from '../audit/index.js';
import type { Principal } from '../users/index.js';
import type { BrokerMoveRow, BrokerMovesStore } from './broker-moves.store.js';
import { findBroker } from './broker-targets.js';

export interface BrokerMoveService {
  view(deviceId: string): Promise<DeviceBrokerView>;
  move(p: Principal, actor: Actor, deviceId: string, body: MoveInput): Promise<DeviceBrokerView>;
  /** Ends the moves that arrived, failed or ran out; the `brokers.moves` job runs it every second. */
  settle(): Promise<void>;
  /** The broker the hub last moved the device to, for publishing before the device is heard from. */
  homeOf(deviceId: string): string | null;
  /** The device's last move, in short (the device detail shows it). */
  lastMove(
    deviceId: string,
  ): Promise<{ state: BrokerMoveState; to: string; reason: string | null; requestedAt: string } | null>;
  loadHomes(): Promise<void>;
}

export interface MoveInput {
  broker: string;
  deadlineS?: number;
  reason?: string;
  otp?: string;
}

export interface BrokerMoveDeps {
  store: BrokerMovesStore;
  bus: Pick<DeviceBus, 'publish' | 'isConnected' | 'brokerOf'>;
  /** The hub's brokers (OUTPOST_BROKERS); null with the embedded broker. */
  brokers: readonly BrokerEndpoint[] | null;
  /** The broker a device is given at enrollment. */
  assigned(deviceId: string): string;
  /** The CAs the brokers' server certificates chain to. */
  caPem(): string;
  /** The hub's document-signing key. */
  sign(
    bytes: (key: { signingKey: string; keyChain: GuardKeyEndorsement[] }) => Uint8Array,
  ): Promise<{ signingKey: string; keyChain: GuardKeyEndorsement[]; signature: string }>;
  deviceExists(id: string): Promise<boolean>;
  lastEvent(deviceId: string, type: string): Promise<DeviceEventRecord | null>;
  stepUp: (p: Principal, otp: string | undefined) => Promise<void>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

const DEFAULT_DEADLINE_S = 60;
// A device that connected just before its deadline still needs its status to reach the hub.
const ARRIVAL_GRACE_MS = 15_000;
const SETTLE_BATCH = 500;
const MAX_HOMES = 1_000_000;

export function createBrokerMoveService(d: BrokerMoveDeps): BrokerMoveService {
  const homes = new Map<string, string>();
  const nowIso = () => d.clock.now().toISOString();

  function toView(deviceId: string, row: BrokerMoveRow | null): DeviceBrokerView {
    return {
      deviceId,
      broker: d.bus.brokerOf?.(deviceId) ?? null,
      home: row?.home_url ?? d.assigned(deviceId),
      move: row
        ? {
            moveId: row.move_id,
            seq: Number(row.seq),
            state: row.state as 'moving' | 'moved' | 'failed',
            from: row.from_url,
            to: row.to_url,
            reason: row.reason,
            requestedBy: row.requested_by,
            requestedAt: row.requested_at,
            deadline: row.deadline,
            finishedAt: row.finished_at,
          }
        : null,
    };
  }

  async function view(deviceId: string) {
    if (!(await d.deviceExists(deviceId))) throw new NotFound('device', deviceId);
    return toView(deviceId, await d.store.get(deviceId));
  }

  async function move(p: Principal, actor: Actor, deviceId: string, body: MoveInput) {
    if (!d.brokers || !d.bus.brokerOf)
      throw new HubError(
        ErrorCode.BrokerMoveUnavailable,
        'devices are on the embedded broker: moving needs external brokers (OUTPOST_BROKERS)',
      );
    const target = findBroker(d.brokers, body.broker);
    if (!target)
      throw new HubError(ErrorCode.BrokerUnknown, `"${body.broker}" is not one of the hub's brokers`, {
        brokers: d.brokers.map((b) => ({ name: b.name, url: b.deviceUrl })),
      });
    if (!(await d.deviceExists(deviceId))) throw new NotFound('device', deviceId);
    await d.stepUp(p, body.otp);
    const from = d.bus.brokerOf(deviceId);
    if (!d.bus.isConnected(deviceId) || !from)
      throw new HubError(
        ErrorCode.DeviceOffline,
        `device "${deviceId}" is not connected: it is moved over its current broker`,
      );
    if (from === target.deviceUrl) throw new Conflict(`device "${deviceId}" is on ${target.name} already`);
    const was = await d.store.get(deviceId);
    if (was?.state === 'moving')
      throw new Conflict(`device "${deviceId}" is being moved already`, { moveId: was.move_id });
    const now = d.clock.now().getTime();
    const deadline = now + (body.deadlineS ?? DEFAULT_DEADLINE_S) * 1000;
    const unsigned = {
      v: SCHEMA_VERSION,
      deviceId,
      moveId: randomBytes(12).toString('base64url'),
      seq: Number(was?.seq ?? 0) + 1,
      url: target.deviceUrl,
      caPem: d.caPem(),
      issuedAt: now,
      deadline,
    } as const;
    const { signingKey, keyChain, signature } = await d.sign((key) =>
      brokerMoveSigningBytes({
        ...unsigned,
        signingKey: key.signingKey,
        ...(key.keyChain.length ? { keyChain: key.keyChain } : {}),
      }),
    );
    const signed: BrokerMoveMessage = { ...unsigned, signingKey, ...(keyChain.length ? { keyChain } : {}), signature };
    const started = await d.store.start({
      device_id: deviceId,
      seq: unsigned.seq,
      move_id: unsigned.moveId,
      state: 'moving',
      from_url: from,
      to_url: target.deviceUrl,
      reason: null,
      requested_by: actor.id,
      requested_at: new Date(now).toISOString(),
      deadline: new Date(deadline).toISOString(),
      finished_at: null,
    });
    if (!started) throw new Conflict(`device "${deviceId}" is being moved already`);
    await d.audit.record({
      actor,
      action: 'device.broker.move',
      target: `device:${deviceId}`,
      details: {
        from,
        to: target.deviceUrl,
        broker: target.name,
        moveId: unsigned.moveId,
        seq: unsigned.seq,
        reason: body.reason ?? null,
      },
    });
    try {
      await d.bus.publish(deviceId, 'broker/move', signed, { qos: 1 });
    } catch (err) {
      await end(await d.store.get(deviceId), 'failed', `not sent: ${(err as Error).message}`.slice(0, 300));
    }
    return toView(deviceId, await d.store.get(deviceId));
  }

  async function end(row: BrokerMoveRow | null, state: 'moved' | 'failed', reason: string | null) {
    if (!row) return;
    if (!(await d.store.finish(row.device_id, row.move_id, { state, reason, at: nowIso() }))) return;
    if (state === 'moved' && homes.size < MAX_HOMES) homes.set(row.device_id, row.to_url);
    await d.audit.record({
      actor: SYSTEM_ACTOR,
      action: state === 'moved' ? 'device.broker.moved' : 'device.broker.move_failed',
      target: `device:${row.device_id}`,
      outcome: state === 'moved' ? 'ok' : 'failed',
      details: { moveId: row.move_id, from: row.from_url, to: row.to_url, ...(reason ? { reason } : {}) },
    });
  }

  /** The reason the device gave for failing or refusing this move, if it did. */
  async function deviceSaid(row: BrokerMoveRow): Promise<string | null> {
    for (const type of ['broker.move.failed', 'broker.move.refused']) {
      const e = await d.lastEvent(row.device_id, type);
      if (e && e.data.moveId === row.move_id) return String(e.data.reason ?? type).slice(0, 300);
    }
    return null;
  }

  async function settleOne(row: BrokerMoveRow) {
    if (d.bus.brokerOf?.(row.device_id) === row.to_url) return end(row, 'moved', null);
    const said = await deviceSaid(row);
    if (said) return end(row, 'failed', said);
    if (d.clock.now().getTime() > Date.parse(row.deadline) + ARRIVAL_GRACE_MS)
      return end(row, 'failed', 'the device was not heard on the new broker by the deadline');
  }

  return {
    view,
    move,
    async settle() {
      for (const row of await d.store.moving(SETTLE_BATCH))
        await settleOne(row).catch((err: unknown) =>
          d.logger.error({ err, deviceId: row.device_id }, 'broker move check failed'),
        );
    },
    homeOf: (id) => homes.get(id) ?? null,
    async lastMove(deviceId) {
      const r = await d.store.get(deviceId);
      return r
        ? { state: r.state as BrokerMoveState, to: r.to_url, reason: r.reason, requestedAt: r.requested_at }
        : null;
    },
    async loadHomes() {
      for (const h of await d.store.homes(MAX_HOMES)) homes.set(h.deviceId, h.url);
    },
  };
}
