import type { Duplex } from 'node:stream';
import {
  GuardEngine,
  type GrantKey,
  type GuardEvent,
  type GuardOverloadEvent,
  type GuardPolicy,
  type GuardSessionEvent,
  type RejectedGrant,
  type TrafficLearner,
} from '@outpost/guard';
import { SessionStats } from './session.stats.js';
import { dnp3Handler } from './dnp3-guard.handler.js';
import type { IdentityListener } from './ot-guard.types.js';
import type { RelayContext, RelayHandler } from './tcp-relay.server.js';

// Inline DNP3 guard on a serial line (IEEE 1815-2012 over RS-232/485: the same link frames with
// their CRCs as over TCP). Either side may be a serial port or a TCP socket: a serial master in
// front of a DNP3 TCP outstation, a TCP master in front of a serial outstation, or serial on both
// sides. The master's frames are decided exactly as by the DNP3 TCP proxy (dnp3-guard.handler.ts):
// held until a fragment completes in enforce mode, dropped when blocked; the outstation's replies
// pass as they arrive and feed the engine (values for value and state rules, response rules).

export interface Dnp3SerialBridgeOptions {
  /** Stream towards the master (serial port, or a socket from a TCP master). */
  master: Duplex;
  /** Stream towards the outstation (serial port, or a socket to a TCP outstation). */
  device: Duplex;
  policy: GuardPolicy;
  grants?: readonly unknown[];
  deviceId: string;
  trustedGrantKey?: GrantKey;
  onEvent?: (e: GuardEvent) => void;
  clock?: () => number;
  learner?: TrafficLearner;
  /** Name of the master side in events, e.g. "serial:/dev/ttyS1". */
  masterLabel?: string;
  onIdentity?: IdentityListener;
}

export interface Dnp3SerialBridge {
  setPolicy(policy: GuardPolicy): void;
  /** Replaces the grants (and, when given, the key that verifies them); returns those refused. */
  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[];
  stats(): GuardSessionEvent;
  /** Stops bridging and emits the session event (the streams are left open). */
  close(): void;
}

class SerialBridge implements Dnp3SerialBridge {
  private readonly engine: GuardEngine;
  private readonly session: SessionStats;
  private readonly handler: RelayHandler;
  private closed = false;
  private readonly onMaster = (chunk: Buffer): void => {
    this.session.bytesFromMaster += chunk.length;
    this.handler.fromMaster(chunk);
  };
  private readonly onDevice = (chunk: Buffer): void => {
    this.session.bytesFromDevice += chunk.length;
    this.handler.fromDevice(chunk);
  };

  constructor(private readonly opts: Dnp3SerialBridgeOptions) {
    const clock = opts.clock ?? Date.now;
    this.engine = new GuardEngine({
      policy: opts.policy,
      deviceId: opts.deviceId,
      grants: opts.grants,
      grantKey: opts.trustedGrantKey,
      learner: opts.learner,
    });
    this.session = new SessionStats('dnp3', opts.masterLabel ?? 'serial', opts.deviceId, clock);
    this.handler = dnp3Handler(this.engine, clock, opts.onIdentity)(this.context(clock));
    opts.master.on('data', this.onMaster);
    opts.device.on('data', this.onDevice);
  }

  private context(clock: () => number): RelayContext {
    const { master, device } = this.opts;
    return {
      master: this.session.master,
      stats: this.session,
      toDevice: (bytes) => void device.write(bytes),
      toMaster: (bytes) => void master.write(bytes),
      close: (reason) => this.close(reason),
      overload: (limit: GuardOverloadEvent['limit'], value: number, bound: number) => {
        const e: GuardOverloadEvent = {
          type: 'guard.overload',
          ts: clock(),
          deviceId: this.opts.deviceId,
          protocol: 'dnp3',
          master: this.session.master,
          limit,
          value,
          bound,
        };
        this.emit([e]);
        this.close(`overload:${limit}`);
      },
      holdMaster: (_reason, on) => void (on ? master.pause() : master.resume()),
      emit: (events) => this.emit(events),
    };
  }

  setPolicy(policy: GuardPolicy): void {
    this.engine.setPolicy(policy);
  }

  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[] {
    return this.engine.setGrants(grants, key);
  }

  stats(): GuardSessionEvent {
    return this.session.toEvent();
  }

  close(reason = 'bridge_closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.master.off('data', this.onMaster);
    this.opts.device.off('data', this.onDevice);
    this.handler.closed?.();
    this.emit([this.session.toEvent(reason)]);
  }

  private emit(events: readonly GuardEvent[]): void {
    for (const e of events) {
      try {
        this.opts.onEvent?.(e);
      } catch {
        // A failing event sink must never stop the bridge.
      }
    }
  }
}

/** Bridges a DNP3 master and outstation (serial or TCP streams) through the DNP3 guard. */
export function createDnp3SerialBridge(opts: Dnp3SerialBridgeOptions): Dnp3SerialBridge {
  return new SerialBridge(opts);
}
