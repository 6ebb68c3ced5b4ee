import type {
  Automation,
  AutomationChange,
  AutomationInput,
  AutomationRun,
  AutomationRunDevice,
  Schedule,
  ScheduleInput,
  ScheduleOccurrence,
} from '@outpost/protocol';
import { AUTOMATIONS_ROUTES as A } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Automations (trigger, target, steps, guards), their runs, and scheduled operations. */
export function automationsApi(r: RouteCaller) {
  return {
    automations: {
      list: () => r<{ items: Automation[] }>(A.list),
      /** The current version, or an older one by number. */
      get: (name: string, version?: number) => r<Automation>(A.get, { params: { name }, query: { version } }),
      create: (input: AutomationInput) => r<Automation>(A.create, { body: input }),
      /** Stores the document as the next version. */
      change: (name: string, input: AutomationChange) => r<Automation>(A.change, { params: { name }, body: input }),
      disable: (name: string) => r<Automation>(A.disable, { params: { name } }),
      enable: (name: string) => r<Automation>(A.enable, { params: { name } }),
      /** Starts a run now; with `dryRun` nothing is sent and the answer lists the devices a run would touch. */
      run: (name: string, o: { dryRun?: boolean; deviceId?: string } = {}) =>
        r<AutomationRun>(A.run, { params: { name }, body: o }),
      runs: (name: string, limit?: number) =>
        r<{ items: AutomationRun[] }>(A.runs, { params: { name }, query: { limit } }),
      runShow: (id: string) => r<AutomationRun>(A.runShow, { params: { id } }),
      runDevices: (id: string, q: { state?: string; limit?: number } = {}) =>
        r<{ items: AutomationRunDevice[] }>(A.runDevices, { params: { id }, query: q }),
      approveRun: (id: string) => r<AutomationRun>(A.approveRun, { params: { id } }),
      cancelRun: (id: string) => r<AutomationRun>(A.cancelRun, { params: { id } }),
    },
    schedules: {
      list: () => r<{ items: Schedule[] }>(A.schedules),
      create: (input: ScheduleInput) => r<Schedule>(A.createSchedule, { body: input }),
      remove: (id: string) => r<void>(A.deleteSchedule, { params: { id } }),
      /** The next occurrences across every schedule, soonest first. */
      upcoming: (limit?: number) => r<{ items: ScheduleOccurrence[] }>(A.upcoming, { query: { limit } }),
    },
  };
}
