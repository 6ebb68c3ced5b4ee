import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceFacts, DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { createDiagnosticsExport } from './diagnostics.export.js';
import { diagnosticsTables } from './diagnostics.migration.js';
import { registerDiagnosticsRoutes } from './diagnostics.routes.js';
import { createDiagnosticsService, type DiagnosticsDeps } from './diagnostics.service.js';
import { createDiagnosticsStore } from './diagnostics.store.js';

/** Named diagnostics the agents declare, run on one device or many: per-device results, downloads, retention. */
export const diagnosticsModule = defineModule({
  name: 'diagnostics',
  migrations: { '026_diagnostics': diagnosticsTables },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger'> & {
      devices: DeviceDirectory;
      selector: DeviceSelector;
      facts: Pick<DeviceFacts, 'versions'>;
      isReady(deviceId: string): boolean;
      dispatchAndWait: DiagnosticsDeps['dispatchAndWait'];
      dropCommandOutput: DiagnosticsDeps['dropCommandOutput'];
      audit: AuditLog;
    },
  ) {
    const store = createDiagnosticsStore(d.db);
    const diagnostics = createDiagnosticsService({ ...d, store });
    const exports = createDiagnosticsExport(diagnostics, store);
    return {
      api: { diagnostics, runner: diagnostics.runner },
      parts: {
        routes: (app) => registerDiagnosticsRoutes(app, diagnostics, exports, d.clock),
        jobs: [{ name: 'diagnostics.housekeeping', everyMs: 600_000, run: () => diagnostics.housekeeping() }],
        stop: () => diagnostics.stop(),
      },
    };
  },
});
