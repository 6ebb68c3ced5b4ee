import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { caRenewSpreadS } from '../../config/config.js';
import { caSetMigration } from './pki.migration.js';
import type { CaSet } from './ca-set.js';
import { createCaBundlePublisher } from './ca-bundle.publisher.js';
import { registerPkiRoutes } from './pki.routes.js';
import { createPkiService, type CaDependents } from './pki.service.js';

/** The hub's certificate authorities: the one that signs, those trusted while devices move off them, rotation. */
export const pkiModule = defineModule({
  name: 'pki',
  migrations: { '015_pki_ca_set': { up: caSetMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'clock' | 'config' | 'bus' | 'logger'> & {
      cas: CaSet;
      dependents: CaDependents;
      audit: AuditLog;
      stepUp: StepUp<Principal>;
    },
  ) {
    const pki = createPkiService({ ...d, disconnect: (id) => d.bus.disconnect(id) });
    const bundles = createCaBundlePublisher({ ...d, renewWithinS: caRenewSpreadS(d.config) });
    d.cas.onChange(async () => {
      const n = await bundles.broadcast();
      d.logger.info({ devices: n, active: d.cas.id }, 'CA set changed; trust bundle sent to the connected devices');
    });
    return {
      api: { pki, bundles },
      parts: {
        routes: (app) => registerPkiRoutes(app, pki, stepUpCheck(d.stepUp)),
        onDeviceReady: (id) => bundles.onReady(id),
        onDeviceOffline: (id) => bundles.onOffline(id),
      },
    };
  },
});
