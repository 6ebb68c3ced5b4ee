import { Type, type Static } from '@sinclair/typebox';

// Remote access on the wire: the hub's `access/req` message to a device over MQTT, and the
// relay protocol both legs speak over WebSocket (docs/relay-protocol.md is the reference).

const V = Type.Literal(1);
export const ACCESS_SESSION_ID = '^acs_[0-9a-f]{24}$';
const SessionId = Type.String({ pattern: ACCESS_SESSION_ID });

/** Hub → device (`access/req`): dial the relay for this session and serve this target. */
export const AccessOpenMessage = Type.Object(
  {
    v: V,
    op: Type.Literal('open'),
    session: SessionId,
    target: Type.String({ minLength: 1, maxLength: 300 }),
    /** wss:// URL of the device leg of the relay. */
    relayUrl: Type.String({ minLength: 8, maxLength: 512 }),
    /** The device's single-use token for this session. */
    token: Type.String({ minLength: 16, maxLength: 128 }),
    /** Time left in the session when the hub sent this; the agent ends it on its own clock. */
    ttlMs: Type.Integer({ minimum: 1000, maximum: 7 * 86_400_000 }),
  },
  { additionalProperties: false },
);
export type AccessOpenMessage = Static<typeof AccessOpenMessage>;

/** Hub → device (`access/req`): end this session now (kill switch, TTL), whatever the relay link says. */
export const AccessCloseMessage = Type.Object(
  { v: V, op: Type.Literal('close'), session: SessionId, reason: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);
export type AccessCloseMessage = Static<typeof AccessCloseMessage>;

export const AccessRequestMessage = Type.Union([AccessOpenMessage, AccessCloseMessage]);
export type AccessRequestMessage = Static<typeof AccessRequestMessage>;

// ---- Relay: text frames carry JSON control messages ----

export const RELAY_OPERATOR_PATH = '/api/v1/access/relay' as const;
export const RELAY_DEVICE_PATH = '/api/v1/access/relay/device' as const;

/** A leg gives up on the whole session (e.g. the device refuses the target). */
export const RelayError = Type.Object(
  { v: V, type: Type.Literal('error'), code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
export type RelayError = Static<typeof RelayError>;

/**
 * First message of either leg: which session, and this leg's single-use token. A device that
 * refuses the target says so here (`refuse`), in the same message: the hub then ends the session
 * before it could tell the operator it is ready.
 */
export const RelayAuth = Type.Object(
  {
    v: V,
    type: Type.Literal('auth'),
    session: SessionId,
    token: Type.String({ minLength: 16, maxLength: 128 }),
    refuse: Type.Optional(RelayError),
  },
  { additionalProperties: false },
);
export type RelayAuth = Static<typeof RelayAuth>;

/** What a leg may send as text. */
export const RelayClientControl = Type.Union([RelayAuth, RelayError]);
export type RelayClientControl = Static<typeof RelayClientControl>;

/** What the hub sends as text. */
export type RelayHubControl =
  | { v: 1; type: 'wait' }
  | { v: 1; type: 'ready'; session: string; target: string; expiresAt: string }
  | { v: 1; type: 'closed'; reason: string; message?: string };

/** WebSocket close codes the relay uses (4000-4999 are for applications, RFC 6455 §7.4.2). */
export const RelayClose = {
  Normal: 1000,
  BadFrame: 4000,
  Refused: 4003,
  Timeout: 4008,
  Expired: 4010,
  Terminated: 4011,
  Failed: 4012,
  PeerGone: 4013,
} as const;

// ---- Relay: binary frames multiplex streams ----
//
// frame = type (u8) | stream id (u32, big-endian) | payload
// The operator opens streams (one per local TCP connection; stream 1 for a console or serial
// port). Each direction of each stream has a credit window: a sender may have at most the
// window in flight, and the receiver returns credit with WINDOW once it has written the bytes
// out. That is the backpressure, per stream, end to end.

export const FrameType = { Open: 1, Data: 2, Close: 3, Window: 4, Resize: 5 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const RELAY_HEADER_BYTES = 5;
/** Largest DATA payload a sender puts in one frame. */
export const RELAY_MAX_DATA = 64 * 1024;
/** Credit each direction of a new stream starts with. */
export const RELAY_WINDOW = 1024 * 1024;
/** Streams open at once in one session. */
export const RELAY_MAX_STREAMS = 64;
/** Largest WebSocket message either side accepts. */
export const RELAY_MAX_MESSAGE = RELAY_HEADER_BYTES + RELAY_MAX_DATA + 1024;

/**
 * The WebSocket masking key of a relay leg (the `ws` client's `generateMask`): all zeros, which
 * makes masking and unmasking a no-op at both ends. Masking guards plain-text intermediaries that
 * a script in a browser could poison; relay legs are TLS from a Node process to the hub, where no
 * intermediary reads the frames, and XOR-ing every byte twice was a large share of the relay's CPU.
 */
export function relayMask(mask: Uint8Array): void {
  mask.fill(0);
}

export interface RelayFrame {
  type: FrameType;
  stream: number;
  payload: Uint8Array;
}

export function encodeFrame(type: FrameType, stream: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, type);
  view.setUint32(1, stream >>> 0);
  out.set(payload, RELAY_HEADER_BYTES);
  return out;
}

/** Null for anything that is not a well-formed frame. */
export function decodeFrame(buf: Uint8Array): RelayFrame | null {
  if (buf.length < RELAY_HEADER_BYTES || buf.length > RELAY_MAX_MESSAGE) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = view.getUint8(0) as FrameType;
  if (type < FrameType.Open || type > FrameType.Resize) return null;
  const stream = view.getUint32(1);
  if (stream === 0) return null;
  const payload = buf.subarray(RELAY_HEADER_BYTES);
  if (type === FrameType.Window && payload.length !== 4) return null;
  if (type === FrameType.Resize && payload.length !== 4) return null;
  if (type === FrameType.Data && payload.length > RELAY_MAX_DATA) return null;
  return { type, stream, payload };
}

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

export function readU32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
}

/** Terminal size payload for OPEN (optional) and RESIZE: cols (u16) | rows (u16). */
export function encodeSize(cols: number, rows: number): Uint8Array {
  const b = new Uint8Array(4);
  const v = new DataView(b.buffer);
  v.setUint16(0, Math.max(1, Math.min(cols, 1000)));
  v.setUint16(2, Math.max(1, Math.min(rows, 1000)));
  return b;
}

export function decodeSize(b: Uint8Array): { cols: number; rows: number } | null {
  if (b.length !== 4) return null;
  const v = new DataView(b.buffer, b.byteOffset, 4);
  const cols = v.getUint16(0);
  const rows = v.getUint16(2);
  return cols >= 1 && rows >= 1 && cols <= 1000 && rows <= 1000 ? { cols, rows } : null;
}
