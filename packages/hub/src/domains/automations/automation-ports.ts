import type { CommandRecord } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DiagnosticResult } from '../diagnostics/index.js';
import type { AutomationsStore } from './automations.store.js';

// What the automations domain reaches outside itself, narrowed to what it uses. The hub's module
// list hands these in (hub-modules.ts); unit tests hand in plain fakes.

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
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}
