import {
  backoffDelay,
  CommandRequest,
  SCHEMA_VERSION,
  compileValidator,
  deviceTopic,
  parseDeviceTopic,
  type CommandResult,
  type DeviceEvent,
} from '@outpost/protocol';
import { runCommand } from './commands.js';
import type { AgentLogger, Clock, EventQueue, SystemPort, TransportFactory, Transport } from './ports.js';
import type { AgentFeature, FeatureContext } from './feature.js';

// A release may be built as another version (scripts/package-agent.mjs --version): esbuild puts
// the string in place of this name; elsewhere it is undeclared and the default stands.
declare const OUTPOST_AGENT_VERSION: string | undefined;
// How long a clean stop waits for the broker to acknowledge its goodbye.
const STOP_GRACE_MS = 3000;

export const AGENT_VERSION: string = typeof OUTPOST_AGENT_VERSION === 'string' ? OUTPOST_AGENT_VERSION : '0.1.0';
const EVENT_BATCH = 100;
const validateCommand = compileValidator(CommandRequest);

export interface AgentOptions {
  deviceId: string;
  transport: TransportFactory;
  queue: EventQueue;
  system: SystemPort;
  clock: Clock;
  logger: AgentLogger;
  healthIntervalS: number;
  backoff: { baseMs: number; capMs: number };
  capabilities?: string[];
  random?: () => number;
  features?: AgentFeature[];
  /** The agent version said in hello (default AGENT_VERSION; the simulator's devices run other versions). */
  agentVersion?: () => string;
}

export type AgentState = 'stopped' | 'connecting' | 'online' | 'waiting';

export interface Agent {
  start(): void;
  stop(opts?: { clean?: boolean }): Promise<void>;
  /** Queues an event on disk; it reaches the hub now or after the next reconnect, in order. */
  emit(type: string, severity: DeviceEvent['severity'], data?: Record<string, unknown>): Promise<void>;
  state(): AgentState;
  /** Drops the link without a clean goodbye, as a lost cellular link would; the agent redials. */
  dropLink(): Promise<void>;
  /**
   * Opens a new connection from the transport factory (e.g. with a renewed certificate) and only
   * then lets the old one go; queued events stay queued and are sent over the new one.
   */
  reconnect(): Promise<void>;
  /**
   * Tries a connection from `make` (another broker) beside the one in use: only once it is
   * connected, subscribed and announced within `timeoutMs` does it replace the old link, which is
   * then closed cleanly. Otherwise the old link stays as it was and the reason is returned.
   */
  tryLink(make: TransportFactory, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  stats(): { connects: number; attempts: number; queued: number };
}

/** The agent: dials out to the hub, stays connected, reports, answers commands, delivers its events. */
export function createAgent(o: AgentOptions): Agent {
  const topic = (s: Parameters<typeof deviceTopic>[1]) => deviceTopic(o.deviceId, s);
  const agentVersion = o.agentVersion ?? (() => AGENT_VERSION);
  let state: AgentState = 'stopped';
  let transport: Transport | null = null;
  let attempt = 0;
  let timer: { cancel(): void } | null = null;
  let healthTimer: { cancel(): void } | null = null;
  let flushing: Promise<void> | null = null;
  const stats = { connects: 0, attempts: 0 };
  const features = o.features ?? [];
  let featuresStarted = false;
  const featureCommands = new Map<string, NonNullable<AgentFeature['commands']>[string]>();
  for (const f of features) for (const [name, fn] of Object.entries(f.commands ?? {})) featureCommands.set(name, fn);
  const featureTopics = new Map<string, AgentFeature>();
  for (const f of features) for (const s of f.subscriptions ?? []) featureTopics.set(s, f);
  const ctx: FeatureContext = {
    deviceId: o.deviceId,
    clock: o.clock,
    logger: o.logger,
    publish: (suffix, payload, qos) => {
      const t = transport;
      if (!t || state !== 'online') return Promise.reject(new Error('offline'));
      return t.publish(topic(suffix), JSON.stringify(payload), { qos });
    },
    emit: (type, severity, data) => emit(type, severity, data),
    online: () => state === 'online',
  };

  function schedule(fn: () => void, ms: number) {
    timer?.cancel();
    timer = o.clock.setTimeout(fn, ms);
  }

  const subscriptions = () => [
    topic('cmd/req'),
    ...[...featureTopics.keys()].map((s) => topic(s as Parameters<typeof topic>[0])),
  ];

  async function tryLink(make: TransportFactory, timeoutMs: number) {
    const old = transport;
    if (!old || state !== 'online') return { ok: false as const, reason: 'not connected to the current broker' };
    const t = make();
    t.onClose((reason) => onLinkLost(t, reason));
    t.onMessage((tp, payload) => void onMessage(tp, payload));
    let timer: { cancel(): void } | null = null;
    const deadline = new Promise<never>((_, reject) => {
      timer = o.clock.setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          await t.connect({ will: { topic: topic('status'), payload: status('offline') } });
          await t.subscribe(subscriptions());
        })(),
        deadline,
      ]);
    } catch (err) {
      await t.end(true).catch(() => undefined);
      return { ok: false as const, reason: (err as Error).message.slice(0, 300) };
    } finally {
      (timer as { cancel(): void } | null)?.cancel();
    }
    if (transport !== old || state !== 'online') {
      await t.end(true).catch(() => undefined);
      return { ok: false as const, reason: 'the link changed while the new broker was tried' };
    }
    // The new link is in place before the old one says goodbye, so no message to the device is
    // dropped for want of a subscriber. On the old broker the retained status is cleared (an empty
    // retained message) rather than set offline, which could overtake the birth on the new broker.
    transport = t;
    healthTimer?.cancel();
    await t.publish(topic('status'), status('online'), { qos: 1, retain: true });
    await t.publish(topic('hello'), hello(), { qos: 1 });
    await old.publish(topic('status'), '', { qos: 1, retain: true }).catch(() => undefined);
    await old.end(true).catch(() => undefined);
    stats.connects++;
    sendHealth();
    void flush();
    for (const f of features)
      void Promise.resolve(f.onConnected?.(ctx)).catch((err: unknown) =>
        o.logger.warn('feature failed on connect', { feature: f.name, error: String(err) }),
      );
    return { ok: true as const };
  }

  async function connect(): Promise<void> {
    if (state === 'stopped') return;
    state = 'connecting';
    stats.attempts++;
    const t = o.transport();
    transport = t;
    t.onClose((reason) => onLinkLost(t, reason));
    t.onMessage((tp, payload) => void onMessage(tp, payload));
    try {
      await t.connect({ will: { topic: topic('status'), payload: status('offline') } });
    } catch (err) {
      if (transport === t) onLinkLost(t, (err as Error).message);
      return;
    }
    if (transport !== t || (state as AgentState) === 'stopped') return;
    try {
      await t.subscribe(subscriptions());
      await t.publish(topic('status'), status('online'), { qos: 1, retain: true });
      await t.publish(topic('hello'), hello(), { qos: 1 });
    } catch (err) {
      if (transport === t) onLinkLost(t, (err as Error).message);
      return;
    }
    state = 'online';
    attempt = 0;
    stats.connects++;
    o.logger.info('connected to hub', { deviceId: o.deviceId });
    sendHealth();
    void flush();
    for (const f of features)
      void Promise.resolve(f.onConnected?.(ctx)).catch((err: unknown) =>
        o.logger.warn('feature failed on connect', { feature: f.name, error: String(err) }),
      );
  }

  function onLinkLost(t: Transport, reason: string) {
    if (transport !== t) return;
    transport = null;
    healthTimer?.cancel();
    if (state === 'stopped') return;
    state = 'waiting';
    const delay = backoffDelay(attempt++, { ...o.backoff, jitter: 'full' }, o.random);
    o.logger.warn('link to hub lost; redialing', { reason, delayMs: delay, attempt });
    schedule(() => void connect(), delay);
  }

  function status(s: 'online' | 'offline') {
    return JSON.stringify({ v: SCHEMA_VERSION, state: s, ts: o.clock.now() });
  }

  function hello() {
    const info = o.system.info();
    return JSON.stringify({
      v: SCHEMA_VERSION,
      agentVersion: agentVersion(),
      firmware: info.firmware,
      model: info.model,
      ...(info.serial ? { serial: info.serial } : {}),
      ...(info.hostname ? { hostname: info.hostname } : {}),
      ...(info.ip ? { ip: info.ip } : {}),
      bootId: info.bootId,
      healthIntervalS: o.healthIntervalS,
      capabilities:
        o.capabilities ??
        [
          'ping',
          'reboot',
          'get-info',
          ...featureCommands.keys(),
          ...features.map((f) => `feature:${f.name}`),
          ...features.flatMap((f) => f.capabilities?.() ?? []),
        ].slice(0, 64),
    });
  }

  function sendHealth() {
    healthTimer?.cancel();
    const t = transport;
    if (!t || state !== 'online') return;
    const payload = JSON.stringify({ v: SCHEMA_VERSION, ts: o.clock.now(), ...o.system.metrics() });
    t.publish(topic('health'), payload, { qos: 0 }).catch(() => undefined);
    healthTimer = o.clock.setTimeout(sendHealth, o.healthIntervalS * 1000);
  }

  /** Sends queued events oldest first, one batch in flight, acknowledging only what the hub acked. */
  function flush(): Promise<void> {
    flushing ??= (async () => {
      try {
        const dropped = o.queue.takeDropped();
        if (dropped > 0)
          await o.queue.append({
            ts: o.clock.now(),
            type: 'agent.events_dropped',
            severity: 'warning',
            data: { count: dropped },
          });
        for (;;) {
          const t = transport;
          if (!t || state !== 'online') return;
          const batch = await o.queue.peek(EVENT_BATCH);
          if (batch.length === 0) return;
          await t.publish(topic('events'), JSON.stringify({ v: SCHEMA_VERSION, events: batch }), { qos: 1 });
          await o.queue.ack(batch[batch.length - 1].seq);
        }
      } catch (err) {
        o.logger.warn('event delivery interrupted', { error: (err as Error).message });
      } finally {
        flushing = null;
      }
    })();
    return flushing;
  }

  async function onMessage(tp: string, payload: Buffer) {
    const parsed = parseDeviceTopic(tp);
    if (!parsed || parsed.deviceId !== o.deviceId) return;
    const feature = featureTopics.get(parsed.suffix);
    if (feature) {
      await Promise.resolve(feature.onMessage?.(parsed.suffix, payload, ctx)).catch((err: unknown) =>
        o.logger.warn('feature failed on a message', { feature: feature.name, error: String(err) }),
      );
      return;
    }
    if (parsed.suffix !== 'cmd/req') return;
    const req = validateCommand.parse(payload);
    if (!req.ok) {
      await emit('agent.command_rejected', 'warning', { reason: req.code, message: req.message });
      return;
    }
    const result: CommandResult = await runCommand(req.value, {
      system: o.system,
      clock: o.clock,
      agentVersion: agentVersion(),
      deviceId: o.deviceId,
      extra: featureCommands.get(req.value.name),
      ctx,
    });
    await transport?.publish(topic('cmd/res'), JSON.stringify(result), { qos: 1 }).catch(() => undefined);
    if (req.value.name === 'reboot' && result.ok) {
      await stop({ clean: true });
      await o.system.reboot();
    }
  }

  async function emit(type: string, severity: DeviceEvent['severity'], data?: Record<string, unknown>) {
    await o.queue.append({ ts: o.clock.now(), type, severity, ...(data ? { data } : {}) });
    if (state === 'online') void flush();
  }

  async function stop(opts: { clean?: boolean } = {}) {
    const t = transport;
    state = 'stopped';
    if (featuresStarted) {
      featuresStarted = false;
      for (const f of features) await Promise.resolve(f.stop?.()).catch(() => undefined);
    }
    timer?.cancel();
    healthTimer?.cancel();
    transport = null;
    if (!t) return;
    if (opts.clean ?? true) {
      // A link whose far end went away without closing it acknowledges nothing: the goodbye is
      // bounded, so a stop for a firmware reboot cannot wait for ever.
      let grace: { cancel(): void } | undefined;
      await Promise.race([
        t.publish(topic('status'), status('offline'), { qos: 1, retain: true }).catch(() => undefined),
        new Promise<void>((resolve) => (grace = o.clock.setTimeout(resolve, STOP_GRACE_MS))),
      ]);
      grace?.cancel();
    }
    await t.end(opts.clean ?? true).catch(() => undefined);
  }

  return {
    start() {
      if (state !== 'stopped') return;
      state = 'connecting';
      if (!featuresStarted) {
        featuresStarted = true;
        for (const f of features)
          void Promise.resolve(f.start?.(ctx)).catch((err: unknown) =>
            o.logger.warn('feature failed to start', { feature: f.name, error: String(err) }),
          );
      }
      void connect();
    },
    stop,
    emit,
    state: () => state,
    async dropLink() {
      const t = transport;
      if (t) await t.end(false);
    },
    async reconnect() {
      const old = transport;
      if (!old || state !== 'online') return; // the next dial uses the factory's new identity anyway
      // The broker replaces a connection by a new one with the same client id, and counts only the
      // newest one's end, so the device never shows offline. The old link's close is ignored below.
      transport = null;
      healthTimer?.cancel();
      state = 'connecting';
      await connect();
      // Forced: its unacknowledged publishes fail now (mqtt.js flushes them), so an event batch in
      // flight on it ends and is sent again, in order, over the new connection.
      await old.end(false).catch(() => undefined);
      if ((state as AgentState) === 'online') void flush().then(() => flush());
    },
    tryLink,
    stats: () => ({ ...stats, queued: o.queue.size() }),
  };
}
