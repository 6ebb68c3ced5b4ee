import type { Readable } from 'node:stream';
import type { ManifestBody } from '@outpost/protocol';

/** The verified image, ready to be written. `open` is absent when the bytes were not kept (simulator). */
export interface ImageSource {
  path?: string;
  open?(): Readable;
  length: number;
  sha256: string;
}

/** What the boot decided: which version runs, whether it is an unconfirmed trial, whether a trial was abandoned. */
export interface BootOutcome {
  version: string;
  trial: boolean;
  /** The previous trial never confirmed within its boot tries: the old slot runs again. */
  fellBack: boolean;
}

/**
 * How an update lands on the device. Implementations: the simulated A/B installer (tests,
 * simulator) and the script installer (RAUC, SWUpdate, a vendor tool on a real device).
 */
export interface Installer {
  name: string;
  /** Called once per agent start, as a bootloader runs once per boot; synchronous, so hello reports the right version. */
  boot(): BootOutcome;
  /** Version that runs now (firmware), or the installed version of an app/file by name. */
  installedVersion(m: Pick<ManifestBody, 'kind' | 'name'>): string | null;
  /** Writes the image where the running system is not: the inactive slot, or the external tool. */
  install(image: ImageSource, m: ManifestBody, jobId: string): Promise<void>;
  /** Firmware: the next boot runs the new slot on trial. */
  armTrial(jobId: string): Promise<void>;
  /** The trial passed its health check: keep it. Apps/files: record the installed version. */
  commit(m: ManifestBody): Promise<void>;
  /** The trial failed: the next boot runs the previous slot. */
  rollback(): Promise<void>;
  /** Operator-ordered return to the previous slot, if it holds `toVersion`. */
  revert(toVersion: string): Promise<boolean>;
}
