import type { DeviceScope, DeviceWhere, PresenceCounts } from '../devices/index.js';

// One group at a glance, for its console page: presence, health verdicts, compliance, open alerts
// and firmware per model, of the devices at or below the group that the caller may see. Each figure
// is one grouped SQL count over the group's filter (health verdicts are judged from each device's
// latest report by the health domain's rules, which is where they are defined).

export interface GroupRollupSources {
  presence(where: DeviceWhere | null): Promise<PresenceCounts>;
  firmwareByModel(
    limit: number,
    where: DeviceWhere | null,
  ): Promise<Array<{ model: string | null; firmware: string | null; devices: number }>>;
  openAlerts(where: DeviceWhere | null): Promise<Array<{ state: string; severity: string; n: unknown }>>;
  compliance(where: DeviceWhere | null): Promise<Record<string, number>>;
  health(scope: Pick<DeviceScope, 'narrow'>, filter: string): Promise<{ counts: Record<string, number> }>;
}

/** The most model/firmware pairs a roll-up lists. */
const FIRMWARE_ROWS = 200;

export async function groupRollup(
  src: GroupRollupSources,
  scope: DeviceScope,
  where: DeviceWhere | null,
  path: string,
) {
  const inScope = scope.narrow(where);
  const [presence, firmware, alerts, compliance, health] = await Promise.all([
    src.presence(inScope),
    src.firmwareByModel(FIRMWARE_ROWS, inScope),
    src.openAlerts(inScope),
    src.compliance(inScope),
    src.health(scope, `group = ${JSON.stringify(path)}`),
  ]);
  const bySeverity: Record<string, number> = {};
  let open = 0;
  for (const a of alerts) {
    bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + Number(a.n);
    open += Number(a.n);
  }
  return {
    path,
    devices: presence.total,
    presence: { online: presence.online, offline: presence.offline, neverSeen: presence.never_seen },
    health: health.counts,
    compliance,
    alerts: { open, bySeverity },
    firmware,
  };
}
