import { api } from '../../app/api.js';
import { NOTIFICATIONS_ROUTES } from '@outpost/protocol';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';

type Letter = Awaited<ReturnType<typeof api.notifications.deadLetters>>['items'][number];

const COLUMNS = (nameOf: (id: string) => string): Column<Letter>[] => [
  { key: 'channel', header: 'Channel', className: 'strong', fit: 'nowrap', cell: (m) => nameOf(m.channelId) },
  {
    key: 'message',
    header: 'Message',
    cell: (m) => (
      <>
        <span className="badge">{m.kind}</span> {m.summary}
      </>
    ),
  },
  { key: 'queued', header: 'Queued', cell: (m) => <Time iso={m.createdAt} /> },
  { key: 'attempts', header: 'Attempts', align: 'right', cell: (m) => m.attempts },
  {
    key: 'error',
    header: 'Last error',
    className: 'small',
    cell: (m) => m.lastError ?? <span className="muted">–</span>,
  },
];

/** Messages a channel refused for good or that ran out of attempts; operators send one again. */
export function DeadLetters() {
  const dead = useRoute(NOTIFICATIONS_ROUTES.deadLetters);
  // Read again with every refresh: a channel made since the page opened names its letters too.
  const channels = useRoute(NOTIFICATIONS_ROUTES.channels, {}, [dead.data]);
  const act = useAction();
  const nameOf = (id: string) => channels.data?.items.find((c) => c.id === id)?.name ?? id;
  return (
    <section className="card" aria-labelledby="dead-letters-title">
      <div className="card-head">
        <h2 id="dead-letters-title">Dead letters</h2>
        <button type="button" className="secondary" onClick={dead.reload} disabled={dead.loading}>
          Refresh
        </button>
      </div>
      <ErrorBox error={dead.error ?? act.error} />
      {dead.loading && !dead.data ? <Loading /> : null}
      {dead.data?.items.length === 0 ? (
        <p className="muted">No dead letters: every message was delivered or is still being tried.</p>
      ) : null}
      <DataTable
        columns={COLUMNS(nameOf)}
        rows={dead.data?.items}
        rowKey={(m) => m.id}
        rowClass={() => 'row-bad'}
        actions={[
          {
            label: 'Retry',
            min: 'operator',
            name: (m) => `Retry message ${m.id} on ${nameOf(m.channelId)}`,
            disabled: () => act.busy,
            onClick: (m) => void act.perform(() => api.notifications.retry(m.id)).then((r) => r && dead.reload()),
          },
        ]}
        testId="dead-letters"
        bare
      />
    </section>
  );
}
