import type { CommandRecord, RolloutInput } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DiagnosticResult } from '../diagnostics/index.js';
import type { AutomationsStore } from './automations.store.js';

// What the automations domain reaches outside itself, narrowed to what it uses. The hub's module
// list hands these in (automations-wiring.ts); unit tests hand in plain fakes.

/** A device as conditions and guards see it. */
export interface DeviceState {
  presence: 'online' | 'offline' | 'never_seen';
  lastSeenAt: string | null;
  /** The health verdict ('normal', 'warning', 'critical'), null when unknown. */
  health: string | null;
}

export interface AutomationDevices {
  /**
   * Every device id the filter selects (null = every device), narrowed to `within` groups when
   * given, and to `among` when given.
   */
  select(
    filter: string | null,
    within: readonly string[] | null,
    limit: number,
    among?: readonly string[],
  ): Promise<string[]>;
  /** Presence (and with `health`, the health verdict) of each id that exists. */
  states(ids: readonly string[], opts?: { health?: boolean }): Promise<Map<string, DeviceState>>;
  /** Checks a filter without running it (a HubError with the position of a mistake). */
  validateFilter(filter: string): Promise<void>;
}

export interface AutomationCommands {
  /** Stores command `id` for the device and publishes it when the device is reachable. */
  send(
    actor: Actor,
    deviceId: string,
    input: { id: string; name: string; args: Record<string, unknown>; timeoutS: number },
  ): Promise<void>;
  /** The command, or null when no command with that id was ever stored. */
  get(id: string): Promise<CommandRecord | null>;
}

export interface AutomationDiagnostics {
  runOn(
    deviceId: string,
    name: string,
    opts: { param?: string; timeoutMs?: number; actor: string; runId?: string },
  ): Promise<DiagnosticResult>;
}

export interface AutomationNotify {
  /** Queues a message on a channel; the id of the message. */
  send(channelId: string, summary: string, json: unknown): Promise<string>;
  channelExists(channelId: string): Promise<boolean>;
}

/** A device's compliance with one configuration source, as the configs domain evaluates it. */
export interface SourceCompliance {
  state: 'pending' | 'compliant' | 'drifted' | 'error';
  reason: string | null;
}

export interface AutomationConfigs {
  /**
   * Sets (a value) or clears (null) per-device overrides as the API does: keys and values checked,
   * against the device model's schema too; audited with `actor`; desired state republished.
   */
  applyOverrides(actor: Actor, deviceId: string, values: Record<string, unknown>): Promise<void>;
  /** The device's override values now (a sealed secret is `{ $secret: true }`). */
  overrides(deviceId: string): Promise<Record<string, unknown>>;
  /** The name of the template called `nameOrId` (by name, else by id), or null when none is. */
  templateName(nameOrId: string): Promise<string | null>;
  /** The API's push: the desired state re-sent with a new version, the device putting every differing key back. */
  enforce(actor: Actor, deviceId: string): Promise<void>;
  /** The device's compliance with a template (by name), or with its own overrides (`null`); null when not a source of it. */
  compliance(deviceId: string, template: string | null): Promise<SourceCompliance | null>;
}

/** A rollout as a rollout step sees it. */
export interface RolloutState {
  id: string;
  state: string;
  reason: string | null;
}

export interface AutomationRollouts {
  /** Creates a rollout (checked as the API checks one: a signed artifact, a valid target, its guards). */
  create(actor: Actor, input: RolloutInput): Promise<RolloutState>;
  /** The rollout of that name, or null: how a step finds the rollout it created before a restart. */
  byName(name: string): Promise<RolloutState | null>;
  get(id: string): Promise<RolloutState | null>;
}

/** Device events and alert changes, read after the fact by triggers. */
export interface TriggerSources {
  events(type: string, sinceIso: string, limit: number): Promise<Array<{ key: string; deviceId: string; at: string }>>;
  alertChanges(
    sinceIso: string,
    limit: number,
  ): Promise<
    Array<{
      alertId: string;
      ruleId: string;
      ruleType: string;
      deviceId: string;
      change: 'fired' | 'resolved';
      at: string;
    }>
  >;
}

export interface EngineDeps {
  store: AutomationsStore;
  devices: AutomationDevices;
  commands: AutomationCommands;
  /** Absent when this hub has no diagnostics: a diagnostic step then fails with that reason. */
  diagnostics?: AutomationDiagnostics;
  notify: AutomationNotify;
  /** Absent when this hub has no configuration domain: such steps then fail with that reason. */
  configs?: AutomationConfigs;
  /** Absent when this hub has no updates domain: a rollout step then fails with that reason. */
  rollouts?: AutomationRollouts;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}
