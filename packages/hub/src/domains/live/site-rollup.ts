import type { DeviceFacts, DeviceScope } from '../devices/index.js';

// The dashboard's roll-up per site: a site is a device's `site` tag, as the alert list groups by
// it. Presence and open alerts are grouped SQL counts; critical devices (health verdict `error`) come
// from the health domain's verdicts, asked once per site shown.

/** The most sites one roll-up lists, the largest first. */
export const MAX_SITES = 50;

export interface SiteRollupSources {
  facts: Pick<DeviceFacts, 'sitePresence' | 'firmwareByModel'>;
  openAlertsPerSite(scope: DeviceScope): Promise<Map<string | null, number>>;
  /** Devices whose health verdict is `error` among those `filter` selects in the scope. */
  critical(scope: DeviceScope, filter: string): Promise<number>;
}

export const siteFilter = (site: string | null) =>
  site === null ? 'not tag.site exists' : `tag.site = ${JSON.stringify(site)}`;

export async function siteRollup(src: SiteRollupSources, scope: DeviceScope) {
  const [presence, alerts, firmware] = await Promise.all([
    src.facts.sitePresence(MAX_SITES, scope.where),
    src.openAlertsPerSite(scope),
    src.facts.firmwareByModel(200, scope.where),
  ]);
  const sites = [];
  for (const p of presence)
    sites.push({
      site: p.site,
      filter: siteFilter(p.site),
      devices: p.total,
      online: p.online,
      offline: p.offline,
      neverSeen: p.neverSeen,
      critical: await src.critical(scope, siteFilter(p.site)),
      openAlerts: alerts.get(p.site) ?? 0,
    });
  return { sites, firmware };
}
