import { SCHEMA_VERSION, type AlertNotification, type NotifiedAlert } from '@outpost/protocol';
import type { MessageBody } from './outbox.store.js';

// A digest lists this many alert changes; the rest are counted. Keeps a message readable and small.
export const MAX_LISTED = 200;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function counts(items: NotifiedAlert[]) {
  const c = { fired: 0, resolved: 0, flapping: 0 };
  for (const i of items) c[i.event]++;
  return c;
}

/** "device offline ×30, metric threshold ×2" — what the digest is about, most frequent first. */
function topics(items: NotifiedAlert[]): string {
  const byRule = new Map<string, number>();
  for (const i of items) byRule.set(i.rule.name, (byRule.get(i.rule.name) ?? 0) + 1);
  const parts = [...byRule].sort((a, b) => b[1] - a[1]).map(([n, k]) => (k > 1 ? `${n} ×${k}` : n));
  return parts.slice(0, 4).join(', ') + (parts.length > 4 ? `, +${parts.length - 4} more rules` : '');
}

export function summarize(items: NotifiedAlert[]): string {
  if (items.length === 1) {
    const i = items[0];
    return `[${i.severity.toUpperCase()}] ${i.event === 'resolved' ? 'RESOLVED' : i.event === 'flapping' ? 'FLAPPING' : 'FIRING'}: ${i.rule.name} on ${i.device.name}`;
  }
  const c = counts(items);
  const worst = items.some((i) => i.severity === 'critical' && i.event !== 'resolved')
    ? 'CRITICAL'
    : items.some((i) => i.severity === 'warning' && i.event !== 'resolved')
      ? 'WARNING'
      : 'INFO';
  const what = [
    c.fired && `${c.fired} firing`,
    c.flapping && `${c.flapping} flapping`,
    c.resolved && `${c.resolved} resolved`,
  ]
    .filter(Boolean)
    .join(', ');
  const devices = new Set(items.map((i) => i.device.id)).size;
  return `[${worst}] ${what} on ${devices} device${devices === 1 ? '' : 's'}: ${topics(items)}`;
}

function textBody(n: AlertNotification): string {
  const lines = [n.summary, ''];
  for (const a of n.alerts)
    lines.push(
      `${a.event.toUpperCase().padEnd(8)} ${a.severity.padEnd(8)} ${a.device.name} (${a.device.id}) — ${a.rule.name}: ${a.text}\n         since ${a.since} · ${a.device.url}`,
    );
  if (n.omitted) lines.push('', `… and ${n.omitted} more alert changes; see the hub's alert list.`);
  return lines.join('\n');
}

function htmlBody(n: AlertNotification): string {
  const rows = n.alerts
    .map(
      (a) =>
        `<tr><td>${esc(a.event)}</td><td>${esc(a.severity)}</td><td><a href="${esc(a.device.url)}">${esc(a.device.name)}</a></td><td>${esc(a.rule.name)}</td><td>${esc(a.text)}</td><td>${esc(a.since)}</td></tr>`,
    )
    .join('');
  const more = n.omitted ? `<p>… and ${n.omitted} more alert changes.</p>` : '';
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${esc(n.summary)}</h2><table border="1" cellpadding="4" cellspacing="0"><tr><th>event</th><th>severity</th><th>device</th><th>rule</th><th>what</th><th>since</th></tr>${rows}</table>${more}</body></html>`;
}

/** One message for every alert change a channel collected in its digest window. */
export function composeAlerts(
  id: string,
  createdAt: string,
  items: NotifiedAlert[],
): { kind: 'alerts'; summary: string; body: MessageBody } {
  const summary = summarize(items);
  const notification: AlertNotification = {
    v: SCHEMA_VERSION,
    id,
    type: 'alerts',
    createdAt,
    summary,
    counts: counts(items),
    alerts: items.slice(0, MAX_LISTED),
    omitted: Math.max(0, items.length - MAX_LISTED),
  };
  return {
    kind: 'alerts',
    summary,
    body: {
      json: notification,
      email: { subject: summary.slice(0, 200), text: textBody(notification), html: htmlBody(notification) },
    },
  };
}
