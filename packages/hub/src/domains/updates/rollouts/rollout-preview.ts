import type { ArtifactRecord, RolloutOptions, RolloutPreview } from '@outpost/protocol';
import type { DeviceDirectory, DeviceSelector } from '../../devices/index.js';
import { preflight, type SentRoots } from './job-dispatch.js';
import { MAX_TARGETS, targetFilter, type RolloutTargetReach } from './rollout-engine.js';
import { planWaves } from './rollout-plan.js';
import type { RolloutsStore } from './rollouts.store.js';

const LISTED = 200;

/**
 * What a rollout would do now, with nothing created or sent: the devices its target matches, the
 * waves they fall into, and for each device the same preflight the dispatcher makes (model,
 * version already there or newer, minimum version, an update trust root the device can reach), so a
 * skip shows before the start with its reason and what fixes it.
 */
export async function previewRollout(
  d: {
    selector: DeviceSelector;
    devices: DeviceDirectory;
    store: Pick<RolloutsStore, 'deviceFacts'>;
    /** The roots jobs carry: a device that could not verify the release with them is skipped. */
    roots: SentRoots;
  },
  a: ArtifactRecord,
  target: RolloutTargetReach,
  options: RolloutOptions,
): Promise<RolloutPreview> {
  const ids = (await d.devices.ids(await d.selector.where(targetFilter(target)), MAX_TARGETS)).sort();
  const facts = await d.store.deviceFacts(ids);
  const out: RolloutPreview = {
    artifact: { name: a.name, version: a.version, kind: a.kind },
    total: ids.length,
    willUpdate: 0,
    waiting: 0,
    skipped: {},
    waves: planWaves(ids.length, options.waves),
    devices: [],
    truncated: ids.length > LISTED,
  };
  for (const id of ids) {
    const verdict = preflight(a, facts.get(id), d.roots);
    const row: RolloutPreview['devices'][number] =
      verdict === 'wait'
        ? { id, outcome: 'waiting' }
        : verdict
          ? { id, outcome: 'skipped', reason: verdict.reason, detail: verdict.detail }
          : { id, outcome: 'update' };
    if (row.outcome === 'update') out.willUpdate++;
    else if (row.outcome === 'waiting') out.waiting++;
    else out.skipped[row.reason!] = (out.skipped[row.reason!] ?? 0) + 1;
    if (out.devices.length < LISTED) out.devices.push(row);
  }
  return out;
}
