import type { AnyRuleType } from './rule-type.js';
import { offlineRule } from './offline.rule.js';
import { disconnectsRule } from './disconnects.rule.js';
import { metricRule } from './metric.rule.js';
import { missingDataRule } from './missing-data.rule.js';
import { certExpiryRule } from './cert-expiry.rule.js';
import { securityEventsRule } from './security-events.rule.js';
import { trafficVolumeRule } from './traffic-volume.rule.js';
import { trafficNewPortRule } from './traffic-new-port.rule.js';
import { healthStateRule } from './health-state.rule.js';
import { configDriftRule } from './config-drift.rule.js';
import { rolloutFailureRule } from './rollout-failure.rule.js';

// Every rule type the engine knows: one module each. A domain can also add its own at start
// with `alerts.registerType`.
export const BUILT_IN_RULE_TYPES: AnyRuleType[] = [
  offlineRule,
  disconnectsRule,
  metricRule,
  missingDataRule,
  certExpiryRule,
  securityEventsRule,
  trafficVolumeRule,
  trafficNewPortRule,
  healthStateRule,
  configDriftRule,
  rolloutFailureRule,
];

export type { AnyRuleType, RuleType, Observation, LoadContext, TrafficReader, TrafficStatus } from './rule-type.js';
export { defineRuleType, ParamReader } from './rule-type.js';
