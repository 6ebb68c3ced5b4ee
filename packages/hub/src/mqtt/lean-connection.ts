import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import type { Client } from 'aedes';

// What the broker keeps for each held device connection, trimmed where aedes and Node keep more
// than the connection needs once it is admitted (heap snapshots of a hub holding 2,000 devices).

// mqtt-packet's own BufferList (the one its parser is written against): the same list without
// the Duplex stream around it.
const requireFromPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
const { BufferList } = requireFromPacket('bl') as { BufferList: new () => unknown };

interface PacketParser {
  _list: unknown;
  settings: { protocolVersion?: number; bridgeMode?: boolean };
}

/**
 * The MQTT parser of a new connection buffers bytes in a BufferListStream, a Duplex stream with
 * its readable and writable states, listeners and arrays (about 1.4 KB of heap per connection),
 * of which it only uses the list. It gets the bare list.
 */
export function leanParser(client: Client): void {
  const parser = (client as unknown as { _parser?: PacketParser })._parser;
  if (parser && parser._list) parser._list = new BufferList();
}

/**
 * After CONNECT the parser keeps the whole CONNECT packet (client id, will, credentials) only to
 * read its protocol version (and whether it is a bridge): it keeps those.
 */
export function forgetConnectPacket(client: Client): void {
  const parser = (client as unknown as { _parser?: PacketParser })._parser;
  const s = parser?.settings;
  if (parser && s) parser.settings = { protocolVersion: s.protocolVersion, bridgeMode: s.bridgeMode };
}

let timeoutSymbol: symbol | null | undefined;

/**
 * Node keeps a cleared timer of the TLS handshake deadline (and its bound callback, about 200
 * bytes) on the socket after the handshake; it is dropped. Node's own socket code treats the slot
 * as empty when it is null.
 */
export function dropHandshakeTimer(socket: TLSSocket): void {
  if (timeoutSymbol === undefined)
    timeoutSymbol = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'timeout') ?? null;
  if (!timeoutSymbol) return;
  const slot = socket as unknown as Record<symbol, { _destroyed?: boolean } | null>;
  if (slot[timeoutSymbol]?._destroyed) slot[timeoutSymbol] = null;
}

/**
 * An object made by Object.create(null) starts as a hash table in V8; an object literal whose
 * prototype is then set to null keeps V8's compact layout and is just as free of inherited names.
 * aedes makes two of them per client (its subscriptions, and the duplicate counters of other
 * brokers): they get compact empty ones, about 150 bytes less each.
 */
export function compactClientMaps(client: Client): void {
  const c = client as unknown as { subscriptions: object; duplicates: object };
  if (isEmpty(c.subscriptions)) c.subscriptions = Object.setPrototypeOf({}, null) as object;
  if (isEmpty(c.duplicates)) c.duplicates = Object.setPrototypeOf({}, null) as object;
}

function isEmpty(o: object | undefined): boolean {
  return !!o && Object.getPrototypeOf(o) === null && Reflect.ownKeys(o).length === 0;
}

/**
 * EventEmitter keeps its listeners in an Object.create(null) table, so a hash table per emitter.
 * Once a connection is admitted its listeners are in place (a device connection's socket, its aedes
 * client and its parser): each table is copied into a compact null-prototype object with the same
 * keys, symbols included. A listener added or removed later works on it as before.
 */
export function compactListeners(emitter: object): void {
  const e = emitter as { _events?: Record<string | symbol, unknown> };
  const table = e._events;
  if (!table || Object.getPrototypeOf(table) !== null) return;
  const compact = Object.setPrototypeOf({}, null) as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(table)) compact[key] = table[key];
  e._events = compact;
}

/** Once a device is admitted: compact listener tables of its socket, client and parser. */
export function compactAdmitted(client: Client): void {
  compactListeners(client);
  compactListeners(client.conn);
  const parser = (client as unknown as { _parser?: object })._parser;
  if (parser) compactListeners(parser);
}

/** Trims what a newly accepted device connection holds; see the functions above. */
export function leanConnection(socket: TLSSocket, client: Client): void {
  dropHandshakeTimer(socket);
  leanParser(client);
  compactClientMaps(client);
}
