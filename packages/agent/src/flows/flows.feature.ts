import { SCHEMA_VERSION, type FlowPort, type FlowsMessage } from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import type { FlowSource, InterfaceCounters } from './flow-source.js';

// Ports per report; the busiest ones are kept (the schema bounds the list at 256).
const MAX_PORTS = 128;

export interface FlowsOptions {
  source: FlowSource;
  /** Seconds between reports on the `flows` topic. */
  intervalS: number;
  /** Local UDP ports at or above this are client sockets, not services (Linux ip_local_port_range starts at 32768). */
  ephemeralFrom?: number;
}

type Acc = { startedAt: number; interfaces: Map<string, InterfaceCounters>; ports: Map<string, FlowPort> };

/** Counters only grow; a smaller value means a reset (reboot, wrap), and then the new value is the delta. */
const delta = (cur: number, prev: number | undefined) => (prev === undefined ? 0 : cur >= prev ? cur - prev : cur);

/**
 * Reports traffic per interface and per protocol/port: differences of the kernel counters since
 * the last report, so a report lost while offline is folded into the next one.
 */
export function createFlowsFeature(o: FlowsOptions): AgentFeature {
  const ephemeralFrom = o.ephemeralFrom ?? 32_768;
  let prevIf = new Map<string, InterfaceCounters>();
  let prevConn = new Map<string, { bytes: number; packets: number }>();
  let acc: Acc | null = null;
  let primed = false;
  let timer: { cancel(): void } | null = null;

  function port(a: Acc, proto: 'tcp' | 'udp', n: number, dir: 'in' | 'out'): FlowPort {
    const key = `${proto}/${n}/${dir}`;
    return a.ports.get(key) ?? a.ports.set(key, { proto, port: n, dir, conns: 0 }).get(key)!;
  }

  function sample(a: Acc) {
    const ifs = o.source.interfaces();
    for (const c of ifs) {
      const p = prevIf.get(c.name);
      const d =
        a.interfaces.get(c.name) ??
        a.interfaces.set(c.name, { name: c.name, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 }).get(c.name)!;
      d.rxBytes += delta(c.rxBytes, p?.rxBytes);
      d.txBytes += delta(c.txBytes, p?.txBytes);
      d.rxPackets += delta(c.rxPackets, p?.rxPackets);
      d.txPackets += delta(c.txPackets, p?.txPackets);
    }
    prevIf = new Map(ifs.map((c) => [c.name, c]));
    const sockets = o.source
      .sockets()
      .filter((s) => !(s.proto === 'udp' && s.listening && s.localPort >= ephemeralFrom));
    const listening = new Set(sockets.filter((s) => s.listening).map((s) => `${s.proto}/${s.localPort}`));
    const conns = new Map<FlowPort, number>();
    for (const s of sockets) {
      if (s.listening) port(a, s.proto, s.localPort, 'in');
      if (!s.established) continue;
      const p = listening.has(`${s.proto}/${s.localPort}`)
        ? port(a, s.proto, s.localPort, 'in')
        : port(a, s.proto, s.remotePort, 'out');
      conns.set(p, (conns.get(p) ?? 0) + 1);
    }
    // Connections are a gauge: the most seen at once during the period.
    for (const [p, n] of conns) p.conns = Math.max(p.conns, n);
    const next = new Map<string, { bytes: number; packets: number }>();
    for (const c of o.source.connections()) {
      const p = port(a, c.proto, c.port, c.dir);
      const prev = prevConn.get(c.key);
      // A connection first seen now counts whole, except at the very first reading (its past is not ours).
      p.bytes = (p.bytes ?? 0) + (prev ? delta(c.bytes, prev.bytes) : primed ? c.bytes : 0);
      p.packets = (p.packets ?? 0) + (prev ? delta(c.packets, prev.packets) : primed ? c.packets : 0);
      next.set(c.key, { bytes: c.bytes, packets: c.packets });
    }
    prevConn = next;
    primed = true;
  }

  function report(a: Acc, now: number): FlowsMessage {
    const ports = [...a.ports.values()]
      .sort((x, y) => (y.bytes ?? 0) - (x.bytes ?? 0) || y.conns - x.conns)
      .slice(0, MAX_PORTS);
    return {
      v: SCHEMA_VERSION,
      ts: now,
      periodS: Math.max(0.001, (now - a.startedAt) / 1000),
      interfaces: [...a.interfaces.values()],
      ports,
    };
  }

  async function tick(ctx: FeatureContext) {
    const now = ctx.clock.now();
    const a = (acc ??= { startedAt: now, interfaces: new Map(), ports: new Map() });
    sample(a);
    if (!ctx.online() || now - a.startedAt < 1) return;
    try {
      await ctx.publish('flows', report(a, now), 0);
      acc = { startedAt: now, interfaces: new Map(), ports: new Map() };
    } catch {
      // Offline after all: keep adding up; the next report covers the whole stretch.
    }
  }

  function loop(ctx: FeatureContext) {
    timer = ctx.clock.setTimeout(() => {
      void tick(ctx)
        .catch((err: unknown) => ctx.logger.warn('traffic report failed', { error: String(err) }))
        .finally(() => timer && loop(ctx));
    }, o.intervalS * 1000);
  }

  return {
    name: 'flows',
    start(ctx) {
      // The first reading only sets the starting point of the counters.
      sample({ startedAt: ctx.clock.now(), interfaces: new Map(), ports: new Map() });
      acc = { startedAt: ctx.clock.now(), interfaces: new Map(), ports: new Map() };
      loop(ctx);
    },
    stop() {
      const t = timer;
      timer = null;
      t?.cancel();
    },
  };
}
