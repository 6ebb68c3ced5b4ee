import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ManifestBody } from '@outpost/protocol';
import type { ImageSource, Installer } from './installer.port.js';

export interface InstallerSubject {
  /** One boot of the device: a new installer over the same storage (the caller then calls `boot()`). */
  start(): Installer;
  /** A verified image of this manifest's content, on disk. */
  image(m: ManifestBody): ImageSource;
  close(): Promise<void>;
}

export interface InstallerImplementation {
  name: string;
  /** A fresh device whose firmware is `initialVersion`. */
  open(initialVersion: string): Promise<InstallerSubject>;
}

export const manifest = (kind: ManifestBody['kind'], name: string, version: string): ManifestBody => ({
  type: 'manifest',
  name,
  version,
  kind,
  sha256: 'e'.repeat(64),
  length: 16,
  models: ['pump'],
  counter: 1,
  issuedAt: '2026-03-02T10:00:00Z',
  expires: '2027-03-02T10:00:00Z',
});

const FW1 = '1.0.0';
const FW2 = manifest('firmware', 'pump-fw', '2.0.0');
const APP = manifest('app', 'hmi', '3.1.0');

/** What every Installer promises: A/B-style trials of new firmware, commits, rollbacks, reverts, app versions. */
export function installerContract(impl: InstallerImplementation): void {
  describe(`Installer contract (${impl.name})`, () => {
    const subjects: InstallerSubject[] = [];
    const open = async () => {
      const s = await impl.open(FW1);
      subjects.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of subjects.splice(0)) await s.close();
    });
    const reboot = (s: InstallerSubject) => {
      const installer = s.start();
      return { installer, outcome: installer.boot() };
    };

    it('first boots the initial firmware, with no trial and no app installed', async () => {
      const s = await open();
      const { installer, outcome } = reboot(s);
      assert.equal(typeof installer.name, 'string');
      assert.ok(installer.name.length > 0);
      assert.deepEqual(outcome, { version: FW1, trial: false, fellBack: false });
      assert.equal(installer.installedVersion(FW2), FW1);
      assert.equal(installer.installedVersion(APP), null);
    });

    it('boots new firmware on trial after install and arm, and keeps it once committed', async () => {
      const s = await open();
      const first = reboot(s).installer;
      await first.install(s.image(FW2), FW2, 'job-1');
      await first.armTrial('job-1');
      const trial = reboot(s);
      assert.deepEqual(trial.outcome, { version: '2.0.0', trial: true, fellBack: false });
      assert.equal(trial.installer.installedVersion(FW2), '2.0.0');
      await trial.installer.commit(FW2);
      const after = reboot(s);
      assert.deepEqual(after.outcome, { version: '2.0.0', trial: false, fellBack: false });
      assert.equal(after.installer.installedVersion(FW2), '2.0.0');
      assert.deepEqual(reboot(s).outcome, { version: '2.0.0', trial: false, fellBack: false });
    });

    it('runs the previous firmware again after a trial is rolled back', async () => {
      const s = await open();
      const first = reboot(s).installer;
      await first.install(s.image(FW2), FW2, 'job-1');
      await first.armTrial('job-1');
      const trial = reboot(s);
      assert.equal(trial.outcome.trial, true);
      await trial.installer.rollback();
      const after = reboot(s);
      assert.equal(after.outcome.version, FW1);
      assert.equal(after.outcome.trial, false);
      assert.equal(after.installer.installedVersion(FW2), FW1);
    });

    it('keeps running the current firmware when an installed image was never armed', async () => {
      const s = await open();
      const first = reboot(s).installer;
      await first.install(s.image(FW2), FW2, 'job-1');
      const after = reboot(s);
      assert.equal(after.outcome.version, FW1);
      assert.equal(after.outcome.trial, false);
    });

    it("records an app's version at commit, across reboots, leaving the firmware alone", async () => {
      const s = await open();
      const first = reboot(s).installer;
      await first.install(s.image(APP), APP, 'job-app');
      await first.commit(APP);
      assert.equal(first.installedVersion(APP), '3.1.0');
      assert.equal(first.installedVersion(manifest('app', 'other', '1.0.0')), null);
      const after = reboot(s);
      assert.deepEqual(after.outcome, { version: FW1, trial: false, fellBack: false });
      assert.equal(after.installer.installedVersion(APP), '3.1.0');
    });

    it("reverts to the previous firmware on an operator's order", async () => {
      const s = await open();
      const first = reboot(s).installer;
      await first.install(s.image(FW2), FW2, 'job-1');
      await first.armTrial('job-1');
      const trial = reboot(s).installer;
      await trial.commit(FW2);
      const running = reboot(s).installer;
      assert.equal(await running.revert(FW1), true);
      const after = reboot(s);
      assert.deepEqual(after.outcome, { version: FW1, trial: false, fellBack: false });
      assert.equal(after.installer.installedVersion(FW2), FW1);
    });
  });
}
