import type { GuardRequest, GuardResponse } from '../shared/guard.types.js';
import type {
  GuardEvent,
  GuardLearnEvent,
  GuardResponseEvent,
  GuardTrafficEvent,
} from '../events/guard-event.types.js';
import type { Decision, GuardPolicy, SessionContext } from './policy.types.js';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook, type RejectedGrant } from './grant.book.js';
import type { GrantKey } from './grant.signature.js';
import { TrafficLearner, type Observation } from './traffic.learner.js';
import { GuardMemory } from './guard.memory.js';
import { rateApplies } from './policy-rules.checks.js';
import { DNP3_OPERATE, DNP3_SELECT } from './state-rules.checks.js';
import { procedureEvent } from './procedure.events.js';
import { flaggedResponse, rememberReply, remembersValues, valueRead } from './response.rules.js';

export interface GuardEngineOptions {
  policy: GuardPolicy;
  deviceId: string;
  grants?: readonly unknown[];
  /** The hub's Ed25519 public key; without it no grant is trusted. */
  grantKey?: GrantKey;
  learner?: TrafficLearner;
}

export interface Verdict {
  decision: Decision;
  events: GuardEvent[];
}

/**
 * Policy, grants, learner and memory for one device. `inspect` (requests) and `inspectReply`
 * (replies) are the single entry points the proxies and the capture inspector use: they
 * decide, remember what later decisions depend on, and produce the events to ship.
 */
export class GuardEngine {
  readonly learner: TrafficLearner;
  private currentPolicy: GuardPolicy;
  private book: GrantBook;
  private readonly deviceId: string;
  private key: GrantKey | undefined;
  private memory = new GuardMemory();

  constructor(opts: GuardEngineOptions) {
    this.currentPolicy = opts.policy;
    this.deviceId = opts.deviceId;
    this.key = opts.grantKey;
    this.learner = opts.learner ?? new TrafficLearner();
    this.book = new GrantBook(opts.grants ?? [], this.key, this.deviceId);
  }

  get policy(): GuardPolicy {
    return this.currentPolicy;
  }

  get grants(): GrantBook {
    return this.book;
  }

  /** Another policy version starts from an empty memory: rates and values remembered under the old one go. */
  setPolicy(policy: GuardPolicy): void {
    if (policy.version !== this.currentPolicy.version) this.memory = new GuardMemory();
    this.currentPolicy = policy;
  }

  /**
   * Replaces the grants; returns those refused (bad signature, other device, malformed).
   * When `key` is given it becomes the trusted key, for these grants and later ones.
   */
  setGrants(grants: readonly unknown[], key?: GrantKey): RejectedGrant[] {
    if (key !== undefined) this.key = key;
    this.book = new GrantBook(grants, this.key, this.deviceId);
    return [...this.book.rejected];
  }

  inspect(req: GuardRequest, ctx: SessionContext): Verdict {
    const policy = this.currentPolicy;
    const decision = evaluatePolicy(req, ctx, policy, this.book, this.memory);
    this.remember(req, ctx, decision);
    const events: GuardEvent[] = this.learner.observe(req, ctx.master).map((o) => this.learnEvent(o, ctx.nowMs));
    const traffic = this.trafficEvent(req, ctx, decision);
    if (traffic) events.push(traffic);
    if (decision.procedure) events.push(procedureEvent(req, ctx, decision, this.deviceId, this.currentPolicy.version));
    return { decision, events };
  }

  /** A reply from the device to `ctx.master`: values for later value rules, and response-rule events. */
  inspectReply(resp: GuardResponse, ctx: SessionContext): GuardResponseEvent[] {
    const policy = this.currentPolicy;
    if (remembersValues(policy)) rememberReply(resp, ctx.master, this.memory);
    const flagged = flaggedResponse(resp, policy);
    if (!flagged) return [];
    const event: GuardResponseEvent = {
      type: 'guard.response',
      ts: ctx.nowMs,
      deviceId: this.deviceId,
      protocol: resp.protocol,
      master: ctx.master,
      unit: resp.unit,
      fc: resp.fc,
      ...flagged,
      policyVersion: policy.version,
    };
    return [event];
  }

  // Every request counts against the rate limits it falls under; a read that reaches the device
  // is awaited, so its reply's values can be attributed.
  private remember(req: GuardRequest, ctx: SessionContext, d: Decision): void {
    const policy = this.currentPolicy;
    const limits = policy.rateLimits;
    if (limits && req.class !== 'malformed') {
      for (let i = 0; i < limits.length; i++)
        if (rateApplies(limits[i], req, ctx)) this.memory.spend(i, limits[i], ctx.master, req.fc, ctx.nowMs);
    }
    if (policy.selectBeforeOperate && req.protocol === 'dnp3') this.rememberSelect(req, ctx, d);
    const step = d.procedure;
    if (step?.id && step.advances && !step.refused && d.action !== 'block')
      this.memory.advanceProcedure(step.id, step.index + 1, ctx.nowMs);
    if (d.action === 'block' || !remembersValues(policy)) return;
    const read = valueRead(req);
    if (read && req.transactionId !== undefined) this.memory.expectRead(ctx.master, req.transactionId, read);
  }

  // A SELECT that reaches the outstation awaits its OPERATE; an OPERATE ends it.
  private rememberSelect(req: GuardRequest, ctx: SessionContext, d: Decision): void {
    if (req.fc === DNP3_OPERATE) this.memory.endSelection(ctx.master, req.unit);
    else if (req.fc === DNP3_SELECT && d.action !== 'block' && req.objectBytes && req.appSeq !== undefined)
      this.memory.select(ctx.master, req.unit, req.objectBytes, req.appSeq, ctx.nowMs);
  }

  private learnEvent(o: Observation, ts: number): GuardLearnEvent {
    return {
      type: `guard.${o.kind}`,
      ts,
      deviceId: this.deviceId,
      protocol: o.protocol,
      master: o.master,
      unit: o.unit,
      fc: o.fc,
    };
  }

  private trafficEvent(req: GuardRequest, ctx: SessionContext, d: Decision): GuardTrafficEvent | undefined {
    let type: GuardTrafficEvent['type'];
    if (req.class === 'malformed') type = 'guard.malformed';
    else if (d.action === 'block') type = 'guard.blocked';
    else if (d.action === 'alert') type = 'guard.alert';
    else if (req.class === 'write' || req.class === 'control') type = 'guard.write';
    else return undefined;
    return {
      type,
      ts: ctx.nowMs,
      deviceId: this.deviceId,
      protocol: req.protocol,
      master: ctx.master,
      ...(req.unit >= 0 ? { unit: req.unit } : {}),
      ...(req.fc >= 0 ? { fc: req.fc } : {}),
      class: req.class,
      ranges: [...req.ranges],
      action: d.action,
      violations: d.violations,
      policyVersion: this.currentPolicy.version,
      ...(req.values ? { valueCount: req.values.length } : req.points ? { valueCount: req.points.length } : {}),
      ...(d.reason ? { reason: d.reason } : req.malformed ? { reason: req.malformed } : {}),
      ...(d.grantIds ? { grantIds: d.grantIds } : {}),
      ...(d.states ? { states: d.states } : {}),
      ...(req.transactionId !== undefined ? { transactionId: req.transactionId } : {}),
      ...(req.appSeq !== undefined ? { appSeq: req.appSeq } : {}),
    };
  }
}
