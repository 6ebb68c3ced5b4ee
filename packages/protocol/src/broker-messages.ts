import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';
import { GuardKeyEndorsement, MAX_GUARD_KEY_CHAIN } from './guard-messages.js';
import { canonicalJsonBytes } from './shared/canonical-json.js';

// Moving a device to another of the hub's MQTT brokers. The hub publishes the instruction on the
// device's `broker/move` topic over the broker the device is on now, signed by the hub's
// document-signing key (the Ed25519 key that signs guard documents, which the agent received at
// enrollment and follows through its rotations). A broker or anyone on the path can deliver
// messages but cannot forge one that sends a device elsewhere.

/** The longest a device may be given to reach the new broker. */
export const MAX_BROKER_MOVE_DEADLINE_S = 600;

/** Hub → device: connect to `url` (trusting `caPem`) before `deadline`, then make it the primary broker. */
export const BrokerMoveMessage = Type.Object(
  {
    v: Type.Literal(SCHEMA_VERSION),
    /** The device the instruction is for: a copy delivered to another device is refused. */
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    /** Random id of this move, named in the device's events about it. */
    moveId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    /** Increases with every move of this device: the agent refuses a sequence it has seen. */
    seq: Type.Integer({ minimum: 1, maximum: 2 ** 31 }),
    /** The new broker's device-facing URL (MQTT over TLS). */
    url: Type.String({ pattern: '^mqtts://[A-Za-z0-9.:\\[\\]-]+:[0-9]{1,5}$', maxLength: 300 }),
    /** The CAs the new broker's server certificate must chain to (PEM). */
    caPem: Type.String({ minLength: 1, maxLength: 32 * 1024 }),
    /** When the instruction was signed, and the moment (ms since the epoch) after which it is void. */
    issuedAt: Type.Integer({ minimum: 0 }),
    deadline: Type.Integer({ minimum: 0 }),
    /** The key that signed (SPKI PEM) and the endorsements leading to it from keys the device knows. */
    signingKey: Type.String({ minLength: 1, maxLength: 1024 }),
    keyChain: Type.Optional(Type.Array(GuardKeyEndorsement, { maxItems: MAX_GUARD_KEY_CHAIN })),
    signature: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type BrokerMoveMessage = Static<typeof BrokerMoveMessage>;

/** Why an agent refused a move instruction (event `broker.move.refused`, `data.reason`). */
export const BROKER_MOVE_REFUSALS = [
  'move_malformed',
  'move_wrong_device',
  'move_no_trusted_key',
  'move_key_untrusted',
  'move_signature_invalid',
  'move_expired',
  'move_deadline_too_far',
  'move_replayed',
  'move_busy',
] as const;
export type BrokerMoveRefusal = (typeof BROKER_MOVE_REFUSALS)[number];

/** The bytes a move instruction's signature covers: everything but the signature, with its own prefix. */
export function brokerMoveSigningBytes<T extends object>(m: T & { signature?: unknown }): Uint8Array {
  const { signature: _signature, ...rest } = m;
  const body = new TextDecoder().decode(canonicalJsonBytes(rest));
  return new TextEncoder().encode(`outpost-broker-move/v1\n${body}`);
}

/** Where a device's last move stands on the hub. */
export const BROKER_MOVE_STATES = ['moving', 'moved', 'failed'] as const;
export type BrokerMoveState = (typeof BROKER_MOVE_STATES)[number];

/** A device's broker and its last move, as the API shows them. */
export interface DeviceBrokerView {
  deviceId: string;
  /** The broker the device is on now (device-facing URL), null when the hub has not heard it since it started. */
  broker: string | null;
  /** The broker the hub sends the device to when it has not heard it (its last completed move, else the one given at enrollment). */
  home: string;
  move: {
    moveId: string;
    seq: number;
    state: BrokerMoveState;
    from: string | null;
    to: string;
    reason: string | null;
    requestedBy: string;
    requestedAt: string;
    deadline: string;
    finishedAt: string | null;
  } | null;
}
