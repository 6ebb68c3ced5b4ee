import type { Transport, TransportFactory } from '@outpost/agent';

export type CuttableTransport = TransportFactory & {
  /** The link is down for `ms`: the open connection drops without a goodbye and dialling fails until then. */
  cut(ms: number): Promise<void>;
  isCut(): boolean;
  /** The link is back now: the agent's next dial (on its backoff) goes through. */
  restore(): void;
};

/**
 * Wraps a device's transport so its link can be lost for a while, as a cellular outage would:
 * the agent keeps running, keeps its data and events on disk, redials with backoff and delivers
 * what it kept when the link returns.
 */
export function cuttableTransport(inner: TransportFactory, now: () => number = Date.now): CuttableTransport {
  let downUntil = 0;
  let current: Transport | null = null;
  const factory = () => {
    const t = inner();
    current = t;
    return {
      ...t,
      connect: async (o: Parameters<Transport['connect']>[0]) => {
        if (now() < downUntil) throw new Error('link down (simulated outage)');
        return t.connect(o);
      },
    };
  };
  return Object.assign(factory, {
    async cut(ms: number) {
      downUntil = Math.max(downUntil, now() + ms);
      await current?.end(false);
    },
    isCut: () => now() < downUntil,
    restore: () => {
      downUntil = 0;
    },
  });
}
