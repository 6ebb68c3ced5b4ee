import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { LIVE_ROUTES, type AlertCounts, type RolloutProgress } from '@outpost/protocol';

export type { AlertCounts, RolloutProgress };

export interface PresenceCounts {
  online: number;
  offline: number;
  never_seen: number;
  total: number;
}

export interface PresenceMessage {
  counts: PresenceCounts;
  /** [deviceId, presence] pairs that changed since the last message. */
  changed: Array<[string, 'online' | 'offline']>;
  /** Changes beyond the ones listed (a storm); lists should re-read what they show. */
  more: number;
}

export interface AuditLine {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
}

export interface AuditMessage {
  seq: number;
  items: AuditLine[];
}

type Handlers = {
  presence: (m: PresenceMessage) => void;
  audit: (m: AuditMessage) => void;
  /** A rollout moved (at most one message per rollout every ~500 ms). */
  rollout: (m: RolloutProgress) => void;
  /** Open alerts changed. */
  alerts: (m: AlertCounts) => void;
};

interface Live {
  connected: boolean;
  counts: PresenceCounts | null;
  auditSeq: number;
  on<K extends keyof Handlers>(event: K, handler: Handlers[K]): () => void;
}

const LiveContext = createContext<Live>({ connected: false, counts: null, auditSeq: 0, on: () => () => {} });

const STREAM = LIVE_ROUTES.stream.path;

/** One EventSource per tab: presence counts, changed device ids, new audit records, rollout progress, open alerts. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [connected, setConnected] = useState(false);
  const [counts, setCounts] = useState<PresenceCounts | null>(null);
  const [auditSeq, setAuditSeq] = useState(0);
  const handlers = useRef({
    presence: new Set<Handlers['presence']>(),
    audit: new Set<Handlers['audit']>(),
    rollout: new Set<Handlers['rollout']>(),
    alerts: new Set<Handlers['alerts']>(),
  });
  const onRef = useRef<Live['on']>((event, handler) => {
    const set = handlers.current[event] as Set<typeof handler>;
    set.add(handler);
    return () => void set.delete(handler);
  });

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: number | undefined;
    const open = () => {
      source = new EventSource(STREAM);
      source.addEventListener('open', () => setConnected(true));
      source.addEventListener('hello', (e) => {
        const m = JSON.parse((e as MessageEvent<string>).data) as { counts: PresenceCounts; auditSeq: number };
        setCounts(m.counts);
        setAuditSeq(m.auditSeq);
      });
      source.addEventListener('presence', (e) => {
        const m = JSON.parse((e as MessageEvent<string>).data) as PresenceMessage;
        setCounts(m.counts);
        handlers.current.presence.forEach((h) => h(m));
      });
      source.addEventListener('audit', (e) => {
        const m = JSON.parse((e as MessageEvent<string>).data) as AuditMessage;
        setAuditSeq(m.seq);
        handlers.current.audit.forEach((h) => h(m));
      });
      source.addEventListener('rollout', (e) => {
        const m = JSON.parse((e as MessageEvent<string>).data) as RolloutProgress;
        handlers.current.rollout.forEach((h) => h(m));
      });
      source.addEventListener('alerts', (e) => {
        const m = JSON.parse((e as MessageEvent<string>).data) as AlertCounts;
        handlers.current.alerts.forEach((h) => h(m));
      });
      source.addEventListener('error', () => {
        setConnected(false);
        // The browser retries by itself unless the hub refused the stream (e.g. 401); then try later.
        if (source?.readyState === EventSource.CLOSED) retry = window.setTimeout(open, 15_000);
      });
    };
    open();
    return () => {
      window.clearTimeout(retry);
      source?.close();
    };
  }, []);

  return (
    <LiveContext.Provider value={{ connected, counts, auditSeq, on: onRef.current }}>{children}</LiveContext.Provider>
  );
}

export const useLive = () => useContext(LiveContext);

/** Subscribes a handler to one live event for the lifetime of the component. */
export function useLiveEvent<K extends keyof Handlers>(event: K, handler: Handlers[K]) {
  const { on } = useLive();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => on(event, ((m: never) => (ref.current as (x: never) => void)(m)) as Handlers[K]), [on, event]);
}

/**
 * For data the live stream keeps fresh: re-reads every `everyMs` while the stream is down, and once
 * when it comes back (what changed in between was not streamed). Nothing while it is up.
 */
export function useLiveFallback(reload: () => void, enabled = true, everyMs = 30_000) {
  const { connected } = useLive();
  const was = useRef(connected);
  useEffect(() => {
    if (connected && !was.current && enabled) reload();
    was.current = connected;
  }, [connected, enabled, reload]);
  useEffect(() => {
    if (!enabled || connected) return;
    const t = window.setInterval(reload, everyMs);
    return () => window.clearInterval(t);
  }, [enabled, connected, reload, everyMs]);
}
