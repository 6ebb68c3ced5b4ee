import type { GuardRequest } from '../shared/guard.types.js';
import type { GuardEvent, GuardLearnEvent, GuardTrafficEvent } from '../events/guard-event.types.js';
import type { Decision, GuardPolicy, SessionContext } from './policy.types.js';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook, type RejectedGrant } from './grant.book.js';
import type { GrantKey } from './grant.signature.js';
import { TrafficLearner, type Observation } from './traffic.learner.js';

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
 * Policy, grants and learner for one device. `inspect` is the single entry point the
 * proxies and the capture inspector use: it decides and produces the events to ship.
 */
export class GuardEngine {
  readonly learner: TrafficLearner;
  private currentPolicy: GuardPolicy;
  private book: GrantBook;
  private readonly deviceId: string;
  private key: GrantKey | undefined;

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

  setPolicy(policy: GuardPolicy): void {
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
    const decision = evaluatePolicy(req, ctx, this.currentPolicy, this.book);
    const events: GuardEvent[] = this.learner.observe(req, ctx.master).map((o) => this.learnEvent(o, ctx.nowMs));
    const traffic = this.trafficEvent(req, ctx, decision);
    if (traffic) events.push(traffic);
    return { decision, events };
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
      ...(req.values ? { valueCount: req.values.length } : {}),
      ...(d.reason ? { reason: d.reason } : req.malformed ? { reason: req.malformed } : {}),
      ...(d.grantIds ? { grantIds: d.grantIds } : {}),
      ...(req.transactionId !== undefined ? { transactionId: req.transactionId } : {}),
      ...(req.appSeq !== undefined ? { appSeq: req.appSeq } : {}),
    };
  }
}
