import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import {
  GuardEngine,
  ModbusRtuSplitter,
  malformedModbusRequest,
  parseModbusDeviceIdentification,
  requestFromModbusRtu,
  type GrantKey,
  type GuardEvent,
  type GuardPolicy,
  type GuardRequest,
  type GuardSessionEvent,
  type ModbusRtuFrame,
  type RejectedGrant,
  type TrafficLearner,
} from '@outpost/guard';
import { SessionStats } from './session.stats.js';
import type { IdentityListener } from './ot-guard.types.js';
import { RtuIdentifier } from './modbus-rtu.identifier.js';

// Inline Modbus RTU guard between two serial lines. Requests from the master are framed
// (function-code length plus CRC as soon as possible, t3.5 silence otherwise), decided, and
// forwarded whole; a blocked request gets an RTU exception frame or nothing. Device replies
// are passed on as they arrive. In monitor and alert modes bytes are forwarded as they arrive
// and inspected alongside; the mode is re-read only between frames so that no byte is sent
// twice or skipped when the policy changes.
//
// Field identities: Read Device Identification replies (FC 43/14) the device sends a master are
// read on the way (passive). With the policy's `identify` enabled the bridge asks the device
// itself between the master's transactions (modbus-rtu.identifier.ts): the line is
// half-duplex, so while its own query is on the line the master's bytes wait and the device's
// answer goes to the guard only.

export interface ModbusRtuBridgeOptions {
  /** Port towards the master (SCADA, HMI). */
  master: Duplex;
  /** Port towards the device. */
  device: Duplex;
  baudRate: number;
  policy: GuardPolicy;
  grants?: readonly unknown[];
  deviceId: string;
  trustedGrantKey?: GrantKey;
  onEvent?: (e: GuardEvent) => void;
  clock?: () => number;
  learner?: TrafficLearner;
  /** Name of the master side in events, e.g. "serial:/dev/ttyS1". */
  masterLabel?: string;
  /** A field device identified itself (passively or asked by the guard). */
  onIdentity?: IdentityListener;
  /** Where the device sits, for the inventory, e.g. "rtu:/dev/ttyS2". */
  interfaceLabel?: string;
  /** Time for the identity query scheduler (intervals, timeouts); default the monotonic clock. */
  schedulerNow?: () => number;
}

export interface ModbusRtuBridge {
  setPolicy(policy: GuardPolicy): void;
  /** Replaces the grants (and, when given, the key that verifies them); returns those refused. */
  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[];
  /** Statistics so far, as a session event. */
  stats(): GuardSessionEvent;
  /** Stops bridging and emits the session event (the ports are left open). */
  close(): void;
}

class RtuBridge implements ModbusRtuBridge {
  private readonly engine: GuardEngine;
  private readonly clock: () => number;
  private readonly session: SessionStats;
  private readonly requests: ModbusRtuSplitter;
  private readonly responses: ModbusRtuSplitter;
  private timer: NodeJS.Timeout | undefined;
  private replyTimer: NodeJS.Timeout | undefined;
  private readonly identifier: RtuIdentifier;
  private passthrough: boolean;
  private closed = false;
  private readonly onMaster = (chunk: Buffer): void => this.fromMaster(chunk);
  private readonly onDevice = (chunk: Buffer): void => this.fromDevice(chunk);

  constructor(private readonly opts: ModbusRtuBridgeOptions) {
    this.clock = opts.clock ?? Date.now;
    this.engine = new GuardEngine({
      policy: opts.policy,
      deviceId: opts.deviceId,
      grants: opts.grants,
      grantKey: opts.trustedGrantKey,
      learner: opts.learner,
    });
    this.session = new SessionStats('modbus', opts.masterLabel ?? 'serial', opts.deviceId, this.clock);
    this.requests = new ModbusRtuSplitter({ direction: 'request', baudRate: opts.baudRate });
    this.responses = new ModbusRtuSplitter({ direction: 'response', baudRate: opts.baudRate });
    this.passthrough = opts.policy.mode !== 'enforce';
    this.identifier = new RtuIdentifier({
      device: opts.device,
      baudRate: opts.baudRate,
      deviceId: opts.deviceId,
      interfaceLabel: opts.interfaceLabel ?? 'rtu',
      clock: this.clock,
      schedulerNow: opts.schedulerNow,
      lineBusy: () => this.requests.buffered > 0 || this.responses.buffered > 0,
      onIdentity: opts.onIdentity,
      onEvent: (e) => this.emit([e]),
      release: (held) => {
        for (const chunk of held) this.fromMaster(chunk);
      },
    });
    this.identifier.setPolicy(opts.policy);
    opts.master.on('data', this.onMaster);
    opts.device.on('data', this.onDevice);
  }

  setPolicy(policy: GuardPolicy): void {
    this.engine.setPolicy(policy);
    this.identifier.setPolicy(policy);
    if (this.requests.buffered === 0) this.passthrough = policy.mode !== 'enforce';
  }

  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[] {
    return this.engine.setGrants(grants, key);
  }

  stats(): GuardSessionEvent {
    return this.session.toEvent();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.replyTimer);
    this.identifier.close();
    this.opts.master.off('data', this.onMaster);
    this.opts.device.off('data', this.onDevice);
    this.emit([this.session.toEvent('bridge_closed')]);
  }

  private fromMaster(chunk: Buffer): void {
    // The guard's own query is on the line: the master's bytes wait for its end.
    if (this.identifier.hold(chunk)) return;
    this.identifier.lineActivity();
    this.session.bytesFromMaster += chunk.length;
    if (this.passthrough) this.opts.device.write(chunk);
    this.handle(this.requests.push(chunk, performance.now()));
    this.scheduleFlush();
  }

  private fromDevice(chunk: Buffer): void {
    // The answer to the guard's own query goes to the guard only.
    if (this.identifier.take(chunk)) return;
    this.identifier.lineActivity();
    this.session.bytesFromDevice += chunk.length;
    this.opts.master.write(chunk);
    this.replies(this.responses.push(chunk, performance.now()));
    // A reply whose length its function code does not give (FC 43) ends with t3.5 of silence.
    clearTimeout(this.replyTimer);
    const deadline = this.responses.deadline();
    if (deadline === undefined || this.closed) return;
    this.replyTimer = setTimeout(
      () => this.replies(this.responses.flush(performance.now(), true)),
      Math.max(0, Math.ceil(deadline - performance.now())),
    );
  }

  private replies(frames: ModbusRtuFrame[]): void {
    for (const f of frames) {
      this.session.responses++;
      this.identifier.answered();
      if (f.kind !== 'adu') continue;
      if (f.adu.pdu.exceptionCode !== undefined) this.session.exceptions++;
      else if (f.adu.pdu.fc === 0x2b && this.opts.onIdentity) {
        const id = parseModbusDeviceIdentification(f.adu.raw.subarray(1, f.adu.raw.length - 2));
        const origin = { source: 'passive' as const, interface: this.opts.interfaceLabel ?? 'rtu' };
        if (id.ok) this.opts.onIdentity('modbus', f.adu.unit, id.identity, origin);
      }
    }
  }

  // The t3.5 silence rule needs a timer: it fires only when a frame's length could not be
  // derived from its function code (or its CRC did not match).
  private scheduleFlush(): void {
    clearTimeout(this.timer);
    const deadline = this.requests.deadline();
    if (deadline === undefined || this.closed) return;
    this.timer = setTimeout(
      () => {
        this.handle(this.requests.flush(performance.now(), true));
      },
      Math.max(0, Math.ceil(deadline - performance.now())),
    );
  }

  private handle(frames: ModbusRtuFrame[]): void {
    for (const f of frames) {
      const req =
        f.kind === 'adu' ? requestFromModbusRtu(f.adu) : malformedModbusRequest(f.reason, 'rtu', { unit: f.unit });
      const raw = f.kind === 'adu' ? f.adu.raw : f.raw;
      this.decide(req, raw);
    }
    if (this.requests.buffered === 0) this.passthrough = this.engine.policy.mode !== 'enforce';
  }

  private decide(req: GuardRequest, raw: Uint8Array): void {
    const verdict = this.engine.inspect(req, { master: this.session.master, nowMs: this.clock() });
    this.emit(verdict.events);
    this.session.requests[req.class]++;
    const d = verdict.decision;
    if (d.action === 'alert') this.session.alerted++;
    if (this.passthrough || d.action !== 'block') this.identifier.requested(req.unit);
    if (this.passthrough) return;
    if (d.action !== 'block') this.opts.device.write(raw);
    else {
      this.session.blocked++;
      if (d.response) this.opts.master.write(d.response);
    }
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

/** Bridges two serial byte streams through the Modbus RTU guard. */
export function createModbusRtuBridge(opts: ModbusRtuBridgeOptions): ModbusRtuBridge {
  return new RtuBridge(opts);
}
