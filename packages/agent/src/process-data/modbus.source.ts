import type { DataPointDefinition } from '@outpost/protocol';
import { CommandRefused } from '../core/commands.js';
import type { Clock } from '../core/ports.js';
import { decodeValue, encodeValue, EncodeError, isBitTable, type RegisterLayout } from './register-codec.js';
import { ModbusFailure, checkWriteResponse, parseReadResponse, readRequest, writeRequest } from './modbus-pdu.js';
import type { ModbusLink } from './modbus-link.js';
import { planReads, type ReadBlock } from './read-plan.js';
import { pointType, type ModbusPointConfig, type ModbusSourceConfig } from './data-config.js';
import { bad, judged, type DataSource, type Sample } from './data-sample.js';

export interface ModbusSourceOptions {
  config: ModbusSourceConfig;
  /** The link to poll through (to the device, or to this agent's guard in front of it). */
  link: ModbusLink | null;
  /** How the link reaches the device, for people: `via guard modbus-tcp 127.0.0.1:1502`. */
  route: string;
  /** Why there is no link (a `guarded` source whose guard is not running): every point is bad for it. */
  unavailable?: string;
  clock: Clock;
  /** The guard's reason for refusing a write of this unit, function and address sent at or after `since`. */
  guardReason?: (w: { unit: number; fc: number; address: number; since: number }) => string | undefined;
}

const layout = (p: ModbusPointConfig): RegisterLayout => ({ ...p, type: pointType(p) });
const sourceText = (c: ModbusSourceConfig) =>
  c.kind === 'modbus-tcp' ? `modbus-tcp ${c.host}:${c.port ?? 502}` : `modbus-rtu ${c.device}`;

/** Polls a Modbus device (TCP or RTU) on an interval with the fewest reads its register map allows. */
export function createModbusSource(o: ModbusSourceOptions): DataSource {
  const c = o.config;
  const unit = c.unitId ?? 1;
  const blocks = planReads(c.points, unit);
  const byName = new Map(c.points.map((p) => [p.p, p]));
  const last = new Map<string, Sample['v']>();
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  const timeoutMs = c.timeoutMs ?? 1000;

  async function readBlock(b: ReadBlock): Promise<Sample[]> {
    const req = readRequest(b.table, b.start, b.count);
    try {
      if (!o.link) throw new ModbusFailure(o.unavailable ?? 'comm-lost', 'no way to the device');
      const words = parseReadResponse(req, await o.link.exchange(b.unitId, req, timeoutMs));
      const t = o.clock.now();
      return b.points.map((p) => {
        const from = p.address - b.start;
        const v = decodeValue(layout(p), words.slice(from, from + b.count));
        last.set(p.p, v);
        return judged(p, v, t);
      });
    } catch (err) {
      const reason = err instanceof ModbusFailure ? err.reason : 'error';
      const t = o.clock.now();
      return b.points.map((p) => bad(p.p, reason, t, last.get(p.p) ?? null));
    }
  }

  async function poll(emit: (s: Sample[]) => void) {
    for (const b of blocks) {
      if (stopped) return;
      emit(await readBlock(b));
    }
  }

  function loop(emit: (s: Sample[]) => void, delay: number) {
    timer = o.clock.setTimeout(() => {
      const started = o.clock.now();
      void poll(emit).finally(() => {
        if (!stopped) loop(emit, Math.max(0, (c.intervalMs ?? 1000) - (o.clock.now() - started)));
      });
    }, delay);
  }

  return {
    name: sourceText(c),
    defs(): DataPointDefinition[] {
      return c.points.map((p) => ({
        p: p.p,
        type:
          isBitTable(p.table) || pointType(p) === 'bool' || pointType(p) === 'bit'
            ? 'boolean'
            : pointType(p) === 'string'
              ? 'string'
              : 'number',
        ...(p.unit ? { unit: p.unit } : {}),
        ...(p.description ? { description: p.description } : {}),
        source: `${sourceText(c)} unit ${p.unitId ?? unit} ${p.table} ${p.address}`.slice(0, 200),
        ...(p.writable ? { writable: true } : {}),
      }));
    },
    start(emit) {
      stopped = false;
      loop(emit, 0);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      o.link?.close();
    },
    writable: (p) => byName.get(p)?.writable === true,
    async write(p, v) {
      const point = byName.get(p);
      if (!point?.writable) throw new CommandRefused('point_not_writable', `point "${p}" is not declared writable`);
      if (!o.link)
        throw new CommandRefused('device_unreachable', `no way to the device: ${o.unavailable ?? 'comm-lost'}`);
      let words: number[];
      try {
        words = encodeValue(layout(point), v);
      } catch (err) {
        if (err instanceof EncodeError) throw new CommandRefused(`value_${err.code}`, err.message);
        throw err;
      }
      const req = writeRequest(point.table, point.address, words);
      const since = o.clock.now();
      try {
        checkWriteResponse(req, await o.link.exchange(point.unitId ?? unit, req, timeoutMs));
      } catch (err) {
        const reason = err instanceof ModbusFailure ? err.reason : 'error';
        const guard = o.guardReason?.({ unit: point.unitId ?? unit, fc: req[0], address: point.address, since });
        if (guard) throw new CommandRefused('blocked_by_guard', `the guard refused the write: ${guard}`);
        throw new CommandRefused(
          reason.startsWith('exception-') ? 'device_exception' : 'write_failed',
          `${reason}: ${(err as Error).message}`,
        );
      }
      return { p, v, written: true, route: o.route, table: point.table, address: point.address, registers: words };
    },
  };
}
