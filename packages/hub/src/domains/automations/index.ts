// The automations domain's public face: automations (trigger, target, steps, guards), their
// durable runs, and scheduled operations built on them.
export type { AutomationsService } from './automations.service.js';
export type { SchedulesService } from './schedules.service.js';
export type {
  AutomationDevices,
  AutomationCommands,
  AutomationConfigs,
  AutomationNotify,
  AutomationRollouts,
  TriggerSources,
} from './automation-ports.js';
