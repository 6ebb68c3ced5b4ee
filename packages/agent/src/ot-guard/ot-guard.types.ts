import type {
  FieldDeviceIdentity,
  GrantKey,
  GuardEvent,
  GuardPolicy,
  GuardSessionEvent,
  RejectedGrant,
  TrafficLearner,
} from '@outpost/guard';
import type { Endpoint } from './tcp-relay.server.js';

/** Options shared by the inline guards (Modbus TCP, DNP3 TCP). */
export interface GuardProxyOptions {
  /** Where masters connect; port 0 picks a free port (see `address`). */
  listen: Endpoint;
  /** The device (PLC / outstation). */
  upstream: Endpoint;
  policy: GuardPolicy;
  /** Signed write grants; verified against trustedGrantKey. */
  grants?: readonly unknown[];
  deviceId: string;
  /** The hub's Ed25519 public key (PEM or KeyObject); without it no grant is honoured. */
  trustedGrantKey?: GrantKey;
  onEvent?: (e: GuardEvent) => void;
  /** Milliseconds since the epoch; defaults to Date.now. Drives grant expiry and event times. */
  clock?: () => number;
  /** Shared learner, e.g. restored from a saved baseline. */
  learner?: TrafficLearner;
  maxConnections?: number;
  /** Bytes one connection may hold for a peer that does not read, per side (default 1 MiB). */
  maxBufferedBytes?: number;
  /** A field device identified itself in a reply (Modbus FC 43/14, DNP3 group 0). */
  onIdentity?: IdentityListener;
}

/** How an identity was learnt and where the field device sits (e.g. "rtu:/dev/ttyS1"). */
export interface IdentityOrigin {
  source: 'passive' | 'active';
  interface: string;
}

/** Receives what a field device says about itself: Modbus unit id or DNP3 outstation address. */
export type IdentityListener = (
  protocol: 'modbus' | 'dnp3',
  address: number,
  identity: FieldDeviceIdentity,
  origin?: IdentityOrigin,
) => void;

/** A running inline guard. */
export interface GuardProxy {
  readonly address: Endpoint;
  setPolicy(policy: GuardPolicy): void;
  /** Replaces the grants (and, when given, the key that verifies them); returns those refused. */
  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[];
  connections(): number;
  /** Statistics of the connections open now. */
  sessions(): GuardSessionEvent[];
  /** Bytes the open connections hold for their peers. */
  buffered(): number;
  close(): Promise<void>;
}
