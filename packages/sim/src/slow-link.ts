import type { Transport, TransportFactory } from '@outpost/agent';

export interface SlowLink {
  /** Extra one-way delay added to everything the device sends, in ms. */
  latencyMs: number;
  /** Upstream bandwidth cap in kbit/s (0 = none). */
  kbps: number;
}

/**
 * Wraps a transport so the device's uplink behaves like a poor cellular link: every publish
 * waits for the latency and for its bytes to fit the bandwidth budget, in order. The TLS
 * session underneath is real; only the pacing of what the agent sends is simulated.
 */
export function slowLinkTransport(inner: TransportFactory, link: SlowLink): TransportFactory {
  return () => {
    const t: Transport = inner();
    let busyUntil = 0;
    const pace = (bytes: number) => {
      const now = Date.now();
      const sendMs = link.kbps > 0 ? (bytes * 8) / link.kbps : 0;
      busyUntil = Math.max(now, busyUntil) + sendMs;
      return new Promise<void>((r) => setTimeout(r, busyUntil - now + link.latencyMs));
    };
    return {
      ...t,
      connect: async (o) => {
        await pace(512);
        return t.connect(o);
      },
      publish: async (topic, payload, opts) => {
        await pace(payload.length + topic.length + 8);
        return t.publish(topic, payload, opts);
      },
      subscribe: t.subscribe,
      onMessage: t.onMessage,
      onClose: t.onClose,
      end: t.end,
    };
  };
}
