import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import type {
  AutomationCommands,
  AutomationConfigs,
  AutomationDevices,
  AutomationDiagnostics,
  AutomationNotify,
  AutomationRollouts,
  TriggerSources,
} from './automation-ports.js';
import { automationsMigration } from './automations.migration.js';
import { registerAutomationRoutes } from './automations.routes.js';
import { createAutomationsService } from './automations.service.js';
import { createAutomationsStore } from './automations.store.js';
import { createRunEngine } from './run-engine.js';
import { createSchedulesService } from './schedules.service.js';
import { createTriggers } from './triggers.js';

/** Automations: triggers, steps and guards over devices, durable runs, and scheduled operations. */
export const automationsModule = defineModule({
  name: 'automations',
  migrations: { '028_automations': { up: automationsMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'events' | 'config'> & {
      devices: AutomationDevices;
      commands: AutomationCommands;
      diagnostics?: AutomationDiagnostics;
      notify: AutomationNotify;
      configs?: AutomationConfigs;
      rollouts?: AutomationRollouts;
      sources: TriggerSources;
      audit: AuditLog;
      stepUp: StepUp<Principal>;
    },
  ) {
    const store = createAutomationsStore(d.db);
    const engine = createRunEngine({ ...d, store });
    const automations = createAutomationsService({
      store,
      engine,
      devices: d.devices,
      channelExists: d.notify.channelExists,
      audit: d.audit,
      clock: d.clock,
    });
    const schedules = createSchedulesService({ store, automations, engine, audit: d.audit, clock: d.clock });
    const triggers = createTriggers({
      store,
      devices: d.devices,
      sources: d.sources,
      now: () => d.clock.now(),
      start: (a, t, actor) => engine.start(a, t, actor),
      missed: (a, at) =>
        d.logger.warn(
          { automation: a.name, at: at.toISOString() },
          'a scheduled occurrence was missed while the hub was down; not run late',
        ),
    });
    // Runs are moved by one tick at a time, on one replica (the hub's job gate).
    async function tick() {
      await triggers.tick(await store.enabled());
      await schedules.tick();
      await engine.tick();
    }
    return {
      api: { automations, schedules, tick },
      parts: {
        routes: (app) => registerAutomationRoutes(app, automations, schedules, stepUpCheck(d.stepUp)),
        // How often triggers are looked at and runs moved on: a step's stage changes at most once a tick.
        jobs: [{ name: 'automations.tick', everyMs: d.config.automationsTickMs, run: tick }],
      },
    };
  },
});
