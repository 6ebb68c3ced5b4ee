import { CommandRefused } from '../core/commands.js';
import type { Duplex } from 'node:stream';
import {
  DataWriteArgs,
  DATA_WRITE_COMMAND,
  SCHEMA_VERSION,
  compileValidator,
  type DataMessage,
  type DataPointDefinition,
  type DataValue,
} from '@outpost/protocol';
import type { GuardEvent } from '@outpost/guard';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import type { Clock } from '../core/ports.js';
import { openSerialPort, setSerialLine } from '../ot-guard/serial-port.opener.js';
import { createBatchQueue, type BatchQueue } from './batch-queue.js';
import { parseDataConfig, type DataConfig, type SourceConfig } from './data-config.js';
import { toDataValue, type DataSource, type PointReporting, type Sample } from './data-sample.js';
import { DEFAULT_MAX_SILENCE_S, ExceptionReporter } from './exception-reporter.js';
import { createModbusRtuLink, createModbusTcpLink } from './modbus-link.js';
import { createModbusSource } from './modbus.source.js';
import { createCommandSource } from './command.source.js';
import { createSocketSource } from './socket.source.js';

const validateWrite = compileValidator(DataWriteArgs);
/** A batch is sealed at 2000 values or this many bytes of values, whichever comes first. */
const MAX_BATCH_VALUES = 2000;
const MAX_BATCH_BYTES = 128 * 1024;
/** The `data` topic's limit; definitions are trimmed to stay within it. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_GUARD_EVENTS = 64;

export interface GuardRoute {
  host: string;
  port: number;
  name: string;
}

export interface DataFeatureOptions {
  /** The data sources document now in force (the `data.sources` setting, else the file); undefined: none. */
  load(): Promise<string | undefined>;
  /** Where batches wait for the hub (`<dir>/data`). */
  queueDir: string;
  /** The agent's guard listening in front of this Modbus TCP device, if one is. */
  guardRoute?(host: string, port: number): GuardRoute | undefined;
  /** Resolves when the agent's guards are listening (polling waits for it). */
  guardsReady?(): Promise<void>;
  /** Subscribes to what the agent's guards decide, to name the reason a write was blocked. */
  watchGuard?(listener: (e: GuardEvent) => void): void;
  openSerial?: (path: string) => Duplex;
  /** Sources supplied in code beside the declared ones (the simulator's process model). */
  sources?: DataSource[];
  /** How often pending values are sealed into a batch and sent while online. Default 1 s. */
  flushMs?: number;
  /** How often pending values are sealed while offline (they wait on disk). Default 60 s. */
  offlineSealMs?: number;
  /** How often the sources document is looked at for changes. Default 15 s. */
  reloadMs?: number;
}

export interface DataFeature extends AgentFeature {
  /** Sources running now, e.g. to find a socket's address. */
  sources(): DataSource[];
  queued(): { batches: number; values: number; bytes: number };
  /** Readings received from the sources since start. */
  received(): number;
  /** Seals what is pending and sends what the link allows (tests, and before stopping). */
  flush(): Promise<void>;
}

/**
 * Process data: reads the declared sources, reports values by exception, seals them into
 * numbered batches kept on disk until the hub acknowledges each (QoS 1), sends backlog first and
 * in order after a reconnect, and answers `data.write` through the same path the reads take.
 */
export function createDataFeature(o: DataFeatureOptions): DataFeature {
  const reporter = new ExceptionReporter();
  const guardEvents: GuardEvent[] = [];
  let queue: BatchQueue | null = null;
  let ctx: FeatureContext | null = null;
  let clock: Clock | null = null;
  let sources: DataSource[] = [];
  let configText: string | undefined;
  let defs: DataPointDefinition[] = [];
  let defsPending = true;
  let pending: DataValue[] = [];
  let pendingBytes = 0;
  let lastSeal = 0;
  let lastReload = 0;
  let backlogBelow = 0;
  let sending: Promise<void> | null = null;
  let timer: { cancel(): void } | null = null;
  let stopped = true;
  let received = 0;

  o.watchGuard?.((e) => {
    if (e.type !== 'guard.blocked') return;
    guardEvents.push(e);
    if (guardEvents.length > MAX_GUARD_EVENTS) guardEvents.shift();
  });

  function guardReason(w: { unit: number; fc: number; address: number; since: number }): string | undefined {
    const e = [...guardEvents]
      .reverse()
      .find(
        (x) =>
          x.type === 'guard.blocked' &&
          x.ts >= w.since - 1000 &&
          x.unit === w.unit &&
          x.fc === w.fc &&
          x.ranges.some((r) => r.start <= w.address && w.address < r.start + r.count),
      );
    if (!e || e.type !== 'guard.blocked') return undefined;
    return e.reason ?? e.violations[0] ?? 'policy';
  }

  function makeSource(s: SourceConfig, c: Clock): DataSource {
    if (s.kind === 'command') return createCommandSource(s, c);
    if (s.kind === 'socket') return createSocketSource(s, c);
    if (s.kind === 'modbus-rtu') {
      const open = o.openSerial ?? openSerialPort;
      const line = { baudRate: s.baudRate, parity: s.parity, stopBits: s.stopBits };
      const configured = s.baudRate !== undefined || s.parity !== undefined || s.stopBits !== undefined;
      return createModbusSource({
        config: s,
        link: createModbusRtuLink(() => {
          // Set every time the line is opened again: another program may have changed it meanwhile.
          if (configured) setSerialLine(s.device, line);
          return open(s.device);
        }),
        route: `direct ${s.device}`,
        clock: c,
      });
    }
    const port = s.port ?? 502;
    const via = o.guardRoute?.(s.host, port);
    if (via)
      return createModbusSource({
        config: s,
        link: createModbusTcpLink(via.host, via.port),
        route: `via guard ${via.name}`,
        clock: c,
        guardReason,
      });
    if (s.guarded)
      return createModbusSource({ config: s, link: null, route: 'none', unavailable: 'no-guard', clock: c });
    return createModbusSource({ config: s, link: createModbusTcpLink(s.host, port), route: 'direct', clock: c });
  }

  function onSamples(samples: Sample[]) {
    if (stopped || !clock) return;
    const now = clock.now();
    received += samples.length;
    let added = false;
    for (const s of samples) {
      const out = reporter.offer(s, now);
      if (out) {
        add(toDataValue(out));
        added = true;
      }
    }
    // Online, a change goes out at once (one batch per poll); offline it waits to be sealed.
    if (added && ctx?.online()) {
      seal();
      void send();
    }
  }

  function add(v: DataValue) {
    pending.push(v);
    pendingBytes += JSON.stringify(v).length + 1;
    if (pending.length >= MAX_BATCH_VALUES || pendingBytes >= MAX_BATCH_BYTES) seal();
  }

  function seal() {
    if (!queue || !clock) return;
    lastSeal = clock.now();
    if (pending.length === 0) return;
    const values = pending;
    pending = [];
    pendingBytes = 0;
    const r = queue.seal(values);
    if (r.droppedNow) {
      ctx?.logger.warn('data buffer full: oldest values dropped', { ...r.droppedNow });
      void ctx?.emit('data.values_dropped', 'warning', { ...r.droppedNow });
    }
  }

  async function apply(config: DataConfig | null) {
    await Promise.all(sources.map((s) => s.stop().catch(() => undefined)));
    sources = [];
    const cfg = config ?? { sources: [] };
    const c = clock!;
    // Guards listen first: a source fronted by one polls through it.
    await o.guardsReady?.().catch(() => undefined);
    // The buffer's bounds are read once: a change takes effect at the next start.
    queue ??= createBatchQueue({ dir: o.queueDir, ...cfg.queue });
    sources = [...(o.sources ?? []), ...cfg.sources.map((s) => makeSource(s, c))];
    reporter.declare(
      [
        ...(o.sources ?? []).flatMap((s) => s.reporting?.() ?? s.defs().map((d) => ({ p: d.p }))),
        ...cfg.sources.flatMap((s): PointReporting[] => s.points),
      ],
      cfg.maxSilenceS ?? DEFAULT_MAX_SILENCE_S,
    );
    const next = sources.flatMap((s) => s.defs());
    if (JSON.stringify(next) !== JSON.stringify(defs)) defsPending = true;
    defs = next;
    for (const s of sources) {
      try {
        await s.start(onSamples);
      } catch (err) {
        ctx?.logger.warn('data source failed to start', { source: s.name, error: String(err) });
        void ctx?.emit('data.source_failed', 'warning', { source: s.name, error: String(err).slice(0, 200) });
      }
    }
  }

  async function reload(force = false) {
    lastReload = clock?.now() ?? 0;
    let text: string | undefined;
    try {
      text = await o.load();
    } catch (err) {
      if (force) ctx?.logger.warn('data sources cannot be read', { error: String(err) });
      return;
    }
    if (!force && text === configText) return;
    let config: DataConfig | null = null;
    try {
      config = text === undefined ? null : parseDataConfig(text);
    } catch (err) {
      configText = text;
      ctx?.logger.warn('data sources refused', { error: (err as Error).message });
      void ctx?.emit('data.sources_invalid', 'warning', { message: (err as Error).message.slice(0, 300) });
      return;
    }
    configText = text;
    await apply(config);
    void ctx?.emit('data.sources_applied', 'info', {
      sources: sources.map((s) => s.name).slice(0, 64),
      points: defs.length,
    });
  }

  function message(b: { seq: number; values: DataValue[]; dropped?: DataMessage['dropped'] }): DataMessage {
    const msg: DataMessage = {
      v: SCHEMA_VERSION,
      seq: b.seq,
      values: b.values,
      ...(b.seq < backlogBelow ? { backlog: true } : {}),
      ...(b.dropped ? { dropped: b.dropped } : {}),
    };
    if (!defsPending) return msg;
    const full = { ...msg, defs };
    if (JSON.stringify(full).length <= MAX_MESSAGE_BYTES) return full;
    // Too much text for one message: definitions go without their descriptions and sources.
    return {
      ...msg,
      defs: defs.map((d) => ({
        p: d.p,
        type: d.type,
        ...(d.unit ? { unit: d.unit } : {}),
        ...(d.writable ? { writable: true } : {}),
      })),
    };
  }

  function send(): Promise<void> {
    if (sending) return sending;
    // Assigned before the loop runs: a loop that ends at once must not leave a settled promise behind.
    let done!: () => void;
    sending = new Promise<void>((resolve) => (done = resolve));
    const running = sending;
    void (async () => {
      try {
        for (;;) {
          const c = ctx;
          if (!c || !queue || !c.online()) return;
          let b = queue.first();
          if (!b && defsPending && defs.length) {
            queue.seal([]);
            b = queue.first();
          }
          if (!b) return;
          const msg = message(b);
          await c.publish('data', msg, 1);
          queue.ack(b.seq);
          if (msg.defs) defsPending = false;
        }
      } catch (err) {
        ctx?.logger.warn('data delivery interrupted', { error: (err as Error).message });
      } finally {
        sending = null;
        done();
      }
    })();
    return running;
  }

  function tick() {
    if (stopped || !clock) return;
    const now = clock.now();
    for (const s of reporter.due(now)) add(toDataValue(s));
    const online = ctx?.online() ?? false;
    if (pending.length && (online ? true : now - lastSeal >= (o.offlineSealMs ?? 60_000))) seal();
    if (online) void send();
    if (now - lastReload >= (o.reloadMs ?? 15_000)) void reload();
    timer = clock.setTimeout(tick, o.flushMs ?? 1000);
  }

  return {
    name: 'data',
    commands: {
      [DATA_WRITE_COMMAND]: async (args) => {
        const a = validateWrite.check(args);
        if (!a.ok) throw new CommandRefused('invalid_args', a.message);
        const src = sources.find((s) => s.defs().some((d) => d.p === a.value.p));
        if (!src) throw new CommandRefused('unknown_point', `point "${a.value.p}" is not declared on this device`);
        if (!src.write || !src.writable?.(a.value.p))
          throw new CommandRefused('point_not_writable', `point "${a.value.p}" is not declared writable`);
        return src.write(a.value.p, a.value.v);
      },
    },
    capabilities: () => ['data', DATA_WRITE_COMMAND],
    async start(c) {
      ctx = c;
      clock = c.clock;
      stopped = false;
      lastSeal = c.clock.now();
      await reload(true);
      queue ??= createBatchQueue({ dir: o.queueDir });
      timer = c.clock.setTimeout(tick, o.flushMs ?? 1000);
    },
    onConnected() {
      // Everything read before this link came up is backlog; definitions go with the first batch.
      seal();
      backlogBelow = queue?.nextSeq() ?? 0;
      defsPending = true;
      void send();
    },
    sources: () => sources,
    received: () => received,
    queued: () => queue?.size() ?? { batches: 0, values: 0, bytes: 0 },
    async flush() {
      seal();
      await send();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      await Promise.all(sources.map((s) => s.stop().catch(() => undefined)));
      // What was read but not yet sealed goes to disk: a restart sends it.
      seal();
      await sending;
    },
  };
}
