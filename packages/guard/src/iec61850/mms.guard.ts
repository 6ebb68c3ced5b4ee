import type { GuardEvent, GuardTrafficEvent } from '../events/guard-event.types.js';
import type { Decision, GuardPolicy, SessionContext } from '../policy/policy.types.js';
import { GrantBook, type RejectedGrant } from '../policy/grant.book.js';
import type { GrantKey } from '../policy/grant.signature.js';
import { evaluateMmsPolicy, controlPart, mmsClass } from './mms-policy.engine.js';
import { MmsMemory } from './mms-policy.memory.js';
import { refText } from './mms-reference.js';
import type { MmsRequest } from './mms-request.js';

export interface MmsGuardOptions {
  policy: GuardPolicy;
  deviceId: string;
  grants?: readonly unknown[];
  grantKey?: GrantKey;
}

export interface MmsVerdict {
  decision: Decision;
  events: GuardEvent[];
}

const MAX_EVENT_OBJECTS = 8;

/**
 * Policy, grants and memory of the MMS guard of one device: `inspect` decides a confirmed
 * request, remembers what later decisions depend on (rates, selections) and gives the events
 * to ship. The live proxy and the capture inspector both go through it.
 */
export class MmsGuard {
  private currentPolicy: GuardPolicy;
  private book: GrantBook;
  private key: GrantKey | undefined;
  private memory = new MmsMemory();
  private readonly deviceId: string;

  constructor(opts: MmsGuardOptions) {
    this.currentPolicy = opts.policy;
    this.deviceId = opts.deviceId;
    this.key = opts.grantKey;
    this.book = new GrantBook(opts.grants ?? [], this.key, this.deviceId);
  }

  get policy(): GuardPolicy {
    return this.currentPolicy;
  }

  /** Another policy version starts from an empty memory. */
  setPolicy(policy: GuardPolicy): void {
    if (policy.version !== this.currentPolicy.version) this.memory = new MmsMemory();
    this.currentPolicy = policy;
  }

  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[] {
    if (key !== undefined) this.key = key;
    this.book = new GrantBook(grants, this.key, this.deviceId);
    return [...this.book.rejected];
  }

  inspect(req: MmsRequest, ctx: SessionContext): MmsVerdict {
    const decision = evaluateMmsPolicy(req, ctx, this.currentPolicy, this.book, this.memory);
    this.remember(req, ctx, decision);
    const event = this.trafficEvent(req, ctx, decision);
    return { decision, events: event ? [event] : [] };
  }

  /** A client PDU that could not be framed or decoded. */
  malformed(reason: string, ctx: SessionContext, blocked: boolean): GuardEvent {
    return {
      type: 'guard.malformed',
      ts: ctx.nowMs,
      deviceId: this.deviceId,
      protocol: 'mms',
      master: ctx.master,
      class: 'malformed',
      ranges: [],
      action: blocked ? 'block' : this.currentPolicy.mode === 'alert' ? 'alert' : 'allow',
      reason,
      violations: [`malformed:${reason}`],
      policyVersion: this.currentPolicy.version,
    };
  }

  // Every request counts against the rate limits it falls under; an SBOw that passes selects its
  // control object, an Oper or Cancel ends the selection whatever became of it.
  private remember(req: MmsRequest, ctx: SessionContext, d: Decision): void {
    const rules = this.currentPolicy.iec61850;
    for (const [i, r] of (rules?.rateLimits ?? []).entries()) {
      if (r.service && r.service !== req.service) continue;
      this.memory.rates.spend(i, { perSecond: r.perSecond, burst: r.burst }, ctx.master, req.serviceTag, ctx.nowMs);
    }
    if (req.service !== 'write') return;
    for (const o of req.objects) {
      const c = controlPart(o);
      if (!c) continue;
      if (c.op === 'SBOw' && d.action !== 'block') this.memory.select(ctx.master, c.control, ctx.nowMs);
      else if (c.op === 'Oper' || c.op === 'Cancel') this.memory.endSelection(ctx.master, c.control);
    }
  }

  private trafficEvent(req: MmsRequest, ctx: SessionContext, d: Decision): GuardTrafficEvent | undefined {
    const cls = mmsClass(req);
    let type: GuardTrafficEvent['type'];
    if (d.action === 'block') type = 'guard.blocked';
    else if (d.action === 'alert') type = 'guard.alert';
    else if (cls === 'write' || cls === 'control') type = 'guard.write';
    else return undefined;
    return {
      type,
      ts: ctx.nowMs,
      deviceId: this.deviceId,
      protocol: 'mms',
      master: ctx.master,
      fc: req.serviceTag,
      class: cls,
      ranges: [],
      action: d.action,
      violations: d.violations,
      policyVersion: this.currentPolicy.version,
      service: req.service,
      invokeId: req.invokeId,
      objects: req.objects.slice(0, MAX_EVENT_OBJECTS).map(refText),
      ...(req.written ? { valueCount: req.written.length } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.grantIds ? { grantIds: d.grantIds } : {}),
      ...(d.states ? { states: d.states } : {}),
    };
  }
}
