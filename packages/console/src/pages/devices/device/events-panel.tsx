import { api } from '../../../app/api.js';
import { compactJson } from '../../../app/format.js';
import { useAsync } from '../../../app/use-async.js';
import { Empty, ErrorBox, Loading, Time } from '../../../ui/bits.js';

/** Events the device reported (ordered by its own sequence numbers), newest first. */
export function EventsPanel({ deviceId, version }: { deviceId: string; version: number }) {
  const ev = useAsync(() => api.devices.events(deviceId, 200), [deviceId, version]);
  if (ev.loading && !ev.data) return <Loading />;
  return (
    <>
      <ErrorBox error={ev.error} />
      {ev.data?.items.length === 0 ? <Empty>This device has reported no events.</Empty> : null}
      {ev.data && ev.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Type</th>
                <th scope="col">Severity</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {ev.data.items.map((e) => (
                <tr key={e.seq} className={e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined}>
                  <td className="num">{e.seq}</td>
                  <td>
                    <Time iso={e.ts} />
                  </td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>
                    <span className={`badge sev-${e.severity}`}>{e.severity}</span>
                  </td>
                  <td className="mono small">{compactJson(e.data, 160)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
