import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ManifestBody } from '@outpost/protocol';
import { readJsonSync, writeJsonAtomic, writeJsonAtomicSync } from './atomic-json.js';
import type { BootOutcome, ImageSource, Installer } from './installer.port.js';

export interface ScriptInstallerOptions {
  dir: string;
  /** The installing command; the image path is appended (e.g. `rauc install`, `swupdate -i`). */
  install: string[];
  /** Marks the running slot good after the health check (e.g. `rauc status mark-good`). */
  commit?: string[];
  /** Marks the trial bad so the bootloader falls back (e.g. `rauc status mark-bad`). */
  rollback?: string[];
  /** Switches to the other slot (e.g. `rauc status mark-active other`). */
  revert?: string[];
  /** Reads the running firmware version (stdout, first line); defaults to the version recorded at commit. */
  version?: string[];
  initialVersion: string;
  timeoutMs?: number;
}

interface ScriptState {
  firmware: string;
  pending: { jobId: string; version: string } | null;
  previous?: string;
  apps: Record<string, string>;
}

function run(cmd: string[], extra: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], [...cmd.slice(1), ...extra], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4096)));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4096)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd[0]} exited with ${code}: ${err.trim().slice(-300)}`)),
    );
  });
}

/**
 * Hands the verified image to an external tool (RAUC, SWUpdate, a vendor updater). The tool owns
 * the slots and the bootloader; this records which version is pending so the agent knows, after
 * the reboot, whether it runs the new image on trial.
 */
export function createScriptInstaller(o: ScriptInstallerOptions): Installer {
  const file = join(o.dir, 'script-state.json');
  let st: ScriptState = { firmware: o.initialVersion, pending: null, apps: {} };
  const timeout = o.timeoutMs ?? 30 * 60_000;
  const save = async (s: ScriptState) => {
    await writeJsonAtomic(file, s);
    st = s;
  };
  const env = (m: ManifestBody, image?: ImageSource) => ({
    OUTPOST_ARTIFACT_NAME: m.name,
    OUTPOST_ARTIFACT_VERSION: m.version,
    OUTPOST_ARTIFACT_KIND: m.kind,
    OUTPOST_ARTIFACT_SHA256: m.sha256,
    ...(image?.path ? { OUTPOST_IMAGE: image.path } : {}),
  });
  return {
    name: 'script',
    boot(): BootOutcome {
      st = readJsonSync<ScriptState>(file) ?? st;
      const running = o.version
        ? String(spawnSync(o.version[0], o.version.slice(1), { timeout: 10_000 }).stdout ?? '')
            .split('\n')[0]
            .trim() || st.firmware
        : st.firmware;
      if (!st.pending) return { version: running, trial: false, fellBack: false };
      // The tool booted the new image if the running version is the pending one.
      if (running === st.pending.version) return { version: running, trial: true, fellBack: false };
      st = { ...st, pending: null };
      // Written before boot returns, as the A/B installer does: a write left running could fail
      // unhandled, or land after (and over) the next step's state through the same temporary file.
      writeJsonAtomicSync(file, st);
      return { version: running, trial: false, fellBack: true };
    },
    installedVersion: (m) => (m.kind === 'firmware' ? st.firmware : (st.apps[m.name] ?? null)),
    async install(image, m) {
      if (!image.path) throw new Error('the script installer needs the image on disk');
      await run(o.install, [image.path], env(m, image), timeout);
      if (m.kind === 'firmware') await save({ ...st, pending: { jobId: '', version: m.version } });
    },
    async armTrial(jobId) {
      if (st.pending) await save({ ...st, pending: { ...st.pending, jobId } });
      // With o.version unset, the recorded version stands in for the tool's own report after reboot.
      if (!o.version && st.pending) await save({ ...st, previous: st.firmware, firmware: st.pending.version });
    },
    async commit(m) {
      if (m.kind !== 'firmware') return save({ ...st, apps: { ...st.apps, [m.name]: m.version } });
      if (o.commit) await run(o.commit, [], env(m), timeout);
      await save({ ...st, firmware: m.version, pending: null });
    },
    async rollback() {
      if (o.rollback) await run(o.rollback, [], {}, timeout);
      await save({ ...st, pending: null, firmware: !o.version && st.previous ? st.previous : st.firmware });
    },
    async revert(toVersion) {
      if (!o.revert) return false;
      await run(o.revert, [toVersion], {}, timeout);
      await save({ ...st, firmware: toVersion });
      return true;
    },
  };
}
