import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ManifestBody } from '@outpost/protocol';
import { readJsonSync, writeJsonAtomic, writeJsonAtomicSync } from './atomic-json.js';
import type { BootOutcome, ImageSource, Installer } from './installer.port.js';

type Slot = 'a' | 'b';
interface AbState {
  /** The slot that boots when no trial is armed: always one that booted and passed before. */
  active: Slot;
  slots: Record<Slot, { version: string | null }>;
  /** An armed trial of the other slot, with the boots it has left (U-Boot's bootcount/bootlimit). */
  trial: { slot: Slot; jobId: string; bootsLeft: number } | null;
  booted: Slot;
  apps: Record<string, string>;
  /** Firmware images written so far (each install of a slot counts once). */
  installs?: number;
}

const other = (s: Slot): Slot => (s === 'a' ? 'b' : 'a');

/**
 * A simulated A/B installer. Its state is one JSON file written atomically at each step, so a
 * power loss at any point leaves a bootable slot: the active slot is only changed by `commit`,
 * after the new one booted and passed; an armed trial that never confirms runs out of boot
 * tries and the previous slot boots again (Mender/RAUC semantics).
 */
export function createAbInstaller(o: {
  dir: string;
  initialVersion: string;
  keepImages?: boolean;
  bootTries?: number;
  /** fsync each state change (a real disk); the simulator skips it. */ durable?: boolean;
}): Installer & { state(): Promise<AbState> } {
  const file = join(o.dir, 'ab-state.json');
  let st: AbState | null = null;
  const save = async (s: AbState) => {
    await writeJsonAtomic(file, s, o.durable ?? true);
    st = s;
  };
  function load(): AbState {
    st ??= readJsonSync<AbState>(file) ?? {
      active: 'a',
      slots: { a: { version: o.initialVersion }, b: { version: null } },
      trial: null,
      booted: 'a',
      apps: {},
    };
    return st;
  }
  const cur = () => {
    if (!st) throw new Error('the A/B installer has not booted');
    return st;
  };

  return {
    name: 'ab-simulated',
    state: async () => load(),
    boot(): BootOutcome {
      // Fresh from disk: a reboot is a new boot, whatever the process remembers.
      st = null;
      const s = load();
      const saveSync = (n: AbState) => {
        writeJsonAtomicSync(file, n, o.durable ?? true);
        st = n;
      };
      if (s.trial && s.trial.bootsLeft > 0) {
        const trial = { ...s.trial, bootsLeft: s.trial.bootsLeft - 1 };
        saveSync({ ...s, trial, booted: trial.slot });
        return { version: s.slots[trial.slot].version ?? 'unknown', trial: true, fellBack: false };
      }
      const fellBack = s.trial !== null;
      saveSync({ ...s, trial: null, booted: s.active });
      return { version: s.slots[s.active].version ?? 'unknown', trial: false, fellBack };
    },
    installedVersion(m) {
      const s = cur();
      return m.kind === 'firmware' ? s.slots[s.booted].version : (s.apps[m.name] ?? null);
    },
    async install(image: ImageSource, m: ManifestBody) {
      const s = cur();
      if (m.kind !== 'firmware') return;
      const target = other(s.booted);
      // Invalidate the slot first: a power loss while writing must not leave it looking valid.
      await save({ ...s, slots: { ...s.slots, [target]: { version: null } } });
      if (o.keepImages && image.open) {
        await mkdir(o.dir, { recursive: true });
        await pipeline(image.open(), createWriteStream(join(o.dir, `slot-${target}.img`)));
      }
      const installs = (cur().installs ?? 0) + 1;
      await save({ ...cur(), slots: { ...cur().slots, [target]: { version: m.version } }, installs });
    },
    async armTrial(jobId) {
      const s = cur();
      await save({ ...s, trial: { slot: other(s.booted), jobId, bootsLeft: o.bootTries ?? 3 } });
    },
    async commit(m) {
      const s = cur();
      if (m.kind !== 'firmware') return save({ ...s, apps: { ...s.apps, [m.name]: m.version } });
      await save({ ...s, active: s.booted, trial: null });
    },
    async rollback() {
      const s = cur();
      await save({ ...s, trial: null });
    },
    async revert(toVersion) {
      const s = cur();
      const prev = other(s.booted);
      if (s.slots[prev].version !== toVersion) return false;
      await save({ ...s, active: prev, trial: null });
      return true;
    },
  };
}

export async function removeSlotImages(dir: string) {
  await Promise.all(['a', 'b'].map((s) => rm(join(dir, `slot-${s}.img`), { force: true })));
}
