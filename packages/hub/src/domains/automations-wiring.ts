import { narrowFilterText } from '../platform/scope-reach.js';
import type { automationsModule } from './automations/automations.module.js';
import type { AutomationConfigs } from './automations/index.js';
import type { configsModule } from './configs/configs.module.js';
import { createRolloutNameReads } from './updates/index.js';
import type { ComposeContext, DomainFoundation } from './domain-foundation.js';
import type { DeviceDomains } from './compose-device-domains.js';
import type { MonitoringDomains } from './compose-monitoring-domains.js';

type AutomationsDeps = Parameters<typeof automationsModule.create>[0];

/**
 * What automations act through: device selection and states, commands, configurations, rollouts,
 * notifications and the event sources their triggers follow, each the owning domain's.
 */
export function automationsWiring(
  ctx: ComposeContext,
  f: DomainFoundation,
  d: DeviceDomains,
  mon: MonitoringDomains,
): AutomationsDeps {
  const { selector, devicesStore, fleet, scopes, history } = f;
  const { audit, diagnostics, stepUp, commands, updates } = d;
  const { health, configs, notify, alerts } = mon;
  const rolloutNames = createRolloutNameReads(ctx.db);
  return {
    ...ctx,
    audit,
    diagnostics: diagnostics.runner,
    stepUp,
    devices: {
      async select(filter, within, limit, among) {
        const where = await selector.where(narrowFilterText(filter, within));
        return among ? devicesStore.idsWithin(where, [...among]) : devicesStore.ids(where, limit);
      },
      async states(ids, opts) {
        const devs = ids.length ? await fleet.devices(null, { ids: [...ids] }) : [];
        const verdicts = opts?.health ? await health.health.verdicts(devs) : null;
        return new Map(
          devs.map((dev) => [
            dev.id,
            {
              presence: dev.presence as 'online' | 'offline' | 'never_seen',
              lastSeenAt: dev.lastSeenAt,
              health: verdicts?.get(dev.id)?.state ?? null,
            },
          ]),
        );
      },
      validateFilter: (f) => selector.validate(f),
    },
    commands: {
      send: async (who, deviceId, input) => {
        await commands.send(who, scopes.all, { deviceId }, input);
      },
      get: (id) => commands.record(id),
    },
    configs: automationConfigs(configs),
    rollouts: {
      create: async (who, input) => {
        const r = await updates.rollouts.create(who, input, scopes.all);
        return { id: r.id, state: r.state, reason: r.reason };
      },
      byName: (name) => rolloutNames.byName(name),
      get: async (id) => {
        const r = await updates.rollouts.progress(id);
        return r ? { id: r.id, state: r.state, reason: r.reason } : null;
      },
    },
    notify: {
      send: (channelId, summary, json) =>
        notify.notifications.enqueue(channelId, 'automation', summary, {
          json,
          email: {
            subject: `[Outpost] ${summary.slice(0, 120)}`,
            text: summary,
            html: `<p>${escapeHtml(summary)}</p>`,
          },
        }),
      channelExists: async (id) => (await notify.notifications.missingChannels([id])).length === 0,
    },
    sources: {
      events: async (type, sinceIso, limit) =>
        (await history.events({ types: [type as `${string}`], sinceIso, limit })).map((e) => ({
          key: `${e.deviceId}:${e.seq}`,
          deviceId: e.deviceId,
          at: e.ts,
        })),
      alertChanges: async (sinceIso, limit) => {
        const rows = await alerts.store.listAlerts({ limit });
        const out = [];
        for (const r of rows) {
          if (r.fired_at >= sinceIso)
            out.push({
              alertId: r.id,
              ruleId: r.rule_id,
              ruleType: r.rule_type,
              deviceId: r.device_id,
              change: 'fired' as const,
              at: r.fired_at,
            });
          if (r.resolved_at && r.resolved_at >= sinceIso)
            out.push({
              alertId: r.id,
              ruleId: r.rule_id,
              ruleType: r.rule_type,
              deviceId: r.device_id,
              change: 'resolved' as const,
              at: r.resolved_at,
            });
        }
        return out;
      },
    },
  };
}

/** The configuration steps' port: the configs domain's device overrides, push and compliance, as the API uses them. */
function automationConfigs(configs: ReturnType<typeof configsModule.create>['api']): AutomationConfigs {
  const { deviceConfig, templates, compliance } = configs;
  const everyone = { unrestricted: true, groups: [] };
  const rowsOf = async (deviceId: string) =>
    (await compliance.list({ filter: `id = ${JSON.stringify(deviceId)}`, limit: 1000 })).items;
  const worst = ['error', 'drifted', 'pending', 'compliant'] as const;
  return {
    async applyOverrides(actor, deviceId, values) {
      const set = Object.entries(values).filter(([, v]) => v !== null);
      if (set.length) await deviceConfig.setOverrides(actor, deviceId, Object.fromEntries(set) as never);
      for (const [key] of Object.entries(values).filter(([, v]) => v === null))
        await deviceConfig.removeOverride(actor, deviceId, key).catch((err: unknown) => {
          // Clearing what is not there leaves the device as the step wants it.
          if ((err as { code?: string }).code !== 'not_found') throw err;
        });
    },
    async overrides(deviceId) {
      const view = await deviceConfig.view(deviceId);
      return Object.fromEntries(
        view.entries.filter((e) => e.source.kind === 'override').map((e) => [e.key, e.desired]),
      );
    },
    async templateName(nameOrId) {
      const { items } = await templates.list(everyone);
      return (items.find((t) => t.name === nameOrId) ?? items.find((t) => t.id === nameOrId))?.name ?? null;
    },
    enforce: async (actor, deviceId) => void (await deviceConfig.push(actor, deviceId)),
    async compliance(deviceId, template) {
      const rows = await rowsOf(deviceId);
      const own = template === null ? rows.filter((r) => r.template === 'device override') : [];
      const chosen = template !== null ? rows.filter((r) => r.template === template) : own.length ? own : rows;
      if (chosen.length === 0) return null;
      const r = chosen.sort((a, b) => worst.indexOf(a.state) - worst.indexOf(b.state))[0];
      return { state: r.state, reason: r.reason };
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
