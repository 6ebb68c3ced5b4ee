import type { GuardGrantRecord, GuardPolicyRecord, WriteGrant } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { GroupsStore } from '../groups/index.js';
import type { GuardStore } from './guard.store.js';
import type { GuardSigner } from './guard-signing.key.js';
import {
  documentHash,
  nextDocument,
  pathAndAncestors,
  pickPolicy,
  policyDoc,
  type ResolvedPolicy,
} from './guard-document.js';

// Computing and publishing the retained `guard/policy` document of many devices at once.
// Resolution reads the policies and memberships of a chunk of devices in a few queries
// (one per dynamic group that carries a policy), so a fleet-wide pass after a group's
// filter changed costs a few queries per thousand devices. A document is written and
// published only when its content hash changed. All document writes go through one queue,
// so two passes never race on a device's version.

const CHUNK = 1000;
const MAX_FLEET = 100_000;

export interface GuardSyncDeps {
  store: GuardStore;
  devices: DeviceDirectory;
  groups: GroupsStore;
  selector: DeviceSelector;
  bus: DeviceBus;
  clock: Clock;
  logger: Logger;
  signer(): Promise<GuardSigner>;
}

export type GuardSync = ReturnType<typeof createGuardSync>;

/** The grant as signed and sent: without the hub's bookkeeping. */
export const signedGrant = ({
  state: _s,
  createdAt: _c,
  revokedAt: _r,
  revokedBy: _b,
  revokeReason: _x,
  ...g
}: GuardGrantRecord): WriteGrant => g;

export function createGuardSync(d: GuardSyncDeps) {
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const next = tail.then(task, task);
    tail = next.catch(() => undefined);
    return next;
  }

  /** Of `ids`, the members of each dynamic group that carries a policy in force. */
  async function dynamicMembers(inForce: GuardPolicyRecord[], ids: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (inForce.length === 0) return out;
    for (const g of await d.groups.byPaths(inForce.map((r) => r.target))) {
      if (g.kind !== 'dynamic') continue;
      try {
        out.set(
          g.path,
          new Set(await d.devices.idsWithin(await d.selector.where(`group = ${JSON.stringify(g.path)}`), ids)),
        );
      } catch (err) {
        // A filter that no longer compiles (a group it names was deleted) selects nobody.
        d.logger.warn(
          { group: g.path, err: (err as Error).message },
          'dynamic group with a guard policy does not resolve',
        );
      }
    }
    return out;
  }

  async function resolveMany(ids: string[]): Promise<Map<string, ResolvedPolicy>> {
    const [own, paths, inForce] = await Promise.all([
      d.store.latestPolicies('device', ids),
      d.groups.pathsOf(ids),
      d.store.groupPoliciesInForce(),
    ]);
    const dynamic = await dynamicMembers(inForce, ids);
    const out = new Map<string, ResolvedPolicy>();
    for (const id of ids) {
      const mine = new Set((paths.get(id) ?? []).flatMap(pathAndAncestors));
      out.set(
        id,
        pickPolicy(
          own.get(id),
          inForce.filter((r) => mine.has(r.target) || dynamic.get(r.target)?.has(id)),
        ),
      );
    }
    return out;
  }

  async function publish(deviceId: string, doc: unknown): Promise<void> {
    try {
      await d.bus.publish(deviceId, 'guard/policy', doc, { retain: true, qos: 1 });
    } catch (err) {
      // The document is stored: the device gets it when it is next ready.
      d.logger.warn({ err, deviceId }, 'guard document not published');
    }
  }

  async function syncNow(ids: string[], republish: boolean): Promise<{ devices: number; changed: number }> {
    const key = await d.signer();
    let changed = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const nowIso = d.clock.now().toISOString();
      const [resolved, grants, docs] = await Promise.all([
        resolveMany(chunk),
        d.store.liveGrantsOf(chunk, nowIso),
        d.store.documents(chunk),
      ]);
      for (const id of chunk) {
        const policy = policyDoc(resolved.get(id)!);
        const live = (grants.get(id) ?? []).map(signedGrant).sort((a, b) => a.id.localeCompare(b.id));
        const prev = docs.get(id);
        if (!prev && !policy && live.length === 0) continue;
        const hash = documentHash(policy, live, key.publicPem, key.keyChain);
        if (prev && prev.hash === hash) {
          if (republish) await publish(id, JSON.parse(prev.json));
          continue;
        }
        const doc = key.signDocument(
          nextDocument(id, prev?.version, d.clock.now().getTime(), policy, live, key.publicPem, key.keyChain),
        );
        await d.store.saveDocument(id, {
          version: doc.version,
          hash,
          json: JSON.stringify(doc),
          publishedAt: d.clock.now().toISOString(),
        });
        await publish(id, doc);
        changed++;
      }
    }
    return { devices: ids.length, changed };
  }

  return {
    /** Recomputes these devices' documents; publishes the changed ones (and, with `republish`, the unchanged ones again). */
    sync: (ids: string[], republish = false) => serial(() => syncNow(ids, republish)),
    async resolve(deviceId: string): Promise<ResolvedPolicy> {
      return (await resolveMany([deviceId])).get(deviceId)!;
    },
    /** Every active device's document (after a key rotation, say): publishes only what changed. */
    async everything(): Promise<{ devices: number; changed: number }> {
      const ids = await d.devices.ids(await d.selector.where('not decommissioned'), MAX_FLEET);
      return serial(() => syncNow(ids, false));
    },
    /** After a membership change: recompute the devices named (or every active one) and publish only what changed. */
    async membershipChanged(change: readonly string[] | 'all'): Promise<{ devices: number; changed: number }> {
      const ids =
        change === 'all' ? await d.devices.ids(await d.selector.where('not decommissioned'), MAX_FLEET) : [...change];
      const r = await serial(() => syncNow(ids, false));
      d.logger.info(
        { scope: change === 'all' ? 'all' : 'devices', ...r },
        'guard documents recomputed after a membership change',
      );
      return r;
    },
  };
}
