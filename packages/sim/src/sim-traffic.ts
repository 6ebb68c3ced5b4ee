import {
  createFlowsFeature,
  type AgentFeature,
  type ConnectionCounters,
  type FlowSource,
  type InterfaceCounters,
  type SocketEntry,
} from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';

/** What a test or a scenario can do to one simulated device's traffic. */
export interface SimTrafficControl {
  /** Multiplies the device's traffic by `factor` for `ms`. */
  spike(factor: number, ms: number): void;
  /** The device starts talking on a protocol/port it never used before. */
  openPort(proto: 'tcp' | 'udp', port: number, dir: 'in' | 'out', share?: number): void;
  /** Bytes per second right now, before noise. */
  rate(): number;
}

interface PortUse {
  proto: 'tcp' | 'udp';
  port: number;
  dir: 'in' | 'out';
  /** Share of the device's traffic on this port. */
  share: number;
  conns: number;
  bytes: number;
}

// Typical traffic of each model, bytes per second at the daily peak.
const PEAK_BPS: Record<string, number> = { 'gw-200': 3000, 'gw-300': 8000, 'rtr-lte-5': 20_000, 'ser-2x': 1200 };
const SITE_UTC_OFFSET: Record<string, number> = { north: 1, south: 1, east: 2, west: 0 };
const AVG_PACKET = 420;

const controls = new Map<string, SimTrafficControl>();

/** The traffic control of a simulated device running the traffic feature. */
export function simTraffic(deviceId: string): SimTrafficControl | undefined {
  return controls.get(deviceId);
}

/** Working hours busy, nights quiet, weekends lighter: the shape of a utility site's day. */
export function dailyShape(t: number, utcOffsetH: number): number {
  const local = new Date(t + utcOffsetH * 3_600_000);
  const h = local.getUTCHours() + local.getUTCMinutes() / 60;
  const day = h >= 6 && h <= 20 ? Math.sin((Math.PI * (h - 6)) / 14) : 0;
  const weekend = [0, 6].includes(local.getUTCDay()) ? 0.6 : 1;
  return (0.3 + 0.7 * day) * weekend;
}

function basePorts(model: string): PortUse[] {
  const p = (proto: 'tcp' | 'udp', port: number, dir: 'in' | 'out', share: number, conns: number): PortUse => ({
    proto,
    port,
    dir,
    share,
    conns,
    bytes: 0,
  });
  const common = [
    p('tcp', 8883, 'out', 0.08, 1),
    p('tcp', 443, 'out', 0.5, 2),
    p('udp', 53, 'out', 0.02, 0),
    p('udp', 123, 'out', 0.005, 0),
  ];
  if (model === 'ser-2x') return [...common, p('tcp', 4001, 'in', 0.395, 1)];
  if (model === 'rtr-lte-5') return [...common, p('tcp', 22, 'in', 0.005, 0), p('udp', 500, 'out', 0.39, 0)];
  return [...common, p('tcp', 502, 'in', 0.385, 2), p('tcp', 22, 'in', 0.01, 0)];
}

/** A flow source whose counters follow a realistic daily pattern, with controls to inject anomalies. */
export function createSimFlowSource(d: SimDeviceContext, now: () => number = Date.now): FlowSource & SimTrafficControl {
  const r = d.random;
  const peak = (PEAK_BPS[d.profile.model] ?? 4000) * (0.7 + 0.6 * r());
  const offset = SITE_UTC_OFFSET[d.profile.site] ?? 0;
  const ports = basePorts(d.profile.model);
  const iface: InterfaceCounters = { name: 'wwan0', rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
  let last = now();
  let spike = { factor: 1, until: 0 };

  const rate = (t: number) => peak * dailyShape(t, offset) * (t < spike.until ? spike.factor : 1);

  function advance() {
    const t = now();
    const dt = (t - last) / 1000;
    if (dt <= 0) return;
    last = t;
    // ±10% noise per reading, as real links are never flat.
    const bytes = rate(t) * dt * (0.9 + 0.2 * r());
    iface.rxBytes += Math.round(bytes * 0.7);
    iface.txBytes += Math.round(bytes * 0.3);
    iface.rxPackets += Math.round((bytes * 0.7) / AVG_PACKET);
    iface.txPackets += Math.round((bytes * 0.3) / AVG_PACKET);
    const total = ports.reduce((s, p) => s + p.share, 0);
    for (const p of ports) p.bytes += Math.round((bytes * p.share) / total);
  }

  return {
    interfaces() {
      advance();
      return [{ ...iface }];
    },
    sockets(): SocketEntry[] {
      const out: SocketEntry[] = [];
      ports.forEach((p, i) => {
        if (p.dir === 'in')
          out.push({ proto: p.proto, localPort: p.port, remotePort: 0, listening: true, established: false });
        for (let k = 0; k < Math.max(p.conns, p.dir === 'out' && p.proto === 'tcp' ? 1 : 0); k++) {
          out.push(
            p.dir === 'in'
              ? {
                  proto: p.proto,
                  localPort: p.port,
                  remotePort: 40_000 + i * 10 + k,
                  listening: false,
                  established: true,
                }
              : {
                  proto: p.proto,
                  localPort: 40_000 + i * 10 + k,
                  remotePort: p.port,
                  listening: false,
                  established: true,
                },
          );
        }
      });
      return out;
    },
    connections(): ConnectionCounters[] {
      advance();
      return ports.map((p) => ({
        key: `${p.proto} sim:${p.port}/${p.dir}`,
        proto: p.proto,
        port: p.port,
        dir: p.dir,
        bytes: p.bytes,
        packets: Math.round(p.bytes / AVG_PACKET),
      }));
    },
    spike(factor, ms) {
      advance();
      spike = { factor, until: now() + ms };
    },
    openPort(proto, port, dir, share = 0.05) {
      advance();
      if (!ports.some((p) => p.proto === proto && p.port === port && p.dir === dir))
        ports.push({ proto, port, dir, share, conns: 1, bytes: 0 });
    },
    rate: () => rate(now()),
  };
}

/** The simulator's traffic feature: the real agent flows feature over a simulated source. */
export function simTrafficFeature(d: SimDeviceContext, o: { intervalS?: number } = {}): AgentFeature {
  const source = createSimFlowSource(d);
  controls.set(d.deviceId, source);
  return createFlowsFeature({ source, intervalS: o.intervalS ?? 60 });
}
