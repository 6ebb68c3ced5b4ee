import { useState } from 'react';
import { AUTOMATIONS_ROUTES } from '@outpost/protocol';
import type { Schedule, ScheduleOccurrence } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { AsyncBlock } from '../../ui/async-block.js';
import { Empty, PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { ScheduleForm } from './schedule-form.js';

// The calendar shows days and times in the person's own time zone and language.
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Occurrences grouped by local day, soonest first. */
export function byDay(items: ScheduleOccurrence[]): Array<[string, ScheduleOccurrence[]]> {
  const days = new Map<string, ScheduleOccurrence[]>();
  for (const o of items) {
    const day = dayFormat.format(new Date(o.at));
    days.set(day, [...(days.get(day) ?? []), o]);
  }
  return [...days];
}

const ACTIONS: Record<string, string> = {
  command: 'command',
  reboot: 'reboot',
  config_override: 'configuration push',
  enforce_template: 'template enforcement',
};

function Upcoming() {
  const upcoming = useRoute(AUTOMATIONS_ROUTES.upcoming, { query: { limit: 100 } });
  return (
    <AsyncBlock state={upcoming}>
      {(d) =>
        d.items.length === 0 ? (
          <Empty>Nothing is scheduled.</Empty>
        ) : (
          <div className="calendar" data-testid="upcoming">
            {byDay(d.items).map(([day, items]) => (
              <section key={day} className="calendar-day" aria-label={day}>
                <h3>{day}</h3>
                <ul>
                  {items.map((o) => (
                    <li key={`${o.scheduleId}-${o.at}`} data-testid="occurrence" data-schedule={o.name}>
                      <time dateTime={o.at} className="calendar-time">
                        {timeFormat.format(new Date(o.at))}
                      </time>{' '}
                      <strong>{o.name}</strong> <span className="muted">{ACTIONS[o.action] ?? o.action}</span> on{' '}
                      <code>{o.target}</code>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )
      }
    </AsyncBlock>
  );
}

function whenText(s: Schedule): string {
  return s.at ? `once, ${new Date(s.at).toLocaleString()}` : `${s.cron} (${s.timezone})`;
}

function actionText(s: Schedule): string {
  const a = s.action;
  return a.type === 'command' ? `command ${a.name}` : (ACTIONS[a.type] ?? a.type);
}

const COLUMNS: Column<Schedule>[] = [
  {
    key: 'name',
    header: 'Schedule',
    cell: (s) => (
      <Link to={`/automations/${encodeURIComponent(`schedule.${s.name}`)}`} className="strong">
        {s.name}
      </Link>
    ),
  },
  { key: 'action', header: 'Action', cell: actionText },
  { key: 'when', header: 'When', cell: whenText },
  {
    key: 'target',
    header: 'On',
    cell: (s) => s.deviceId ?? [s.group ? `group ${s.group}` : '', s.filter ?? ''].filter(Boolean).join(' and '),
  },
  { key: 'offline', header: 'Offline devices', cell: (s) => (s.pickUpOffline ? 'picked up' : 'skipped') },
  {
    key: 'created',
    header: 'Created',
    cell: (s) => (
      <>
        <Time iso={s.createdAt} /> <span className="muted">by {s.createdBy}</span>
      </>
    ),
  },
];

/** Upcoming occurrences across every schedule, as a calendar, and the schedules themselves. */
export function SchedulesPage() {
  const can = useCan();
  const [creating, setCreating] = useState(false);
  const [generation, setGeneration] = useState(0);
  const list = useRoute(AUTOMATIONS_ROUTES.schedules, {}, [generation]);
  const refresh = () => setGeneration((g) => g + 1);
  return (
    <>
      <PageHeader
        title="Schedules"
        subtitle="Commands, reboots, configuration pushes and template enforcement at a time or on a cron. Times are shown in your time zone."
        actions={
          can('operator') ? (
            <button type="button" className="primary" data-mutates="" onClick={() => setCreating(true)}>
              New schedule…
            </button>
          ) : null
        }
      />
      <div className="stack">
        <section aria-labelledby="upcoming-h" className="card">
          <h2 id="upcoming-h">Upcoming</h2>
          <Upcoming key={generation} />
        </section>
        <section aria-labelledby="schedules-h" className="stack">
          <h2 id="schedules-h">All schedules</h2>
          <DataTable
            columns={COLUMNS}
            rows={list.data?.items}
            rowKey={(s) => s.id}
            loading={list.loading}
            error={list.error}
            testId="schedules-table"
            label="Schedules"
            empty="No schedules yet."
            actions={[
              {
                label: 'Delete',
                name: (s) => `Delete schedule ${s.name}`,
                min: 'operator',
                danger: true,
                confirm: (s) => ({
                  title: `Delete schedule ${s.name}?`,
                  body: <p>It will not run again. Its automation is disabled and keeps its runs.</p>,
                  confirmLabel: 'Delete schedule',
                  run: () => api.schedules.remove(s.id),
                  onDone: refresh,
                }),
              },
            ]}
          />
        </section>
      </div>
      {creating ? (
        <ScheduleForm
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            refresh();
          }}
        />
      ) : null}
    </>
  );
}
