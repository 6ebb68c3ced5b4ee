import type { Direction } from '../shared/guard.types.js';
import { ModbusTcpReassembler } from '../modbus/modbus-tcp.parser.js';
import { Dnp3StreamParser } from '../dnp3/dnp3-stream.parser.js';
import { GuardEngine } from '../policy/guard.engine.js';
import type { CaptureRecord } from './capture-record.types.js';
import { readCapture } from './pcap.reader.js';
import { decodePacket, type DecodedPacket } from './packet.decoder.js';
import { TcpDirectionTracker } from './tcp-stream.tracker.js';
import { dnp3Direction, dnp3Row, modbusRow, type BuiltRow, type RowBase } from './capture-row.builder.js';
import type { InspectOptions, InspectionReport, InspectionRow, InspectionSummary } from './capture-row.types.js';
import { JunkCoalescer } from './junk.coalescer.js';
import { TpktReassembler } from '../iec61850/tpkt.reassembler.js';
import { gooseRow, mmsRow } from '../iec61850/iec61850-row.builder.js';
import { MmsGuard } from '../iec61850/mms.guard.js';
import { mmsDecision } from '../iec61850/mms-capture.decision.js';

interface DirectionState {
  tracker: TcpDirectionTracker;
  modbus?: ModbusTcpReassembler;
  dnp3?: Dnp3StreamParser;
  mms?: TpktReassembler;
}

type Protocol = { protocol: 'modbus' | 'dnp3' | 'mms'; byPort: Direction | undefined };

class Inspector {
  private readonly flows = new Map<string, DirectionState>();
  private readonly engine: GuardEngine | undefined;
  private readonly mmsGuard: MmsGuard | undefined;
  private readonly modbusPorts: Set<number>;
  private readonly dnp3Ports: Set<number>;
  private readonly mmsPorts: Set<number>;

  constructor(
    private readonly opts: InspectOptions,
    private readonly out: JunkCoalescer,
  ) {
    this.modbusPorts = new Set(opts.modbusPorts ?? [502]);
    this.dnp3Ports = new Set(opts.dnp3Ports ?? [20000]);
    this.mmsPorts = new Set(opts.mmsPorts ?? [102]);
    if (opts.policy) {
      this.engine = new GuardEngine({
        policy: opts.policy,
        deviceId: opts.deviceId ?? '',
        grants: opts.grants,
        grantKey: opts.grantKey,
      });
      this.mmsGuard = new MmsGuard({
        policy: opts.policy,
        deviceId: opts.deviceId ?? '',
        grants: opts.grants,
        grantKey: opts.grantKey,
      });
    }
  }

  handle(p: DecodedPacket): void {
    const proto = this.protocolOf(p);
    if (!proto) return;
    const state = this.state(p, proto);
    let payload = p.payload;
    if (p.tcp) {
      const v = state.tracker.accept(p.tcp.seq, p.tcp.flags, p.payload);
      if (v.kind === 'skip') return;
      if (v.gap) {
        state.modbus?.reset();
        state.dnp3?.resetLink();
        state.mms?.reset();
      }
      payload = v.payload;
    }
    const base = {
      frame: p.number,
      ts: p.ts,
      transport: p.transport,
      src: `${p.srcIp}:${p.srcPort}`,
      dst: `${p.dstIp}:${p.dstPort}`,
    };
    // Row bases are plain literals: an object spread per row is measurable on big captures.
    const at = (direction: Direction): RowBase => ({
      frame: base.frame,
      ts: base.ts,
      transport: base.transport,
      src: base.src,
      dst: base.dst,
      direction,
    });
    if (state.modbus) {
      for (const f of state.modbus.push(payload)) this.emit(modbusRow(f, at(proto.byPort ?? 'request')), p);
    } else if (state.dnp3) {
      for (const item of state.dnp3.push(payload)) this.emit(dnp3Row(item, at(dnp3Direction(item, proto.byPort))), p);
      if (p.transport === 'udp' && state.dnp3.buffered > 0) this.udpLeftover(state.dnp3, base, proto, p);
    } else if (state.mms) {
      for (const item of state.mms.push(payload)) {
        const row = mmsRow(item, at(proto.byPort ?? 'request'));
        if (this.mmsGuard && row.direction === 'request') {
          const decision = mmsDecision(this.mmsGuard, item, { master: p.srcIp, nowMs: p.ts });
          if (decision) row.decision = decision;
        }
        this.out.push(row);
      }
    }
  }

  /** GOOSE rides on Ethernet: no flow state, one row per frame. */
  handleLink(rec: CaptureRecord): void {
    const row = gooseRow(rec);
    if (row) this.out.push(row);
  }

  // A UDP datagram holds whole link frames; a partial frame left at its end is malformed.
  private udpLeftover(
    parser: Dnp3StreamParser,
    base: Omit<RowBase, 'direction'>,
    proto: Protocol,
    p: DecodedPacket,
  ): void {
    parser.resetLink();
    const row = dnp3Row(
      { raw: new Uint8Array(0), malformed: 'truncated' },
      { ...base, direction: proto.byPort ?? 'request' },
    );
    this.emit(row, p);
  }

  private emit(built: BuiltRow, p: DecodedPacket): void {
    if (this.engine && built.request) {
      built.row.decision = this.engine.inspect(built.request, { master: p.srcIp, nowMs: p.ts }).decision;
    } else if (this.engine && built.response) {
      // A reply goes to the master: the destination of the packet.
      const events = this.engine.inspectReply(built.response, { master: p.dstIp, nowMs: p.ts });
      if (events.length) built.row.events = events;
    }
    this.out.push(built.row);
  }

  private protocolOf(p: DecodedPacket): Protocol | undefined {
    const side = (ports: Set<number>): Direction | undefined => {
      if (ports.has(p.dstPort) && !ports.has(p.srcPort)) return 'request';
      if (ports.has(p.srcPort) && !ports.has(p.dstPort)) return 'response';
      return undefined;
    };
    if (p.transport === 'tcp' && (this.modbusPorts.has(p.dstPort) || this.modbusPorts.has(p.srcPort))) {
      return { protocol: 'modbus', byPort: side(this.modbusPorts) };
    }
    if (p.transport === 'tcp' && (this.mmsPorts.has(p.dstPort) || this.mmsPorts.has(p.srcPort))) {
      return { protocol: 'mms', byPort: side(this.mmsPorts) };
    }
    if (this.dnp3Ports.has(p.dstPort) || this.dnp3Ports.has(p.srcPort))
      return { protocol: 'dnp3', byPort: side(this.dnp3Ports) };
    return undefined;
  }

  private state(p: DecodedPacket, proto: Protocol): DirectionState {
    const key = `${p.transport}|${p.srcIp}|${p.srcPort}|${p.dstIp}|${p.dstPort}`;
    let s = this.flows.get(key);
    if (s) {
      // Re-insert to keep the map in least-recently-used order.
      this.flows.delete(key);
    } else {
      s = { tracker: new TcpDirectionTracker() };
      if (proto.protocol === 'modbus') s.modbus = new ModbusTcpReassembler(proto.byPort ?? 'request');
      else if (proto.protocol === 'mms') s.mms = new TpktReassembler();
      else s.dnp3 = new Dnp3StreamParser();
    }
    this.flows.set(key, s);
    const max = this.opts.maxFlows ?? 4096;
    if (this.flows.size > max) {
      const oldest = this.flows.keys().next().value;
      if (oldest !== undefined) this.flows.delete(oldest);
    }
    return s;
  }
}

/** Inspection one captured frame at a time, for captures read as they arrive. */
export interface RecordInspector {
  record(rec: CaptureRecord): void;
  /** Hands out a run of unframeable bytes still being merged. */
  flush(): void;
}

function recordInspector(opts: InspectOptions, out: JunkCoalescer): RecordInspector {
  const inspector = new Inspector(opts, out);
  return {
    record(rec) {
      const d = decodePacket(rec);
      if (d.ok) inspector.handle(d.packet);
      else if (d.reason === 'ethertype_88b8') inspector.handleLink(rec);
    },
    flush: () => out.flush(),
  };
}

/** The inspector of `inspectCaptureStream` fed record by record (see pcap-stream.reader.ts). Never throws. */
export function createRecordInspector(opts: InspectOptions, onRow: (row: InspectionRow) => void): RecordInspector {
  return recordInspector(opts, new JunkCoalescer(onRow));
}

/**
 * Inspects a pcap or pcapng capture: follows Modbus TCP (port 502), DNP3 (port 20000,
 * TCP and UDP) and MMS (port 102, TCP) per connection and direction, decodes GOOSE frames
 * (Ethertype 0x88B8), and hands `onRow` one row per Modbus ADU, DNP3 link frame, MMS PDU
 * or GOOSE message as it is found, with the policy decision for requests when a policy is
 * given; a run of unframeable bytes in one direction is one row (see junk.coalescer.ts).
 * Holds no rows itself. `onRow` returning false stops the inspection (summary.truncated).
 * Never throws.
 */
export function inspectCaptureStream(
  bytes: Uint8Array,
  opts: InspectOptions,
  onRow: (row: InspectionRow) => boolean | void,
): InspectionSummary {
  // A Node Buffer's subarray() is several times slower than a plain Uint8Array's, and every
  // packet takes a few: read through a plain view of the same memory.
  const file = readCapture(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let rows = 0;
  let stopped = false;
  const out = new JunkCoalescer((row) => {
    if (stopped) return;
    rows++;
    if (onRow(row) === false) stopped = true;
  });
  const inspector = recordInspector(opts, out);
  for (const rec of file.records) {
    if (stopped) break;
    inspector.record(rec);
  }
  out.flush();
  return {
    format: file.format,
    packets: file.records.length,
    rows,
    ...(file.error ? { error: file.error } : {}),
    ...(stopped ? { truncated: true } : {}),
  };
}

/** The same inspection with the rows collected (at most `maxRows`, default 1,000,000). */
export function inspectCapture(bytes: Uint8Array, opts: InspectOptions = {}): InspectionReport {
  const maxRows = opts.maxRows ?? 1_000_000;
  const rows: InspectionRow[] = [];
  const summary = inspectCaptureStream(bytes, opts, (r) => rows.push(r) < maxRows);
  const { rows: _count, ...rest } = summary;
  return { ...rest, rows };
}
