import { api } from '../../app/api.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';

/** Messages a channel refused for good or that ran out of attempts; operators send one again. */
export function DeadLetters() {
  const can = useCan();
  const dead = useAsync(() => api.notifications.deadLetters(), []);
  // Read again with every refresh: a channel made since the page opened names its letters too.
  const channels = useAsync(() => api.channels.list(), [dead.data]);
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
      {dead.data?.items.length === 0 ? <p className="muted">No dead letters: every message was delivered or is still being tried.</p> : null}
      {dead.data && dead.data.items.length > 0 ? (
        <table className="data" data-testid="dead-letters">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Message</th>
              <th scope="col">Queued</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              {can('operator') ? (
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {dead.data.items.map((m) => (
              <tr key={m.id} className="row-bad">
                <td className="strong nowrap">{nameOf(m.channelId)}</td>
                <td>
                  <span className="badge">{m.kind}</span> {m.summary}
                </td>
                <td>
                  <Time iso={m.createdAt} />
                </td>
                <td className="num">{m.attempts}</td>
                <td className="small">{m.lastError ?? <span className="muted">–</span>}</td>
                {can('operator') ? (
                  <td className="actions">
                    <button type="button" className="link" data-mutates="" disabled={act.busy} aria-label={`Retry message ${m.id} on ${nameOf(m.channelId)}`} onClick={() => void act.perform(() => api.notifications.retry(m.id)).then((r) => r && dead.reload())}>
                      Retry
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
