import type { AutomationGuards, AutomationStep, AutomationTarget, AutomationTrigger } from '@outpost/protocol';
import { duration } from '../../app/format.js';

// One-line descriptions of an automation's parts, for tables and headings.

export const TRIGGER_LABELS: Record<AutomationTrigger['kind'], string> = {
  manual: 'By hand',
  cron: 'On a schedule (cron)',
  alert: 'An alert fires or resolves',
  device_event: 'A device event',
  offline: 'A device offline longer than…',
  health: 'A health condition',
  group_join: 'A device joins a group',
};

export const STEP_LABELS: Record<AutomationStep['type'], string> = {
  command: 'Command',
  reboot: 'Reboot',
  diagnostic: 'Diagnostic',
  wait: 'Wait',
  notify: 'Notify',
  config_override: 'Configuration override',
  enforce_template: 'Enforce template',
  rollout: 'Rollout',
};

const watching = (w: string | undefined) => (w ? ` (devices matching ${w})` : '');

export function triggerText(t: AutomationTrigger): string {
  switch (t.kind) {
    case 'manual':
      return 'by hand';
    case 'cron':
      return `cron ${t.cron} (${t.timezone})`;
    case 'alert':
      return `alert ${t.ruleId ?? t.ruleType ?? ''} ${t.on}${watching(t.watch)}`;
    case 'device_event':
      return `event ${t.eventType}${watching(t.watch)}`;
    case 'offline':
      return `offline > ${t.forMin} min${watching(t.watch)}`;
    case 'health':
      return `health ${t.status}${watching(t.watch)}`;
    case 'group_join':
      return `joins ${t.group}`;
  }
}

export function targetText(t: AutomationTarget): string {
  if (t.kind === 'trigger_device') return 'the triggering device';
  const parts = [t.group ? `group ${t.group}` : '', t.filter ? `filter ${t.filter}` : ''].filter(Boolean);
  return parts.join(' and ') || 'every device';
}

export function stepText(s: AutomationStep): string {
  switch (s.type) {
    case 'command':
      return `command ${s.name}${s.args ? ` ${JSON.stringify(s.args)}` : ''}`;
    case 'reboot':
      return 'reboot';
    case 'diagnostic':
      return `diagnostic ${s.name}${s.param ? ` ${s.param}` : ''}`;
    case 'wait':
      return `wait ${[s.forS !== undefined ? duration(s.forS) : '', s.until ? `until ${s.until.replace('_', ' ')}` : ''].filter(Boolean).join(' or ')}`;
    case 'notify':
      return `notify ${s.channelId}`;
    case 'config_override':
      return `override ${Object.keys(s.values).join(', ')}`;
    case 'enforce_template':
      return `enforce template ${s.templateId}`;
    case 'rollout':
      return `rollout of ${s.artifactId}`;
  }
}

export function guardsText(g: AutomationGuards): string {
  const w = g.maintenanceWindow;
  const parts = [
    g.maxDevices !== undefined ? `at most ${g.maxDevices} devices` : '',
    g.maxConcurrent !== undefined ? `${g.maxConcurrent} at once` : '',
    g.perMinute !== undefined ? `${g.perMinute} started per minute` : '',
    g.cooldownMin !== undefined ? `cool-down ${g.cooldownMin} min` : '',
    g.approvalAbove !== undefined ? `approval above ${g.approvalAbove} devices` : '',
    g.offline ? `offline devices: ${g.offline.replace('_', ' ')}` : '',
    g.pickUpWithinMin !== undefined ? `picked up within ${g.pickUpWithinMin} min` : '',
    w ? `window ${w.cron} for ${w.durationMin} min (${w.timezone})` : '',
  ];
  return parts.filter(Boolean).join(' · ') || 'defaults';
}
