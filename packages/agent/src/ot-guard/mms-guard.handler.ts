import {
  MMS_ACCESS_ERROR,
  MmsGuard,
  TpktFramer,
  TpktReassembler,
  continuesTsdu,
  decodeMms,
  decodeUpperLayers,
  mmsClientUnit,
  mmsErrorFrame,
  type CotpItem,
} from '@outpost/guard';
import type { RelayContext, RelayHandler } from './tcp-relay.server.js';

// The MMS guard of one client connection (ISO-on-TCP, port 102 on the device side).
//
// Enforce mode: the client's stream is cut into TPKTs; the TPKTs of one TSDU are held until it
// is complete (at most MAX_TSDU, tpkt.reassembler.ts), then its MMS PDU is decided: confirmed
// requests by the policy (mms-policy.engine.ts), everything else (connection set-up, initiate,
// conclude, cancel) passes. A refused request never reaches the device: the guard answers the
// client itself with a ConfirmedErrorPDU (error class access, object-access-denied) carrying the
// same invoke id, and the association stays up. Answers are put between the device's TPKTs,
// never inside a TSDU the device is still sending. A framing error or a PDU that cannot be
// decoded closes the connection (fail closed): the next PDU boundary cannot be trusted.
//
// Monitor and alert modes: every byte is forwarded as received and only inspected.
//
// Bounds per connection: one partial TPKT and one partial TSDU per direction; past
// SOFT_IN_FLIGHT confirmed requests awaiting their reply reading from the client stops until
// replies come back, past MAX_IN_FLIGHT the connection closes with a guard.overload event.
// Bytes held for a side that does not read are bounded by the relay (tcp-relay.server.ts).

const SOFT_IN_FLIGHT = 32;
const MAX_IN_FLIGHT = 256;

interface Side {
  framer: TpktFramer;
  tsdu: TpktReassembler;
}

const side = (): Side => ({ framer: new TpktFramer(), tsdu: new TpktReassembler() });

class MmsConnection {
  private readonly client = side();
  private readonly device = side();
  /** Client TPKTs of the TSDU not yet complete. */
  private held: Uint8Array[] = [];
  private readonly inFlight = new Set<number>();
  /** Refusals waiting for the device to finish the TSDU it is sending. */
  private pending: Uint8Array[] = [];
  private deviceMidTsdu = false;
  private readonly watchClient = new TpktReassembler();
  private readonly watchDevice = new TpktReassembler();

  constructor(
    private readonly guard: MmsGuard,
    private readonly ctx: RelayContext,
    private readonly clock: () => number,
  ) {}

  private get enforcing(): boolean {
    return this.guard.policy.mode === 'enforce';
  }

  fromClient(chunk: Uint8Array): void {
    if (!this.enforcing) {
      this.ctx.toDevice(chunk);
      for (const item of this.watchClient.push(chunk)) this.judge(item, false);
      return;
    }
    const { frames, error } = this.client.framer.push(chunk);
    for (const frame of frames) {
      this.held.push(frame);
      for (const item of this.client.tsdu.push(frame)) {
        const held = this.held;
        this.held = [];
        const verdict = this.judge(item, true);
        if (verdict === 'closed') return;
        if (verdict === 'forward') for (const f of held) this.ctx.toDevice(f);
      }
    }
    if (error) this.failClosed(error);
  }

  fromDevice(chunk: Uint8Array): void {
    if (!this.enforcing) {
      this.ctx.toMaster(chunk);
      for (const item of this.watchDevice.push(chunk)) this.answered(item);
      return;
    }
    const { frames, error } = this.device.framer.push(chunk);
    for (const frame of frames) {
      this.ctx.toMaster(frame);
      this.deviceMidTsdu = continuesTsdu(frame);
      for (const item of this.device.tsdu.push(frame)) this.answered(item);
      if (!this.deviceMidTsdu) this.flushRefusals();
    }
    if (error) this.ctx.close(`device_framing:${error}`);
  }

  // Decides one client unit: its TPKTs go on to the device, or are dropped, or the connection is closed.
  private judge(item: CotpItem, enforce: boolean): 'forward' | 'drop' | 'closed' {
    const ctx = { master: this.ctx.master, nowMs: this.clock() };
    const unit = mmsClientUnit(item);
    if (unit.kind === 'malformed') {
      this.ctx.stats.requests.malformed++;
      this.ctx.emit([this.guard.malformed(unit.reason, ctx, enforce)]);
      if (!enforce) return 'forward';
      this.failClosed(unit.reason, false);
      return 'closed';
    }
    if (unit.kind === 'session') {
      this.ctx.stats.requests.session++;
      return 'forward';
    }
    const req = unit.request;
    const verdict = this.guard.inspect(req, ctx);
    this.ctx.emit(verdict.events);
    this.ctx.stats.requests[req.class]++;
    const action = verdict.decision.action;
    if (action === 'alert') this.ctx.stats.alerted++;
    if (action !== 'block') {
      this.track(req.invokeId);
      return 'forward';
    }
    this.ctx.stats.blocked++;
    const code = verdict.decision.exceptionCode ?? MMS_ACCESS_ERROR.objectAccessDenied;
    this.pending.push(mmsErrorFrame(req.invokeId, req.contextId, code));
    if (this.pending.length > MAX_IN_FLIGHT)
      this.ctx.overload('requests_in_flight', this.pending.length, MAX_IN_FLIGHT);
    else if (!this.deviceMidTsdu) this.flushRefusals();
    return 'drop';
  }

  private track(invokeId: number): void {
    this.inFlight.add(invokeId);
    if (this.inFlight.size > MAX_IN_FLIGHT)
      return this.ctx.overload('requests_in_flight', this.inFlight.size, MAX_IN_FLIGHT);
    if (this.inFlight.size >= SOFT_IN_FLIGHT) this.ctx.holdMaster('in_flight', true);
  }

  // A reply from the device: the request it answers is no longer in flight.
  private answered(item: CotpItem): void {
    if (item.kind !== 'tpdu' || item.cotp !== 'DT') return;
    const upper = decodeUpperLayers(item.data);
    if (!upper.ok || !upper.mms) return;
    const m = decodeMms(upper.mms.b, upper.mms.pdu);
    if (!m.ok || m.mms.invokeId === undefined) return;
    const pdu = m.mms.pdu;
    if (pdu !== 'confirmed-response' && pdu !== 'confirmed-error' && pdu !== 'reject') return;
    this.ctx.stats.responses++;
    if (pdu === 'confirmed-error') this.ctx.stats.exceptions++;
    this.inFlight.delete(m.mms.invokeId);
    if (this.inFlight.size < SOFT_IN_FLIGHT) this.ctx.holdMaster('in_flight', false);
  }

  private flushRefusals(): void {
    for (const frame of this.pending) this.ctx.toMaster(frame);
    this.pending = [];
  }

  private failClosed(reason: string, report = true): void {
    if (report) {
      this.ctx.stats.requests.malformed++;
      this.ctx.emit([this.guard.malformed(reason, { master: this.ctx.master, nowMs: this.clock() }, true)]);
    }
    this.held = [];
    this.ctx.close(`malformed_framing:${reason}`);
  }
}

/** Inspection of one MMS client connection (and its server's replies) by the guard. */
export function mmsHandler(guard: MmsGuard, clock: () => number) {
  return (ctx: RelayContext): RelayHandler => {
    const c = new MmsConnection(guard, ctx, clock);
    return {
      fromMaster: (chunk) => c.fromClient(chunk),
      fromDevice: (chunk) => c.fromDevice(chunk),
    };
  };
}
