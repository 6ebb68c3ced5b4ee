import type { Readable } from 'node:stream';
import type { ManifestBody } from '@outpost/protocol';
import type { AgentUpdateRecord } from './agent-update-record.js';

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

/** Where releases of the agent itself live: one directory (or entry) per version and a `current` pointer. */
export interface AgentReleases {
  /** Puts a verified release beside the installed ones, never over the running version. */
  unpack(image: ImageSource, m: ManifestBody): Promise<void>;
  /** Points `current` at an installed version in one step. */
  point(version: string): Promise<void>;
  /** Removes versions other than these two. */
  prune(keep: string[]): Promise<void>;
}

/**
 * The agent replacing itself (artifact kind `agent`): the new release lands beside the running
 * one, a pending record in the state directory says what runs on trial until when, and the
 * launcher the service manager runs takes a version back that does not start.
 */
export interface AgentSelfUpdate {
  /** The version this process runs. */
  version: string;
  /** The self-update record as it is now. */
  record(): AgentUpdateRecord | null;
  install(image: ImageSource, m: ManifestBody): Promise<void>;
  /** Writes the pending record (deadline from now), then points `current` at `next`. */
  arm(jobId: string, next: string, deadlineS: number): Promise<void>;
  /** The new version reconnected and passed its health check: it stays. */
  confirm(): Promise<void>;
  /** The running new version gives up: `current` goes back to the previous version, the record says why. */
  rollBack(reason: string): Promise<void>;
  /** An operator's revert of a confirmed update: `current` back to the version it replaced, if that is `toVersion`. */
  revert(jobId: string, toVersion: string): Promise<boolean>;
  /** Ends this run so the service manager starts the launcher (and so `current`) again. */
  restart(): Promise<void>;
}
