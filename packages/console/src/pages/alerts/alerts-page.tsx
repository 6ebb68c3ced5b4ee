import { ALERTS_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useLiveEvent } from '../../app/live.js';
import { PageHeader, TabPanel, Tabs } from '../../ui/bits.js';
import { AlertRules } from './alert-rules.js';
import { AlertList, SEVERITIES } from './alert-list.js';
import { AlertTimeline } from './alert-timeline.js';
import { Channels } from '../notifications/channels.js';
import { DeadLetters } from '../notifications/dead-letters.js';

const TABS = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'rules', label: 'Rules' },
  { id: 'notifications', label: 'Notifications' },
];

export function AlertsPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'alerts';
  const summary = useRoute(ALERTS_ROUTES.summary);
  useLiveEvent('alerts', (m) => summary.setData((d) => d && { ...d, ...m }));
  const s = summary.data;
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={
          s
            ? `${num(s.firing)} firing, ${num(s.acknowledged)} acknowledged · ${SEVERITIES.map((v) => `${num(s.bySeverity[v] ?? 0)} ${v}`).join(', ')}`
            : 'Rules watch the fleet; alerts are what they found.'
        }
      />
      <Tabs
        tabs={TABS}
        current={tab}
        onChange={(t) => navigate(href('/alerts', { tab: t === 'alerts' ? undefined : t }))}
        label="Alerts sections"
      />
      <TabPanel id={tab}>
        {tab === 'alerts' ? (
          <div className="stack">
            <AlertTimeline />
            <AlertList onChanged={summary.reload} />
          </div>
        ) : null}
        {tab === 'rules' ? <AlertRules /> : null}
        {tab === 'notifications' ? (
          <div className="stack">
            <Channels />
            <DeadLetters />
          </div>
        ) : null}
      </TabPanel>
    </>
  );
}
