import { GROUPS_ROUTES } from '@outpost/protocol';
import type { GroupRollup } from '../../app/route-types.js';
import { num } from '../../app/format.js';
import { Link, href, navigate, quote } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, PageHeader } from '../../ui/bits.js';
import { FirmwareByModel } from './firmware-by-model.js';
import { RenameGroup } from './rename-group.js';

const devicesWhere = (filter: string) => href('/devices', { filter });

function Tiles({ label, id, tiles }: { label: string; id: string; tiles: Array<[string, number, string]> }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{label}</h2>
      <div className="tiles" data-testid={id}>
        {tiles.map(([key, value, filter]) => (
          <Link key={key} to={devicesWhere(filter)} className={`tile tile-${key}`} data-testid={`${id}-${key}`}>
            <span className="tile-label">{key.replace('_', ' ')}</span>
            <span className="tile-value">{num(value)}</span>
          </Link>
        ))}
      </div>
    </section>
  );
}

function Counts({ id, label, counts }: { id: string; label: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{label}</h2>
      {entries.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <dl className="facts" data-testid={id}>
          {entries.map(([k, n]) => (
            <div key={k}>
              <dt>{k.replace('_', ' ')}</dt>
              <dd data-testid={`${id}-${k}`}>{num(n)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function Rollup({ r, filter }: { r: GroupRollup; filter: string }) {
  const presence: Array<[string, number, string]> = [
    ['online', r.presence.online, `${filter} and online`],
    ['offline', r.presence.offline, `${filter} and offline`],
    ['never_seen', r.presence.neverSeen, `${filter} and never_seen`],
    ['total', r.devices, filter],
  ];
  return (
    <>
      <Tiles id="group-presence" label="Devices" tiles={presence} />
      <div className="grid-2">
        <Counts id="group-health" label="Health" counts={r.health} />
        <Counts id="group-compliance" label="Configuration compliance" counts={r.compliance} />
      </div>
      <section className="card" aria-labelledby="group-alerts-title">
        <h2 id="group-alerts-title">Open alerts</h2>
        <p>
          <Link to={href('/alerts')} data-testid="group-alerts-open">
            {num(r.alerts.open)}
          </Link>{' '}
          open
          {Object.entries(r.alerts.bySeverity).map(([s, n]) => (
            <span key={s} className="muted">
              {' '}
              · {s}: {num(n)}
            </span>
          ))}
        </p>
      </section>
      <FirmwareByModel rows={r.firmware} scope={filter} title="Firmware per model" />
    </>
  );
}

/** One group: its roll-up (with subgroups), a link to its members, and renaming for admins. */
export function GroupPage({ path }: { path: string }) {
  const can = useCan();
  const group = useRoute(GROUPS_ROUTES.get, { params: { path } });
  const rollup = useRoute(GROUPS_ROUTES.rollup, { params: { path } });
  const filter = `group = ${quote(path)}`;
  return (
    <>
      <PageHeader
        title={`Group ${path}`}
        subtitle={
          group.data
            ? `${group.data.kind === 'dynamic' ? `Dynamic: ${group.data.filter}` : 'Static'}${group.data.description ? ` — ${group.data.description}` : ''}`
            : undefined
        }
        actions={
          <>
            <Link to={devicesWhere(filter)} className="button" data-testid="group-members">
              Members
            </Link>
            {can('admin') ? (
              <RenameGroup path={path} onRenamed={(to) => navigate(`/groups/${encodeURIComponent(to)}`)} />
            ) : null}
          </>
        }
      />
      <p>
        <Link to="/groups">All groups</Link>
      </p>
      <ErrorBox error={group.error ?? rollup.error} />
      {rollup.data ? <Rollup r={rollup.data} filter={filter} /> : rollup.loading ? <Loading /> : null}
    </>
  );
}
