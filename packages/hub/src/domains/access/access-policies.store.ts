import type { AccessPolicy, Role } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { AccessPoliciesTable } from './access.tables.js';

export interface AccessPoliciesStore {
  insert(p: AccessPolicy): Promise<void>;
  update(p: AccessPolicy): Promise<void>;
  remove(id: string): Promise<void>;
  get(id: string): Promise<AccessPolicy | null>;
  byName(name: string): Promise<AccessPolicy | null>;
  list(): Promise<AccessPolicy[]>;
  /** Policies naming this device, and every group policy (membership is the selector's job). */
  candidates(deviceId: string): Promise<AccessPolicy[]>;
}

const toPolicy = (r: AccessPoliciesTable): AccessPolicy => ({
  id: r.id,
  name: r.name,
  deviceId: r.device_id,
  group: r.group_path,
  targets: JSON.parse(r.targets_json) as string[],
  roles: JSON.parse(r.roles_json) as Role[],
  maxDurationS: r.max_duration_s,
  requireReason: r.require_reason === 1,
  requireApproval: r.require_approval === 1,
  mfaMaxAgeS: r.mfa_max_age_s,
  maxConcurrent: r.max_concurrent,
  captureTcp: r.capture_tcp === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (p: AccessPolicy): AccessPoliciesTable => ({
  id: p.id,
  name: p.name,
  device_id: p.deviceId,
  group_path: p.group,
  targets_json: JSON.stringify(p.targets),
  roles_json: JSON.stringify(p.roles),
  max_duration_s: p.maxDurationS,
  require_reason: p.requireReason ? 1 : 0,
  require_approval: p.requireApproval ? 1 : 0,
  mfa_max_age_s: p.mfaMaxAgeS,
  max_concurrent: p.maxConcurrent,
  capture_tcp: p.captureTcp ? 1 : 0,
  created_by: p.createdBy,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export function createAccessPoliciesStore(db: Db): AccessPoliciesStore {
  return {
    async insert(p) {
      await db.insertInto('access_policies').values(toRow(p)).execute();
    },
    async update(p) {
      const { id, ...rest } = toRow(p);
      await db.updateTable('access_policies').set(rest).where('id', '=', id).execute();
    },
    async remove(id) {
      await db.deleteFrom('access_policies').where('id', '=', id).execute();
    },
    async get(id) {
      const r = await db.selectFrom('access_policies').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toPolicy(r) : null;
    },
    async byName(name) {
      const r = await db.selectFrom('access_policies').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toPolicy(r) : null;
    },
    async list() {
      return (await db.selectFrom('access_policies').selectAll().orderBy('name').execute()).map(toPolicy);
    },
    async candidates(deviceId) {
      const rows = await db
        .selectFrom('access_policies')
        .selectAll()
        .where((eb) => eb.or([eb('device_id', '=', deviceId), eb('group_path', 'is not', null)]))
        .execute();
      return rows.map(toPolicy);
    },
  };
}
