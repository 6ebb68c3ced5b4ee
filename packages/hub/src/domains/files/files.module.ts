import { join } from 'node:path';
import { FILES_COMMAND, type FilesCommandArgs } from '@outpost/protocol';
import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceSelector } from '../devices/index.js';
import type { DeviceAdmission } from '../enrollment/index.js';
import type { HubContext } from '../hub-context.js';
import { registerDeviceLinkRoutes } from './device-link.routes.js';
import { createFilePullsService } from './file-pulls.service.js';
import { createFileSpool } from './file-spool.js';
import type { BlobStore } from '../../platform/blob-store.js';
import { filesMigration } from './files.migration.js';
import { registerFilesRoutes } from './files.routes.js';
import { createFilesService } from './files.service.js';
import { createFilesStore } from './files.store.js';
import { createOpenTransfers } from './open-transfers.js';

// Limits of the hub's side (docs/DEVICE-FILES.md): one file, the spool all transfers share, how
// many devices a pull asks at once and how long its archive is kept.
const MAX_FILE_BYTES = 256 * 1024 ** 2;
const SPOOL_QUOTA_BYTES = 2 * 1024 ** 3;
const PULL_CONCURRENCY = 16;
const PULL_MAX_DEVICES = 1000;
const PULL_TTL_MS = 60 * 60_000;
const ANSWER_TIMEOUT_MS = 30_000;
const TRANSFER_TIMEOUT_MS = 10 * 60_000;

/** Files in the directories devices declare: browse, download, upload, delete, bulk pulls into one ZIP. */
export const filesModule = defineModule({
  name: 'files',
  migrations: { '027_device_files': { up: filesMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config' | 'endpoints'> & {
      devices: DeviceDirectory;
      selector: DeviceSelector;
      isReady(deviceId: string): boolean;
      /** Collected files of bulk pulls, readable by every replica. */
      blobs: BlobStore;
      /** Sends the `files` command (the commands domain records and delivers it). */
      sendCommand(
        actor: Actor,
        deviceId: string,
        name: string,
        args: FilesCommandArgs,
        timeoutS: number,
      ): Promise<void>;
      admission: Pick<DeviceAdmission, 'admitDevice' | 'onRefused'>;
      /** The trusted CA certificates (several while the CA rotates): device certificates must chain to one. */
      ca: { certPem: string };
      audit: AuditLog;
      stepUp: StepUp<Principal>;
    },
  ) {
    const store = createFilesStore(d.db);
    const transfers = createOpenTransfers(d.clock);
    const spool = createFileSpool(join(d.config.dataDir, 'file-spool'), {
      maxFileBytes: MAX_FILE_BYTES,
      quotaBytes: SPOOL_QUOTA_BYTES,
    });
    const files = createFilesService({
      store,
      transfers,
      spool,
      isReady: d.isReady,
      sendCommand: (actor, id, args, timeoutS) => d.sendCommand(actor, id, FILES_COMMAND, args, timeoutS),
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      hubUrl: () => d.endpoints().httpUrl,
      answerTimeoutMs: ANSWER_TIMEOUT_MS,
      transferTimeoutMs: TRANSFER_TIMEOUT_MS,
    });
    const pulls = createFilePullsService({
      files,
      store,
      spool,
      blobs: d.blobs,
      devices: d.devices,
      selector: d.selector,
      isReady: d.isReady,
      audit: d.audit,
      clock: d.clock,
      logger: d.logger,
      concurrency: PULL_CONCURRENCY,
      maxDevices: PULL_MAX_DEVICES,
      ttlMs: PULL_TTL_MS,
      transferTimeoutMs: TRANSFER_TIMEOUT_MS,
    });
    return {
      api: { files, pulls, spool },
      parts: {
        routes(app) {
          registerFilesRoutes(app, files, pulls, stepUpCheck(d.stepUp), MAX_FILE_BYTES);
          registerDeviceLinkRoutes(app, files, d.admission, { ca: d.ca, clock: d.clock, maxFileBytes: MAX_FILE_BYTES });
        },
        jobs: [{ name: 'files.expirePulls', everyMs: 60_000, run: () => pulls.expire() }],
        stop: () => transfers.closeAll(),
      },
    };
  },
});
