import type { Dnp3LinkHeader, Dnp3StreamItem } from './dnp3.types.js';
import { Dnp3LinkReassembler } from './dnp3-link.parser.js';
import { Dnp3TransportReassembler, type TransportOptions } from './dnp3-transport.reassembler.js';
import { parseDnp3Application } from './dnp3-app.parser.js';

function headerOf(h: Dnp3LinkHeader): Dnp3LinkHeader {
  const { length, control, fromMaster, primary, linkFunction, destination, source } = h;
  return { length, control, fromMaster, primary, linkFunction, destination, source };
}

function carriesUserData(h: Dnp3LinkHeader): boolean {
  return h.primary && (h.linkFunction === 3 || h.linkFunction === 4);
}

/**
 * DNP3 over a byte stream (one direction of a TCP connection, or successive UDP datagrams):
 * link frames, then transport reassembly, then application parsing. Returns one item per
 * link frame (or per run of unframeable bytes), in order. Bounded: one partial link frame
 * plus one partial fragment per source/destination pair.
 */
export class Dnp3StreamParser {
  private readonly link = new Dnp3LinkReassembler();
  private readonly transport: Dnp3TransportReassembler;

  constructor(opts: TransportOptions = {}) {
    this.transport = new Dnp3TransportReassembler(opts);
  }

  get buffered(): number {
    return this.link.buffered;
  }

  reset(): void {
    this.link.reset();
    this.transport.reset();
  }

  /** Drops a partial link frame only (e.g. after bytes went missing); fragments in progress stay. */
  resetLink(): void {
    this.link.reset();
  }

  push(chunk: Uint8Array): Dnp3StreamItem[] {
    return this.link.push(chunk).map((r): Dnp3StreamItem => {
      if (r.kind === 'malformed') {
        return { raw: r.raw, malformed: r.reason, ...(r.header ? { link: headerOf(r.header) } : {}) };
      }
      const item: Dnp3StreamItem = { raw: r.frame.raw, link: headerOf(r.frame) };
      // §9.2.4.1.3: user data rides only in primary CONFIRMED/UNCONFIRMED_USER_DATA frames.
      // Data under another function, or in a secondary frame, cannot be evaluated.
      if (r.frame.userData.length > 0 && !carriesUserData(r.frame)) {
        item.malformed = 'link_function_with_data';
        return item;
      }
      const t = this.transport.push(r.frame);
      if (t.kind === 'none') return item;
      item.transport = { fir: t.fir, fin: t.fin, seq: t.seq };
      if (t.kind === 'error') item.malformed = t.reason;
      if (t.kind === 'fragment') {
        item.fragment = t.data;
        item.app = parseDnp3Application(t.data);
        if (item.app.malformed) item.malformed = item.app.malformed;
      }
      return item;
    });
  }
}
