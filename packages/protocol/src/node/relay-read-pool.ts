import type { Duplex } from 'node:stream';

/** One 16 KiB region a socket read lands in; back on its pool's free list once nothing holds it. */
export interface Region {
  readonly buf: Buffer;
  holds: number;
}

/** A socket reading into recycled regions; `release` gives a region back once a holder is done with it. */
export interface PooledReads {
  release(region: Region): void;
  hold(region: Region): void;
}

// A TLS socket hands on at most 16 KiB per read (one record), a TCP socket as much as the region holds.
export const TLS_REGION = 16 * 1024;
const SLAB = 256 * 1024;
// Free memory a socket keeps for its next bursts: the hub's per-leg queue bound (relay.splice.ts HIGH_WATER).
const KEEP_FREE = 1024 * 1024;

interface NetInternals {
  _handle: { useUserBuffer?(buf: Uint8Array): void } | null;
}

/** The net.Socket fields behind its `onread` option, found by name; null when this Node lays them out otherwise. */
function onreadSlots(socket: Duplex): { buffer: symbol; callback: symbol; next: symbol } | null {
  const find = (name: string) => Object.getOwnPropertySymbols(socket).find((s) => s.description === name);
  const buffer = find('kBuffer');
  const callback = find('kBufferCb');
  const next = find('kBufferGen');
  return buffer && callback && next ? { buffer, callback, next } : null;
}

/**
 * Makes a connected socket read into regions of a few reused slabs instead of a fresh buffer per read
 * (Node's `onread` option, which a server-side socket cannot be given at creation). Every fresh read
 * buffer is external memory to V8; at relay rates it made the garbage collector run mark-compacts of the
 * whole heap every few dozen MiB. `onChunk` gets each read as a slice of its region, which it must
 * `hold` for as long as it keeps any part of it past its return. Null when the socket cannot do this
 * (then it reads as usual and 'data' events carry fresh buffers).
 */
export function readIntoPool(
  socket: Duplex,
  onChunk: (chunk: Buffer, region: Region) => void,
  regionBytes = TLS_REGION,
): PooledReads | null {
  const handle = (socket as unknown as NetInternals)._handle;
  const slots = onreadSlots(socket);
  if (!handle?.useUserBuffer || !slots) return null;
  const free: Region[] = [];
  const perSlab = Math.max(1, Math.floor(SLAB / regionBytes));
  const keep = Math.max(perSlab, KEEP_FREE / regionBytes);
  const take = (): Region => {
    if (free.length === 0) {
      const slab = Buffer.allocUnsafeSlow(regionBytes * perSlab);
      for (let i = 0; i < perSlab; i++)
        free.push({ buf: slab.subarray(i * regionBytes, (i + 1) * regionBytes), holds: 0 });
    }
    const r = free.pop()!;
    r.holds = 1;
    return r;
  };
  const pool: PooledReads = {
    hold(region) {
      region.holds++;
    },
    release(region) {
      if (--region.holds === 0 && free.length < keep) free.push(region);
    },
  };
  // The region the socket reads into next: held by the read until its bytes have been handed on.
  let current = take();
  const s = socket as unknown as Record<symbol, unknown>;
  s[slots.buffer] = current.buf;
  s[slots.callback] = (n: number) => {
    const region = current;
    onChunk(region.buf.subarray(0, n), region);
    pool.release(region);
  };
  s[slots.next] = () => {
    current = take();
    return current.buf;
  };
  handle.useUserBuffer(current.buf);
  socket.once('close', () => pool.release(current));
  return pool;
}
